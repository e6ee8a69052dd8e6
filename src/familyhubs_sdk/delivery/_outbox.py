"""The transactional outbox: delivery jobs written with the request, delivered at least once.

A request and its delivery jobs are written in one transaction (:func:`enqueue` takes the
caller's connection), so a stored request always has its jobs and a job never points at nothing.
:class:`OutboxWorker` then claims due jobs, asks their channel to deliver, records every attempt,
retries transient failures with exponential backoff and jitter until the job's maximum age, and
dead-letters the rest, calling ``on_dead_letter`` so a person finds out.

Claiming is safe with many workers on many machines: on PostgreSQL and MariaDB the due rows are
locked with ``FOR UPDATE SKIP LOCKED``; on every database the claim itself is a conditional
``UPDATE`` that only one worker can win, and a claim is a lease — a worker that dies
mid-delivery (even by SIGKILL) leaves a job that another worker reclaims when the lease ends.
That is what makes delivery at-least-once; the job's idempotency key, passed on by every
channel, lets the receiver make it exactly-once in effect.
"""

from __future__ import annotations

import logging
import random
import secrets
import threading
import time
import uuid
from collections.abc import Callable, Iterable, Mapping, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from datetime import datetime, timedelta
from enum import StrEnum
from types import MappingProxyType
from typing import Any, Protocol

import sqlalchemy as sa
from pydantic import BaseModel, ConfigDict, Field
from sqlalchemy.engine import Connection, Engine

from familyhubs_sdk._clock import Clock, utc_now
from familyhubs_sdk.delivery._message import (
    DeliveryChannel,
    DeliveryOutcome,
    DeliveryResult,
    OutboundMessage,
)
from familyhubs_sdk.errors import DeliveryError
from familyhubs_sdk.store._schema import delivery_attempts, outbox_jobs, support_requests

__all__ = [
    "ClaimedJob",
    "Composer",
    "DeadJob",
    "DeadLetter",
    "JobStatus",
    "OutboxStatus",
    "OutboxWorker",
    "RetryPolicy",
    "RunReport",
    "enqueue",
    "enqueue_message",
    "outbox_status",
    "retry_dead",
]

logger = logging.getLogger(__name__)


class JobStatus(StrEnum):
    """Where a delivery job is: waiting, claimed by a worker, delivered, or dead-lettered."""

    PENDING = "pending"  # due at next_attempt_at
    IN_FLIGHT = "in_flight"  # claimed by a worker until lease_expires_at
    DELIVERED = "delivered"
    DEAD = "dead"  # given up: a person must look (``familyhubs outbox retry``)


def enqueue(
    connection: Connection,
    *,
    request_id: str,
    channels: Iterable[str],
    now: datetime,
) -> list[str]:
    """Add one delivery job per channel for ``request_id``, inside the caller's transaction.

    ``now`` is the time the caller stored the request (read once from its ``clock``): the jobs
    are due from then, so the request and its jobs carry the same time.
    Returns the jobs' idempotency keys. Each key is random (not derived from the request), the
    same for every attempt of its job, and unique across jobs.
    """
    rows = job_rows(request_id=request_id, channels=channels, now=now)
    connection.execute(outbox_jobs.insert(), rows)
    return [str(row["idempotency_key"]) for row in rows]


def job_rows(*, request_id: str, channels: Iterable[str], now: datetime) -> list[dict[str, object]]:
    """The outbox rows :func:`enqueue` writes, for a caller that writes them in its own statement
    (the submitter's single round trip on PostgreSQL)."""
    rows: list[dict[str, object]] = [
        {
            "id": str(uuid.uuid4()),
            "request_id": request_id,
            "channel": channel,
            "idempotency_key": f"fh_{secrets.token_hex(16)}",
            "status": JobStatus.PENDING.value,
            "attempts": 0,
            "next_attempt_at": now,
            "created_at": now,
        }
        for channel in dict.fromkeys(channels)
    ]
    if not rows:
        raise DeliveryError("a request needs at least one delivery channel")
    return rows


