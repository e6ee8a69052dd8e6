"""The transactional outbox's price and pace, on PostgreSQL: what submitting a request costs next
to a bare insert, and how fast worker processes drain a full outbox.

    python benchmarks/bench_delivery.py [--json] [--jobs 20000] [--batch-size 20]
        [--repeats 300] [--workers 1,2,4] [--rounds 3] [--channel noop|capture]
        [--skip-enqueue]
        [--url postgresql+psycopg://postgres@127.0.0.1:5432/familyhubs_bench_delivery]

The database is created when missing and its ``public`` schema is dropped and rebuilt with the
SDK's migrations. The request is a realistic one (40 answers in four sections, a repeating group,
three outcomes), built once; each call varies only its id, reference and time.

Keys:

* ``submit_p50_ms`` — median of ``StoreSubmitter(channels=("webhook", "email")).submit``: the
  request row, its first status and two outbox jobs, in one transaction.
* ``insert_p50_ms`` — median of a bare one-statement ``INSERT`` of the same payload into a plain
  table (``id text primary key, payload json, created_at timestamptz``; ``json`` like the SDK's
  column) in its own ``engine.begin()`` transaction, through the same engine. Both sides build the
  request and serialise its payload; both commit with the server's default durability. The two
  are interleaved (alternating which goes first) so drift hits both alike.
* ``enqueue_vs_insert`` — ``submit_p50_ms / insert_p50_ms``: what the outbox adds (goal: <= 1.5).
* ``jobs`` — outbox jobs drained in each run (one request per job, channel ``capture``).
* ``drain_jobs_per_s`` — jobs delivered per second with 1, 2 and 4 worker processes (each its own
  engine and ``OutboxWorker``), timed from "go" (workers already started, connected and warmed by
  a claim that finds nothing due) until a 20 ms poll finds no pending or in-flight job. The outbox
  is truncated and filled again (in bulk) before every run; the default 20 000 jobs keep even the
  fastest run above two seconds, so start-up and the poll's granularity stay in the noise.
  Each figure is the median of ``--rounds`` rounds, each round draining once with every worker
  count in turn (on a shared machine, other load then hits one round of each count alike).
  ``--channel noop`` (the default, printed as ``channel``): a channel that accepts at once and a
  composer that builds an empty message, so the figure is the outbox's own rate (claims,
  attempts, finishes); ``--channel capture``: a ``CapturingChannel`` and the production
  ``RequestComposer``, which loads and renders each stored request. ``--skip-enqueue`` measures
  the drain only.
* ``drain_2w_vs_1w`` — the median over rounds of the 2-worker rate over the 1-worker rate of
  the same round: whether a second worker process adds throughput (``null`` unless ``--workers``
  has 1 and 2).
* ``rounds`` — how many rounds each figure is the median of.
* ``cpus`` — ``os.cpu_count()``: the workers and PostgreSQL share these, so more workers than
  cores mostly measures contention.
"""

from __future__ import annotations

import argparse
import json
import multiprocessing
import os
import statistics
import sys
import time
import uuid
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import sqlalchemy as sa

sys.path.insert(0, str(Path(__file__).parent))
from _db import ensure_database

from familyhubs_sdk._clock import utc_now
from familyhubs_sdk.delivery._message import (
    DeliveryChannel,
    DeliveryResult,
    OutboundMessage,
)
from familyhubs_sdk.delivery._outbox import ClaimedJob, JobStatus, OutboxWorker
from familyhubs_sdk.store import create_engine, upgrade
from familyhubs_sdk.store._schema import (
    delivery_attempts,
    outbox_jobs,
    request_status_history,
    support_requests,
)
from familyhubs_sdk.support.requests._composer import RequestComposer
from familyhubs_sdk.support.requests._request import RequestAnswer, RequestOutcome, SupportRequest
from familyhubs_sdk.support.requests._submission import (
    StoreSubmitter,
    _SubmissionRows,
    new_reference,
)
from familyhubs_sdk.testing._capture import CapturingChannel

DEFAULT_URL = "postgresql+psycopg://postgres@127.0.0.1:5432/familyhubs_bench_delivery"
POLL_S = 0.02

plain = sa.Table(
    "bench_plain",
    sa.MetaData(),
    sa.Column("id", sa.Text(), primary_key=True),
    sa.Column("payload", sa.JSON(), nullable=False),
    sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
)


