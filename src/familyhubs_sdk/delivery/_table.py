"""Deliver requests as rows in a table the LA owns, through SQLAlchemy.

For an LA whose case system reads a staging table: the SDK inserts, the LA's process reads.
The table's unique ``idempotency_key`` makes delivery exactly-once in effect: a repeat insert
fails on that key, which means an earlier attempt got through.

>>> import sqlalchemy as sa
>>> engine = sa.create_engine("sqlite://")
>>> metadata = sa.MetaData()
>>> inbox = la_inbox_table(metadata)
>>> metadata.create_all(engine)
>>> channel = DatabaseTableChannel(engine, inbox)
>>> message = OutboundMessage(
...     idempotency_key="fh_1", reference="K7QD4RXA", subject="Request for support K7QD4RXA",
...     payload={"reference": "K7QD4RXA"}, text="...", html="<p>...</p>")
>>> channel.deliver(message).detail, channel.deliver(message).detail
('inserted', 'already delivered')
"""

from __future__ import annotations

import json

import sqlalchemy as sa
from sqlalchemy.engine import Engine

from familyhubs_sdk._clock import Clock, utc_now
from familyhubs_sdk.delivery._encoding import to_json
from familyhubs_sdk.delivery._message import DeliveryChannel, DeliveryResult, OutboundMessage
from familyhubs_sdk.errors import DeliveryError
from familyhubs_sdk.store._types import UTCDateTime

__all__ = ["DatabaseTableChannel", "la_inbox_table"]

_REQUIRED = ("reference", "idempotency_key", "payload", "received_at")
# Errors that come and go: the server unreachable, a lock or deadlock, the pool exhausted.
_TRANSIENT = (sa.exc.OperationalError, sa.exc.InterfaceError, sa.exc.TimeoutError)


def la_inbox_table(metadata: sa.MetaData, name: str = "familyhubs_requests") -> sa.Table:
    """A table :class:`DatabaseTableChannel` can write to; create it in the LA's database
    (``metadata.create_all(engine)`` or the LA's own migrations).

    ``idempotency_key`` is unique: that is what turns a repeated delivery into a no-op.
    """
    return sa.Table(
        name,
        metadata,
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("reference", sa.String(16), nullable=False, index=True),
        sa.Column("idempotency_key", sa.String(200), nullable=False, unique=True),
        sa.Column("payload", sa.JSON, nullable=False),
        sa.Column("received_at", UTCDateTime, nullable=False),
    )


class DatabaseTableChannel(DeliveryChannel):
    """Inserts one row per request into ``table``: ``reference``, ``idempotency_key``,
    ``payload`` (JSON, or JSON text if the column is a string type) and ``received_at``.

    ``table`` is a :class:`sqlalchemy.Table` or a table name, reflected from ``engine`` now so a
    wrong name fails at start-up. Any other columns must have defaults or allow nulls.

    Outcomes: inserted, or the key already there → delivered; an operational error (server
    down, lock timeout, deadlock) → retry; any other database error → permanent. Details name the
    error class only, never SQL text or values.
    """

    def __init__(
        self,
        engine: Engine,
        table: sa.Table | str,
        *,
        schema: str | None = None,
        name: str = "la_table",
        clock: Clock = utc_now,
    ) -> None:
        self.name = name
        self.engine = engine
        if isinstance(table, str):
            try:
                table = sa.Table(table, sa.MetaData(), autoload_with=engine, schema=schema)
            except sa.exc.NoSuchTableError:
                raise DeliveryError("la table: no table of that name in the database") from None
            except sa.exc.SQLAlchemyError as exc:
                raise DeliveryError(f"la table could not be read ({type(exc).__name__})") from None
        missing = [column for column in _REQUIRED if column not in table.c]
        if missing:
            raise DeliveryError(f"la table lacks column(s): {', '.join(missing)}")
        self.table = table
        self._payload_is_json = isinstance(table.c.payload.type, sa.JSON)
        self._clock = clock

    def __repr__(self) -> str:
        return f"DatabaseTableChannel(name={self.name!r}, table={self.table.name!r})"

    def deliver(self, message: OutboundMessage) -> DeliveryResult:
        """Insert once; see the class docstring for the outcomes."""
        try:
            payload = json.loads(to_json(message.payload))
        except (TypeError, ValueError):
            return DeliveryResult.permanent("payload is not JSON-serialisable")
        row = {
            "reference": message.reference,
            "idempotency_key": message.idempotency_key,
            "payload": payload if self._payload_is_json else json.dumps(payload),
            "received_at": self._clock(),
        }
        try:
            with self.engine.begin() as connection:
                connection.execute(self.table.insert().values(**row))
        except sa.exc.IntegrityError:
            return self._after_conflict(message.idempotency_key)
        except _TRANSIENT as exc:
            return DeliveryResult.retry(f"database unavailable ({type(exc).__name__})")
        except sa.exc.SQLAlchemyError as exc:
            return DeliveryResult.permanent(f"database error ({type(exc).__name__})")
        return DeliveryResult.delivered("inserted")

    def _after_conflict(self, key: str) -> DeliveryResult:
        """An integrity error is a repeat only if the key is there; otherwise the table refused
        the row for another reason (a NOT NULL column the SDK does not fill)."""
        query = sa.select(sa.func.count()).where(self.table.c.idempotency_key == key)
        try:
            with self.engine.connect() as connection:
                found = connection.execute(query).scalar_one()
        except _TRANSIENT as exc:
            return DeliveryResult.retry(f"database unavailable ({type(exc).__name__})")
        except sa.exc.SQLAlchemyError as exc:
            return DeliveryResult.permanent(f"database error ({type(exc).__name__})")
        if found:
            return DeliveryResult.delivered("already delivered")
        return DeliveryResult.permanent("database error (IntegrityError)")
