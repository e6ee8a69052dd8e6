"""On PostgreSQL (psycopg) the SQL view connector keeps one SQL text per number of keys and binds
the values each read: any number of keys and the time bounds read the same rows as through
SQLAlchemy, and the pooled connection goes back as it came (transactions still work on it)."""

from __future__ import annotations

from datetime import datetime

import pytest
import sqlalchemy as sa
from tests.helpers.databases import fresh_database

from familyhubs_sdk.connectors import SQLViewConnector
from familyhubs_sdk.errors import ConnectorError
from familyhubs_sdk.store import create_engine
from familyhubs_sdk.synthetic import build_warehouse, connectors


def test_every_key_count_and_bound_reads_as_through_sqlalchemy(
    tmp_path_factory: pytest.TempPathFactory,
) -> None:
    with fresh_database("postgresql", tmp_path_factory) as url:
        engine = create_engine(url, pool_pre_ping=False)
        summary = build_warehouse(engine, children=60)
        lcs = connectors(engine)[0]
        assert isinstance(lcs, SQLViewConnector)
        assert lcs._direct is not None
        family = summary.family_of(3)
        reads = [
            lambda: lcs.read_timeline(family[:1]),
            lambda: lcs.read_timeline(family),
            lambda: lcs.read_timeline(list(reversed(family))),  # same count, other values
            lambda: lcs.read_timeline(family, since=datetime(2020, 1, 1), limit=7),
            lambda: lcs.read_timeline(family[:2], until=datetime(2024, 6, 1)),
            lambda: lcs.read_people(family),
            lambda: lcs.read_involvements(family[1:]),
        ]
        direct = [read() for read in reads]
        assert direct[1]
        assert len(direct[3]) <= 7
        assert direct[1] == direct[2]
        sqlalchemy_path, lcs._direct = lcs._direct, None
        assert [read() for read in reads] == direct
        lcs._direct = sqlalchemy_path

        # The connection the reads used is back in the pool out of autocommit: a rolled-back
        # write on the same engine leaves nothing behind.
        lcs.read_timeline(family)
        with engine.connect() as conn:
            assert conn.connection.driver_connection.autocommit is False  # type: ignore[union-attr]
            conn.execute(sa.text("CREATE TABLE direct_probe (x int)"))
            conn.rollback()
        with engine.connect() as conn:
            assert conn.execute(sa.text("SELECT to_regclass('direct_probe')")).scalar() is None
        lcs.close()
        engine.dispose()


def test_a_connection_the_server_ended_is_never_handed_out_again(
    tmp_path_factory: pytest.TempPathFactory,
) -> None:
    with fresh_database("postgresql", tmp_path_factory) as url:
        engine = create_engine(url, pool_pre_ping=False, pool_size=1)
        summary = build_warehouse(engine, children=20)
        lcs = connectors(engine)[0]
        person = [summary.subject_near(10).la_person_id]
        assert lcs.read_timeline(person)
        with engine.connect() as conn:  # the one pooled connection the read used
            backend = conn.execute(sa.text("SELECT pg_backend_pid()")).scalar_one()
        admin = create_engine(url, isolation_level="AUTOCOMMIT", pool_pre_ping=False)
        with admin.connect() as conn:
            conn.execute(sa.text("SELECT pg_terminate_backend(:pid)"), {"pid": backend})
        admin.dispose()
        with pytest.raises(ConnectorError, match="refused the timeline_event read"):
            lcs.read_timeline(person)  # a terminated session has a SQLSTATE (57P01)
        assert lcs.read_timeline(person)  # on a new connection, not the dead one
        lcs.close()
        engine.dispose()
