"""The SQL view connector limits statements in each server's own words, chosen by dialect.

The servers read the setting back in ``tests/integration/connectors/test_contract_servers.py``.
"""

from __future__ import annotations

import pytest
import sqlalchemy as sa
from sqlalchemy.dialects import mssql, mysql, postgresql, sqlite
from sqlalchemy.engine import Dialect, make_url

from familyhubs_sdk.connectors._sql import _limit_statements, _statement_timeout


@pytest.mark.parametrize(
    ("dialect", "statement"),
    [
        (postgresql.dialect(), "SET statement_timeout = 2500"),
        (make_url("mariadb+pymysql://").get_dialect()(), "SET SESSION max_statement_time = 2.500"),
        # A mysql:// URL that reached MariaDB: the dialect learns it on connecting.
        (mysql.dialect(is_mariadb=True), "SET SESSION max_statement_time = 2.500"),
        (mysql.dialect(), "SET SESSION max_execution_time = 2500"),
        (sqlite.dialect(), None),
        (mssql.dialect(), None),
    ],
    ids=["postgresql", "mariadb", "mysql-url-on-mariadb", "mysql", "sqlite", "mssql"],
)
def test_statement_timeout_is_chosen_by_dialect(dialect: Dialect, statement: str | None) -> None:
    assert _statement_timeout(dialect, 2500) == statement


def test_sqlite_connections_are_left_as_they_are() -> None:
    engine = sa.create_engine("sqlite://")
    _limit_statements(engine, 1000)
    with engine.connect() as conn:
        assert conn.exec_driver_sql("SELECT 1").scalar() == 1
    engine.dispose()
