"""Store a completed request and queue its delivery, in one transaction: the reference is shown
only once both are safely written.

The request row, its first status, one outbox job per delivery channel, the link from its
evidence files and the draft's "submitted" mark commit together or not at all. A form posted
twice (a double click, a retry after a dropped connection) makes one request: requests are
unique by draft, and the second post gets the first one's reference.
"""

from __future__ import annotations

import secrets
import uuid
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any, Protocol

import sqlalchemy as sa
from sqlalchemy.engine import Connection, Engine
from sqlalchemy.exc import IntegrityError

from familyhubs_sdk._clock import Clock, utc_now
from familyhubs_sdk.delivery._outbox import job_rows
from familyhubs_sdk.errors import StoreError
from familyhubs_sdk.store._schema import (
    drafts,
    evidence_files,
    outbox_jobs,
    request_status_history,
    support_requests,
)
from familyhubs_sdk.support.requests._request import SupportRequest

__all__ = [
    "REFERENCE_ALPHABET",
    "RequestMaker",
    "StoreSubmitter",
    "SubmissionHook",
    "Submitter",
    "load_request",
    "new_reference",
]

#: No 0/O, 1/I/L, 2/Z, 5/S or 8/B: references are read out over the phone.
REFERENCE_ALPHABET = "ACDEFGHJKMNPQRTUVWXY34679"
REFERENCE_LENGTH = 8


def new_reference(choice: Callable[[str], str] = secrets.choice) -> str:
    """A reference like ``K7QD4RXA``: 25 ** 8, about 150 billion, possibilities."""
    return "".join(choice(REFERENCE_ALPHABET) for _ in range(REFERENCE_LENGTH))


class RequestMaker(Protocol):
    """Builds the request snapshot once the submitter has drawn its id, reference and time."""

    def __call__(self, *, id: str, reference: str, submitted_at: datetime) -> SupportRequest: ...


class Submitter(Protocol):
    """Stores a completed journey and returns the request as stored."""

    def submit(self, make: RequestMaker, *, draft_id: str | None = None) -> SupportRequest: ...

    def sent(self, draft_id: str) -> SupportRequest | None:
        """The request made from ``draft_id``, once it is submitted."""
        ...


class SubmissionHook(Protocol):
    """Told of each request inside the transaction that stores it, so what it writes (the
    referrer's receipt and the team's alert in the outbox:
    :class:`~familyhubs_sdk.support.messages.RequestMessages`) commits with the request or not
    at all."""

    def submitted(
        self, connection: Connection, request: SupportRequest, *, now: datetime
    ) -> object: ...


def load_request(connection: Connection, *, request_id: str) -> SupportRequest | None:
    """The stored snapshot of one request, or ``None``."""
    payload = connection.scalar(
        sa.select(support_requests.c.payload).where(support_requests.c.id == request_id)
    )
    return None if payload is None else SupportRequest.from_payload(payload)


class StoreSubmitter:
    """Writes requests into the SDK's store with their delivery jobs.

    :param channels: the delivery channels every request goes to (names of the
        :class:`~familyhubs_sdk.delivery.DeliveryChannel` objects the outbox workers hold).
    :param on_submit: also queues messages to people (see :class:`SubmissionHook`).
    """

    def __init__(
        self,
        engine: Engine,
        *,
        channels: Sequence[str] = ("file_drop",),
        clock: Clock = utc_now,
        reference: Callable[[], str] = new_reference,
        on_submit: SubmissionHook | None = None,
    ) -> None:
        if not channels:
            raise StoreError("StoreSubmitter needs at least one delivery channel")
        self._engine = engine
        self.channels = tuple(channels)
        self._clock = clock
        self._reference = reference
        self._on_submit = on_submit
        #: PostgreSQL writes a request in one data-modifying statement (see :meth:`_write`).
        self._one_statement = engine.dialect.name == "postgresql"
        self._statements: dict[tuple[int, bool, bool], sa.Select[Any]] = {}

    def submit(self, make: RequestMaker, *, draft_id: str | None = None) -> SupportRequest:
        for _attempt in range(5):
            request = make(
                id=str(uuid.uuid4()), reference=self._reference(), submitted_at=self._clock()
            )
            try:
                if self._one_statement and self._on_submit is None:
                    # One statement is its own transaction: no BEGIN or COMMIT round trips.
                    with self._engine.connect().execution_options(
                        isolation_level="AUTOCOMMIT"
                    ) as connection:
                        self._write(connection, request, draft_id)
                else:
                    with self._engine.begin() as connection:
                        self._write(connection, request, draft_id)
            except IntegrityError:
                if draft_id is not None:
                    existing = self.sent(draft_id)
                    if existing is not None:
                        return existing  # posted twice: the first one stands
                continue  # the reference was taken: draw another
            return request
        raise StoreError("could not find a free request reference after 5 attempts")

    def _write(self, connection: Connection, request: SupportRequest, draft_id: str | None) -> None:
        """Every row of the submission: one statement on PostgreSQL (each write a
        data-modifying ``WITH`` part, all committed together), one per table elsewhere; the
        ``on_submit`` hook's writes follow in the same transaction."""
        rows = _SubmissionRows.of(request, draft_id, self.channels)
        if self._one_statement:
            connection.execute(self._combined(rows.shape), rows.parameters())
        else:
            for statement in rows.statements():
                connection.execute(statement)
        if self._on_submit is not None:
            self._on_submit.submitted(connection, request, now=request.submitted_at)

    def _combined(self, shape: tuple[int, bool, bool]) -> sa.Select[Any]:
        """The one PostgreSQL statement for submissions of this shape (jobs, from a draft, with
        evidence), built once with bound parameters: SQLAlchemy compiles it once."""
        statement = self._statements.get(shape)
        if statement is None:
            statement = self._statements[shape] = _combined_statement(*shape)
        return statement

    def sent(self, draft_id: str) -> SupportRequest | None:
        with self._engine.connect() as connection:
            request_id = connection.scalar(
                sa.select(support_requests.c.id).where(support_requests.c.draft_id == draft_id)
            )
            return None if request_id is None else load_request(connection, request_id=request_id)