def _answers() -> tuple[RequestAnswer, ...]:
    answers: list[RequestAnswer] = []

    def add(section: str, qid: str, label: str, value: str, raw: Any, repeat: str | None = None):
        address = qid if repeat is None else f"children[{repeat[-1]}].{qid}"
        answers.append(
            RequestAnswer(question_id=qid, address=address, label=label, value=value, raw=raw,
                          section=section, repeat=repeat)
        )  # fmt: skip

    add("referrer", "referrer_name", "Your name", "Sam Patel", "Sam Patel")
    add("referrer", "referrer_role", "Your role", "Health visitor", "health_visitor")
    add("referrer", "referrer_org", "Organisation", "Northshire NHS Trust", "Northshire NHS Trust")
    add("referrer", "referrer_email", "Email", "sam.patel@nhs.example", "sam.patel@nhs.example")
    add("referrer", "referrer_phone", "Phone", "01632 960 123", "01632 960 123")
    add("referrer", "consent", "Has the family agreed to this request?", "Yes", "yes")
    add("family", "parent_name", "Parent or carer's name", "Alex Morgan", "Alex Morgan")
    add("family", "parent_dob", "Date of birth", "3 March 1990", "1990-03-03")
    add("family", "address", "Address", "12 Mill Lane, Northtown, NT1 2AB", "12 Mill Lane")
    add("family", "phone", "Phone", "07700 900 456", "07700 900 456")
    add("family", "language", "Main language at home", "English", "en")
    add("family", "interpreter", "Needs an interpreter", "No", "no")
    add("family", "contact_time", "Best time to contact", "Mornings", "mornings")
    for n in (1, 2, 3):
        repeat = f"Child {n}"
        add("children", "child_name", "Name", f"Jamie Morgan {n}", f"Jamie Morgan {n}", repeat)
        add("children", "child_dob", "Date of birth", f"{n} June 201{n}", f"201{n}-06-0{n}", repeat)
        add("children", "school", "School or nursery", "Northtown Primary", "Northtown", repeat)
        add("children", "send", "Special educational needs", "Awaiting assessment", "awaiting",
            repeat)  # fmt: skip
        add("children", "gp", "GP surgery", "Mill Lane Surgery", "Mill Lane Surgery", repeat)
    add("needs", "needs", "What does the family need help with?",
        "Secure housing, Financial stability, Parenting support",
        ["housing", "money", "parenting"])  # fmt: skip
    add("needs", "housing_risk", "Is the family at risk of losing their home?", "Yes", "yes")
    add("needs", "debts", "Debts", "Rent arrears, Council tax", ["rent", "council_tax"])
    add("needs", "income", "Household income", "Universal Credit", "uc")
    add("needs", "health", "Health concerns", "Parent's anxiety", "Parent's anxiety")
    add("needs", "safety", "Any safeguarding concerns?", "No", "no")
    add("needs", "services", "Services already involved", "Health visiting, School nurse",
        ["hv", "school_nurse"])  # fmt: skip
    add("needs", "urgency", "How urgent is this?", "Within two weeks", "two_weeks")
    add("needs", "strengths", "What is going well?",
        "The family are engaged and keen for support. " * 4, "The family are engaged.")  # fmt: skip
    add("needs", "summary", "Summary of the request",
        "Family at risk of eviction after rent arrears built up over the winter. " * 6,
        "Family at risk of eviction.")  # fmt: skip
    add("needs", "outcome_hoped", "What would a good outcome be?",
        "Stable tenancy and a manageable repayment plan.", "Stable tenancy.")  # fmt: skip
    add("needs", "other_info", "Anything else", "None", "")
    return tuple(answers)


BASE = SupportRequest(
    id=str(uuid.uuid4()),
    reference=new_reference(),
    tree_id="request_for_support",
    tree_version="3",
    submitted_at=datetime(2026, 5, 1, 9, 30, tzinfo=UTC),
    referrer_id="bench-referrer",
    answers=_answers(),
    outcomes=(
        RequestOutcome(id="housing_support", label="Housing support",
                       reasons=(("needs", "Secure housing"), ("housing_risk", "Yes"))),
        RequestOutcome(id="money_advice", label="Money and debt advice",
                       reasons=(("debts", "Rent arrears, Council tax"),)),
        RequestOutcome(id="early_help", label="Early help family support",
                       reasons=(("needs", "Parenting support"),)),
    ),
)  # fmt: skip


def make(*, id: str, reference: str, submitted_at: datetime) -> SupportRequest:
    return BASE.model_copy(update={"id": id, "reference": reference, "submitted_at": submitted_at})


