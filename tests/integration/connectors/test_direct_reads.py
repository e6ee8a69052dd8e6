"""On PostgreSQL (psycopg) the SQL view connector runs its reads on the driver directly: the same
rows as through SQLAlchemy, a refused read is a ConnectorError naming its kind only, and the
connection is fine for the next read."""

from __future__ import annotations

import pytest
import sqlalchemy as sa
from tests.helpers.databases import fresh_database

from familyhubs_sdk.connectors import FederatedSource, SQLViewConnector
from familyhubs_sdk.errors import ConnectorError
from familyhubs_sdk.store import create_engine
from familyhubs_sdk.synthetic import build_warehouse, connectors


def test_direct_reads_match_sqlalchemy_and_fail_cleanly(
    tmp_path_factory: pytest.TempPathFactory,
) -> None:
    with fresh_database("postgresql", tmp_path_factory) as url:
        engine = create_engine(url, pool_pre_ping=False)
        summary = build_warehouse(engine, children=30)
        sources = {c.name: c for c in connectors(engine)}
        lcs = sources["lcs"]
        assert isinstance(lcs, SQLViewConnector)
        assert lcs._direct is not None  # psycopg: the direct path is the one under test
        child = summary.subject_near(20)
        direct = lcs.read_timeline([child.la_person_id])
        lcs._direct = None  # the same read through SQLAlchemy
        assert lcs.read_timeline([child.la_person_id]) == direct
        assert len(direct) == sum(
            1 for e in FederatedSource([lcs]).read_timeline({"lcs": [child.la_person_id]}).items
        )
        lcs.close()

        broken = connectors(engine)[0]
        with engine.begin() as conn:
            table = next(
                d.table for d in broken.catalog.definitions if d.view == "timeline_event" and d.table
            )
            conn.exec_driver_sql(f'ALTER TABLE "{table}" RENAME TO "{table}_gone"')
        with pytest.raises(ConnectorError) as refused:
            broken.read_timeline([child.la_person_id])
        assert "UndefinedTable" in str(refused.value)
        assert child.la_person_id not in str(refused.value)
        with engine.begin() as conn:
            conn.exec_driver_sql(f'ALTER TABLE "{table}_gone" RENAME TO "{table}"')
        assert broken.read_timeline([child.la_person_id]) == direct  # the pool is still usable
        with broken.engine.connect() as conn:
            assert conn.execute(sa.text("SELECT 1")).scalar() == 1
        broken.close()
        engine.dispose()
