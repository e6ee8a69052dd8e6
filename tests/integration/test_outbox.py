"""The outbox on SQLite, PostgreSQL and MariaDB: jobs written with the request, claimed by one
worker at a time, retried with backoff, reclaimed after a lost lease, dead-lettered with an alert."""

from __future__ import annotations

import threading
import time
from datetime import UTC, datetime, timedelta

import pytest
import sqlalchemy as sa

from familyhubs_sdk.delivery import DeliveryResult, OutboundMessage
from familyhubs_sdk.delivery._outbox import (
    ClaimedJob,
    DeadLetter,
    JobStatus,
    OutboxWorker,
    RetryPolicy,
    outbox_status,
    retry_dead,
)
from familyhubs_sdk.errors import DeliveryError
from familyhubs_sdk.store import upgrade
from familyhubs_sdk.store._schema import (
    delivery_attempts,
    outbox_jobs,
    request_status_history,
    support_requests,
)
from familyhubs_sdk.support.requests._composer import RequestComposer
from familyhubs_sdk.support.requests._request import RequestAnswer, SupportRequest
from familyhubs_sdk.support.requests._submission import StoreSubmitter
from familyhubs_sdk.testing._capture import CapturingChannel

START = datetime(2026, 6, 1, 9, 0, tzinfo=UTC)
CANARY = "Zebedee Canary-Smith"


class Clock:
    def __init__(self) -> None:
        self.now = START
        self._lock = threading.Lock()

    def __call__(self) -> datetime:
        with self._lock:
            return self.now

    def advance(self, **delta: float) -> None:
        with self._lock:
            self.now += timedelta(**delta)


@pytest.fixture
def store(engine: sa.Engine) -> sa.Engine:
    upgrade(engine)
    return engine


def _make(*, id: str, reference: str, submitted_at: datetime) -> SupportRequest:
    return SupportRequest(
        id=id, reference=reference, tree_id="t", tree_version="1", submitted_at=submitted_at,
        referrer_id="u1",
        answers=(RequestAnswer(question_id="lead_name", address="lead_name",
                               label="Lead contact's name", value=CANARY, raw=CANARY),),
    )  # fmt: skip


def _submit(
    store: sa.Engine, clock: Clock, n: int = 1, channels: tuple[str, ...] = ("a",)
) -> list[SupportRequest]:
    submitter = StoreSubmitter(store, channels=channels, clock=clock)
    return [submitter.submit(_make) for _ in range(n)]


def _worker(
    store: sa.Engine, clock: Clock, *channels: CapturingChannel, **kw: object
) -> OutboxWorker:
    kw.setdefault("rng", lambda: 0.5)  # no jitter: delays are exact
    return OutboxWorker(store, channels, RequestComposer(store), clock=clock, **kw)  # type: ignore[arg-type]


def _jobs(store: sa.Engine) -> list[sa.Row[object]]:
    with store.connect() as conn:
        return list(conn.execute(sa.select(outbox_jobs).order_by(outbox_jobs.c.created_at)))


def test_a_request_and_its_jobs_are_written_together(
    store: sa.Engine, monkeypatch: pytest.MonkeyPatch
) -> None:
    clock = Clock()
    _submit(store, clock, channels=("email", "webhook"))
    jobs = _jobs(store)
    assert sorted(job.channel for job in jobs) == ["email", "webhook"]
    assert {job.status for job in jobs} == {"pending"}
    assert len({job.idempotency_key for job in jobs}) == 2

    # If the jobs cannot be written, neither is the request, nor its first status.
    def refuse(*args: object, **kwargs: object) -> list[str]:
        raise DeliveryError("no jobs today")

    monkeypatch.setattr("familyhubs_sdk.support.requests._submission.job_rows", refuse)
    with pytest.raises(DeliveryError):
        _submit(store, clock)
    with store.connect() as conn:
        assert conn.scalar(sa.select(sa.func.count()).select_from(support_requests)) == 1
        assert conn.scalar(sa.select(sa.func.count()).select_from(request_status_history)) == 1


def test_a_due_job_is_delivered_once_with_its_idempotency_key(store: sa.Engine) -> None:
    clock = Clock()
    [request] = _submit(store, clock)
    channel = CapturingChannel("a")
    report = _worker(store, clock, channel).run_once()
    assert (report.claimed, report.delivered) == (1, 1)
    [message] = channel.messages
    [job] = _jobs(store)
    assert message.idempotency_key == job.idempotency_key
    assert message.reference == request.reference
    assert CANARY in message.text  # the request itself travels...
    assert job.status == "delivered"
    assert job.delivered_at == START
    assert _worker(store, clock, channel).run_once().claimed == 0  # ...once
    with store.connect() as conn:
        [attempt] = conn.execute(sa.select(delivery_attempts)).all()
    assert (attempt.outcome, attempt.job_id) == ("delivered", job.id)


