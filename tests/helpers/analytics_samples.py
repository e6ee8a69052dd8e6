"""Hand-built analytics journeys on a tiny tree, for the analytics tests."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

from hypothesis import strategies as st

from familyhubs_sdk.questiontree import load_tree
from familyhubs_sdk.support.analytics._events import EVENT_NAMES, MAX_DURATION_MS, AnalyticsEvent

T0 = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)
A, B, C, D, E = (f"{n:032x}" for n in range(0xA, 0xF))

TREE = load_tree("""
id: tiny
version: "1"
title: Tiny
start: worried
questions:
  - id: worried
    kind: yes_no
    label: Are you worried about the family?
    routes: [{when: {equals: [worried, "no"]}, goto: "exit:not_worried"}]
  - id: kind
    kind: single_choice
    label: What kind of help?
    options: [{value: a, label: Help A}, {value: b, label: Help B}]
    routes: [{when: {equals: [kind, a]}, goto: detail_a}]
    next: detail_b
  - {id: detail_a, kind: long_text, label: Tell us about A, next: email}
  - {id: detail_b, kind: long_text, label: Tell us about B, next: email}
  - {id: email, kind: email, label: "What is your email address?"}
exits:
  - {id: not_worried, title: You do not need to ask for support}
""")


def event(
    key: str, name: str, minute: float = 0, question: str | None = None, **extra: Any
) -> AnalyticsEvent:
    return AnalyticsEvent(
        tree_id=TREE.id,
        tree_version=TREE.version,
        journey_key=key,
        event=name,  # type: ignore[arg-type]
        question_id=question,
        occurred_at=T0 + timedelta(minutes=minute),
        **extra,
    )


def answered(
    key: str, minute: float, question: str, next_question: str | None = None
) -> list[AnalyticsEvent]:
    events = [event(key, "question_answered", minute, question)]
    if next_question:
        events.append(event(key, "question_viewed", minute, next_question))
    return events


def five_journeys() -> list[AnalyticsEvent]:
    """A and B sent (10 and 20 minutes), C stopped at ``kind``, D exited, E is under way."""
    return [
        event(A, "started", 0),
        event(A, "question_viewed", 0, "worried"),
        *answered(A, 1, "worried", "kind"),
        *answered(A, 2, "kind", "detail_a"),
        *answered(A, 3, "detail_a", "email"),
        event(A, "validation_error", 4, "email", error_code="email_invalid"),
        event(A, "question_answered", 5, "email", duration_ms=60_000),
        event(A, "submitted", 10),
        event(B, "started", 0),
        event(B, "question_viewed", 0, "worried"),
        *answered(B, 1, "worried", "kind"),
        *answered(B, 2, "kind", "detail_b"),
        *answered(B, 3, "detail_b", "email"),
        event(B, "question_answered", 5, "email", duration_ms=120_000),
        event(B, "submitted", 20),
        event(C, "started", 0),
        event(C, "question_viewed", 0, "worried"),
        *answered(C, 1, "worried", "kind"),
        event(C, "validation_error", 2, "kind", error_code="required"),
        event(D, "started", 0),
        event(D, "question_viewed", 0, "worried"),
        event(D, "question_answered", 1, "worried"),
        event(D, "exit_page", 1, "not_worried"),
        event(E, "started", 2 * 24 * 60 - 60),
        event(E, "question_viewed", 2 * 24 * 60 - 60, "worried"),
    ]


NOW = T0 + timedelta(days=2)
KEYS = (A, B, C, D, E)
QUESTION_IDS = ("worried", "kind", "detail_a", "detail_b", "email", "retired_question")


@st.composite
def event_sequences(draw: st.DrawFn) -> list[AnalyticsEvent]:
    """Any mix of valid events from a few journeys, in any order, over three days."""
    found = []
    for _ in range(draw(st.integers(0, 60))):
        name = draw(st.sampled_from(EVENT_NAMES))
        fields: dict[str, Any] = {}
        if name == "exit_page":
            fields["question"] = draw(st.sampled_from(("not_worried", "retired_exit")))
        elif name in ("question_viewed", "question_answered", "validation_error"):
            fields["question"] = draw(st.sampled_from(QUESTION_IDS))
        elif name in ("back", "change"):
            fields["question"] = draw(st.none() | st.sampled_from(QUESTION_IDS))
        if name == "validation_error":
            fields["error_code"] = draw(st.sampled_from(("required", "email_invalid")))
        if name == "question_answered":
            fields["duration_ms"] = draw(st.none() | st.integers(0, MAX_DURATION_MS))
        key = draw(st.sampled_from(KEYS))
        minute = draw(st.floats(0, 3 * 24 * 60, allow_nan=False))
        found.append(event(key, name, minute, **fields))
    return found
