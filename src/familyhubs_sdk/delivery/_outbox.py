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
from dataclasses import dataclass
from datetime import datetime, timedelta
from enum import StrEnum
from typing import Protocol

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
    connection.execute(outbox_jobs.insert(), rows)
    return [str(row["idempotency_key"]) for row in rows]


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

    # -- claiming ----------------------------------------------------------------------------

    def claim(self) -> list[ClaimedJob]:
        """Claim up to ``batch_size`` due jobs (pending and due, or in flight past their lease)."""
        now = self._clock()
        jobs = outbox_jobs.c
        due = sa.or_(
            sa.and_(jobs.status == JobStatus.PENDING.value, jobs.next_attempt_at <= now),
            sa.and_(jobs.status == JobStatus.IN_FLIGHT.value, jobs.lease_expires_at < now),
        )
        query = (
            sa.select(jobs.id, jobs.lease_expires_at, jobs.status)
            .where(due, jobs.channel.in_(list(self.channels)))
            .order_by(jobs.next_attempt_at)
            .limit(self.batch_size)
        )
        if self._lockable:
            query = query.with_for_update(skip_locked=True)
        claimed: list[ClaimedJob] = []
        with self.engine.begin() as conn:
            for row in conn.execute(query).all():
                # A microsecond-unique lease time doubles as this claim's token.
                lease = now + self.lease + timedelta(microseconds=secrets.randbelow(1_000))
                won = conn.execute(
                    outbox_jobs.update()
                    .where(jobs.id == row.id, jobs.status == row.status, due)
                    .values(
                        status=JobStatus.IN_FLIGHT.value,
                        lease_expires_at=lease,
                        attempts=jobs.attempts + 1,
                    )
                )
                if won.rowcount != 1:
                    continue  # another worker got there first
                detail = conn.execute(
                    sa.select(
                        jobs.request_id, jobs.channel, jobs.idempotency_key, jobs.attempts,
                        jobs.created_at,
                    ).where(jobs.id == row.id)
                ).one()  # fmt: skip
                claimed.append(
                    ClaimedJob(
                        id=row.id,
                        request_id=detail.request_id,
                        channel=detail.channel,
                        idempotency_key=detail.idempotency_key,
                        attempts=detail.attempts,
                        created_at=detail.created_at,
                        lease=lease,
                    )
                )
        return claimed

    # -- delivering --------------------------------------------------------------------------

    def run_once(self) -> RunReport:
        """Claim due jobs and deliver each once. Never raises for a failed delivery."""
        return self.work(self.claim())

    def work(self, jobs: Sequence[ClaimedJob]) -> RunReport:
        """Deliver jobs this worker claimed, recording each outcome. A job whose lease ran out
        meanwhile (another worker reclaimed it) is counted in ``lost_leases`` and left as the
        other worker leaves it."""
        report = RunReport(claimed=len(jobs))
        for job in jobs:
            result, took_ms = self._deliver(job)
            self._finish(job, result, took_ms, report)
        return report

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

    def _finish(
        self, job: ClaimedJob, result: DeliveryResult, took_ms: int, report: RunReport
    ) -> None:
        now = self._clock()
        jobs = outbox_jobs.c
        detail = result.detail[:500] or None
        values: dict[str, object] = {"lease_expires_at": None, "last_error": detail}
        dead = False
        if result.outcome is DeliveryOutcome.DELIVERED:
            values.update(status=JobStatus.DELIVERED.value, delivered_at=now, last_error=None)
        else:
            delay = self.retry.delay(job.attempts, self._rng)
            if result.retry_after is not None:
                delay = max(delay, timedelta(seconds=min(result.retry_after, self.retry.cap_s)))
            dead = (
                result.outcome is DeliveryOutcome.PERMANENT
                or now + delay - job.created_at > self.retry.max_age
            )
            if dead:
                values.update(status=JobStatus.DEAD.value)
            else:
                values.update(status=JobStatus.PENDING.value, next_attempt_at=now + delay)
        with self.engine.begin() as conn:
            conn.execute(
                delivery_attempts.insert().values(
                    job_id=job.id,
                    attempted_at=now,
                    outcome=result.outcome.value,
                    detail=detail,
                    duration_ms=took_ms,
                )
            )
            owned = conn.execute(
                outbox_jobs.update()
                .where(
                    jobs.id == job.id,
                    jobs.status == JobStatus.IN_FLIGHT.value,
                    jobs.lease_expires_at == job.lease,
                )
                .values(**values)
            ).rowcount
        if owned != 1:
            report.lost_leases += 1  # another worker reclaimed it; its outcome stands
            return
        if result.outcome is DeliveryOutcome.DELIVERED:
            report.delivered += 1
        elif dead:
            report.dead += 1
            self._alert(job, detail or result.outcome.value)
        else:
            report.retried += 1

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
                    jobs.id, support_requests.c.reference, jobs.channel, jobs.attempts,
                    jobs.last_error,
                )
                .join(support_requests, support_requests.c.id == jobs.request_id)
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