def _fresh_store(url: str) -> sa.Engine:
    engine = create_engine(ensure_database(url))
    with engine.begin() as conn:
        conn.exec_driver_sql("DROP SCHEMA public CASCADE")
        conn.exec_driver_sql("CREATE SCHEMA public")
    upgrade(engine)
    plain.create(engine)
    return engine


def enqueue_vs_insert(engine: sa.Engine, *, warm: int, repeats: int) -> tuple[float, float]:
    submitter = StoreSubmitter(engine, channels=("webhook", "email"))

    def submit() -> None:
        submitter.submit(make)

    def insert() -> None:
        request = make(id=str(uuid.uuid4()), reference=new_reference(), submitted_at=utc_now())
        with engine.begin() as conn:
            conn.execute(
                plain.insert().values(
                    id=request.id, payload=request.to_payload(), created_at=request.submitted_at
                )
            )

    for _ in range(warm):
        submit()
        insert()
    samples: dict[Any, list[float]] = {submit: [], insert: []}
    for i in range(repeats):
        for run in (submit, insert) if i % 2 == 0 else (insert, submit):
            start = time.perf_counter_ns()
            run()
            samples[run].append((time.perf_counter_ns() - start) / 1e6)
    return statistics.median(samples[submit]), statistics.median(samples[insert])


def _refill(engine: sa.Engine, jobs: int) -> None:
    """An empty outbox, then ``jobs`` requests each with one ``capture`` job: the rows
    ``StoreSubmitter`` writes, inserted in bulk (a commit per request would take minutes)."""
    with engine.begin() as conn:
        conn.exec_driver_sql(
            "TRUNCATE fh_delivery_attempts, fh_outbox_jobs, fh_request_status_history, "
            "fh_support_requests CASCADE"
        )
    references: set[str] = set()
    while len(references) < jobs:
        references.add(new_reference())
    start = utc_now()
    with engine.begin() as conn:
        rows = [
            _SubmissionRows.of(
                make(id=str(uuid.uuid4()), reference=reference,
                     submitted_at=start + timedelta(microseconds=n)),
                None, ("capture",),
            )
            for n, reference in enumerate(references)
        ]  # fmt: skip
        for chunk in range(0, jobs, 1_000):
            some = rows[chunk : chunk + 1_000]
            conn.execute(support_requests.insert(), [r.request for r in some])
            conn.execute(request_status_history.insert(), [r.history for r in some])
            conn.execute(outbox_jobs.insert(), [job for r in some for job in r.jobs])
    with engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
        conn.exec_driver_sql("ANALYZE")
        conn.exec_driver_sql("CHECKPOINT")  # each run starts from the same place


class NoopChannel(DeliveryChannel):
    """Accepts every message at once: the drain measures the outbox itself."""

    name = "capture"

    def deliver(self, message: OutboundMessage) -> DeliveryResult:
        return DeliveryResult.delivered("noop")


def _noop_composer(job: ClaimedJob) -> OutboundMessage:
    return OutboundMessage(
        idempotency_key=job.idempotency_key, reference="", subject="", payload={}, text="", html=""
    )


def _drain_worker(url: str, batch_size: int, channel: str, ready: Any, go: Any, stop: Any) -> None:
    """One worker process: connect and warm up, wait for "go", then deliver until told to stop."""
    engine = create_engine(url, pool_size=2)
    composer = RequestComposer(engine)
    # The first claim happens before any job is due: it finds nothing but compiles the claim
    # queries and opens the connection, so the timed run starts warm.
    times = [datetime(2000, 1, 1, tzinfo=UTC)]

    def clock() -> datetime:
        return times.pop() if times else utc_now()

    if channel == "noop":
        worker = OutboxWorker(
            engine, [NoopChannel()], _noop_composer, batch_size=batch_size, clock=clock
        )
    else:
        worker = OutboxWorker(
            engine, [CapturingChannel("capture")], composer, batch_size=batch_size, clock=clock
        )
    if worker.claim():
        raise RuntimeError("the warm-up claim took jobs")
    with engine.connect() as conn:  # warm: a pooled connection, and the templates compiled
        row = conn.execute(sa.select(outbox_jobs).limit(1)).one()
    composer(
        ClaimedJob(id=row.id, request_id=row.request_id, channel=row.channel,
                   idempotency_key=row.idempotency_key, attempts=1, created_at=row.created_at,
                   lease=utc_now() + timedelta(minutes=5))
    )  # fmt: skip
    ready.put(os.getpid())
    go.wait()
    while not stop.is_set():
        if worker.run_once().claimed == 0:
            time.sleep(POLL_S)


