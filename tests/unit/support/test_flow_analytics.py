"""FormFlow records what people do on the form — never what they type."""

from __future__ import annotations

from datetime import UTC, datetime

from tests.helpers.journeys import DRAFT_KEY, FIRST_STEPS, LAST_STEPS, FlowBrowser

from familyhubs_sdk.support import (
    FormFlow,
    InMemoryAnalytics,
    InMemoryDraftStore,
    JourneyOptions,
    default_tree,
)
from familyhubs_sdk.testing import MemorySubmitter
from familyhubs_sdk.web import CsrfRule

CANARIES = ("Zebedee Canary-Smith", "zebedee@example.org", "CANARY-7Q")


def _clock() -> datetime:
    return datetime(2026, 6, 1, 9, tzinfo=UTC)


#: Free-text answers that get a canary personal value instead of the journey's own.
CANARY_STEPS = {
    "referrer_name": CANARIES[0],
    "referrer_email": CANARIES[1],
    "lead_name": CANARIES[0],
    "children/1/child_name": CANARIES[0],
    "working_well": f"{CANARIES[2]} grandparents help",
    "tried_already": f"{CANARIES[0]} tried the food bank",
}


def _canary(step: str, form: dict[str, object]) -> dict[str, object]:
    return {"answer": CANARY_STEPS[step]} if step in CANARY_STEPS else form


def test_a_whole_journey_records_its_steps_and_no_answer_content() -> None:
    sink = InMemoryAnalytics()
    flow = FormFlow(default_tree(), InMemoryDraftStore(), MemorySubmitter(), clock=_clock,
                    analytics=sink)  # fmt: skip
    browser = FlowBrowser(flow)
    browser.get("")
    key = browser.journey_key
    assert key is not None
    assert len(key) == 32

    browser.post("immediate_danger", {})  # no answer: a validation error
    for step, form in FIRST_STEPS:
        browser.get(step)
        browser.post(step, _canary(step, form))
    browser.get("referrer_name")  # back to an earlier question
    browser.get("children/add")
    browser.post("children/add", {"add": "no"})
    for step, form in LAST_STEPS:
        browser.post(step, _canary(step, form))
    browser.get("needs?change=1")
    browser.post("check", {})
    page = browser.get("confirmation")
    assert not page.is_redirect
    assert page.title == "Request sent"
    assert browser.journey_key == key  # the key stays in the session to the end

    events = sink.events
    names = [e.event for e in events]
    assert names[0] == "started"
    assert names[-1] == "submitted"
    assert {e.journey_key for e in events} == {key}  # one journey, one key
    assert ("validation_error", "immediate_danger", "required") in {
        (e.event, e.question_id, e.error_code) for e in events
    }
    assert ("back", "referrer_name") in {(e.event, e.question_id) for e in events}
    assert ("change", "needs") in {(e.event, e.question_id) for e in events}
    answered = [e.question_id for e in events if e.event == "question_answered"]
    assert answered[:3] == ["immediate_danger", "significant_harm", "consent"]
    assert "child_name" in answered  # inside the children group: the question's id
    # Nothing a person typed, and no draft id, ever reaches an event.
    dumped = " ".join(e.model_dump_json() for e in events)
    for canary in (*CANARIES, "Little Acorns", "SW1A", browser.draft_id or "no-draft"):
        assert canary not in dumped


def test_a_new_journey_in_the_same_session_gets_a_new_key() -> None:
    sink = InMemoryAnalytics()
    flow = FormFlow(default_tree(), InMemoryDraftStore(), MemorySubmitter(), clock=_clock,
                    analytics=sink, options=JourneyOptions(csrf=CsrfRule(exempt=True)))  # fmt: skip
    first = FlowBrowser(flow, csrf_token=None)
    first.get("")
    old_key = first.journey_key
    assert old_key is not None
    del first.session[DRAFT_KEY]  # the host forgot the draft (sent, or expired)
    first.get("")
    assert first.journey_key not in (old_key, None)
    assert [e.event for e in sink.events] == ["started", "started"]
