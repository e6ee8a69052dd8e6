"""FormFlow records what people do on the form — never what they type."""

from __future__ import annotations

from datetime import date

from tests.helpers.journeys import FIRST_STEPS, LAST_STEPS

from familyhubs_sdk.support import (
    FlowRequest,
    FormFlow,
    InMemoryAnalytics,
    InMemoryDraftStore,
    default_tree,
)
from familyhubs_sdk.support.journey._web import RenderResponse
from familyhubs_sdk.testing import MemorySubmitter

CANARIES = ("Zebedee Canary-Smith", "zebedee@example.org", "CANARY-7Q")
TODAY = date(2026, 6, 1)


class Session:
    """One browser: keeps the draft id and journey key as an adapter would."""

    def __init__(self, flow: FormFlow) -> None:
        self.flow = flow
        self.draft_id: str | None = None
        self.journey_key: str | None = None

    def go(self, method: str, path: str, form: dict[str, object] | None = None) -> object:
        fields = {k: v if isinstance(v, list) else [str(v)] for k, v in (form or {}).items()}
        response = self.flow.handle(
            FlowRequest(method, path.split("?")[0], base_path="/rs", form=fields,
                        query={"change": ["1"]} if "change=1" in path else {},
                        draft_id=self.draft_id, journey_key=self.journey_key,
                        csrf_token="t")
        )  # fmt: skip
        self.draft_id, self.journey_key = response.draft_id, response.journey_key
        return response


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
    flow = FormFlow(default_tree(), InMemoryDraftStore(), MemorySubmitter(), today=lambda: TODAY,
                    analytics=sink)  # fmt: skip
    browser = Session(flow)
    browser.go("GET", "")
    key = browser.journey_key
    assert key is not None
    assert len(key) == 32

    browser.go("POST", "immediate_danger", {})  # no answer: a validation error
    for step, form in FIRST_STEPS:
        browser.go("GET", step)
        browser.go("POST", step, _canary(step, form))
    browser.go("GET", "referrer_name")  # back to an earlier question
    browser.go("GET", "children/add")
    browser.go("POST", "children/add", {"add": "no"})
    for step, form in LAST_STEPS:
        browser.go("POST", step, _canary(step, form))
    browser.go("GET", "needs?change=1")
    browser.go("POST", "check", {})
    page = browser.go("GET", "confirmation")
    assert isinstance(page, RenderResponse)
    assert page.title == "Request sent"

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
    flow = FormFlow(default_tree(), InMemoryDraftStore(), MemorySubmitter(), today=lambda: TODAY,
                    analytics=sink, csrf_exempt=True)  # fmt: skip
    first = Session(flow)
    first.go("GET", "")
    old_key = first.journey_key
    first.draft_id = None  # the host forgot the draft (sent, or expired)
    first.go("GET", "")
    assert first.journey_key != old_key
    assert [e.event for e in sink.events] == ["started", "started"]