def test_a_transient_failure_waits_for_its_backoff_and_then_delivers(store: sa.Engine) -> None:
    clock = Clock()
    _submit(store, clock)
    channel = CapturingChannel("a", script=[DeliveryResult.retry("HTTP 503")])
    worker = _worker(store, clock, channel, retry=RetryPolicy(base_s=30, cap_s=600))
    assert worker.run_once().retried == 1
    [job] = _jobs(store)
    assert (job.status, job.attempts, job.last_error) == ("pending", 1, "HTTP 503")
    assert job.next_attempt_at == START + timedelta(seconds=30)
    clock.advance(seconds=29)
    assert worker.run_once().claimed == 0
    clock.advance(seconds=1)
    assert worker.run_once().delivered == 1
    assert len(channel.messages) == 2
    assert channel.messages[0].idempotency_key == channel.messages[1].idempotency_key


def test_backoff_doubles_is_capped_and_honours_retry_after(store: sa.Engine) -> None:
    policy = RetryPolicy(base_s=10, cap_s=60, jitter=0.5)
    assert [policy.delay(n, lambda: 0.5).total_seconds() for n in (1, 2, 3, 4, 5)] == [
        10, 20, 40, 60, 60,
    ]  # fmt: skip
    assert policy.delay(1, lambda: 0.0).total_seconds() == 5  # jitter spreads retries
    assert policy.delay(1, lambda: 1.0).total_seconds() == 15
    clock = Clock()
    _submit(store, clock)
    channel = CapturingChannel("a", script=[DeliveryResult.retry("HTTP 429", retry_after=45)])
    _worker(store, clock, channel, retry=policy).run_once()
    [job] = _jobs(store)
    assert job.next_attempt_at == START + timedelta(seconds=45)


def test_a_permanent_failure_is_dead_lettered_and_alerted_once(store: sa.Engine) -> None:
    clock = Clock()
    [request] = _submit(store, clock)
    alerts: list[DeadLetter] = []
    channel = CapturingChannel("a", script=[DeliveryResult.permanent("HTTP 400")])
    report = _worker(store, clock, channel, on_dead_letter=alerts.append).run_once()
    assert report.dead == 1
    [alert] = alerts
    assert (alert.request_id, alert.channel, alert.attempts, alert.detail) == (
        request.id, "a", 1, "HTTP 400",
    )  # fmt: skip
    assert CANARY not in repr(alert)
    status = outbox_status(store, clock=clock)
    assert status.counts["dead"] == 1
    assert [job.reference for job in status.dead] == [request.reference]
    # An operator puts it back; it is delivered on the next run.
    assert retry_dead(store, reference=request.reference, clock=clock) == 1
    assert _worker(store, clock, CapturingChannel("a")).run_once().delivered == 1
    assert outbox_status(store, clock=clock).counts == {
        "pending": 0, "in_flight": 0, "delivered": 1, "dead": 0,
    }  # fmt: skip


def test_retries_stop_at_the_maximum_age(store: sa.Engine) -> None:
    clock = Clock()
    _submit(store, clock)
    alerts: list[DeadLetter] = []
    channel = CapturingChannel("a", script=[DeliveryResult.retry("timed out")] * 100)
    policy = RetryPolicy(base_s=3600, cap_s=3600 * 8, max_age=timedelta(hours=24))
    worker = _worker(store, clock, channel, retry=policy, on_dead_letter=alerts.append)
    runs = 0
    while not alerts:
        clock.advance(hours=9)
        worker.run_once()
        runs += 1
    [job] = _jobs(store)
    assert job.status == "dead"
    assert job.attempts == runs == 3  # attempts at 9 h and 18 h retried; the next would pass 24 h
    assert len(alerts) == 1


def test_a_worker_that_dies_mid_delivery_leaves_the_job_for_another(store: sa.Engine) -> None:
    clock = Clock()
    _submit(store, clock)
    dying = _worker(store, clock, CapturingChannel("a"), lease=timedelta(minutes=5))
    [claimed] = dying.claim()  # ...and never finishes
    other_channel = CapturingChannel("a")
    other = _worker(store, clock, other_channel)
    assert other.run_once().claimed == 0  # the lease holds
    clock.advance(minutes=5, seconds=1)
    assert other.run_once().delivered == 1
    assert [m.idempotency_key for m in other_channel.messages] == [claimed.idempotency_key]
    # The first worker wakes up late: its outcome does not overwrite the job.
    assert dying.run_once().claimed == 0
    late = dying.work([claimed])
    assert (late.lost_leases, late.delivered) == (1, 0)
    [job] = _jobs(store)
    assert (job.status, job.attempts) == ("delivered", 2)


def test_concurrent_workers_never_claim_the_same_job(store: sa.Engine) -> None:
    clock = Clock()
    _submit(store, clock, n=40)
    channels = [CapturingChannel("a") for _ in range(4)]
    workers = [_worker(store, clock, channel, batch_size=3) for channel in channels]
    start = threading.Barrier(len(workers))

    def work(worker: OutboxWorker) -> None:
        start.wait()
        while worker.run_once().claimed:
            pass

    threads = [threading.Thread(target=work, args=(w,)) for w in workers]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    keys = [m.idempotency_key for channel in channels for m in channel.messages]
    assert len(keys) == len(set(keys)) == 40
    assert {job.status for job in _jobs(store)} == {"delivered"}


