"""The access audit: one append-only row for every look at a child's or family's record.

Each row says who looked (id, name, role, organisation), at whom (an opaque reference, never a
name or identifier), why (the reason and the legal basis they gave), when (UTC), with what
outcome, and whether break-glass access was used (with its justification). It never holds what
was shown.

The SDK offers no way to change or delete a row. On PostgreSQL, make that true for everyone; see
``docs/security.md`` for the ``REVOKE`` and trigger recipe.

>>> from familyhubs_sdk.store import create_engine, upgrade
>>> engine = create_engine("sqlite://"); upgrade(engine)
>>> audit = AuditLog(engine, key=b"k" * 32)
>>> viewer = Viewer(id="u1", name="Sam", role="family_support", organisation="Family hub")
>>> event = audit.record(viewer, AuditAction.TIMELINE_VIEW, subject_id="person-42",
...                      reason="early_help_assessment", basis="public_task")
>>> event.subject_ref == audit.subject_ref("person-42") != "person-42"
True
>>> [e.action for e in audit.query(subject_id="person-42")]
[<AuditAction.TIMELINE_VIEW: 'timeline_view'>]
"""

from __future__ import annotations

import csv
import hashlib
import hmac
import uuid
from collections.abc import Iterator, Sequence
from datetime import datetime
from enum import StrEnum
from typing import IO

import sqlalchemy as sa
from pydantic import BaseModel, ConfigDict, Field, model_validator
from sqlalchemy.engine import Engine

from familyhubs_sdk._clock import Clock, utc_now
from familyhubs_sdk.errors import ConfigurationError
from familyhubs_sdk.rendering._spreadsheet import formula_safe
from familyhubs_sdk.store._schema import audit_events
from familyhubs_sdk.web._viewer import Viewer

__all__ = ["AuditAction", "AuditEvent", "AuditLog", "AuditOutcome"]


class AuditAction(StrEnum):
    """What the viewer did."""

    SEARCH = "search"
    TIMELINE_VIEW = "timeline_view"
    CONTACTS_VIEW = "contacts_view"
    FAMILY_VIEW = "family_view"
    EXPORT = "export"
    #: Who has viewed a record: reading the audit about one subject is itself audited.
    VIEWED_BY = "viewed_by"
    #: Information governance reviewed an emergency access (the outcome is in the review).
    ACCESS_REVIEW = "access_review"
    #: The receiving team's inbox listed requests (one event per request on the page).
    REQUEST_LIST = "request_list"
    #: A member of the receiving team opened one request for support.
    REQUEST_VIEW = "request_view"
    #: A request was assigned, given an internal note or changed status in the inbox.
    REQUEST_CHANGE = "request_change"
    #: A person accepted a proposed link between two records (one event per record, and one
    #: per person under their master id where the resolver knows it).
    LINK_ACCEPT = "link_accept"
    #: A person rejected a proposed link between two records (one event per record, and one
    #: per person under their master id where the resolver knows it).
    LINK_REJECT = "link_reject"
    #: The link review screen showed a record's name and date of birth (one event per record).
    LINK_REVIEW = "link_review"


class AuditOutcome(StrEnum):
    """What the SDK did about it."""

    ALLOWED = "allowed"
    DENIED = "denied"
    ERROR = "error"


