"""The receiving team's inbox: the requests for support that have arrived, and their status.

The early help front door (or whichever team receives requests) lists them newest first by
status, opens one, and accepts, declines or marks it withdrawn. The request never changes (it is
the snapshot as sent); only its status and the history of status changes do.

Two team members may act on the same request at once. Every change is one transaction whose
``UPDATE ... WHERE id = :id AND status = :expected`` only matches while the request is still
where the change started from, so exactly one of them wins and the other is told the request
changed while they were looking. No row locks are held while a person reads the page.

>>> from familyhubs_sdk.store import create_engine, upgrade
>>> engine = create_engine("sqlite://", poolclass=sa.pool.StaticPool)
>>> upgrade(engine)
>>> inbox = RequestInbox(engine)
>>> inbox.list().total, inbox.get("K7QD4RXA")
(0, None)
"""

from __future__ import annotations

import copy
import math
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import datetime
from types import MappingProxyType
from typing import Any

import sqlalchemy as sa
from sqlalchemy.engine import Connection, Engine

from familyhubs_sdk._clock import Clock, utc_now
from familyhubs_sdk.errors import (
    ConfigurationError,
    RequestNotFoundError,
    StatusChangeError,
    StoreError,
    TriageError,
)
from familyhubs_sdk.store._schema import request_status_history, support_requests
from familyhubs_sdk.support.inbox import _notes
from familyhubs_sdk.support.inbox._export import RequestExport, accepted_requests
from familyhubs_sdk.support.inbox._filters import PAGE_SIZE, InboxQuery
from familyhubs_sdk.support.inbox._lifecycle import (
    RequestRecord,
    RequestStatus,
    StatusChange,
    StatusChangeHook,
    validate_move,
)
from familyhubs_sdk.support.inbox._triage import TriageRules, triage_summary
from familyhubs_sdk.support.inbox._triage_page import TriagePage, TriageRecord, read_triage_page
from familyhubs_sdk.support.requests._request import SupportRequest
from familyhubs_sdk.timeline._audit import AuditAction, AuditLog
from familyhubs_sdk.web._viewer import Viewer

__all__ = [
    "PAGE_SIZE",
    "InboxPage",
    "InboxRow",
    "RequestInbox",
    "request_subject",
]

#: The most one page may hold, whatever is asked: a page is read into memory whole.
MAX_PAGE_SIZE = 500
#: The longest user id a history row keeps (``fh_request_status_history.changed_by``).
CHANGED_BY_MAX_LENGTH = 200


@dataclass(frozen=True, slots=True)
class InboxRow:
    """One request as the triage list shows it. Nothing more personal than triage needs: no
    names, only the reference, when it arrived, where it is, what it is about and how soon."""

    reference: str
    status: RequestStatus
    received_at: datetime
    #: The first support type the answers point to; else the answer about areas of need.
    summary: str | None
    #: The answer to "How soon does the family need support?", where the tree asks it.
    urgency: str | None


@dataclass(frozen=True, slots=True)
class InboxPage:
    """One page of the inbox, with the number of requests in every status for the filter."""

    rows: tuple[InboxRow, ...]
    #: The status filtered on; ``None`` for every request.
    status: RequestStatus | None
    #: Requests in each status, every status present (zero included).
    counts: Mapping[RequestStatus, int]
    limit: int
    offset: int

    @property
    def total(self) -> int:
        """Requests matching the filter, on every page."""
        return self.counts[self.status] if self.status else sum(self.counts.values())

    @property
    def page_number(self) -> int:
        """This page's number, counting from 1."""
        return self.offset // self.limit + 1

    @property
    def page_count(self) -> int:
        """How many pages the filter's requests fill (1 when there are none)."""
        return max(1, math.ceil(self.total / self.limit))


def request_subject(reference: str) -> str:
    """The subject id the access audit records for a request (as an opaque keyed hash): ask
    ``AuditLog.query(subject_id=request_subject(reference))`` who has read it."""
    return f"support-request:{reference}"


def _first_answer(request: SupportRequest, question_id: str) -> str | None:
    answers = request.answers_to(question_id)
    return answers[0].value if answers else None


def _changed(was: RequestStatus, current: str | None) -> StatusChangeError:
    where = f"it is {current} now, not {was}" if current else "it no longer exists"
    return StatusChangeError(f"the request changed while you were looking: {where}")


