"""Real database servers for the integration tests: PostgreSQL and MariaDB on localhost.

Each test session gets databases of its own (created here, dropped at the end), so runs never see
each other's rows. Without a server the tests that need it skip with the reason; under ``CI=true``
they fail instead, because CI must prove every dialect.
"""

from __future__ import annotations

import os
import secrets
from collections.abc import Iterator
from contextlib import contextmanager

import pytest
import sqlalchemy as sa
from sqlalchemy.engine import URL, make_url

from familyhubs_sdk.store import create_engine

IN_CI = os.environ.get("CI", "").strip().lower() in {"1", "true", "yes"}

SERVER_URLS = {
    "postgresql": os.environ.get(
        "FAMILYHUBS_TEST_POSTGRES_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/test"
    ),
    "mariadb": os.environ.get(
        "FAMILYHUBS_TEST_MARIADB_URL", "mysql+pymysql://root@127.0.0.1:3306/test"
    ),
}
DIALECTS = ("sqlite", "postgresql", "mariadb")


def unavailable(dialect: str, why: str) -> None:
    """Skip (on a developer's machine) or fail (in CI) because a server is missing."""
    where = make_url(SERVER_URLS[dialect]).render_as_string(hide_password=True)
    message = f"{dialect} server not reachable at {where}: {why}"
    if IN_CI:
        pytest.fail(f"CI=true requires the {dialect} integration tests to run. {message}")
    pytest.skip(message)


def _admin_engine(dialect: str) -> sa.Engine:
    engine = create_engine(SERVER_URLS[dialect], isolation_level="AUTOCOMMIT", pool_pre_ping=False)
    try:
        with engine.connect() as connection:
            connection.exec_driver_sql("SELECT 1")
    except Exception as exc:  # any driver or network failure means "not reachable"
        engine.dispose()
        unavailable(dialect, f"{type(exc).__name__}")
    return engine


@contextmanager
def fresh_database(dialect: str, tmp_path_factory: pytest.TempPathFactory) -> Iterator[URL]:
    """Create an empty database on ``dialect`` and drop it afterwards."""
    if dialect == "sqlite":
        folder = tmp_path_factory.mktemp("sqlite")
        yield make_url(f"sqlite:///{folder / 'test.db'}")
        return
    name = f"fh_test_{os.getpid()}_{secrets.token_hex(4)}"
    admin = _admin_engine(dialect)
    quoted = admin.dialect.identifier_preparer.quote(name)
    with admin.connect() as connection:
        connection.exec_driver_sql(f"CREATE DATABASE {quoted}")
    try:
        yield make_url(SERVER_URLS[dialect]).set(database=name)
    finally:
        with admin.connect() as connection:
            if dialect == "postgresql":
                connection.exec_driver_sql(f"DROP DATABASE IF EXISTS {quoted} WITH (FORCE)")
            else:
                connection.exec_driver_sql(f"DROP DATABASE IF EXISTS {quoted}")
        admin.dispose()
