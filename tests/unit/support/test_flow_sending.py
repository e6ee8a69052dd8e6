"""Sending is idempotent and a sent draft is read-only: a second "Accept and send", and any
answer, save, removal or upload for a sent draft, shows the same confirmation and copy.

Finding: a second "Accept and send" cleared the draft from the session, so the reference and the
printed copy were lost; an answer POSTed while the request was being sent wrote its answers back
onto the sent draft, and the confirmation then said "reference None". The same race with real
threads on SQLite, PostgreSQL and MariaDB is in ``tests/integration/test_resume_tokens_db.py``.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path

import pytest
import sqlalchemy as sa
from tests.helpers.journeys import LETTER_PDF, FlowBrowser, reach_check

from familyhubs_sdk.questiontree import JourneyState, start
from familyhubs_sdk.store import create_engine, upgrade
from familyhubs_sdk.store._schema import drafts, support_requests
from familyhubs_sdk.support import (
    DraftStore,
    EvidenceUploads,
    FormFlow,
    InMemoryDraftStore,
    JourneyOptions,
    ResumeTokens,
    SQLDraftStore,
    StoreSubmitter,
    default_tree,
)
from familyhubs_sdk.support.evidence._scanners import NoScanner
from familyhubs_sdk.support.evidence._storage import InMemoryEvidenceStorage
from familyhubs_sdk.support.evidence._uploads import SQLEvidenceIndex
from familyhubs_sdk.support.requests._submission import Submitter
from familyhubs_sdk.testing import MemorySubmitter
from familyhubs_sdk.web import CsrfRule, UploadedFile

NOW = datetime(2026, 6, 1, 9, tzinfo=UTC)
EXEMPT = JourneyOptions(csrf=CsrfRule(exempt=True))
CONFIRMATION = "/rs/confirmation"


def _clock() -> datetime:
    return NOW


@pytest.fixture
def engine(tmp_path: Path) -> sa.Engine:
    engine = create_engine(f"sqlite:///{tmp_path / 'store.db'}")
    upgrade(engine)
    return engine


def _reference(html: str) -> str:
    match = re.search(r"Your reference number<br><strong>([^<]*)</strong>", html)
    assert match, html[:500]
    return match.group(1)


def _stores(kind: str, engine: sa.Engine) -> tuple[DraftStore, Submitter]:
    if kind == "memory":
        return InMemoryDraftStore(), MemorySubmitter()
    return SQLDraftStore(engine, clock=_clock), StoreSubmitter(engine, clock=_clock)


@pytest.mark.parametrize("kind", ["memory", "store"])
def test_a_second_accept_and_send_shows_the_same_confirmation_and_copy(
    kind: str, engine: sa.Engine
) -> None:
    draft_store, submitter = _stores(kind, engine)
    flow = FormFlow(default_tree(), draft_store, submitter, options=EXEMPT, clock=_clock)
    browser = FlowBrowser(flow)
    reach_check(browser)
    draft_id = browser.draft_id
    assert browser.post("check").location == CONFIRMATION
    reference = _reference(browser.get("confirmation").html)
    copy = browser.get("copy").html

    for _ in range(2):  # a double click, or the back button and "Accept and send" again
        again = browser.post("check")
        assert (again.status, again.location) == (303, CONFIRMATION)
        assert browser.draft_id == draft_id  # the session keeps the sent draft
        assert _reference(browser.get("confirmation").html) == reference
        assert browser.get("copy").html == copy
    assert submitter.sent(draft_id or "") is not None
    if isinstance(submitter, MemorySubmitter):
        assert len(submitter.requests) == 1


def test_answers_saves_removes_and_uploads_after_sending_go_to_the_confirmation(
    engine: sa.Engine,
) -> None:
    uploads = EvidenceUploads(InMemoryEvidenceStorage(), SQLEvidenceIndex(engine),
                              scanner=NoScanner(), clock=_clock)  # fmt: skip
    flow = FormFlow(
        default_tree(), SQLDraftStore(engine, clock=_clock), StoreSubmitter(engine, clock=_clock),
        options=EXEMPT, clock=_clock, resume=ResumeTokens(engine, clock=_clock), evidence=uploads,
    )  # fmt: skip
    browser = FlowBrowser(flow)
    reach_check(browser)
    browser.post("check")
    reference = _reference(browser.get("confirmation").html)
    letter = {"evidence": [UploadedFile("letter.pdf", LETTER_PDF)]}

    refused = [
        browser.post("consent", {"answer": "no"}),
        browser.post("consent", {"answer": "yes", "save": "1"}),
        browser.post("children/add", {"remove": "1"}),
        browser.post("children/add", {"add": "yes"}),
        browser.request("POST", "evidence", {"upload": "1"}, files=letter),
        browser.get("consent"),
        browser.get("tasks"),
    ]

    assert [(r.status, r.location) for r in refused] == [(303, CONFIRMATION)] * len(refused)
    assert SQLDraftStore(engine).submitted(browser.draft_id or "") == reference
    assert uploads.for_draft(browser.draft_id or "") == []
    assert _reference(browser.get("confirmation").html) == reference


class _RacingDrafts(SQLDraftStore):
    """Runs ``race`` once, right after a request has read its draft: another tab's send then
    commits between this request's read and its write, the window the finding was about."""

    race: Callable[[], object] | None = None

    def load(self, draft_id: str) -> JourneyState | None:
        state = super().load(draft_id)
        race, self.race = self.race, None
        if race is not None:
            race()
        return state


@pytest.mark.parametrize(
    ("path", "form"),
    [
        pytest.param("working_well", {"answer": "Written after sending"}, id="answer"),
        pytest.param("working_well", {"answer": "Saved", "save": "1"}, id="save"),
    ],
)
def test_an_answer_racing_the_send_never_writes_onto_the_sent_draft(
    engine: sa.Engine, path: str, form: dict[str, str]
) -> None:
    store = _RacingDrafts(engine, clock=_clock)
    flow = FormFlow(default_tree(), store, StoreSubmitter(engine, clock=_clock), options=EXEMPT,
                    clock=_clock, resume=ResumeTokens(engine, clock=_clock))  # fmt: skip
    browser = FlowBrowser(flow)
    reach_check(browser)
    other_tab = FlowBrowser(flow, session=dict(browser.session))
    store.race = lambda: other_tab.post("check")

    raced = browser.post(path, form)

    assert (raced.status, raced.location) == (303, CONFIRMATION)
    with engine.connect() as connection:
        state, submitted_at = connection.execute(
            sa.select(drafts.c.state, drafts.c.submitted_at).where(drafts.c.id == browser.draft_id)
        ).one()
        stored = connection.execute(sa.select(support_requests.c.reference)).scalar_one()
    assert submitted_at is not None
    assert state == {"reference": stored}  # the answers were not written back
    confirmation = browser.get("confirmation").html
    assert _reference(confirmation) == stored
    assert "None" not in confirmation
    assert "Written after sending" not in browser.get("copy").html


@pytest.mark.parametrize("kind", ["memory", "store"])
def test_a_draft_store_save_never_overwrites_a_sent_draft(kind: str, engine: sa.Engine) -> None:
    store, _ = _stores(kind, engine)
    state = start(default_tree())
    draft_id = store.create(state)
    answered = state.model_copy(update={"answers": {"immediate_danger": "no"}})
    assert store.save(draft_id, answered) is True
    store.mark_submitted(draft_id, "ACDE3467")

    assert store.save(draft_id, state) is False
    assert store.submitted(draft_id) == "ACDE3467"
    assert store.load(draft_id) is None
    assert store.save("no-such-draft", state) is False