def enqueue_message(
    connection: Connection,
    *,
    channel: str,
    message: Mapping[str, Any],
    now: datetime,
    request_id: str | None = None,
) -> str:
    """Add one job that sends ``message`` (a JSON-ready mapping, e.g. a
    :class:`~familyhubs_sdk.delivery.Notification`'s payload) to a person, inside the caller's
    transaction, and return its idempotency key.

    The message is stored with the job (the outbox must keep what it sends until it is sent) and
    cleared once the job is delivered. ``request_id`` ties it to a request when there is one.
    """
    key = f"fh_{secrets.token_hex(16)}"
    connection.execute(
        outbox_jobs.insert().values(
            id=str(uuid.uuid4()),
            request_id=request_id,
            channel=channel,
            idempotency_key=key,
            status=JobStatus.PENDING.value,
            attempts=0,
            next_attempt_at=now,
            created_at=now,
            message=dict(message),
        )
    )
    return key


class RetryPolicy(BaseModel):
    """When to try again: ``base_s * 2 ** (attempt - 1)``, capped at ``cap_s``, scaled by a random
    factor in [1 - jitter, 1 + jitter] so many failed jobs do not retry in step; no more retries
    once a job is ``max_age`` old (then it is dead-lettered)."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    base_s: float = Field(default=30.0, gt=0)
    cap_s: float = Field(default=3600.0, gt=0)
    jitter: float = Field(default=0.5, ge=0, lt=1)
    max_age: timedelta = timedelta(hours=72)

    def delay(self, attempts: int, rng: Callable[[], float]) -> timedelta:
        raw = min(self.cap_s, self.base_s * 2 ** max(0, attempts - 1))
        return timedelta(seconds=raw * (1 - self.jitter + 2 * self.jitter * rng()))


@dataclass(frozen=True, slots=True)
class ClaimedJob:
    """A job this worker holds until ``lease``."""

    id: str
    request_id: str
    channel: str
    idempotency_key: str
    attempts: int  # including this one
    created_at: datetime
    lease: datetime
    #: What :func:`enqueue_message` stored: the job sends this to a person, not a request.
    message: Mapping[str, Any] | None = None


@dataclass(frozen=True, slots=True)
class DeadLetter:
    """What ``on_dead_letter`` is told: identifiers and a coded reason, never the request."""

    job_id: str
    request_id: str
    channel: str
    attempts: int
    detail: str


@dataclass
class RunReport:
    """What one :meth:`OutboxWorker.run_once` did."""

    claimed: int = 0
    delivered: int = 0
    retried: int = 0
    dead: int = 0
    lost_leases: int = 0  # finished after another worker had reclaimed the job


@dataclass(frozen=True, slots=True)
class _Statements:
    """A worker's claim and finish statements, built once: each batch only binds its values
    (``now``, ``lease``, ``limit``, ``ids``), so SQLAlchemy reuses one compiled form."""

    due: sa.Select[Any]  # the due ids, oldest first, locked where the database can
    # The same in two queries on PostgreSQL: jobs whose lease ran out, then pending ones. Pending
    # jobs are one range of the (status, next_attempt_at) index that stops at the batch size;
    # expired leases are found among the jobs in flight (at most the workers' batches, plus any
    # a crash left), where ``due`` sorted every due job for each batch. (MariaDB's locking reads
    # also lock the rows they skip past, so there the in-flight scan would deadlock with other
    # workers' finishes.)
    expired: sa.Select[Any]
    pending: sa.Select[Any]
    take: sa.Update  # claims ``ids`` that are still due
    take_returning: sa.Update  # the same, returning the claimed rows
    take_due: sa.Update  # claims the due rows in one statement (SQLite: one writer at a time)
    taken: sa.Select[Any]  # the rows of ``ids`` this claim's lease token won
    finish_delivered: sa.Update  # marks ``ids`` still held under ``lease`` delivered
    finish_one: sa.Update  # records one job's new state, if still held under ``lease``

    @classmethod
    def build(cls, channels: Sequence[str], *, lockable: bool) -> _Statements:
        jobs = outbox_jobs.c
        now = sa.bindparam("now", type_=jobs.next_attempt_at.type)
        lease = sa.bindparam("lease", type_=jobs.lease_expires_at.type)
        ids: sa.BindParameter[Any] = sa.bindparam("ids", expanding=True)
        due = sa.or_(
            sa.and_(jobs.status == JobStatus.PENDING.value, jobs.next_attempt_at <= now),
            sa.and_(jobs.status == JobStatus.IN_FLIGHT.value, jobs.lease_expires_at < now),
        )
        limit = sa.bindparam("limit", type_=sa.Integer())

        def oldest(*where: sa.ColumnElement[bool]) -> sa.Select[Any]:
            query = (
                sa.select(jobs.id)
                .where(*where, jobs.channel.in_(list(channels)))
                .order_by(jobs.next_attempt_at)
                .limit(limit)
            )
            return query.with_for_update(skip_locked=True) if lockable else query

        candidates = oldest(due)
        take = outbox_jobs.update().values(
            status=JobStatus.IN_FLIGHT.value, lease_expires_at=lease, attempts=jobs.attempts + 1
        )
        detail = (jobs.id, jobs.request_id, jobs.channel, jobs.idempotency_key, jobs.attempts,
                  jobs.created_at, jobs.message)  # fmt: skip
        held = (jobs.status == JobStatus.IN_FLIGHT.value, jobs.lease_expires_at == lease)
        status = sa.bindparam("new_status", type_=jobs.status.type)
        return cls(
            due=candidates,
            expired=oldest(jobs.status == JobStatus.IN_FLIGHT.value, jobs.lease_expires_at < now),
            pending=oldest(jobs.status == JobStatus.PENDING.value, jobs.next_attempt_at <= now),
            take=take.where(jobs.id.in_(ids), due),
            take_returning=take.where(jobs.id.in_(ids), due).returning(*detail),
            take_due=take.where(jobs.id.in_(candidates.scalar_subquery()), due).returning(*detail),
            taken=sa.select(*detail).where(jobs.id.in_(ids), *held),
            finish_delivered=outbox_jobs.update()
            .where(jobs.id.in_(ids), *held)
            .values(
                status=JobStatus.DELIVERED.value,
                delivered_at=sa.bindparam("finished_at", type_=jobs.delivered_at.type),
                lease_expires_at=None,
                last_error=None,
                message=None,
            )
            .returning(jobs.id),
            finish_one=outbox_jobs.update()
            .where(jobs.id == sa.bindparam("job_id"), *held)
            .values(
                status=status,
                # unchanged where the new state has none (a dead job keeps its last due time)
                next_attempt_at=sa.func.coalesce(
                    sa.bindparam("new_next_attempt_at", type_=jobs.next_attempt_at.type),
                    jobs.next_attempt_at,
                ),
                delivered_at=sa.func.coalesce(
                    sa.bindparam("new_delivered_at", type_=jobs.delivered_at.type),
                    jobs.delivered_at,
                ),
                lease_expires_at=None,
                last_error=sa.bindparam("new_last_error", type_=jobs.last_error.type),
                # a delivered message's address and link are no longer needed
                message=sa.case(
                    (status == JobStatus.DELIVERED.value, sa.null()), else_=jobs.message
                ),
            ),
        )


#: How long a delivered job's outcome may wait for more to commit with it (see
#: :meth:`OutboxWorker.work`): far below any lease, long enough to gather a batch of fast ones.
_RECORD_WITHIN_S = 0.02


class _Outcomes:
    """Delivery outcomes handed from the delivering thread to the recording one."""

    def __init__(self, within_s: float) -> None:
        self._within_s = within_s
        self._waiting: list[tuple[ClaimedJob, DeliveryResult, int]] = []
        self._first_at = 0.0
        self._closed = False
        self._changed = threading.Condition()

    def add(self, outcome: tuple[ClaimedJob, DeliveryResult, int]) -> None:
        with self._changed:
            self._waiting.append(outcome)
            if len(self._waiting) == 1:  # the recorder only waits for the first one
                self._first_at = time.monotonic()
                self._changed.notify()

    def close(self) -> None:
        """No more outcomes: :meth:`take` hands over the rest at once, then an empty list."""
        with self._changed:
            self._closed = True
            self._changed.notify()

    def take(self) -> list[tuple[ClaimedJob, DeliveryResult, int]]:
        """The outcomes waiting once the batch is closed or the first of them has waited
        ``within_s``; an empty list when the batch is closed and all are taken."""
        with self._changed:
            while not self._closed:
                if self._waiting:
                    left = self._first_at + self._within_s - time.monotonic()
                    if left <= 0:
                        break
                    self._changed.wait(left)
                else:
                    self._changed.wait()
            taken, self._waiting = self._waiting, []
            return taken


class Composer(Protocol):
    """Builds the message for a job (see ``familyhubs_sdk.support.RequestComposer``). Raise
    :class:`~familyhubs_sdk.errors.DeliveryError` when it never can (the request is gone)."""

    def __call__(self, job: ClaimedJob) -> OutboundMessage: ...


class OutboxWorker:
    """Delivers due outbox jobs through their channels.

    One instance delivers on one thread at a time; for parallel delivery run several workers,
    each its own instance (``familyhubs outbox run`` in several processes): their claims never
    block each other.

    :param channels: the channels this worker serves, by name; jobs for other channels are left
        for workers that have them. Fixed when the worker is made (its claims name them).
    :param compose: builds each job's message.
    :param lease: how long a claim lasts; longer than the slowest channel's timeout.
    :param on_dead_letter: called once per dead-lettered job, after it is recorded. Page someone.
    :param clock: the time claims, leases and retries are measured from (aware UTC).
    :param rng: the retry jitter's source of randomness, in [0, 1).
    """

    def __init__(
        self,
        engine: Engine,
        channels: Mapping[str, DeliveryChannel] | Sequence[DeliveryChannel],
        compose: Composer,
        *,
        retry: RetryPolicy | None = None,
        lease: timedelta = timedelta(minutes=5),
        batch_size: int = 10,
        on_dead_letter: Callable[[DeadLetter], None] | None = None,
        clock: Clock = utc_now,
        rng: Callable[[], float] = random.random,
    ) -> None:
        if not isinstance(channels, Mapping):
            channels = {channel.name: channel for channel in channels}
        if not channels:
            raise DeliveryError("an outbox worker needs at least one channel")
        self.engine = engine
        self.channels: Mapping[str, DeliveryChannel] = MappingProxyType(dict(channels))
        self.compose = compose
        self.retry = retry or RetryPolicy()
        self.lease = lease
        self.batch_size = batch_size
        self.on_dead_letter = on_dead_letter
        self._clock = clock
        self._rng = rng
        self._lockable = engine.dialect.name in ("postgresql", "mysql", "mariadb")
        # Records outcomes while the next jobs are delivered (see work()); its thread starts on
        # first use.
        self._recording = ThreadPoolExecutor(1, thread_name_prefix="familyhubs-outbox")
        #: Claims in one ``UPDATE … RETURNING`` (see :meth:`claim`) where the database has it:
        #: PostgreSQL, and SQLite from 3.35 (older system SQLite builds claim as MariaDB does).
        self._returning = bool(engine.dialect.update_returning) and engine.dialect.name in (
            "postgresql",
            "sqlite",
        )
        self._sql = _Statements.build(list(self.channels), lockable=self._lockable)

    # -- claiming ----------------------------------------------------------------------------

    def claim(self) -> list[ClaimedJob]:
        """Claim up to ``batch_size`` due jobs (pending and due, or in flight past their lease).

        The whole batch in one transaction: on PostgreSQL, ``SELECT … FOR UPDATE SKIP LOCKED``
        (jobs whose lease ran out first, then pending ones, oldest first) then one
        ``UPDATE … RETURNING`` of exactly those rows; on SQLite (one writer at a time)
        one ``UPDATE … RETURNING``; on MariaDB and MySQL the locked ``SELECT``, one ``UPDATE``
        and a read of the rows this claim's lease token won.
        """
        now = self._clock()
        # A microsecond-unique lease time doubles as this claim's token.
        lease = now + self.lease + timedelta(microseconds=secrets.randbelow(1_000))
        claims = self._sql
        params = {"now": now, "lease": lease, "limit": self.batch_size}
        with self.engine.begin() as conn:
            if self._returning and not self._lockable:
                rows = conn.execute(claims.take_due, params).all()
            else:
                # The rows are locked by this transaction from here: the UPDATE takes exactly
                # them (a locking subquery inside the UPDATE may be run again by the planner).
                if self._returning:  # PostgreSQL
                    ids = list(conn.scalars(claims.expired, params))
                    if len(ids) < self.batch_size:
                        more = {**params, "limit": self.batch_size - len(ids)}
                        ids += conn.scalars(claims.pending, more)
                else:
                    ids = list(conn.scalars(claims.due, params))
                if not ids:
                    return []
                params["ids"] = ids
                if self._returning:
                    rows = conn.execute(claims.take_returning, params).all()
                else:
                    conn.execute(claims.take, params)
                    rows = conn.execute(claims.taken, params).all()
        rows = sorted(rows, key=lambda row: row.created_at)
        return [
            ClaimedJob(
                id=row.id,
                # "" for a message that belongs to no request (a resume link)
                request_id=row.request_id or "",
                channel=row.channel,
                idempotency_key=row.idempotency_key,
                attempts=row.attempts,
                created_at=row.created_at,
                lease=lease,
                message=row.message,
            )
            for row in rows
        ]

    # -- delivering --------------------------------------------------------------------------

    def run_once(self) -> RunReport:
        """Claim due jobs and deliver each once. Never raises for a failed delivery."""
        return self.work(self.claim())

    def work(self, jobs: Sequence[ClaimedJob]) -> RunReport:
        """Deliver jobs this worker claimed, recording each outcome. A job whose lease ran out
        meanwhile (another worker reclaimed it) is counted in ``lost_leases`` and left as the
        other worker leaves it."""
        report = RunReport(claimed=len(jobs))
        if not jobs:
            return report
        # Outcomes are recorded on a second thread while the next jobs are delivered. Each commit
        # takes every outcome that arrived by the end of the batch or within _RECORD_WITHIN_S of
        # the first one waiting (one commit for a batch of fast deliveries), so a delivered job
        # is never held back behind a slow one (where its lease could run out and it be sent
        # again).
        outcomes = _Outcomes(_RECORD_WITHIN_S)
        recording = self._recording.submit(self._record, outcomes, report)
        try:
            for job in jobs:
                if recording.done():
                    break  # recording failed: stop delivering; result() below raises
                outcomes.add((job, *self._deliver(job)))
        finally:
            outcomes.close()
            recording.result()  # a failed commit stops the run
        return report

    def _record(self, outcomes: _Outcomes, report: RunReport) -> None:
        while done := outcomes.take():
            self._finish_all(done, report)

    def run(self, stop: threading.Event, *, idle_s: float = 1.0) -> None:
        """Work until ``stop`` is set: drain what is due, then wait ``idle_s`` before looking
        again."""
        while not stop.is_set():
            if self.run_once().claimed == 0:
                stop.wait(idle_s)

    def _deliver(self, job: ClaimedJob) -> tuple[DeliveryResult, int]:
        started = time.perf_counter()
        try:
            message = self.compose(job)
        except DeliveryError as exc:
            return DeliveryResult.permanent(f"cannot compose: {exc.code}"), 0
        try:
            result = self.channels[job.channel].deliver(message)
        except Exception as exc:  # a channel bug must not stop the worker or lose the job
            logger.warning("channel %s raised %s", job.channel, type(exc).__name__)
            result = DeliveryResult.retry(f"channel raised {type(exc).__name__}")
        return result, int((time.perf_counter() - started) * 1000)

    def _finish_all(
        self, done: Sequence[tuple[ClaimedJob, DeliveryResult, int]], report: RunReport
    ) -> None:
        """Record every attempt and each job's new state in one transaction. A job whose lease
        another worker took meanwhile is left as that worker leaves it (``lost_leases``)."""
        if not done:
            return
        now = self._clock()
        changes = [(job, result, self._next_state(job, result, now)) for job, result, _ in done]
        with self.engine.begin() as conn:
            conn.execute(
                delivery_attempts.insert(),
                [
                    {
                        "job_id": job.id,
                        "attempted_at": now,
                        "outcome": result.outcome.value,
                        "detail": result.detail[:500] or None,
                        "duration_ms": took_ms,
                    }
                    for job, result, took_ms in done
                ],
            )
            owned = self._finish_jobs(conn, changes, now)
        for job, result, values in changes:
            if job.id not in owned:
                report.lost_leases += 1  # another worker reclaimed it; its outcome stands
            elif result.outcome is DeliveryOutcome.DELIVERED:
                report.delivered += 1
            elif values["status"] == JobStatus.DEAD.value:
                report.dead += 1
                self._alert(job, result.detail[:500] or result.outcome.value)
            else:
                report.retried += 1

    def _finish_jobs(
        self,
        conn: Connection,
        changes: Sequence[tuple[ClaimedJob, DeliveryResult, dict[str, object]]],
        now: datetime,
    ) -> set[str]:
        """Write each job's new state where this worker still holds it; return those jobs' ids.

        Where the database returns updated rows, the delivered jobs of one claim (one lease) are
        finished by one statement; every other job by its own."""
        owned: set[str] = set()
        one_by_one = list(changes)
        if self._returning:
            delivered: dict[datetime, list[str]] = {}
            one_by_one = []
            for change in changes:
                job, result, _values = change
                if result.outcome is DeliveryOutcome.DELIVERED:
                    delivered.setdefault(job.lease, []).append(job.id)
                else:
                    one_by_one.append(change)
            for lease, ids in delivered.items():
                owned.update(
                    conn.scalars(
                        self._sql.finish_delivered, {"ids": ids, "lease": lease, "finished_at": now}
                    )
                )
        for job, _result, values in one_by_one:
            params = {
                "job_id": job.id,
                "lease": job.lease,
                "new_status": values["status"],
                "new_next_attempt_at": values.get("next_attempt_at"),
                "new_delivered_at": values.get("delivered_at"),
                "new_last_error": values["last_error"],
            }
            if conn.execute(self._sql.finish_one, params).rowcount == 1:
                owned.add(job.id)
        return owned

    def _next_state(
        self, job: ClaimedJob, result: DeliveryResult, now: datetime
    ) -> dict[str, object]:
        """The job's columns after this attempt: delivered, due again later, or dead."""
        detail = result.detail[:500] or None
        values: dict[str, object] = {"lease_expires_at": None, "last_error": detail}
        if result.outcome is DeliveryOutcome.DELIVERED:
            # A delivered message's address and link are no longer needed: do not keep them.
            values.update(
                status=JobStatus.DELIVERED.value, delivered_at=now, last_error=None, message=None
            )
            return values
        delay = self.retry.delay(job.attempts, self._rng)
        if result.retry_after is not None:
            delay = max(delay, timedelta(seconds=min(result.retry_after, self.retry.cap_s)))
        if (
            result.outcome is DeliveryOutcome.PERMANENT
            or now + delay - job.created_at > self.retry.max_age
        ):
            values.update(status=JobStatus.DEAD.value)
        else:
            values.update(status=JobStatus.PENDING.value, next_attempt_at=now + delay)
        return values

    def _alert(self, job: ClaimedJob, detail: str) -> None:
        if self.on_dead_letter is None:
            logger.error("delivery job %s to %s was dead-lettered", job.id, job.channel)
            return
        try:
            self.on_dead_letter(
                DeadLetter(job.id, job.request_id, job.channel, job.attempts, detail)
            )
        except Exception as exc:
            logger.error("the dead-letter alert hook raised %s", type(exc).__name__)


