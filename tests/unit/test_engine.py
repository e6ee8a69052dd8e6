"""The engine factory's defaults for each dialect."""

from __future__ import annotations

from pathlib import Path

import pytest
import sqlalchemy as sa

from familyhubs_sdk.errors import ConfigurationError
from familyhubs_sdk.store import create_engine
from familyhubs_sdk.store._engine import POOL_SIZE, SQLITE_BUSY_TIMEOUT_MS, normalise_url


def test_sqlite_file_gets_wal_foreign_keys_and_busy_timeout(tmp_path: Path) -> None:
    engine = create_engine(f"sqlite:///{tmp_path / 'nested' / 'fh.db'}")
    with engine.connect() as conn:
        assert conn.exec_driver_sql("PRAGMA journal_mode").scalar() == "wal"
        assert conn.exec_driver_sql("PRAGMA foreign_keys").scalar() == 1
        assert conn.exec_driver_sql("PRAGMA busy_timeout").scalar() == SQLITE_BUSY_TIMEOUT_MS
    assert (tmp_path / "nested" / "fh.db").exists()
    engine.dispose()


def test_sqlite_memory_keeps_foreign_keys() -> None:
    engine = create_engine("sqlite://")
    with engine.connect() as conn:
        assert conn.exec_driver_sql("PRAGMA foreign_keys").scalar() == 1


@pytest.mark.parametrize(
    ("given", "expected"),
    [
        ("postgresql://u@h/db", "postgresql+psycopg"),
        ("postgresql+psycopg2://u@h/db", "postgresql+psycopg2"),
        ("mysql://u@h/db", "mysql+pymysql"),
        ("mariadb://u@h/db", "mariadb+pymysql"),
        ("sqlite:///x.db", "sqlite"),
    ],
)
def test_bare_dialects_get_the_extras_driver(given: str, expected: str) -> None:
    assert normalise_url(given).drivername == expected


def test_server_engines_keep_a_pool_and_ping_only_idle_connections() -> None:
    engine = create_engine("postgresql://user@127.0.0.1:1/none")
    assert engine.pool._pre_ping is False  # not before every use: see the integration tests
    assert engine.pool.size() == POOL_SIZE
    assert engine.pool._pool.use_lifo  # warm connections first
    assert sa.event.contains(engine, "checkout", _checkout_listener(engine))


@pytest.mark.parametrize("poolclass", [sa.pool.NullPool, sa.pool.StaticPool])
def test_a_host_may_choose_its_own_pool(poolclass: type[sa.pool.Pool]) -> None:
    # e.g. NullPool behind PgBouncer in transaction mode: no pool size is forced on it.
    engine = create_engine("postgresql://user@127.0.0.1:1/none", poolclass=poolclass)
    assert isinstance(engine.pool, poolclass)
    assert _checkout_listener(engine) is not None  # idle connections are still tested


def test_engine_options_win() -> None:
    engine = create_engine("postgresql://user@127.0.0.1:1/none", pool_pre_ping=True, pool_size=3)
    assert engine.pool._pre_ping is True
    assert engine.pool.size() == 3
    assert _checkout_listener(engine) is None  # the host chose its own disconnect handling


def _checkout_listener(engine: sa.Engine) -> object:
    listeners = list(engine.pool.dispatch.checkout)
    return listeners[0] if listeners else None


def test_invalid_url_is_a_configuration_error_without_the_url() -> None:
    with pytest.raises(ConfigurationError) as caught:
        create_engine("not a url with secret-canary")
    assert "secret-canary" not in str(caught.value)


def test_bound_values_never_reach_error_text() -> None:
    engine = create_engine("sqlite://")
    with engine.connect() as conn:
        conn.exec_driver_sql("CREATE TABLE t (v TEXT NOT NULL UNIQUE)")
        insert = sa.text("INSERT INTO t VALUES (:v)")
        conn.execute(insert, {"v": "Zebedee Canary-Smith"})
        with pytest.raises(sa.exc.IntegrityError) as caught:
            conn.execute(insert, {"v": "Zebedee Canary-Smith"})
    assert "Zebedee" not in str(caught.value)
