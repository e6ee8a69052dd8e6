"""Rate limits every process of a portal shares: in the SDK's store, or in Redis."""

from __future__ import annotations

import multiprocessing
import os
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
import sqlalchemy as sa
from tests.helpers.databases import IN_CI

from familyhubs_sdk.errors import ConfigurationError
from familyhubs_sdk.store import create_engine, upgrade
from familyhubs_sdk.store._schema import rate_limits
from familyhubs_sdk.support import RedisRateLimit, ResumeTokens, StoreRateLimit, build_flow

NOON = datetime(2026, 6, 1, 12, 0, tzinfo=UTC)
WINDOW = timedelta(minutes=15)


@pytest.fixture
def engine() -> sa.Engine:
    engine = create_engine("sqlite://", poolclass=sa.pool.StaticPool)
    upgrade(engine)
    return engine


def test_counts_per_key_and_refusals_are_not_counted(engine: sa.Engine) -> None:
    limit = StoreRateLimit(engine, 3, per=WINDOW, clock=lambda: NOON)
    assert [limit("a") for _ in range(5)] == [True, True, True, False, False]
    assert limit("b")
    with engine.connect() as connection:
        rows = dict(connection.execute(sa.select(rate_limits.c.key, rate_limits.c.attempts)).all())
    assert rows == {"a": 3, "b": 1}


def test_a_new_window_starts_the_count_again_and_purge_drops_old_windows(
    engine: sa.Engine,
) -> None:
    now = [NOON]
    limit = StoreRateLimit(engine, 1, per=WINDOW, clock=lambda: now[0])
    assert limit("a")
    assert limit("b")
    assert not limit("a")
    now[0] = NOON + WINDOW
    assert limit("a")  # the old row is reused for the new window
    assert limit.purge() == 1  # only "b" is left in the old window
    assert not limit("a")


def test_shape_is_checked() -> None:
    engine = create_engine("sqlite://")
    with pytest.raises(ConfigurationError, match="max_attempts"):
        StoreRateLimit(engine, 0, per=WINDOW)
    with pytest.raises(ConfigurationError, match="per"):
        StoreRateLimit(engine, 1, per=timedelta(0))


def test_build_flow_limits_resume_links_in_the_store(engine: sa.Engine) -> None:
    from familyhubs_sdk import load_settings
    from familyhubs_sdk.support import JourneyOptions
    from familyhubs_sdk.web import CsrfRule

    flow = build_flow(
        load_settings(database_url="sqlite://"),
        engine=engine,
        options=JourneyOptions(csrf=CsrfRule(exempt=True)),
        analytics=None,
    )
    assert isinstance(flow.resume, ResumeTokens)
    assert "StoreRateLimit(max_attempts=20" in repr(flow.resume)


def _noon() -> datetime:
    """One instant for both processes: a run that crossed a window's edge would start afresh."""
    return datetime(2026, 6, 1, 12, 0, tzinfo=UTC)


def _try_often(url: str, tries: int, out: multiprocessing.Queue[int]) -> None:
    limit = StoreRateLimit(create_engine(url), 20, per=timedelta(hours=1), clock=_noon)
    out.put(sum(limit("203.0.113.7 one-link") for _ in range(tries)))


def test_two_processes_share_one_count(tmp_path: Path) -> None:
    """Each process alone would allow 15 of its 15 tries; together they get 20 in all."""
    url = f"sqlite:///{(tmp_path / 'store.db').as_posix()}"
    upgrade(create_engine(url))
    context = multiprocessing.get_context("spawn")
    out: multiprocessing.Queue[int] = context.Queue()
    processes = [context.Process(target=_try_often, args=(url, 15, out)) for _ in range(2)]
    for process in processes:
        process.start()
    allowed = [out.get(timeout=60) for _ in processes]
    for process in processes:
        process.join(timeout=60)
        assert process.exitcode == 0
    assert sum(allowed) == 20
    assert all(count >= 5 for count in allowed)  # both really took part


@pytest.mark.skipif(not hasattr(os, "fork"), reason="fork is POSIX only")
def test_a_forked_child_never_uses_the_parents_connections(tmp_path: Path) -> None:
    engine = create_engine(f"sqlite:///{(tmp_path / 'store.db').as_posix()}")
    with engine.connect() as connection:
        connection.exec_driver_sql("SELECT 1")
    assert engine.pool.checkedin() == 1  # the parent keeps a pooled connection
    pid = os.fork()
    if pid == 0:  # the child: an empty pool of its own, then a working connection
        code = 0 if engine.pool.checkedin() == 0 else 3
        with engine.connect() as connection:
            code = code or (0 if connection.exec_driver_sql("SELECT 1").scalar() == 1 else 4)
        os._exit(code)
    _, status = os.waitpid(pid, 0)
    assert os.waitstatus_to_exitcode(status) == 0
    assert engine.pool.checkedin() == 1  # the parent's connection was left alone


@pytest.fixture
def redis_client():  # type: ignore[no-untyped-def]
    redis = pytest.importorskip("redis")
    client = redis.Redis.from_url(os.environ.get("FAMILYHUBS_TEST_REDIS_URL", "redis://127.0.0.1:6379/15"))
    try:
        client.ping()
    except redis.exceptions.RedisError as exc:
        if IN_CI:
            pytest.fail(f"CI=true requires the Redis tests to run: {type(exc).__name__}")
        pytest.skip(f"Redis not reachable: {type(exc).__name__}")
    yield client
    client.close()


def test_redis_limit_counts_per_key_in_one_window(redis_client) -> None:  # type: ignore[no-untyped-def]
    prefix = f"familyhubs-test:{os.getpid()}:{id(redis_client)}:"
    limit = RedisRateLimit(redis_client, 2, per=WINDOW, clock=lambda: NOON, prefix=prefix)
    try:
        assert [limit("a") for _ in range(3)] == [True, True, False]
        assert limit("b")
        keys = redis_client.keys(f"{prefix}*")
        assert len(keys) == 2
        assert all(0 < redis_client.ttl(key) <= WINDOW.total_seconds() + 1 for key in keys)
    finally:
        for key in redis_client.keys(f"{prefix}*"):
            redis_client.delete(key)
