"""SupportRequest: the snapshot of what was sent, its published JSON Schema and its renderings."""

from __future__ import annotations

import json
from datetime import UTC, date, datetime
from pathlib import Path

import html5lib
import jsonschema
import pytest
from pydantic import ValidationError
from tests.helpers.schemas import schema_meaning

from familyhubs_sdk.questiontree import answer, start
from familyhubs_sdk.support import default_tree
from familyhubs_sdk.support.requests._request import (
    EvidenceSummary,
    SupportRequest,
    render_request_html,
    request_json_schema,
    request_text,
    snapshot,
)

SCHEMA = Path(__file__).resolve().parents[3] / "docs" / "schemas" / "support-request-1.json"
TODAY = date(2026, 6, 1)
SENT = datetime(2026, 6, 1, 9, 30, tzinfo=UTC)
TREE = default_tree()


def _journey() -> SupportRequest:
    state = start(TREE)
    for address, value in [
        ("immediate_danger", "no"),
        ("significant_harm", "no"),
        ("consent", "yes"),
        ("referrer_name", "Sam <b>Patel</b>"),
    ]:
        result = answer(TREE, state, address, value, TODAY)
        assert result.error is None, result.error
        state = result.state
    return snapshot(
        TREE, state, today=TODAY, id="r-1", reference="K7QD4RXA", submitted_at=SENT,
        referrer_id="u-1",
        evidence=[EvidenceSummary(id="e1", display_name="letter.pdf",
                                  content_type="application/pdf", size_bytes=2048,
                                  sha256="0" * 64)],
    )  # fmt: skip


def test_the_published_schema_is_the_models_schema() -> None:
    # Regenerate with: python -c "import json; from familyhubs_sdk.support.requests._request import
    # request_json_schema as s; print(json.dumps(s(), indent=2, sort_keys=True))"
    assert schema_meaning(json.loads(SCHEMA.read_text())) == schema_meaning(request_json_schema())


def test_a_real_payload_validates_against_the_published_schema() -> None:
    payload = _journey().to_payload()
    jsonschema.Draft202012Validator(json.loads(SCHEMA.read_text())).validate(payload)
    assert SupportRequest.from_payload(payload) == _journey()
    with pytest.raises(jsonschema.ValidationError):
        jsonschema.validate({**payload, "reference": "k7qd4rxa"}, request_json_schema())


def test_the_snapshot_keeps_answers_on_the_path_with_raw_codes() -> None:
    request = _journey()
    [harm] = request.answers_to("significant_harm")
    assert (harm.raw, harm.section) == ("no", "safety")
    assert harm.value != "no"  # what the referrer saw: the option's label
    assert [a.question_id for a in request.answers][:3] == [
        "immediate_danger", "significant_harm", "consent",
    ]  # fmt: skip


def test_snapshots_refuse_naive_times_and_bad_references() -> None:
    with pytest.raises(ValidationError):
        SupportRequest(id="x", reference="K7QD4RXA", tree_id="t", tree_version="1",
                       submitted_at=datetime(2026, 1, 1), referrer_id="u")  # fmt: skip
    with pytest.raises(ValidationError):
        SupportRequest(id="x", reference="K7QD4RX0", tree_id="t", tree_version="1",
                       submitted_at=SENT, referrer_id="u")  # fmt: skip


def test_text_and_html_renderings_hold_the_same_request_safely() -> None:
    request = _journey()
    titles = {s.id: s.title for s in TREE.sections}
    text = request_text(request, section_titles=titles)
    assert text.startswith("Request for support K7QD4RXA\nSent 1 June 2026 at 09:30 UTC")
    assert "Sam <b>Patel</b>" in text  # plain text keeps what was typed
    assert "letter.pdf (2 KB)" in text
    html = render_request_html(request, section_titles=titles)
    assert "Sam &lt;b&gt;Patel&lt;/b&gt;" in html
    tree = html5lib.parse(str(html), namespaceHTMLElements=False)
    assert tree.find(".//b") is None
    assert [h.text for h in tree.iter("h2")][:2] == ["Before you start", "About you"]
