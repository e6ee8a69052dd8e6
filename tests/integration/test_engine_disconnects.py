"""A pooled connection the server dropped is replaced, not handed to a request (real servers)."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
import sqlalchemy as sa
from sqlalchemy.engine import URL
from tests.helpers.databases import fresh_database

from familyhubs_sdk.store import _engine, create_engine

SERVERS = ("postgresql", "mariadb")
BACKEND_ID = {"postgresql": "SELECT pg_backend_pid()", "mariadb": "SELECT CONNECTION_ID()"}
KILL = {"postgresql": "SELECT pg_terminate_backend({})", "mariadb": "KILL {}"}


@pytest.fixture(params=SERVERS)
def server_url(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[URL]:
    with fresh_database(str(request.param), tmp_path_factory) as url:
        yield url


def _backend(engine: sa.Engine) -> int:
    with engine.connect() as connection:
        return int(
            connection.exec_driver_sql(
                BACKEND_ID[engine.dialect.name.replace("mysql", "mariadb")]
            ).scalar_one()
        )


def _kill(url: URL, backend: int) -> None:
    admin = create_engine(url, isolation_level="AUTOCOMMIT", pool_pre_ping=False)
    with admin.connect() as connection:
        connection.exec_driver_sql(
            KILL[admin.dialect.name.replace("mysql", "mariadb")].format(int(backend))
        )
    admin.dispose()


def _count_pings(engine: sa.Engine, monkeypatch: pytest.MonkeyPatch) -> list[int]:
    pings: list[int] = []
    real = engine.dialect.do_ping

    def counted(dbapi_connection: object) -> bool:
        pings.append(1)
        return real(dbapi_connection)

    monkeypatch.setattr(engine.dialect, "do_ping", counted)
    return pings


def test_an_idle_connection_the_server_dropped_is_replaced(
    server_url: URL, monkeypatch: pytest.MonkeyPatch
) -> None:
    engine = create_engine(server_url)
    pings = _count_pings(engine, monkeypatch)
    first = _backend(engine)
    _kill(server_url, first)
    monkeypatch.setattr(_engine, "PING_AFTER_IDLE_S", 0.0)  # every pooled connection counts as idle
    second = _backend(engine)  # would raise OperationalError on the dead connection
    assert second != first
    assert pings  # the dead connection was tested, not used
    engine.dispose()


def test_a_connection_used_a_moment_ago_is_not_pinged(
    server_url: URL, monkeypatch: pytest.MonkeyPatch
) -> None:
    engine = create_engine(server_url)
    pings = _count_pings(engine, monkeypatch)
    backends = {_backend(engine) for _ in range(20)}
    assert pings == []  # no extra round trip per transaction
    assert len(backends) == 1  # and the pool kept the one connection
    monkeypatch.setattr(_engine, "PING_AFTER_IDLE_S", 0.0)
    _backend(engine)
    assert pings == [1]
    engine.dispose()
