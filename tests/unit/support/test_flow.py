"""FormFlow details the journey tests do not reach: sent drafts, new tree versions, CSRF, the
session, routing and the referrer."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import UTC, datetime

import pytest
import sqlalchemy as sa
from tests.helpers.journeys import DRAFT_KEY, FIRST_STEPS, JOURNEY_KEY, LAST_STEPS, FlowBrowser

from familyhubs_sdk.errors import ConfigurationError
from familyhubs_sdk.questiontree import start
from familyhubs_sdk.store import create_engine, upgrade
from familyhubs_sdk.support import (
    FormFlow,
    InMemoryDraftStore,
    JourneyOptions,
    SQLDraftStore,
    StoreSubmitter,
    default_tree,
)
from familyhubs_sdk.support.requests._request import SupportRequest
from familyhubs_sdk.testing import MemorySubmitter
from familyhubs_sdk.web import CsrfRule, Handler, Viewer, WebRequest

NOW = datetime(2026, 6, 1, 9, tzinfo=UTC)
EXEMPT = JourneyOptions(csrf=CsrfRule(exempt=True))


def _clock() -> datetime:
    return NOW


def test_a_sent_draft_cannot_be_loaded_again() -> None:
    engine = create_engine("sqlite://", poolclass=sa.pool.StaticPool)
    upgrade(engine)
    drafts = SQLDraftStore(engine)
    draft_id = drafts.create(start(default_tree()))
    assert drafts.load(draft_id) is not None
    drafts.mark_submitted(draft_id, "ACDE3467")
    assert drafts.load(draft_id) is None
    assert drafts.submitted(draft_id) == "ACDE3467"
    memory = InMemoryDraftStore()
    other = memory.create(start(default_tree()))
    memory.mark_submitted(other, "ACDE3467")
    assert memory.load(other) is None


def _flow(**options: object) -> FormFlow:
    return FormFlow(
        default_tree(),
        InMemoryDraftStore(),
        MemorySubmitter(reference="ACDE3467"),
        options=JourneyOptions(csrf=CsrfRule(exempt=True), **options),  # type: ignore[arg-type]
        clock=_clock,
    )


def test_the_flow_is_a_web_handler_with_the_hosts_settings() -> None:
    flow = _flow(service_name="Ask for early help")
    handler: Handler = flow
    assert handler.csrf == CsrfRule(exempt=True)
    assert handler.service_name == "Ask for early help"
    assert FormFlow(default_tree(), InMemoryDraftStore(), MemorySubmitter()).csrf == CsrfRule()


def test_going_back_after_sending_shows_the_confirmation_and_the_start_begins_again() -> None:
    flow = _flow()
    browser = FlowBrowser(flow)
    browser.get("")
    sent = browser.draft_id
    flow.drafts.mark_submitted(sent or "", "ACDE3467")
    answer = browser.get("consent")
    assert (answer.location, answer.session[DRAFT_KEY]) == ("/rs/confirmation", sent)
    restart = browser.get("")  # the start page begins a new request
    assert restart.location == "/rs/immediate_danger"
    assert browser.draft_id not in (None, sent)


def test_a_draft_from_an_older_tree_version_is_migrated() -> None:
    tree = default_tree()
    drafts = InMemoryDraftStore()
    old = start(tree).model_copy(
        update={"tree_version": "0.9", "answers": {"immediate_danger": "no", "retired": "x"}}
    )
    draft_id = drafts.create(old)
    flow = FormFlow(tree, drafts, MemorySubmitter(reference="ACDE3467"), options=EXEMPT,
                    clock=_clock)  # fmt: skip
    answer = flow.handle(WebRequest("GET", "", "/rs", session={DRAFT_KEY: draft_id}))
    assert answer.location == "/rs/significant_harm"
    migrated = drafts.load(draft_id)
    assert migrated is not None
    assert migrated.tree_version == tree.version
    assert dict(migrated.answers) == {"immediate_danger": "no"}


def test_forms_refuse_to_render_without_the_hosts_csrf_token() -> None:
    flow = FormFlow(default_tree(), InMemoryDraftStore(), MemorySubmitter(reference="ACDE3467"))
    browser = FlowBrowser(flow, csrf_token=None)
    assert browser.get("").is_redirect  # no form on the way in
    with pytest.raises(ConfigurationError, match="CSRF"):
        browser.get("immediate_danger")


def test_every_response_names_the_draft_and_journey_the_session_keeps() -> None:
    browser = FlowBrowser(_flow())
    started = browser.get("")
    assert {DRAFT_KEY, JOURNEY_KEY} <= set(started.session)
    draft_id, journey_key = browser.draft_id, browser.journey_key
    assert draft_id is not None
    assert journey_key is not None
    for response in (browser.get("immediate_danger"), browser.get("nowhere/at/all/here")):
        kept = {key: response.session.get(key) for key in (DRAFT_KEY, JOURNEY_KEY)}
        assert kept == {DRAFT_KEY: draft_id, JOURNEY_KEY: journey_key}
    # A session with a draft but no journey key (an older release's) gets one.
    fresh = _flow().handle(WebRequest("GET", "tasks", "/rs", session={DRAFT_KEY: "gone"}))
    assert fresh.session[DRAFT_KEY] is None
    assert len(fresh.session[JOURNEY_KEY]) == 32


def test_unknown_paths_are_not_found_and_other_methods_not_allowed() -> None:
    browser = FlowBrowser(_flow())
    browser.get("")
    missing = browser.get("children/0/child_name")
    assert (missing.status, missing.title) == (404, "Page not found")
    assert "Check the web address." in missing.html
    assert browser.get("Not-A-Step").status == 404
    assert browser.get("a/b/c/d").status == 404
    put = browser.request("PUT", "immediate_danger")
    assert (put.status, put.title) == (405, "Method not allowed")
    assert "GET and POST" in put.html
    posted = browser.post("tasks")
    assert (posted.status, posted.title) == (405, "Method not allowed")
    assert "This page accepts GET." in posted.html


def test_a_step_off_the_path_stores_nothing_and_goes_to_the_right_step() -> None:
    browser = FlowBrowser(_flow())
    browser.get("")
    off_path = browser.post("consent", {"answer": "yes"})
    assert (off_path.status, off_path.location) == (303, "/rs/immediate_danger")
    flow = browser.flow
    assert isinstance(flow, FormFlow)
    state = flow.drafts.load(browser.draft_id or "")
    assert state is not None
    assert dict(state.answers) == {}


def _send(browser: FlowBrowser) -> None:
    browser.get("")
    steps: list[tuple[str, Mapping[str, object]]] = [
        *FIRST_STEPS,
        ("children/add", {"add": "no"}),
        *LAST_STEPS,
    ]
    for step, form in steps:
        assert browser.post(step, form).is_redirect, step
    sent = browser.post("check")
    assert (sent.status, sent.location) == (303, "/rs/confirmation")


def test_the_referrer_is_the_signed_in_viewer_or_anonymous() -> None:
    viewer = Viewer(id="u-42", name="Sam Patel", role="health_visitor", organisation="NHS")
    for signed_in, expected in ((viewer, "u-42"), (None, "anonymous")):
        submitter = MemorySubmitter(reference="ACDE3467")
        flow = FormFlow(default_tree(), InMemoryDraftStore(), submitter, options=EXEMPT,
                        clock=_clock)  # fmt: skip
        _send(FlowBrowser(flow, viewer=signed_in))
        assert [r.referrer_id for r in submitter.requests] == [expected]


def test_a_host_can_say_who_the_referrer_is() -> None:
    submitter = MemorySubmitter(reference="ACDE3467")
    options = JourneyOptions(csrf=CsrfRule(exempt=True), referrer_id=lambda r: f"{r.client}")
    flow = FormFlow(default_tree(), InMemoryDraftStore(), submitter, options=options,
                    clock=_clock)  # fmt: skip
    _send(FlowBrowser(flow, client="staff-7"))
    assert submitter.requests[0].referrer_id == "staff-7"


def test_the_confirmation_and_copy_show_the_stored_reference_only() -> None:
    browser = FlowBrowser(_flow())
    assert browser.get("confirmation").location == "/rs/"  # nothing sent yet
    assert browser.get("copy").location == "/rs/"
    _send(browser)
    confirmation = browser.get("confirmation")
    assert confirmation.title == "Request sent"
    assert "Your reference number<br><strong>ACDE3467</strong>" in confirmation.html
    assert 'href="/rs/copy"' in confirmation.html
    copy = browser.get("copy")
    assert copy.title == "Your request ACDE3467"
    assert "print this page or save it as a PDF from your browser's print option" in copy.html
    assert '<a class="govuk-link" href="/rs/confirmation">Back to your reference' in copy.html


def test_exit_pages_show_the_front_door_phone_where_they_ask_for_it() -> None:
    browser = FlowBrowser(_flow(front_door_phone="0300 123 4567"))
    browser.get("")
    assert browser.post("immediate_danger", {"answer": "yes"}).location == "/rs/exit/emergency"
    assert browser.get("exit/safeguarding").location == "/rs/exit/emergency"  # not where it ends
    emergency = browser.get("exit/emergency")
    assert (emergency.status, emergency.title) == (200, "Call 999 now")
    assert 'href="/rs/immediate_danger"' in emergency.html  # back to the answer that led here
    assert "tel:" not in emergency.html
    browser.post("immediate_danger", {"answer": "no"})
    location = browser.post("significant_harm", {"answer": "yes"}).location
    assert location == "/rs/exit/safeguarding"
    safeguarding = browser.get("exit/safeguarding")
    assert safeguarding.title == "Contact children’s services now"
    assert 'href="tel:03001234567">0300 123 4567</a>' in safeguarding.html


def test_store_submitter_draws_another_reference_when_one_is_taken() -> None:
    engine = create_engine("sqlite://", poolclass=sa.pool.StaticPool)
    upgrade(engine)
    references = iter(["AAAAAAAA", "AAAAAAAA", "CCCCCCCC"])
    submitter = StoreSubmitter(engine, reference=lambda: next(references))

    def make(*, id: str, reference: str, submitted_at: datetime) -> SupportRequest:
        return SupportRequest(
            id=id, reference=reference, tree_id="t", tree_version="1",
            submitted_at=submitted_at, referrer_id="u",
        )  # fmt: skip

    assert submitter.submit(make).reference == "AAAAAAAA"
    assert submitter.submit(make).reference == "CCCCCCCC"