class AuditEvent(BaseModel):
    """One row of the access audit."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    occurred_at: datetime
    request_id: str = Field(min_length=1, max_length=64)
    actor_id: str = Field(min_length=1, max_length=200)
    actor_role: str = Field(min_length=1, max_length=100)
    actor_organisation: str = Field(min_length=1, max_length=200)
    action: AuditAction
    subject_ref: str | None = Field(default=None, max_length=64)
    reason: str | None = Field(default=None, max_length=100)
    basis: str | None = Field(default=None, max_length=100)
    outcome: AuditOutcome
    break_glass: bool = False
    justification: str | None = Field(default=None, max_length=500)
    #: The viewer's name as the host's sign-in gave it (``None`` in rows from older releases).
    actor_name: str | None = Field(default=None, max_length=200)

    @model_validator(mode="after")
    def _break_glass_needs_justification(self) -> AuditEvent:
        if self.break_glass and not (self.justification or "").strip():
            raise ValueError("break-glass access needs a justification")
        return self


#: Servers where a single-statement write is committed by itself (see :meth:`AuditLog.record`).
_AUTOCOMMIT_DIALECTS = frozenset({"postgresql"})

#: Columns of the CSV export, in order.
EXPORT_COLUMNS = tuple(AuditEvent.model_fields)


class AuditLog:
    """Writes and reads the access audit in the SDK's store.

    :param key: secret for the opaque subject references (at least 32 bytes); keep it stable, or
        references written before and after a change no longer match.
    """

    def __init__(self, engine: Engine, *, key: bytes, clock: Clock = utc_now) -> None:
        if len(key) < 32:
            raise ConfigurationError("the audit key must be at least 32 bytes")
        self._engine = engine
        self._key = key
        self._clock = clock
        #: One statement for every row (its compiled form is cached by SQLAlchemy).
        self._insert = audit_events.insert()
        # On these servers one INSERT in autocommit is its own transaction, committed before
        # the server answers: one round trip instead of BEGIN, INSERT and COMMIT.
        self._autocommit = (
            engine.execution_options(isolation_level="AUTOCOMMIT")
            if engine.dialect.name in _AUTOCOMMIT_DIALECTS
            else None
        )

    def subject_ref(self, subject_id: str) -> str:
        """The opaque reference stored for ``subject_id``: a keyed hash, not reversible."""
        digest = hmac.new(self._key, subject_id.encode(), hashlib.sha256).hexdigest()
        return f"s1:{digest[:48]}"

    def record(
        self,
        viewer: Viewer,
        action: AuditAction,
        *,
        subject_id: str | None = None,
        reason: str | None = None,
        basis: str | None = None,
        outcome: AuditOutcome = AuditOutcome.ALLOWED,
        request_id: str | None = None,
        break_glass: bool = False,
        justification: str | None = None,
        connection: sa.Connection | None = None,
        subject_ref: str | None = None,
    ) -> AuditEvent:
        """Append one event and return it. Pass ``connection`` to write inside your transaction.

        ``subject_ref`` names the subject by the reference already stored (an event about an
        audit row, such as an access review), instead of ``subject_id``.
        """
        if subject_id is not None:
            subject_ref = self.subject_ref(subject_id)
        event = AuditEvent(
            occurred_at=self._clock(),
            request_id=request_id or uuid.uuid4().hex,
            actor_id=viewer.id,
            actor_name=viewer.name[:200] or None,
            actor_role=viewer.role,
            actor_organisation=viewer.organisation,
            action=action,
            subject_ref=subject_ref,
            reason=reason,
            basis=basis,
            outcome=outcome,
            break_glass=break_glass,
            justification=justification,
        )
        row = event.model_dump()
        if connection is not None:
            connection.execute(self._insert, row)
        elif self._autocommit is not None:
            with self._autocommit.connect() as own:
                own.execute(self._insert, row)
        else:
            with self._engine.begin() as own:
                own.execute(self._insert, row)
        return event

    def record_each(
        self,
        viewer: Viewer,
        action: AuditAction,
        subject_ids: Sequence[str],
        *,
        outcome: AuditOutcome = AuditOutcome.ALLOWED,
        request_id: str | None = None,
    ) -> list[AuditEvent]:
        """One event per subject (a search's results), in one transaction and under one request
        id; with no subjects, one event naming none, so the action itself is still recorded."""
        request_id = request_id or uuid.uuid4().hex
        subjects: Sequence[str | None] = subject_ids or [None]
        with self._engine.begin() as connection:
            return [
                self.record(
                    viewer,
                    action,
                    subject_id=subject_id,
                    outcome=outcome,
                    request_id=request_id,
                    connection=connection,
                )
                for subject_id in subjects
            ]

    def query(
        self,
        *,
        subject_id: str | None = None,
        actor_id: str | None = None,
        action: AuditAction | None = None,
        since: datetime | None = None,
        until: datetime | None = None,
        limit: int = 1000,
    ) -> list[AuditEvent]:
        """Events matching every filter given, newest first."""
        return list(self._select(subject_id, actor_id, action, since, until, limit=limit))

    def export_csv(
        self,
        out: IO[str],
        *,
        subject_id: str | None = None,
        actor_id: str | None = None,
        since: datetime | None = None,
        until: datetime | None = None,
    ) -> int:
        """Write matching events as CSV (formula-safe) to ``out``; returns the number of rows."""
        writer = csv.writer(out)
        writer.writerow(EXPORT_COLUMNS)
        count = 0
        for event in self._select(subject_id, actor_id, None, since, until, limit=None):
            row = event.model_dump(mode="json")
            writer.writerow([formula_safe(row[column]) for column in EXPORT_COLUMNS])
            count += 1
        return count

    def _select(
        self,
        subject_id: str | None,
        actor_id: str | None,
        action: AuditAction | None,
        since: datetime | None,
        until: datetime | None,
        *,
        limit: int | None,
    ) -> Iterator[AuditEvent]:
        table = audit_events
        statement = sa.select(*(table.c[name] for name in EXPORT_COLUMNS)).order_by(
            table.c.occurred_at.desc(), table.c.id.desc()
        )
        if subject_id is not None:
            statement = statement.where(table.c.subject_ref == self.subject_ref(subject_id))
        if actor_id is not None:
            statement = statement.where(table.c.actor_id == actor_id)
        if action is not None:
            statement = statement.where(table.c.action == action.value)
        if since is not None:
            statement = statement.where(table.c.occurred_at >= since)
        if until is not None:
            statement = statement.where(table.c.occurred_at < until)
        if limit is not None:
            statement = statement.limit(limit)
        with self._engine.connect() as connection:
            for row in connection.execute(statement):
                yield AuditEvent.model_validate(row._asdict())
