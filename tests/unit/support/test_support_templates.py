"""The request-for-support pages keep their ids, field names and wiring now that GOV.UK component
macros draw them."""

from __future__ import annotations

from typing import Any

import html5lib
import jinja2

from familyhubs_sdk.rendering import Renderer

RENDERER = Renderer(undefined=jinja2.StrictUndefined)


def _parse(html: str) -> Any:
    return html5lib.parseFragment(html, treebuilder="etree", namespaceHTMLElements=False)


def _text(element: Any) -> str:
    return " ".join("".join(element.itertext()).split())


def _evidence_page(**changes: Any) -> dict[str, Any]:
    page = {
        "back_href": None,
        "errors": [],
        "progress": None,
        "caption": None,
        "files": [],
        "action": "/rs/evidence",
        "csrf_field": "csrf",
        "csrf_token": "t0k3n",
        "accept": ".pdf,.jpg",
        "hint": "PDF or JPG, up to 10MB each",
        "error": None,
    }
    return page | changes


def test_the_evidence_upload_keeps_its_id_name_and_wiring() -> None:
    html = RENDERER.render("familyhubs/support/evidence.html", page=_evidence_page())
    (upload,) = [i for i in _parse(html).iter("input") if i.get("type") == "file"]
    assert (upload.get("id"), upload.get("name"), upload.get("accept")) == (
        "evidence",
        "evidence",
        ".pdf,.jpg",
    )
    assert upload.get("multiple") is not None
    assert upload.get("aria-describedby") == "evidence-hint"
    (label,) = _parse(html).iter("label")
    assert (label.get("for"), _text(label)) == ("evidence", "Add a file")


def test_an_evidence_error_is_wired_to_the_upload() -> None:
    page = _evidence_page(
        error="The selected file must be smaller than 10MB",
        files=[{"id": "f1", "name": "letter.pdf", "size": "12 KB"}],
    )
    tree = _parse(RENDERER.render("familyhubs/support/evidence.html", page=page))
    (upload,) = [i for i in tree.iter("input") if i.get("type") == "file"]
    assert upload.get("aria-describedby") == "evidence-hint evidence-error"
    assert "govuk-file-upload--error" in upload.get("class").split()
    (error,) = [p for p in tree.iter("p") if p.get("id") == "evidence-error"]
    assert _text(error) == "Error: The selected file must be smaller than 10MB"
    assert _text(next(iter(tree.iter("label")))) == "Add another file"
    removes = [b for b in tree.iter("button") if b.get("name") == "remove"]
    assert [(b.get("value"), _text(b)) for b in removes] == [("f1", "Remove letter.pdf")]


def test_the_task_list_keeps_its_status_ids_and_tags() -> None:
    tasks = [
        {"title": "Before you start", "status": "completed", "href": "/rs/a"},
        {"title": "About you", "status": "not_started", "href": "/rs/b"},
        {"title": "The family", "status": "cannot_start", "href": None},
    ]
    tree = _parse(
        RENDERER.render("familyhubs/support/task_list.html", page={"heading": "H", "tasks": tasks})
    )
    links = list(tree.iter("a"))
    assert [a.get("aria-describedby") for a in links] == ["task-1-status", "task-2-status"]
    statuses = [d for d in tree.iter("div") if (d.get("id") or "").endswith("-status")]
    assert [(d.get("id"), _text(d)) for d in statuses] == [
        ("task-1-status", "Completed"),
        ("task-2-status", "Not yet started"),
        ("task-3-status", "Cannot start yet"),
    ]
    assert [s.get("class") for s in tree.iter("strong")] == ["govuk-tag govuk-tag--blue"]
    assert "govuk-task-list__status--cannot-start-yet" in statuses[2].get("class")
