"""Migrations run from empty to head on every dialect and match the MetaData exactly."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta, timezone

import pytest
import sqlalchemy as sa
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext

from familyhubs_sdk.store import current_revision, head_revision, metadata, upgrade
from familyhubs_sdk.store._migrate import VERSION_TABLE
from familyhubs_sdk.store._schema import audit_events


def test_empty_database_has_no_revision(engine: sa.Engine) -> None:
    assert current_revision(engine) is None


def test_upgrade_reaches_head_and_matches_metadata(engine: sa.Engine) -> None:
    upgrade(engine)

    assert current_revision(engine) == head_revision()
    with engine.connect() as connection:
        context = MigrationContext.configure(
            connection, opts={"compare_type": True, "version_table": VERSION_TABLE}
        )
        drift = compare_metadata(context, metadata)
        tables = set(sa.inspect(connection).get_table_names())
    assert drift == []
    assert {table.name for table in metadata.sorted_tables} | {VERSION_TABLE} == tables


def test_upgrade_twice_is_a_no_op(engine: sa.Engine) -> None:
    upgrade(engine)
    upgrade(engine)
    assert current_revision(engine) == head_revision()


def test_timestamps_round_trip_as_utc_with_microseconds(engine: sa.Engine) -> None:
    upgrade(engine)
    written = datetime(2026, 3, 1, 9, 30, 15, 123456, tzinfo=timezone(timedelta(hours=1)))
    with engine.begin() as connection:
        connection.execute(
            audit_events.insert().values(
                occurred_at=written,
                request_id="r1",
                actor_id="a1",
                actor_role="role",
                actor_organisation="org",
                action="search",
                outcome="ok",
            )
        )
        read = connection.execute(sa.select(audit_events.c.occurred_at)).scalar_one()
    assert read == written
    assert read.tzinfo == UTC


def test_naive_timestamps_are_refused(engine: sa.Engine) -> None:
    upgrade(engine)
    with pytest.raises(sa.exc.StatementError, match="timezone-aware"), engine.begin() as conn:
        conn.execute(
            audit_events.insert().values(
                occurred_at=datetime(2026, 1, 1),
                request_id="r1",
                actor_id="a1",
                actor_role="role",
                actor_organisation="org",
                action="search",
                outcome="ok",
            )
        )