class RequestInbox:
    """Lists requests, reads one, and moves it from status to status under the lifecycle rules.

    :param engine: the SDK's store (run ``familyhubs db upgrade`` first).
    :param clock: gives the time of each change; injected so tests are deterministic.
    :param summary_question: the question whose answer sums a request up in the list when its
        answers point to no support type (the default tree's areas of need).
    :param urgency_question: the question asking how soon support is needed.
    :param audit: the access audit. The triage screens (:meth:`triage`, :meth:`read`,
        :meth:`assign`, :meth:`add_note`) show names and answers, so they refuse to run without
        it; :meth:`list` and :meth:`get` are for code that shows no personal data.
    :param rules: which answers the triage list reads and the flags it raises.
    :param on_status_change: told of every status change inside its transaction (the
        referrer's update queued in the outbox), so what it writes commits with the change or
        not at all; if it raises, the change is rolled back.
    """

    def __init__(
        self,
        engine: Engine,
        *,
        clock: Clock = utc_now,
        summary_question: str = "needs",
        urgency_question: str = "urgency",
        audit: AuditLog | None = None,
        rules: TriageRules | None = None,
        on_status_change: StatusChangeHook | None = None,
    ) -> None:
        self._engine = engine
        self._audit = audit
        self._on_status_change = on_status_change
        self.rules = rules or TriageRules()
        self._clock = clock
        self.summary_question = summary_question
        self.urgency_question = urgency_question

    def list(
        self, status: RequestStatus | None = None, *, limit: int = PAGE_SIZE, offset: int = 0
    ) -> InboxPage:
        """Requests newest first, only those in ``status`` when given.

        ``limit`` is kept between 1 and :data:`MAX_PAGE_SIZE`, ``offset`` at 0 or more.
        """
        wanted = None if status is None else RequestStatus(status)
        limit, offset = min(max(1, limit), MAX_PAGE_SIZE), max(0, offset)
        t = support_requests
        query = (
            sa.select(t.c.reference, t.c.status, t.c.created_at, t.c.payload)
            .order_by(t.c.created_at.desc(), t.c.id.desc())
            .limit(limit)
            .offset(offset)
        )
        if wanted is not None:
            query = query.where(t.c.status == wanted.value)
        with self._engine.connect() as connection:
            counted = connection.execute(
                sa.select(t.c.status, sa.func.count()).group_by(t.c.status)
            ).all()
            found = connection.execute(query).all()
        counts = dict.fromkeys(RequestStatus, 0)
        counts.update({RequestStatus(value): number for value, number in counted})
        return InboxPage(
            rows=tuple(self._row(*row) for row in found),
            status=wanted,
            counts=MappingProxyType(counts),
            limit=limit,
            offset=offset,
        )

    def get(self, reference: str) -> RequestRecord | None:
        """The request with ``reference``, its status and its history; ``None`` if there is none."""
        with self._engine.connect() as connection:
            return self._load(connection, reference)

    def open(self, reference: str, *, by: str) -> RequestRecord | None:
        """:meth:`get`, first moving a ``new`` request to ``opened``: call it when a team member
        views the request, so the team can tell which requests nobody has looked at yet.

        Idempotent: a request already opened (or further on) is returned as it is, and so is one
        a colleague opened in the same moment.
        """
        record = self.get(reference)
        if record is None or record.status is not RequestStatus.NEW:
            return record
        try:
            return self.change_status(
                reference, RequestStatus.OPENED, by=by, expected=RequestStatus.NEW
            )
        except StatusChangeError:
            latest = self.get(reference)
            if latest is not None and latest.status is RequestStatus.NEW:
                raise  # not a colleague's change: a fault to see, not to hide
            return latest

    def change_status(
        self,
        reference: str,
        to: RequestStatus,
        *,
        by: str,
        note: str | None = None,
        expected: RequestStatus | None = None,
    ) -> RequestRecord:
        """Move the request to ``to``, recording who, when and why in its history.

        :param by: the user id of the team member making the change.
        :param note: why; required to decline (see :func:`validate_move`).
        :param expected: the status the team member saw when they chose ``to`` (the status form
            posts it back). When given, a request that has moved since is refused even if the new
            move would be allowed from where it is now.
        :raises StatusChangeError: no request has ``reference``, the move is not allowed, or the
            request changed while the team member was looking. Nothing is written.
        """
        if not by.strip() or len(by) > CHANGED_BY_MAX_LENGTH:
            raise StatusChangeError(
                "a status change needs the id of who made it "
                f"(1 to {CHANGED_BY_MAX_LENGTH} characters)"
            )
        t = support_requests
        with self._engine.begin() as connection:
            found = connection.execute(
                sa.select(t.c.id, t.c.status, t.c.payload).where(t.c.reference == reference)
            ).first()
            if found is None:
                raise RequestNotFoundError("no request has that reference")
            current = RequestStatus(found.status)
            if expected is not None and current is not RequestStatus(expected):
                raise _changed(RequestStatus(expected), current)
            kept = validate_move(current, to, note)
            target = RequestStatus(to)
            now = self._clock()
            # The optimistic guard: matches nothing if a colleague's change committed first.
            updated = connection.execute(
                t.update()
                .where(t.c.id == found.id, t.c.status == current.value)
                .values(status=target.value, updated_at=now)
            )
            if updated.rowcount != 1:
                # A locking read sees the winner's commit even under MariaDB's REPEATABLE READ.
                latest = connection.scalar(
                    sa.select(t.c.status).where(t.c.id == found.id).with_for_update()
                )
                raise _changed(current, latest)
            connection.execute(
                request_status_history.insert().values(
                    request_id=found.id,
                    from_status=current.value,
                    to_status=target.value,
                    changed_by=by,
                    note=kept,
                    changed_at=now,
                )
            )
            if self._on_status_change is not None:
                self._on_status_change.status_changed(
                    connection,
                    request=SupportRequest.from_payload(found.payload),
                    change=StatusChange(current, target, by, now, kept),
                )
            record = self._load(connection, reference)
        if record is None:  # pragma: no cover - read back in the transaction that wrote it
            raise StoreError("a request vanished inside its own status change")
        return record

    # -- the triage screens: every read and change audited -------------------------------------

    def audited(self, audit: AuditLog) -> RequestInbox:
        """This inbox, with everything it was given, writing to ``audit``: for a host that
        built its inbox before its access audit."""
        twin = copy.copy(self)
        twin._audit = audit
        return twin

    def _audit_log(self) -> AuditLog:
        if self._audit is None:
            raise ConfigurationError(
                "the inbox's triage screens show personal data and need the access audit: "
                "RequestInbox(engine, audit=AuditLog(...))"
            )
        return self._audit

    def triage(
        self, query: InboxQuery | None = None, *, viewer: Viewer, limit: int = PAGE_SIZE
    ) -> TriagePage:
        """The triage list: requests matching ``query``, newest first, with names, areas, flags,
        days open and assignee. Audited: one ``request_list`` event per request on the page.
        A query with errors (a date that is not real) filters without that date.
        """
        audit = self._audit_log()
        query = query or InboxQuery()
        limit = min(max(1, limit), MAX_PAGE_SIZE)
        with self._engine.connect() as connection:
            page = read_triage_page(
                connection, query, limit=limit, now=self._clock(), rules=self.rules
            )
        audit.record_each(
            viewer,
            AuditAction.REQUEST_LIST,
            [request_subject(row.reference) for row in page.rows],
        )
        return page

    def read(self, reference: str, *, viewer: Viewer) -> TriageRecord | None:
        """One request for the receiving team, opening it if it is new (see :meth:`open`), with
        its assignment and internal notes. Audited as a ``request_view``; ``None`` (also
        audited, with no subject) if there is no such request."""
        audit = self._audit_log()
        record = self.open(reference, by=viewer.id)
        if record is None:
            audit.record(viewer, AuditAction.REQUEST_VIEW, reason="not_found")
            return None
        audit.record(viewer, AuditAction.REQUEST_VIEW, subject_id=request_subject(reference))
        return self._triaged(record)

    def assign(
        self,
        reference: str,
        assignee: str | None,
        *,
        viewer: Viewer,
        expected: str | None,
    ) -> TriageRecord:
        """Assign the request to a person or team id (``None``: to nobody), if it is still
        assigned to ``expected`` (what the team member saw). Audited as a ``request_change``.

        :raises TriageError: a colleague changed the assignment first, or the id is too long.
        :raises RequestNotFoundError: no request has ``reference``.
        """
        return self._triage_change(
            reference,
            viewer,
            "assign",
            lambda connection, request_id, now: _notes.set_assignment(
                connection, request_id, assignee, by=viewer.id, now=now, expected=expected
            ),
        )

    def add_note(self, reference: str, text: str, *, viewer: Viewer) -> TriageRecord:
        """Keep an internal note on the request, for the team only: never sent to the referrer
        or the family, never exported. Audited as a ``request_change`` (never the note's text).

        :raises TriageError: the note is empty or too long.
        :raises RequestNotFoundError: no request has ``reference``.
        """
        return self._triage_change(
            reference,
            viewer,
            "note",
            lambda connection, request_id, now: _notes.add_note(
                connection, request_id, text, by=viewer.id, now=now
            ),
        )

    def export_accepted(
        self, since: datetime, *, viewer: Viewer, until: datetime | None = None
    ) -> RequestExport:
        """The requests accepted in ``[since, until)`` for case management (see
        :mod:`~familyhubs_sdk.support.inbox` ``RequestExport``). Audited as an ``export``: one
        event per request, or one naming none when nothing was accepted."""
        audit = self._audit_log()
        requests = accepted_requests(self._engine, since, until)
        audit.record_each(
            viewer,
            AuditAction.EXPORT,
            [request_subject(exported.request.reference) for exported in requests],
        )
        return RequestExport(
            exported_at=self._clock(), since=since, until=until, requests=tuple(requests)
        )

    def _triage_change(
        self,
        reference: str,
        viewer: Viewer,
        reason: str,
        change: Callable[[Connection, str, datetime], None],
    ) -> TriageRecord:
        audit = self._audit_log()
        t = support_requests
        with self._engine.begin() as connection:
            # Locking the request queues two changes to it, so each reads what the other wrote.
            request_id = connection.scalar(
                sa.select(t.c.id).where(t.c.reference == reference).with_for_update()
            )
            if request_id is None:
                raise RequestNotFoundError("no request has that reference")
            try:
                change(connection, request_id, self._clock())
            except sa.exc.IntegrityError:
                # SQLite takes no row locks: two first assignments meet at the primary key.
                raise TriageError(
                    "the request was assigned by someone else while you were looking"
                ) from None
            audit.record(
                viewer,
                AuditAction.REQUEST_CHANGE,
                subject_id=request_subject(reference),
                reason=reason,
                connection=connection,
            )
            record = self._load(connection, reference)
            if record is None:  # pragma: no cover - read in the transaction that checked it
                raise StoreError("a request vanished inside its own change")
            return self._triaged(record, connection)

    def _triaged(self, record: RequestRecord, connection: Connection | None = None) -> TriageRecord:
        if connection is None:
            with self._engine.connect() as own:
                return self._triaged(record, own)
        request_id = record.request.id
        return TriageRecord(
            record=record,
            summary=triage_summary(record.request, today=self._clock().date(), rules=self.rules),
            assignment=_notes.assignment_of(connection, request_id),
            notes=_notes.notes_of(connection, request_id),
        )

    def _row(self, reference: str, status: str, received_at: datetime, payload: Any) -> InboxRow:
        request = SupportRequest.from_payload(payload)
        outcome = request.outcomes[0].label if request.outcomes else None
        return InboxRow(
            reference=reference,
            status=RequestStatus(status),
            received_at=received_at,
            summary=outcome or _first_answer(request, self.summary_question),
            urgency=_first_answer(request, self.urgency_question),
        )

    @staticmethod
    def _load(connection: Connection, reference: str) -> RequestRecord | None:
        t, h = support_requests, request_status_history
        found = connection.execute(
            sa.select(t.c.id, t.c.payload, t.c.status, t.c.created_at, t.c.updated_at).where(
                t.c.reference == reference
            )
        ).first()
        if found is None:
            return None
        history = connection.execute(
            sa.select(h.c.from_status, h.c.to_status, h.c.changed_by, h.c.changed_at, h.c.note)
            .where(h.c.request_id == found.id)
            .order_by(h.c.changed_at, h.c.id)
        ).all()
        return RequestRecord(
            request=SupportRequest.from_payload(found.payload),
            status=RequestStatus(found.status),
            received_at=found.created_at,
            updated_at=found.updated_at,
            history=tuple(
                StatusChange(
                    RequestStatus(row.from_status) if row.from_status else None,
                    RequestStatus(row.to_status),
                    row.changed_by,
                    row.changed_at,
                    row.note,
                )
                for row in history
            ),
        )
