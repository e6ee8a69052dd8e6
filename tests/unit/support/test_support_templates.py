"""The request-for-support pages keep their ids, field names and wiring now that GOV.UK component
macros draw them."""

from __future__ import annotations

from typing import Any

import html5lib
import jinja2

from familyhubs_sdk.rendering import Renderer
from familyhubs_sdk.support.evidence import EvidenceRules
from familyhubs_sdk.support.evidence._rules import UploadProblem

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
        "extensions": ["PDF", "JPG"],
        "max_file_size": "10MB",
        "max_files": 5,
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
        error=UploadProblem.of("too_large", EvidenceRules()),
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


def test_the_evidence_page_words_its_hint_and_the_no_file_error() -> None:
    tree = _parse(RENDERER.render("familyhubs/support/evidence.html",
                                  page=_evidence_page(error=UploadProblem.of(
                                      "no_file", EvidenceRules()))))  # fmt: skip
    (hint,) = [d for d in tree.iter("div") if d.get("id") == "evidence-hint"]
    assert _text(hint) == "PDF, JPG. Each file must be smaller than 10MB; up to 5 files."
    (error,) = [p for p in tree.iter("p") if p.get("id") == "evidence-error"]
    assert _text(error) == "Error: Select a file"


def test_check_answers_words_the_evidence_row() -> None:
    def evidence_row(files: list[dict[str, str]]) -> tuple[str, str, str]:
        section = {"title": None, "evidence": True, "files": files, "change_href": "/rs/evidence"}
        page = {"sections": [section], "declaration": None, "back_href": None, "errors": [],
                "progress": None, "caption": None, "action": "/rs/check", "csrf_field": "csrf",
                "csrf_token": "t"}  # fmt: skip
        tree = _parse(RENDERER.render("familyhubs/support/check_answers.html", page=page))
        (key,) = [_text(e) for e in tree.iter("dt")]
        (value,) = [_text(e) for e in tree.iter("dd") if "__value" in e.get("class")]
        (change,) = [_text(a) for a in tree.iter("a") if a.get("href") == "/rs/evidence"]
        return key, value, change

    two = [{"name": "letter.pdf", "size": "12 KB"}, {"name": "photo.jpg", "size": "1 MB"}]
    assert evidence_row(two) == ("Files", "letter.pdf (12 KB); photo.jpg (1 MB)", "Change files")
    assert evidence_row([]) == ("Files", "No files added", "Change files")
