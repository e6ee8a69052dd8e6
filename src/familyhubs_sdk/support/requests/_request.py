"""``SupportRequest``: the immutable snapshot of what a professional sent, exactly as sent.

The snapshot is taken once, at submit: the answers on the final path (as shown on check your
answers, plus the raw option codes for reporting), the tree id and version, the indicated
outcomes, the referrer, the time and the reference. The LA receives it; the referrer can keep a
copy of the same thing (:func:`render_request_html`, :func:`request_text`) to show they met
their obligations. Its JSON shape is published (:func:`request_json_schema`, ``docs/``).

>>> from datetime import UTC, datetime
>>> request = SupportRequest(
...     id="6f1c1a52-2a53-4a4b-9d43-9b8d7c9b1e10", reference="K7QD4RXA",
...     tree_id="request_for_support", tree_version="1",
...     submitted_at=datetime(2026, 5, 1, 9, 30, tzinfo=UTC), referrer_id="u-1",
...     answers=[RequestAnswer(question_id="needs", address="needs",
...         label="What does the family need help with?", value="Secure housing",
...         raw=["housing"], section="needs")])
>>> print(request_text(request).splitlines()[0])
Request for support K7QD4RXA
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from datetime import UTC, date, datetime
from typing import Annotated, Any, Literal

from markupsafe import Markup
from pydantic import AfterValidator, BaseModel, ConfigDict, Field

from familyhubs_sdk.questiontree import JourneyState, QuestionTree, outcomes, summary
from familyhubs_sdk.rendering import Renderer
from familyhubs_sdk.rendering._formatting import govuk_date

__all__ = [
    "REFERENCE_PATTERN",
    "EvidenceSummary",
    "RequestAnswer",
    "RequestOutcome",
    "SupportRequest",
    "render_request_html",
    "request_json_schema",
    "request_sections",
    "request_text",
    "size_text",
    "snapshot",
]

#: 8 characters from the reference alphabet (no 0/O, 1/I/L, 2/Z, 5/S, 8/B).
REFERENCE_PATTERN = r"^[ACDEFGHJKMNPQRTUVWXY34679]{8}$"

RawAnswer = str | list[str] | dict[str, Any] | int | float | bool | None


def _aware(value: datetime) -> datetime:
    if value.tzinfo is None:
        raise ValueError("must be timezone-aware (UTC)")
    return value.astimezone(UTC)


class _Frozen(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")


class RequestAnswer(_Frozen):
    """One answer on the final path."""

    question_id: str
    #: Where in the journey: ``question`` or ``group[index].question``.
    address: str
    label: str
    #: As the referrer saw it on check your answers ("Secure housing, Financial stability").
    value: str
    #: The answer as stored: option codes for choices, text for text, a date's ISO form.
    raw: RawAnswer = None
    section: str | None = None
    #: "Child 1" for answers inside a repeating group.
    repeat: str | None = None


class RequestOutcome(_Frozen):
    """A support type the answers indicate, with the answers that indicate it."""

    id: str
    label: str
    reasons: tuple[tuple[str, str], ...] = ()


class EvidenceSummary(_Frozen):
    """A supporting file sent with the request: metadata only (the bytes travel separately)."""

    id: str
    display_name: str
    content_type: str
    size_bytes: int = Field(ge=0)
    sha256: str = Field(pattern=r"^[0-9a-f]{64}$")


class SupportRequest(_Frozen):
    """A request for support as it was sent. Never changed after submit: status lives apart."""

    schema_version: Literal[1] = 1
    id: str = Field(min_length=1, max_length=36)
    reference: str = Field(pattern=REFERENCE_PATTERN)
    tree_id: str
    tree_version: str
    submitted_at: Annotated[datetime, AfterValidator(_aware)]
    referrer_id: str = Field(min_length=1, max_length=200)
    answers: tuple[RequestAnswer, ...] = ()
    outcomes: tuple[RequestOutcome, ...] = ()
    evidence: tuple[EvidenceSummary, ...] = ()

    def to_payload(self) -> dict[str, Any]:
        """The JSON-ready payload channels send and the store keeps."""
        return self.model_dump(mode="json")

    @classmethod
    def from_payload(cls, payload: Mapping[str, Any]) -> SupportRequest:
        return cls.model_validate(payload)

    def answers_to(self, question_id: str) -> list[RequestAnswer]:
        """Every answer to ``question_id`` (several inside a repeating group)."""
        return [a for a in self.answers if a.question_id == question_id]


def request_json_schema() -> dict[str, Any]:
    """The published JSON Schema (2020-12) of :meth:`SupportRequest.to_payload`."""
    schema = SupportRequest.model_json_schema(mode="serialization")
    return {
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "$id": "https://familyhubs-sdk.example/schemas/support-request-1.json",
        **schema,
    }


def _raw(value: Any) -> RawAnswer:
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, (list, tuple)):
        return [str(v) for v in value]
    if isinstance(value, (str, int, float, bool, dict)) or value is None:
        return value
    return str(value)


def snapshot(
    tree: QuestionTree,
    state: JourneyState,
    *,
    today: date,
    id: str,
    reference: str,
    submitted_at: datetime,
    referrer_id: str,
    evidence: Sequence[EvidenceSummary] = (),
) -> SupportRequest:
    """The request a finished journey makes: only answers on the final path are kept."""
    rows = summary(tree, state, today)
    return SupportRequest(
        id=id,
        reference=reference,
        tree_id=tree.id,
        tree_version=tree.version,
        submitted_at=submitted_at,
        referrer_id=referrer_id,
        answers=tuple(
            RequestAnswer(
                question_id=row.question_id,
                address=row.address,
                label=row.label,
                value=row.value,
                raw=_raw(state.answers.get(row.address)),
                section=row.section,
                repeat=row.repeat_label,
            )
            for row in rows
        ),
        outcomes=tuple(
            RequestOutcome(id=o.id, label=o.label, reasons=o.reasons)
            for o in outcomes(tree, state, today)
        ),
        evidence=tuple(evidence),
    )


def request_sections(
    request: SupportRequest, titles: Mapping[str, str]
) -> list[tuple[str, list[tuple[str, str]]]]:
    """The answers by section title, as ``[(title, [(question, answer)])]``, in the order sent."""
    sections: list[tuple[str, list[tuple[str, str]]]] = []
    for answer in request.answers:
        title = titles.get(answer.section or "", "Your answers")
        if not sections or sections[-1][0] != title:
            sections.append((title, []))
        key = f"{answer.repeat}: {answer.label}" if answer.repeat else answer.label
        sections[-1][1].append((key, answer.value))
    return sections


def size_text(size: int) -> str:
    """``"2 KB"``, ``"1.4 MB"``: file sizes as people read them."""
    return f"{size / 1_048_576:.1f} MB" if size >= 1_048_576 else f"{max(1, round(size / 1024))} KB"


_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")


def request_text(request: SupportRequest, *, section_titles: Mapping[str, str] = {}) -> str:
    """The request as plain text, for an email body or a file."""
    lines = [
        f"Request for support {request.reference}",
        f"Sent {govuk_date(request.submitted_at)} at {request.submitted_at.strftime('%H:%M')} UTC",
        "",
    ]
    for title, rows in request_sections(request, section_titles):
        lines += [title, "-" * len(title)]
        lines += [f"{key}\n  {value}" for key, value in rows]
        lines.append("")
    if request.outcomes:
        lines += ["Support the answers point to", "-" * 28]
        lines += [f"* {outcome.label}" for outcome in request.outcomes]
        lines.append("")
    if request.evidence:
        lines += ["Supporting evidence", "-" * 19]
        lines += [f"* {e.display_name} ({size_text(e.size_bytes)})" for e in request.evidence]
        lines.append("")
    # Answers are typed by people: keep line breaks, drop other control characters.
    return _CONTROL.sub("", "\n".join(lines))


def render_request_html(
    request: SupportRequest,
    *,
    section_titles: Mapping[str, str] = {},
    renderer: Renderer | None = None,
) -> Markup:
    """The request as an HTML fragment: the print view, and the HTML part of an email."""
    return (renderer or Renderer()).render(
        "familyhubs/support/request_copy.html",
        request=request,
        sections=request_sections(request, section_titles),
        evidence=[(e.display_name, size_text(e.size_bytes), None) for e in request.evidence],
    )
