"""The LA-table channel on SQLite: rows, idempotent repeats, and error classification."""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator
from datetime import UTC, datetime
from pathlib import Path

import pytest
import sqlalchemy as sa

from familyhubs_sdk.delivery import (
    DatabaseTableChannel,
    DeliveryOutcome,
    OutboundMessage,
    la_inbox_table,
)
from familyhubs_sdk.errors import DeliveryError

MakeMessage = Callable[..., OutboundMessage]
NOW = datetime(2026, 3, 2, 9, 30, tzinfo=UTC)


@pytest.fixture
def engine(tmp_path: Path) -> Iterator[sa.Engine]:
    engine = sa.create_engine(f"sqlite:///{tmp_path / 'la.db'}", connect_args={"timeout": 0.05})
    yield engine
    engine.dispose()


@pytest.fixture
def inbox(engine: sa.Engine) -> sa.Table:
    metadata = sa.MetaData()
    table = la_inbox_table(metadata)
    metadata.create_all(engine)
    return table


def test_inserts_one_row_and_a_repeat_is_delivered(
    engine: sa.Engine, inbox: sa.Table, make_message: MakeMessage
) -> None:
    channel = DatabaseTableChannel(engine, inbox, clock=lambda: NOW)
    first = channel.deliver(make_message())
    repeat = channel.deliver(make_message())

    assert (first.outcome, first.detail) == (DeliveryOutcome.DELIVERED, "inserted")
    assert (repeat.outcome, repeat.detail) == (DeliveryOutcome.DELIVERED, "already delivered")
    with engine.connect() as connection:
        (row,) = connection.execute(sa.select(inbox)).all()
    assert (row.reference, row.idempotency_key) == ("K7QD4RXA", "fh_0001")
    assert row.payload == make_message().payload
    assert row.received_at == NOW


def test_a_table_named_is_reflected(
    engine: sa.Engine, inbox: sa.Table, make_message: MakeMessage
) -> None:
    channel = DatabaseTableChannel(engine, "familyhubs_requests")

    assert channel.deliver(make_message()).outcome is DeliveryOutcome.DELIVERED
    with engine.connect() as connection:
        assert connection.execute(sa.select(sa.func.count()).select_from(inbox)).scalar() == 1


def test_a_text_payload_column_gets_json_text(engine: sa.Engine, make_message: MakeMessage) -> None:
    with engine.begin() as connection:
        connection.exec_driver_sql(
            "CREATE TABLE inbox (reference VARCHAR(16), idempotency_key VARCHAR(200) UNIQUE,"
            " payload TEXT, received_at TIMESTAMP)"
        )
    channel = DatabaseTableChannel(engine, "inbox")
    channel.deliver(make_message())

    with engine.connect() as connection:
        stored = connection.exec_driver_sql("SELECT payload FROM inbox").scalar_one()
    assert json.loads(stored) == make_message().payload


def test_a_locked_database_is_retried_without_sql_in_the_detail(
    engine: sa.Engine, inbox: sa.Table, make_message: MakeMessage
) -> None:
    channel = DatabaseTableChannel(engine, inbox)
    with engine.connect() as holder:
        holder.exec_driver_sql("BEGIN EXCLUSIVE")
        result = channel.deliver(make_message())
        holder.exec_driver_sql("ROLLBACK")

    assert (result.outcome, result.detail) == (
        DeliveryOutcome.RETRY,
        "database unavailable (OperationalError)",
    )
    assert channel.deliver(make_message()).outcome is DeliveryOutcome.DELIVERED


def test_another_integrity_error_is_permanent(engine: sa.Engine, make_message: MakeMessage) -> None:
    metadata = sa.MetaData()
    table = la_inbox_table(metadata, "strict_inbox")
    table.append_column(sa.Column("team", sa.String(20), nullable=False))  # the SDK never fills it
    metadata.create_all(engine)
    result = DatabaseTableChannel(engine, table).deliver(make_message())

    assert (result.outcome, result.detail) == (
        DeliveryOutcome.PERMANENT,
        "database error (IntegrityError)",
    )


def test_unknown_or_unsuitable_tables_are_refused_at_construction(engine: sa.Engine) -> None:
    with pytest.raises(DeliveryError, match="no table of that name"):
        DatabaseTableChannel(engine, "missing")
    with engine.begin() as connection:
        connection.exec_driver_sql("CREATE TABLE thin (reference TEXT, payload TEXT)")
    with pytest.raises(DeliveryError, match="idempotency_key, received_at"):
        DatabaseTableChannel(engine, "thin")