def drain(
    engine: sa.Engine, url: str, *, jobs: int, workers: int, batch_size: int, channel: str
) -> float:
    """Jobs per second for ``workers`` processes draining ``jobs`` fresh jobs."""
    _refill(engine, jobs)
    context = multiprocessing.get_context("spawn")
    ready, go, stop = context.Queue(), context.Event(), context.Event()
    pool = [
        context.Process(target=_drain_worker, args=(url, batch_size, channel, ready, go, stop))
        for _ in range(workers)
    ]
    for process in pool:
        process.start()
    for _ in pool:
        ready.get(timeout=120)
    # Whether any job is left (one index look-up, not a count: the poll must not slow the drain).
    waiting = sa.select(
        sa.exists().where(
            outbox_jobs.c.status.in_([JobStatus.PENDING.value, JobStatus.IN_FLIGHT.value])
        )
    )
    started = time.perf_counter()
    go.set()
    with engine.connect() as conn:
        while True:
            time.sleep(POLL_S)
            left = conn.scalar(waiting)
            conn.rollback()  # a fresh snapshot next time
            if not left:
                break
            if time.perf_counter() - started > 1800:
                raise RuntimeError("jobs still waiting after 30 minutes")
    took = time.perf_counter() - started
    stop.set()
    for process in pool:
        process.join(timeout=60)
    with engine.connect() as conn:
        delivered = conn.scalar(
            sa.select(sa.func.count()).where(outbox_jobs.c.status == JobStatus.DELIVERED.value)
        )
        attempts = conn.scalar(sa.select(sa.func.count()).select_from(delivery_attempts))
    if delivered != jobs or attempts != jobs:
        raise RuntimeError(f"{jobs} jobs: {delivered} delivered in {attempts} attempts")
    return jobs / took


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--json", action="store_true")
    parser.add_argument("--jobs", type=int, default=20_000)
    parser.add_argument("--batch-size", type=int, default=20)
    parser.add_argument("--repeats", type=int, default=300)
    parser.add_argument("--workers", default="1,2,4", help="worker counts, comma-separated")
    parser.add_argument(
        "--rounds", type=int, default=3, help="drains per worker count (the median is shown)"
    )
    parser.add_argument("--url", default=DEFAULT_URL)
    parser.add_argument(
        "--channel",
        choices=("noop", "capture"),
        default="noop",
        help="noop: a channel and composer that do nothing (the outbox's own rate); capture: "
        "the production composer rendering each request, captured in memory",
    )
    parser.add_argument("--skip-enqueue", action="store_true", help="measure the drain only")
    args = parser.parse_args(argv)

    engine = _fresh_store(args.url)
    submit_ms, insert_ms = (
        (float("nan"), float("nan"))
        if args.skip_enqueue
        else enqueue_vs_insert(engine, warm=30, repeats=args.repeats)
    )
    counts = [int(n) for n in args.workers.split(",")]
    # Rounds interleave the worker counts, so a burst of other load on the machine hits one
    # round of each rather than every run of one count.
    rounds = [
        {
            w: drain(
                engine,
                args.url,
                jobs=args.jobs,
                workers=w,
                batch_size=args.batch_size,
                channel=args.channel,
            )
            for w in counts
        }
        for _ in range(args.rounds)
    ]
    rates = {str(w): round(statistics.median(r[w] for r in rounds), 1) for w in counts}
    scaling = (
        round(statistics.median(r[2] / r[1] for r in rounds), 2) if {1, 2} <= set(counts) else None
    )
    engine.dispose()
    result: dict[str, Any] = {
        "submit_p50_ms": round(submit_ms, 3),
        "insert_p50_ms": round(insert_ms, 3),
        "enqueue_vs_insert": round(submit_ms / insert_ms, 2),
        "jobs": args.jobs,
        "channel": args.channel,
        "drain_jobs_per_s": rates,
        "drain_2w_vs_1w": scaling,
        "rounds": args.rounds,
        "cpus": os.cpu_count(),
    }
    if args.json:
        print(json.dumps(result))
    else:
        print("\n".join(f"{k:18} {json.dumps(v)}" for k, v in result.items()))


if __name__ == "__main__":
    main()
