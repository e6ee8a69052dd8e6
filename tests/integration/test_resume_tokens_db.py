"""Resume tokens on PostgreSQL and MariaDB: concurrent uses of one token, one winner.

SQLite runs the same race in ``tests/unit/support/test_resume.py``. Without a server these skip
(and fail under ``CI=true``), as ``tests/databases.py`` decides.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from datetime import UTC, datetime, timedelta

import pytest
import sqlalchemy as sa

from familyhubs_sdk.errors import TokenError
from familyhubs_sdk.questiontree import start
from familyhubs_sdk.store import upgrade
from familyhubs_sdk.store._schema import drafts, resume_tokens
from familyhubs_sdk.support import SQLDraftStore, default_tree
from familyhubs_sdk.support.journey._resume import ResumeTokens, purge_expired_drafts

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
