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
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass
from datetime import datetime, timedelta
from enum import StrEnum
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


class Composer(Protocol):
    """Builds the message for a job (see ``familyhubs_sdk.support.RequestComposer``). Raise
    :class:`~familyhubs_sdk.errors.DeliveryError` when it never can (the request is gone)."""

    def __call__(self, job: ClaimedJob) -> OutboundMessage: ...


class OutboxWorker:
    """Delivers due outbox jobs through their channels.

    :param channels: the channels this worker serves, by name; jobs for other channels are left
        for workers that have them.
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
        self.channels = dict(channels)
        self.compose = compose
        self.retry = retry or RetryPolicy()
        self.lease = lease
        self.batch_size = batch_size
        self.on_dead_letter = on_dead_letter
        self._clock = clock
        self._rng = rng
        self._lockable = engine.dialect.name in ("postgresql", "mysql", "mariadb")
        self._recording: ThreadPoolExecutor | None = None
        #: Claims in one ``UPDATE … RETURNING`` (see :meth:`claim`) where the database has it:
        #: PostgreSQL, and SQLite from 3.35 (older system SQLite builds claim as MariaDB does).
        self._returning = bool(engine.dialect.update_returning) and engine.dialect.name in (
            "postgresql",
            "sqlite",
        )

    # -- claiming ----------------------------------------------------------------------------

    def claim(self) -> list[ClaimedJob]:
        """Claim up to ``batch_size`` due jobs (pending and due, or in flight past their lease).

        The whole batch in one transaction: on PostgreSQL, ``SELECT … FOR UPDATE SKIP LOCKED``
        then one ``UPDATE … RETURNING`` of exactly those rows; on SQLite (one writer at a time)
        one ``UPDATE … RETURNING``; on MariaDB and MySQL the locked ``SELECT``, one ``UPDATE``
        and a read of the rows this claim's lease token won.
        """
        now = self._clock()
        # A microsecond-unique lease time doubles as this claim's token.
        lease = now + self.lease + timedelta(microseconds=secrets.randbelow(1_000))
        jobs = outbox_jobs.c
        due = sa.or_(
            sa.and_(jobs.status == JobStatus.PENDING.value, jobs.next_attempt_at <= now),
            sa.and_(jobs.status == JobStatus.IN_FLIGHT.value, jobs.lease_expires_at < now),
        )
        candidates = (
            sa.select(jobs.id)
            .where(due, jobs.channel.in_(list(self.channels)))
            .order_by(jobs.next_attempt_at)
            .limit(self.batch_size)
        )
        if self._lockable:
            candidates = candidates.with_for_update(skip_locked=True)
        take = outbox_jobs.update().values(
            status=JobStatus.IN_FLIGHT.value, lease_expires_at=lease, attempts=jobs.attempts + 1
        )
        detail = (jobs.id, jobs.request_id, jobs.channel, jobs.idempotency_key, jobs.attempts,
                  jobs.created_at, jobs.message)  # fmt: skip
        with self.engine.begin() as conn:
            if self._returning and not self._lockable:
                rows = conn.execute(
                    take.where(jobs.id.in_(candidates.scalar_subquery()), due).returning(*detail)
                ).all()
            else:
                # The rows are locked by this transaction from here: the UPDATE takes exactly
                # them (a locking subquery inside the UPDATE may be run again by the planner).
                ids = list(conn.scalars(candidates))
                if not ids:
                    return []
            if self._returning and self._lockable:
                rows = conn.execute(take.where(jobs.id.in_(ids), due).returning(*detail)).all()
            elif not self._returning:
                conn.execute(take.where(jobs.id.in_(ids), due))
                rows = conn.execute(
                    sa.select(*detail).where(
                        jobs.id.in_(ids),
                        jobs.status == JobStatus.IN_FLIGHT.value,
                        jobs.lease_expires_at == lease,
                    )
                ).all()
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
        # Outcomes are recorded on a second thread while the next jobs are delivered: each
        # commit takes every outcome that arrived since the last one began (one commit for many
        # fast deliveries), and a delivered job is recorded one commit after its delivery, never
        # held back behind a slow one (where its lease could run out and it be sent again).
        done: list[tuple[ClaimedJob, DeliveryResult, int]] = []
        recording: Future[None] | None = None
        for job in jobs:
            done.append((job, *self._deliver(job)))
            if recording is None or recording.done():
                if recording is not None:
                    recording.result()  # a failed commit stops the run, as before
                recording = self._recorder().submit(self._finish_all, done, report)
                done = []
        if recording is not None:
            recording.result()
        self._finish_all(done, report)
        return report

    def _recorder(self) -> ThreadPoolExecutor:
        if self._recording is None:
            self._recording = ThreadPoolExecutor(1, thread_name_prefix="familyhubs-outbox")
        return self._recording

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
        jobs = outbox_jobs.c
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
            owned = [
                conn.execute(
                    outbox_jobs.update()
                    .where(
                        jobs.id == job.id,
                        jobs.status == JobStatus.IN_FLIGHT.value,
                        jobs.lease_expires_at == job.lease,
                    )
                    .values(**values)
                ).rowcount
                == 1
                for job, _result, values in changes
            ]
        for (job, result, values), mine in zip(changes, owned, strict=True):
            if not mine:
                report.lost_leases += 1  # another worker reclaimed it; its outcome stands
            elif result.outcome is DeliveryOutcome.DELIVERED:
                report.delivered += 1
            elif values["status"] == JobStatus.DEAD.value:
                report.dead += 1
                self._alert(job, result.detail[:500] or result.outcome.value)
            else:
                report.retried += 1

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
