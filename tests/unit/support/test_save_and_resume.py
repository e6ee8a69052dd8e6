"""Save and come back later: a single-use link, shown once, that brings the draft back."""

from __future__ import annotations

import logging
import re
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
import sqlalchemy as sa
from tests.helpers.journeys import DRAFT_KEY

from familyhubs_sdk.store import create_engine, upgrade
from familyhubs_sdk.support import (
    FormFlow,
    JourneyOptions,
    ResumeTokens,
    SlidingWindowRateLimit,
    SQLDraftStore,
    WebRequest,
    WebResponse,
    default_tree,
)
from familyhubs_sdk.testing import MemorySubmitter
from familyhubs_sdk.web import CsrfRule

BASE = "/rs"
EXEMPT = JourneyOptions(csrf=CsrfRule(exempt=True))


def _clock() -> datetime:
    return datetime(2026, 6, 1, 9, tzinfo=UTC)


@pytest.fixture
def engine(tmp_path: Path) -> sa.Engine:
    engine = create_engine(f"sqlite:///{tmp_path / 'store.db'}")
    upgrade(engine)
    return engine


def _flow(engine: sa.Engine, *, tries: int = 20, tree_version: str | None = None) -> FormFlow:
    tree = default_tree()
    if tree_version:
        tree = tree.model_copy(update={"version": tree_version})
    clock = _clock
    return FormFlow(
        tree, SQLDraftStore(engine, clock=clock), MemorySubmitter(), options=EXEMPT,
        clock=clock,
        resume=ResumeTokens(engine, clock=clock,
                            rate_limit=SlidingWindowRateLimit(tries, per=timedelta(minutes=15),
                                                              clock=clock)),
    )  # fmt: skip


def _req(method: str, path: str, draft_id: str | None, **form: str) -> WebRequest:
    """A request from a browser whose session holds ``draft_id`` (``None``: a new browser)."""
    return WebRequest(method, path, BASE, session={DRAFT_KEY: draft_id} if draft_id else {},
                      client="198.51.100.7", form={k: [v] for k, v in form.items()})  # fmt: skip


def _draft(response: WebResponse) -> str | None:
    """The draft the response tells the session to keep."""
    draft_id: str | None = response.session[DRAFT_KEY]
    return draft_id


def _start(flow: FormFlow) -> str:
    draft_id = _draft(flow.handle(_req("GET", "", None)))
    assert draft_id is not None
    for step in ("immediate_danger", "significant_harm"):
        assert flow.handle(_req("POST", step, draft_id, answer="no")).is_redirect
    return draft_id


def _save(flow: FormFlow, draft_id: str, **form: str) -> str:
    saved = flow.handle(_req("POST", "consent", draft_id, save="1", **form))
    assert not saved.is_redirect
    assert saved.title == "Your answers have been saved"
    assert _draft(saved) == draft_id  # carrying on in this browser still works
    assert "29 June 2026" in saved.html  # 28 days after 1 June
    match = re.search(rf'href="{BASE}/resume/(fhr1_[A-Za-z0-9_-]+)"', saved.html)
    assert match, saved.html
    return match.group(1)


def test_question_pages_offer_saving_only_when_the_flow_can() -> None:
    from familyhubs_sdk.support import InMemoryDraftStore

    plain = FormFlow(default_tree(), InMemoryDraftStore(), MemorySubmitter(), options=EXEMPT)
    draft_id = _draft(plain.handle(_req("GET", "", None)))
    assert 'name="save"' not in plain.handle(_req("GET", "immediate_danger", draft_id)).html
    # Without resume tokens there are no resume links either.
    assert plain.handle(_req("GET", "resume/fhr1_anything", None)).status == 404


def test_save_then_resume_in_a_new_session_carries_on_where_it_stopped(engine: sa.Engine) -> None:
    flow = _flow(engine)
    draft_id = _start(flow)
    page = flow.handle(_req("GET", "consent", draft_id))
    assert 'name="save" value="1"' in page.html
    token = _save(flow, draft_id, answer="yes")

    # A new browser, no session: GET only asks (a link scanner cannot use the link up)...
    for _ in range(2):
        ask = flow.handle(_req("GET", f"resume/{token}", None))
        assert (ask.status, ask.title) == (200, "Continue your request")
    # ...POST uses it and brings the draft back, with the answer given on the saving page.
    used = flow.handle(_req("POST", f"resume/{token}", None))
    assert used.is_redirect
    assert (used.location, _draft(used)) == (f"{BASE}/", draft_id)
    assert flow.handle(_req("GET", "", draft_id)).location == f"{BASE}/referrer_name"

    # The link works once.
    again = flow.handle(_req("POST", f"resume/{token}", None))
    assert (again.status, again.title) == (400, "This link cannot be used")
    assert _draft(again) is None


def test_saving_with_an_invalid_answer_keeps_only_what_was_valid(engine: sa.Engine) -> None:
    flow = _flow(engine)
    draft_id = _start(flow)
    token = _save(flow, draft_id, answer="not-an-option")
    assert _draft(flow.handle(_req("POST", f"resume/{token}", None))) == draft_id
    assert flow.handle(_req("GET", "", draft_id)).location == f"{BASE}/consent"


def test_a_new_link_replaces_the_old_one_and_altered_links_fail_alike(engine: sa.Engine) -> None:
    flow = _flow(engine)
    draft_id = _start(flow)
    first = _save(flow, draft_id)
    second = _save(flow, draft_id)
    refused = {
        name: flow.handle(_req("POST", f"resume/{token}", None)).html
        for name, token in [
            ("replaced", first),
            ("altered", second[:-2] + ("AA" if not second.endswith("AA") else "BA")),
            ("truncated", second[:-1]),
            ("other prefix", "fhr2_" + second[5:]),
        ]
    }
    assert len(set(refused.values())) == 1  # one message: nobody learns which check failed
    assert "This link cannot be used" in refused["replaced"]
    assert _draft(flow.handle(_req("POST", f"resume/{second}", None))) == draft_id


def test_resume_links_are_rate_limited_per_client(engine: sa.Engine) -> None:
    flow = _flow(engine, tries=3)
    draft_id = _start(flow)
    token = _save(flow, draft_id)
    for _ in range(3):
        assert flow.handle(_req("POST", "resume/fhr1_guess", None)).status == 400
    assert flow.handle(_req("POST", f"resume/{token}", None)).status == 400


def test_resuming_on_a_newer_tree_keeps_the_answers_that_still_fit(engine: sa.Engine) -> None:
    draft_id = _start(_flow(engine))
    token = _save(_flow(engine), draft_id, answer="yes")
    newer = _flow(engine, tree_version="99.0.0")
    assert _draft(newer.handle(_req("POST", f"resume/{token}", None))) == draft_id
    assert newer.handle(_req("GET", "", draft_id)).location == f"{BASE}/referrer_name"
    state = SQLDraftStore(engine, clock=_clock).load(draft_id)
    assert state is not None
    assert state.tree_version == "99.0.0"


def test_the_link_never_reaches_the_logs(
    engine: sa.Engine, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG)
    flow = _flow(engine)
    draft_id = _start(flow)
    token = _save(flow, draft_id)
    flow.handle(_req("POST", f"resume/{token}", None))
    flow.handle(_req("POST", f"resume/{token}", None))
    assert token not in caplog.text
    assert token[5:20] not in caplog.text
