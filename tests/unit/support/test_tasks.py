"""The task list view: each section's status follows the journey's path."""

from __future__ import annotations

from datetime import UTC, date, datetime

from tests.helpers.journeys import FlowBrowser

from familyhubs_sdk.questiontree import answer, start
from familyhubs_sdk.support import FormFlow, InMemoryDraftStore, JourneyOptions, default_tree
from familyhubs_sdk.support.journey._tasks import tasks
from familyhubs_sdk.testing import MemorySubmitter
from familyhubs_sdk.web import CsrfRule

TODAY = date(2026, 6, 1)
TREE = default_tree()


def _statuses(state: object) -> list[tuple[str, str, str | None]]:
    return [(t.title, t.status, t.address) for t in tasks(TREE, state, TODAY)]  # type: ignore[arg-type]


def test_a_new_journey_starts_at_the_first_section_and_the_rest_wait() -> None:
    listed = _statuses(start(TREE))
    assert listed[0] == ("Before you start", "not_started", "immediate_danger")
    assert all(status == "cannot_start" and address is None for _, status, address in listed[1:])
    assert listed[-1][0] is None  # "Check your answers and send": the template words it
    assert len(listed) == len(TREE.sections) + 1


def test_answering_moves_a_section_to_in_progress_then_completed() -> None:
    state = start(TREE)
    state = answer(TREE, state, "immediate_danger", "no", TODAY).state
    assert _statuses(state)[0][1] == "in_progress"
    state = answer(TREE, state, "significant_harm", "no", TODAY).state
    state = answer(TREE, state, "consent", "yes", TODAY).state
    listed = _statuses(state)
    assert listed[0] == ("Before you start", "completed", "immediate_danger")
    assert listed[1] == ("About you", "not_started", "referrer_name")
    assert listed[2][1] == "cannot_start"


def test_the_flow_serves_the_task_list_with_links_only_where_a_person_can_go() -> None:
    flow = FormFlow(TREE, InMemoryDraftStore(), MemorySubmitter(),
                    options=JourneyOptions(csrf=CsrfRule(exempt=True)),
                    clock=lambda: datetime(2026, 6, 1, 9, tzinfo=UTC))  # fmt: skip
    browser = FlowBrowser(flow, csrf_token=None)
    browser.get("")
    page = browser.get("tasks")
    assert (page.status, page.title) == (200, "Request support for a family")
    assert page.html.count('class="govuk-link govuk-task-list__link"') == 1
    assert 'href="/rs/immediate_danger"' in page.html
    assert page.html.count("Cannot start yet") == len(TREE.sections)