# -- operating the outbox -------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class DeadJob:
    """A dead-lettered job, as an operator sees it: no request content."""

    job_id: str
    reference: str
    channel: str
    attempts: int
    last_error: str | None


@dataclass(frozen=True, slots=True)
class OutboxStatus:
    """Jobs by status, the age of the oldest job still waiting, and the dead-lettered jobs."""

    counts: Mapping[str, int]
    oldest_waiting_s: float | None
    dead: Sequence[DeadJob]


def outbox_status(engine: Engine, *, dead_limit: int = 100, clock: Clock = utc_now) -> OutboxStatus:
    """What a monitoring check needs: alert when ``dead`` is not empty or the oldest waiting job
    is older than you expect (measured from ``clock``)."""
    now = clock()
    jobs = outbox_jobs.c
    with engine.connect() as conn:
        counts = {status.value: 0 for status in JobStatus}
        for status, count in conn.execute(
            sa.select(jobs.status, sa.func.count()).group_by(jobs.status)
        ):
            counts[status] = int(count)
        oldest = conn.scalar(
            sa.select(sa.func.min(jobs.created_at)).where(
                jobs.status.in_([JobStatus.PENDING.value, JobStatus.IN_FLIGHT.value])
            )
        )
        dead = [
            DeadJob(row.id, row.reference, row.channel, row.attempts, row.last_error)
            for row in conn.execute(
                sa.select(
                    jobs.id, sa.func.coalesce(support_requests.c.reference, "").label("reference"),
                    jobs.channel, jobs.attempts, jobs.last_error,
                )
                .outerjoin(support_requests, support_requests.c.id == jobs.request_id)
                .where(jobs.status == JobStatus.DEAD.value)
                .order_by(jobs.created_at)
                .limit(dead_limit)
            )
        ]  # fmt: skip
    oldest_s = (now - oldest).total_seconds() if oldest is not None else None
    return OutboxStatus(counts=counts, oldest_waiting_s=oldest_s, dead=dead)


def retry_dead(
    engine: Engine,
    *,
    job_id: str | None = None,
    reference: str | None = None,
    clock: Clock = utc_now,
) -> int:
    """Put dead-lettered jobs back in the queue (all of them, one job, or one request's), due
    now. Each gets a fresh maximum-age window; its earlier attempts stay recorded."""
    now = clock()
    jobs = outbox_jobs.c
    conditions = [jobs.status == JobStatus.DEAD.value]
    if job_id is not None:
        conditions.append(jobs.id == job_id)
    if reference is not None:
        conditions.append(
            jobs.request_id.in_(
                sa.select(support_requests.c.id).where(support_requests.c.reference == reference)
            )
        )
    with engine.begin() as conn:
        return conn.execute(
            outbox_jobs.update()
            .where(*conditions)
            .values(status=JobStatus.PENDING.value, next_attempt_at=now, created_at=now)
        ).rowcount