def test_a_claim_takes_expired_leases_then_pending_jobs_oldest_first(store: sa.Engine) -> None:
    clock = Clock()
    _submit(store, clock, n=2)
    lost = _worker(store, clock, CapturingChannel("a"), batch_size=2).claim()  # never finished
    clock.advance(minutes=1)
    due = _submit(store, clock, n=2)
    clock.advance(minutes=1)
    [later] = _submit(store, clock)
    clock.advance(minutes=4)  # the first two jobs' lease has run out
    claimed = _worker(store, clock, CapturingChannel("a"), batch_size=4).claim()
    by_request = {job.request_id: job.id for job in _jobs(store)}
    assert {job.id for job in claimed} == {job.id for job in lost} | {
        by_request[request.id] for request in due
    }
    assert [job.status for job in _jobs(store) if job.request_id == later.id] == ["pending"]
    assert {job.attempts for job in claimed if job.id in {j.id for j in lost}} == {2}


def test_a_batch_of_fast_deliveries_is_recorded_in_one_commit(
    store: sa.Engine, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Outcomes that arrive within the window share a commit; a wide one keeps a busy test
    # machine from splitting the batch.
    monkeypatch.setattr("familyhubs_sdk.delivery._outbox._RECORD_WITHIN_S", 5.0)
    clock = Clock()
    _submit(store, clock, n=5)
    worker = _worker(store, clock, CapturingChannel("a"), batch_size=5)
    jobs = worker.claim()
    commits: list[object] = []

    def count(connection: object) -> None:
        commits.append(connection)

    sa.event.listen(store, "commit", count)
    try:
        report = worker.work(jobs)
    finally:
        sa.event.remove(store, "commit", count)
    assert (report.claimed, report.delivered, len(commits)) == (5, 5, 1)
    assert {job.status for job in _jobs(store)} == {"delivered"}
    with store.connect() as conn:
        assert conn.scalar(sa.select(sa.func.count()).select_from(delivery_attempts)) == 5


class _HeldChannel(CapturingChannel):
    """Delivers at once, except its second delivery, which waits until ``release`` is set."""

    def __init__(self, name: str) -> None:
        super().__init__(name)
        self.release = threading.Event()

    def deliver(self, message: OutboundMessage) -> DeliveryResult:
        result = super().deliver(message)
        if len(self.messages) == 2:
            self.release.wait(10)
        return result


def test_a_slow_delivery_does_not_hold_back_the_record_of_earlier_ones(
    store: sa.Engine,
) -> None:
    clock = Clock()
    _submit(store, clock, n=2)
    channel = _HeldChannel("a")
    worker = _worker(store, clock, channel, batch_size=2)
    working = threading.Thread(target=worker.work, args=(worker.claim(),))
    working.start()
    try:
        deadline = time.monotonic() + 5
        while time.monotonic() < deadline:
            statuses = sorted(job.status for job in _jobs(store))
            if statuses == ["delivered", "in_flight"]:
                break  # the first is recorded while the second is still being delivered
            time.sleep(0.01)
    finally:
        channel.release.set()
        working.join()
    assert statuses == ["delivered", "in_flight"]
    assert {job.status for job in _jobs(store)} == {"delivered"}


def test_a_channel_that_raises_is_retried_and_a_missing_request_is_dead(store: sa.Engine) -> None:
    clock = Clock()
    _submit(store, clock)
    report = _worker(store, clock, CapturingChannel("a", script=[ValueError(CANARY)])).run_once()
    assert report.retried == 1
    [job] = _jobs(store)
    assert job.last_error == "channel raised ValueError"

    def compose(job: ClaimedJob) -> OutboundMessage:
        raise DeliveryError("its request is no longer stored")

    clock.advance(hours=1)
    worker = OutboxWorker(store, [CapturingChannel("a")], compose, clock=clock)
    assert worker.run_once().dead == 1
    assert _jobs(store)[0].last_error == "cannot compose: delivery_failed"


def test_jobs_for_channels_a_worker_lacks_are_left_alone(store: sa.Engine) -> None:
    clock = Clock()
    _submit(store, clock, channels=("email", "webhook"))
    assert _worker(store, clock, CapturingChannel("email")).run_once().delivered == 1
    assert sorted(job.status for job in _jobs(store)) == ["delivered", "pending"]
    assert outbox_status(store, clock=clock).oldest_waiting_s == 0.0
    assert JobStatus.PENDING == "pending"


def test_a_workers_channels_are_fixed_when_it_is_made(store: sa.Engine) -> None:
    # Its claims name the channels it serves: changing them afterwards would claim jobs no
    # channel delivers, or never claim a new channel's jobs.
    worker = _worker(store, Clock(), CapturingChannel("email"))
    with pytest.raises(TypeError):
        worker.channels["webhook"] = CapturingChannel("webhook")  # type: ignore[index]
    assert list(worker.channels) == ["email"]
