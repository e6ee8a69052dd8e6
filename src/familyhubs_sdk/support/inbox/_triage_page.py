"""The triage list and the triaged request, read from the store for the receiving team.

:func:`read_triage_page` filters in two stages: what the database can judge on its own columns
(assignee, date received) in SQL, then what only the answers hold (area of need, flags, a name)
over the snapshots that remain. Status counts are taken after both, so every tab says how many
requests it would show with the same filters.
"""

from __future__ import annotations

import math
from collections import Counter
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from types import MappingProxyType

import sqlalchemy as sa
from sqlalchemy.engine import Connection

from familyhubs_sdk.store._schema import request_assignments, support_requests
from familyhubs_sdk.support.inbox._filters import UNASSIGNED, InboxQuery
from familyhubs_sdk.support.inbox._lifecycle import RequestRecord, RequestStatus
from familyhubs_sdk.support.inbox._notes import Assignment, InternalNote
from familyhubs_sdk.support.inbox._triage import (
    TriageRules,
    TriageSummary,
    days_between,
    triage_summary,
)
from familyhubs_sdk.support.requests._request import SupportRequest

__all__ = ["TriagePage", "TriageRecord", "TriageRow", "read_triage_page"]


@dataclass(frozen=True, slots=True)
class TriageRow:
    """One request on the triage list."""

    reference: str
    status: RequestStatus
    received_at: datetime
    summary: TriageSummary
    #: Whole days since it arrived; for a final status, the days it was open.
    days_open: int
    #: The assignee's id, or ``None`` for nobody yet.
    assignee: str | None


@dataclass(frozen=True, slots=True)
class TriagePage:
    """One page of the triage list and the counts for its status tabs."""

    rows: tuple[TriageRow, ...]
    query: InboxQuery
    #: Requests in each status under the other filters, every status present.
    counts: Mapping[RequestStatus, int]
    limit: int
    today: datetime

    @property
    def total(self) -> int:
        """Requests matching every filter, on every page."""
        status = self.query.status
        return self.counts[status] if status else sum(self.counts.values())

    @property
    def offset(self) -> int:
        return self.query.offset(self.limit)

    @property
    def page_number(self) -> int:
        return self.query.page

    @property
    def page_count(self) -> int:
        return max(1, math.ceil(self.total / self.limit))


@dataclass(frozen=True, slots=True)
class TriageRecord:
    """A request with what the team has added while triaging it."""

    record: RequestRecord
    summary: TriageSummary
    assignment: Assignment | None
    #: Newest first; for the team only.
    notes: tuple[InternalNote, ...]

    @property
    def reference(self) -> str:
        return self.record.reference


def _day_start(value: date) -> datetime:
    return datetime.combine(value, time(), tzinfo=UTC)


def _matches(row: TriageRow, query: InboxQuery) -> bool:
    summary = row.summary
    if query.area and query.area not in summary.areas:
        return False
    if query.flag and query.flag not in {flag.id for flag in summary.flags}:
        return False
    if query.search:
        wanted = query.search.casefold()
        if wanted != row.reference.casefold() and not any(
            wanted in name.casefold() for name in summary.names
        ):
            return False
    return True


def read_triage_page(
    connection: Connection,
    query: InboxQuery,
    *,
    limit: int,
    now: datetime,
    rules: TriageRules,
) -> TriagePage:
    """The requests matching ``query``, newest first, one page of them."""
    t, a = support_requests, request_assignments
    statement = (
        sa.select(
            t.c.reference, t.c.status, t.c.created_at, t.c.updated_at, t.c.payload, a.c.assignee
        )
        .select_from(t.outerjoin(a, a.c.request_id == t.c.id))
        .order_by(t.c.created_at.desc(), t.c.id.desc())
    )
    if query.assignee == UNASSIGNED:
        statement = statement.where(a.c.assignee.is_(None))
    elif query.assignee:
        statement = statement.where(a.c.assignee == query.assignee)
    if query.received_from:
        statement = statement.where(t.c.created_at >= _day_start(query.received_from))
    if query.received_to:
        statement = statement.where(
            t.c.created_at < _day_start(query.received_to) + timedelta(days=1)
        )
    today = now.astimezone(UTC).date()
    matched: list[TriageRow] = []
    for found in connection.execute(statement):
        status = RequestStatus(found.status)
        ended = found.updated_at if status.is_final else now
        row = TriageRow(
            reference=found.reference,
            status=status,
            received_at=found.created_at,
            summary=triage_summary(
                SupportRequest.from_payload(found.payload), today=today, rules=rules
            ),
            days_open=days_between(found.created_at, ended),
            assignee=found.assignee,
        )
        if _matches(row, query):
            matched.append(row)
    counts = dict.fromkeys(RequestStatus, 0)
    counts.update(Counter(row.status for row in matched))
    shown = [row for row in matched if query.status is None or row.status is query.status]
    start = query.offset(limit)
    return TriagePage(
        rows=tuple(shown[start : start + limit]),
        query=query,
        counts=MappingProxyType(counts),
        limit=limit,
        today=now,
    )
