"""Resume tokens on PostgreSQL and MariaDB: concurrent uses of one token, one winner; and on
every dialect, SQLite too, concurrent "Accept and send" and answer POSTs for one draft: one
request, its reference kept, nothing written onto the sent draft.

SQLite runs the token races in ``tests/unit/support/test_resume.py``. Without a server these skip
(and fail under ``CI=true``), as ``tests/helpers/databases.py`` decides.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from datetime import UTC, datetime, timedelta

import pytest
import sqlalchemy as sa
from tests.helpers.databases import DIALECTS
from tests.helpers.journeys import FlowBrowser, reach_check

from familyhubs_sdk.errors import TokenError
from familyhubs_sdk.questiontree import start
from familyhubs_sdk.store import upgrade
from familyhubs_sdk.store._schema import drafts, resume_tokens, support_requests
from familyhubs_sdk.support import (
    FormFlow,
    JourneyOptions,
    SQLDraftStore,
    StoreSubmitter,
    WebRequest,
    WebResponse,
    default_tree,
)
from familyhubs_sdk.support.journey._resume import ResumeTokens, purge_expired_drafts
from familyhubs_sdk.web import CsrfRule

THREADS = 8


@pytest.fixture(params=["postgresql", "mariadb"])
def dialect(request: pytest.FixtureRequest) -> str:
    return str(request.param)


@pytest.fixture
def store(engine: sa.Engine) -> SQLDraftStore:
    upgrade(engine)
    return SQLDraftStore(engine)


def _race(attempt: Callable[[], str]) -> list[str]:
    """Run ``attempt`` on THREADS threads released together; "refused" for each TokenError."""
    barrier = threading.Barrier(THREADS)
    outcomes: list[str] = []
    lock = threading.Lock()

    def run() -> None:
        barrier.wait()
        try:
            outcome = attempt()
        except TokenError:
            outcome = "refused"
        with lock:
            outcomes.append(outcome)

    threads = [threading.Thread(target=run) for _ in range(THREADS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return outcomes


def _unused(engine: sa.Engine, draft_id: str) -> int:
    with engine.connect() as connection:
        return int(
            connection.execute(
                sa.select(sa.func.count()).where(
                    resume_tokens.c.draft_id == draft_id, resume_tokens.c.used_at.is_(None)
                )
            ).scalar_one()
        )


def test_concurrent_redeems_of_one_token_have_one_winner(
    engine: sa.Engine, store: SQLDraftStore
) -> None:
    draft_id = store.create(start(default_tree()))
    tokens = ResumeTokens(engine)
    token = tokens.issue(draft_id)

    outcomes = _race(lambda: tokens.redeem(token))

    assert sorted(outcomes) == [draft_id] + ["refused"] * (THREADS - 1)


def test_concurrent_swaps_of_one_token_have_one_winner(
    engine: sa.Engine, store: SQLDraftStore
) -> None:
    draft_id = store.create(start(default_tree()))
    tokens = ResumeTokens(engine)
    token = tokens.issue(draft_id)
    new_tokens: list[str] = []

    def swap() -> str:
        resumed = tokens.redeem_and_reissue(token)
        new_tokens.append(resumed.new_token)
        return resumed.draft_id

    outcomes = _race(swap)

    assert sorted(outcomes) == [draft_id] + ["refused"] * (THREADS - 1)
    assert _unused(engine, draft_id) == 1
    (new_token,) = new_tokens
    assert tokens.redeem(new_token) == draft_id


def test_concurrent_issues_leave_one_live_link(engine: sa.Engine, store: SQLDraftStore) -> None:
    draft_id = store.create(start(default_tree()))
    tokens = ResumeTokens(engine)

    issued = _race(lambda: tokens.issue(draft_id))

    assert _unused(engine, draft_id) == 1
    assert sum(1 for token in issued if _redeems(tokens, token)) == 1


def _redeems(tokens: ResumeTokens, token: str) -> bool:
    try:
        tokens.redeem(token)
    except TokenError:
        return False
    return True


def test_round_trip_expiry_and_purges(engine: sa.Engine, store: SQLDraftStore) -> None:
    tokens = ResumeTokens(engine)
    draft_id = store.create(start(default_tree()))
    resumed = tokens.redeem_and_reissue(tokens.issue(draft_id))
    assert resumed.draft_id == draft_id
    later = datetime.now(UTC) + timedelta(days=29)

    assert ResumeTokens(engine, clock=lambda: later).purge() == 2  # one used, one expired
    assert purge_expired_drafts(engine, clock=lambda: later) == 1
    with engine.connect() as connection:
        assert connection.execute(sa.select(sa.func.count()).select_from(drafts)).scalar() == 0


@pytest.mark.parametrize("dialect", DIALECTS)
def test_concurrent_sends_and_answers_leave_one_request_and_its_reference(
    engine: sa.Engine,
) -> None:
    # Finding: a second "Accept and send" lost the reference, and an answer racing the send wrote
    # its answers back onto the sent draft ("reference None"). Several tabs of one session post
    # "Accept and send", answers and saves at the same moment.
    upgrade(engine)
    flow = FormFlow(
        default_tree(), SQLDraftStore(engine), StoreSubmitter(engine),
        options=JourneyOptions(csrf=CsrfRule(exempt=True)), resume=ResumeTokens(engine),
    )  # fmt: skip
    browser = FlowBrowser(flow)
    reach_check(browser)
    session = dict(browser.session)
    posts: list[tuple[str, dict[str, list[str]]]] = [("check", {})] * 4 + [
        ("working_well", {"answer": ["Raced"]})
    ] * 3
    posts += [("working_well", {"answer": ["Raced"], "save": ["1"]})]
    responses: list[WebResponse] = []
    errors: list[BaseException] = []
    barrier = threading.Barrier(len(posts))

    def post(path: str, form: dict[str, list[str]]) -> None:
        barrier.wait()
        try:
            response = flow.handle(WebRequest("POST", path, "/rs", form=form, session=session))
        except BaseException as exc:  # collected: a thread's failure must fail the test
            errors.append(exc)
        else:
            responses.append(response)

    threads = [threading.Thread(target=post, args=job) for job in posts]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert errors == []
    # Every send, and every answer that lost the race, shows the confirmation; an answer that won
    # it went on to the next step (and its next page now shows the confirmation too).
    allowed = {"/rs/confirmation", "/rs/check"}
    outcomes = [(r.status, r.location, r.title) for r in responses]
    assert all(o[1] in allowed or o[2] == "Your answers have been saved" for o in outcomes), (
        outcomes
    )
    with engine.connect() as connection:
        (reference,) = connection.execute(
            sa.select(support_requests.c.reference).where(
                support_requests.c.draft_id == browser.draft_id
            )
        ).one()
        state = connection.execute(
            sa.select(drafts.c.state).where(drafts.c.id == browser.draft_id)
        ).scalar_one()
    assert state == {"reference": reference}
    confirmation = browser.get("confirmation")
    assert f"<strong>{reference}</strong>" in confirmation.html
    assert browser.post("working_well", {"answer": "Late"}).location == "/rs/confirmation"