@dataclass(frozen=True, slots=True)
class _SubmissionRows:
    """What one submission writes: the request, its first status, its jobs and, from a draft,
    the evidence to link and the draft's "submitted" mark."""

    request: dict[str, Any]
    history: dict[str, Any]
    jobs: list[dict[str, object]]
    draft_id: str | None
    evidence_ids: list[str]
    draft: dict[str, Any]

    @classmethod
    def of(
        cls, request: SupportRequest, draft_id: str | None, channels: Sequence[str]
    ) -> _SubmissionRows:
        now = request.submitted_at
        return cls(
            request={
                "id": request.id, "reference": request.reference, "tree_id": request.tree_id,
                "tree_version": request.tree_version, "payload": request.to_payload(),
                "status": "new", "referrer_id": request.referrer_id, "created_at": now,
                "updated_at": now, "draft_id": draft_id,
            },
            history={
                "request_id": request.id, "from_status": None, "to_status": "new",
                "changed_by": request.referrer_id, "changed_at": now,
            },
            jobs=job_rows(request_id=request.id, channels=channels, now=now),
            draft_id=draft_id,
            evidence_ids=[e.id for e in request.evidence] if draft_id is not None else [],
            # The answers now live in the request; the draft keeps only its reference.
            draft={"state": {"reference": request.reference}, "submitted_at": now},
        )  # fmt: skip

    @property
    def shape(self) -> tuple[int, bool, bool]:
        return len(self.jobs), self.draft_id is not None, bool(self.evidence_ids)

    def statements(self) -> list[sa.Insert | sa.Update]:
        """One statement per table (the jobs in one)."""
        statements: list[sa.Insert | sa.Update] = [
            support_requests.insert().values(self.request),
            request_status_history.insert().values(self.history),
            outbox_jobs.insert().values(self.jobs),
        ]
        if self.draft_id is None:
            return statements
        if self.evidence_ids:
            statements.append(
                evidence_files.update()
                .where(
                    evidence_files.c.draft_id == self.draft_id,
                    evidence_files.c.id.in_(self.evidence_ids),
                )
                .values(request_id=self.request["id"])
            )
        statements.append(
            drafts.update()
            .where(drafts.c.id == self.draft_id, drafts.c.submitted_at.is_(None))
            .values(self.draft)
        )
        return statements

    def parameters(self) -> dict[str, Any]:
        """The values for :func:`_combined_statement`'s parameters."""
        values: dict[str, Any] = {f"r_{k}": v for k, v in self.request.items()}
        values.update({f"h_{k}": v for k, v in self.history.items()})
        for index, job in enumerate(self.jobs):
            values.update({f"j{index}_{k}": v for k, v in job.items()})
        if self.draft_id is not None:
            values.update(e_ids=self.evidence_ids, d_id=self.draft_id)
            values.update({f"d_{k}": v for k, v in self.draft.items()})
        return values


def _bound(table: sa.Table, prefix: str, columns: Sequence[str]) -> dict[str, Any]:
    return {c: sa.bindparam(f"{prefix}_{c}", type_=table.c[c].type) for c in columns}


_REQUEST_COLUMNS = ("id", "reference", "tree_id", "tree_version", "payload", "status",
                    "referrer_id", "created_at", "updated_at", "draft_id")  # fmt: skip
_HISTORY_COLUMNS = ("request_id", "from_status", "to_status", "changed_by", "changed_at")
_JOB_COLUMNS = ("id", "request_id", "channel", "idempotency_key", "status", "attempts",
                "next_attempt_at", "created_at")  # fmt: skip


def _combined_statement(jobs: int, from_draft: bool, with_evidence: bool) -> sa.Select[Any]:
    """Every write of a submission as one statement: a data-modifying ``WITH`` part each."""
    writes: list[sa.Insert | sa.Update] = [
        support_requests.insert().values(_bound(support_requests, "r", _REQUEST_COLUMNS)),
        request_status_history.insert().values(
            _bound(request_status_history, "h", _HISTORY_COLUMNS)
        ),
        *(
            outbox_jobs.insert().values(_bound(outbox_jobs, f"j{index}", _JOB_COLUMNS))
            for index in range(jobs)
        ),
    ]
    if from_draft:
        if with_evidence:
            writes.append(
                evidence_files.update()
                .where(
                    evidence_files.c.draft_id == sa.bindparam("d_id"),
                    evidence_files.c.id.in_(sa.bindparam("e_ids", expanding=True)),
                )
                .values(request_id=sa.bindparam("r_id"))
            )
        writes.append(
            drafts.update()
            .where(drafts.c.id == sa.bindparam("d_id"), drafts.c.submitted_at.is_(None))
            .values(_bound(drafts, "d", ("state", "submitted_at")))
        )
    return sa.select(sa.literal(1)).add_cte(
        *(write.returning(sa.literal(1)).cte(f"fh_write_{i}") for i, write in enumerate(writes))
    )
