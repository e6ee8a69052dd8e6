"""Delivery under chaos: many requests, several worker processes, failing receivers, a worker
killed with SIGKILL mid-delivery — and nothing lost, nothing applied twice.

    python benchmarks/chaos_delivery.py [--json] [--requests 1000] [--workers 3]
        [--failure-rate 0.3] [--notify-share 0.5]
        [--url postgresql+psycopg://postgres@127.0.0.1:5432/familyhubs_chaos]

Every request goes to two real local receivers: a signed webhook endpoint (answering 500/503,
answering too late, or dropping the connection for ``--failure-rate`` of deliveries) and an SMTP
server (aiosmtpd answering 451 or 554 as often). ``--notify-share`` of the requests also queue
the referrer's receipt, sent through GOV.UK Notify's client to the local Notify-shaped API
(answering 429, 500, or too late for ``--failure-rate`` of sends; Notify keeps every repeat, so
only the channel's look-up by reference keeps them single). Worker processes share the
PostgreSQL outbox; one is killed with SIGKILL while it is inside a delivery and a new one takes
its place.

Keys: ``submitted`` requests and their ``jobs``; ``delivered`` and ``dead_lettered`` jobs; ``lost``
(jobs neither delivered nor dead-lettered, or marked delivered with no effect at the receiver —
must be 0); ``duplicate_effects`` (extra effects of one job at a receiver, which de-duplicates by
idempotency key — must be 0: a retry that changed its key would show here); ``alerts`` (dead-letter
hook calls — must equal ``dead_lettered``); ``redeliveries`` (repeats the receivers dropped: the
at-least-once part); ``killed`` workers; ``notify_jobs`` and ``notify_delivered`` (receipts
through Notify), ``notify_refused`` (429/500 answers) and ``notify_found_by_reference`` (attempts
whose earlier send had been accepted, found instead of sent again).
"""

from __future__ import annotations

import argparse
import itertools
import json
import multiprocessing
import os
import signal
import sys
import tempfile
import time
from datetime import timedelta
from pathlib import Path
from typing import Any

import sqlalchemy as sa

sys.path.insert(0, str(Path(__file__).parent))
from _db import ensure_database

from familyhubs_sdk._config import MessageSettings
from familyhubs_sdk.delivery import DeliveryChannel, DeliveryResult, NotifyChannel, OutboundMessage
from familyhubs_sdk.delivery._outbox import DeadLetter, OutboxWorker, RetryPolicy, outbox_status
from familyhubs_sdk.delivery._smtp import SMTPChannel, SMTPServer
from familyhubs_sdk.delivery._webhook import WebhookChannel, generate_webhook_secret
from familyhubs_sdk.store import create_engine, upgrade
from familyhubs_sdk.store._schema import delivery_attempts, outbox_jobs, support_requests
from familyhubs_sdk.support.messages import MessageComposer, RequestMessages
from familyhubs_sdk.support.requests._composer import RequestComposer
from familyhubs_sdk.support.requests._request import RequestAnswer, SupportRequest
from familyhubs_sdk.support.requests._submission import StoreSubmitter
from familyhubs_sdk.testing._notify import LocalNotifyAPI
from familyhubs_sdk.testing._receivers import SMTPReceiver, WebhookReceiver

DEFAULT_URL = "postgresql+psycopg://postgres@127.0.0.1:5432/familyhubs_chaos"
LEASE = timedelta(seconds=3)
RECEIPT_TEMPLATE = "4c6f5a4e-0000-4000-8000-00000000c4a0"


class _Watched(DeliveryChannel):
    """Wraps a channel and raises ``busy`` while a delivery is under way (to kill a worker then)."""

    def __init__(self, inner: DeliveryChannel, busy: Any) -> None:
        self.name = inner.name
        self._inner = inner
        self._busy = busy

    def deliver(self, message: OutboundMessage) -> DeliveryResult:
        self._busy.set()
        try:
            return self._inner.deliver(message)
        finally:
            self._busy.clear()


def _work(url: str, config: dict[str, Any], alerts: str, busy: Any, stop: Any) -> None:
    """One worker process: deliver until told to stop."""
    engine = create_engine(url, pool_size=2)
    channels = [
        _Watched(
            WebhookChannel(config["webhook_url"], config["secret"], allow_http=True,
                           connect_timeout_s=1.0, read_timeout_s=1.0),
            busy,
        ),
        _Watched(
            SMTPChannel(server=SMTPServer(host="127.0.0.1", port=config["smtp_port"],
                                          starttls=False, timeout_s=1.0),
                        from_addr="requests@familyhubs.example",
                        to_addrs="front-door@la.example"),
            busy,
        ),
        _Watched(
            NotifyChannel(api_key=config["notify_key"], base_url=config["notify_url"],
                          templates={"referrer_receipt_email": RECEIPT_TEMPLATE}, timeout_s=1.0),
            busy,
        ),
    ]  # fmt: skip

    def alert(dead: DeadLetter) -> None:
        with open(alerts, "a", encoding="utf-8") as out:
            out.write(dead.job_id + "\n")
            out.flush()
            os.fsync(out.fileno())

    worker = OutboxWorker(
        engine,
        channels,
        MessageComposer(la_name="Chaosshire", requests=RequestComposer(engine)),
        retry=RetryPolicy(base_s=0.05, cap_s=0.5, max_age=timedelta(minutes=10)),
        lease=LEASE,
        batch_size=4,
        on_dead_letter=alert,
    )
    while not stop.is_set():
        if worker.run_once().claimed == 0:
            time.sleep(0.05)


def _fresh_store(url: str) -> sa.Engine:
    engine = create_engine(ensure_database(url))
    with engine.begin() as conn:
        conn.exec_driver_sql("DROP SCHEMA public CASCADE")
        conn.exec_driver_sql("CREATE SCHEMA public")
    upgrade(engine)
    return engine


def _request(*, id: str, reference: str, submitted_at: Any) -> SupportRequest:
    return SupportRequest(
        id=id, reference=reference, tree_id="request_for_support", tree_version="1",
        submitted_at=submitted_at, referrer_id="chaos",
        answers=(RequestAnswer(question_id="needs", address="needs", label="Needs",
                               value="Secure housing", raw=["housing"]),),
    )  # fmt: skip


def _receipts(share: float) -> RequestMessages:
    """The referrer's receipt through Notify for ``share`` of the requests, spread evenly."""
    counter = itertools.count()

    def contact(request: SupportRequest) -> tuple[str | None, str | None]:
        number = next(counter)
        chosen = int((number + 1) * share) > int(number * share)
        return (f"referrer-{number}@school.example" if chosen else None), None

    settings = MessageSettings(channel="notify", referrer_receipt=True)
    return RequestMessages(settings, contact=contact)


def run(
    url: str,
    requests: int,
    workers: int,
    failure_rate: float,
    seed: int,
    notify_share: float = 0.5,
) -> dict[str, Any]:
    engine = _fresh_store(url)
    secret = generate_webhook_secret()
    context = multiprocessing.get_context("spawn")
    started = time.perf_counter()
    with (
        WebhookReceiver(secret, failure_rate=failure_rate, delay_s=1.5, seed=seed) as hook,
        SMTPReceiver(transient_rate=failure_rate * 0.8, permanent_rate=failure_rate * 0.1,
                     delay_rate=failure_rate * 0.1, delay_s=1.5, seed=seed) as smtp,
        LocalNotifyAPI(failure_rate=failure_rate, failures=(429, 500, "timeout"), delay_s=1.5,
                       seed=seed) as notify,
        tempfile.TemporaryDirectory() as folder,
    ):  # fmt: skip
        submitter = StoreSubmitter(
            engine, channels=("webhook", "email"), on_submit=_receipts(notify_share)
        )
        references = [submitter.submit(_request).reference for _ in range(requests)]
        config = {"webhook_url": hook.url, "secret": secret, "smtp_port": smtp.port,
                  "notify_url": notify.base_url, "notify_key": notify.api_key}  # fmt: skip
        alerts = str(Path(folder) / "alerts.txt")
        stop = context.Event()

        def spawn() -> tuple[Any, Any]:
            busy = context.Event()
            process = context.Process(target=_work, args=(url, config, alerts, busy, stop))
            process.start()
            return process, busy

        pool = [spawn() for _ in range(workers)]
        # Kill one worker while it is inside a delivery; a new one takes its place.
        victim, busy = pool[0]
        killed = 0
        if busy.wait(timeout=180):  # long: spawned workers start slowly on a loaded machine
            os.kill(victim.pid, signal.SIGKILL)
            victim.join()
            killed = 1
            pool[0] = spawn()
        deadline = time.monotonic() + 600
        while time.monotonic() < deadline:
            counts = outbox_status(engine).counts
            if counts["pending"] == 0 and counts["in_flight"] == 0:
                break
            time.sleep(0.5)
        stop.set()
        for process, _ in pool:
            process.join(timeout=30)
        with engine.connect() as conn:
            jobs = conn.execute(
                sa.select(outbox_jobs.c.id, outbox_jobs.c.channel, outbox_jobs.c.status,
                          outbox_jobs.c.idempotency_key, support_requests.c.reference)
                .join(support_requests, support_requests.c.id == outbox_jobs.c.request_id)
            ).all()  # fmt: skip
            found_by_reference = conn.scalar(
                sa.select(sa.func.count())
                .select_from(delivery_attempts)
                .where(delivery_attempts.c.detail.like("Notify already has it%"))
            )
        alert_lines = Path(alerts).read_text().split() if Path(alerts).exists() else []
        effects = {"webhook": hook.effects, "email": smtp.effects}
        redeliveries = hook.duplicates + smtp.duplicates
        notifications = notify.notifications
        notify_refused = sum(1 for _, status, _ in notify.refused if status in (429, 500))
    keys_by_channel = {
        "webhook": set(effects["webhook"]),
        "email": {key.strip("<>").split("@")[0] for key in effects["email"]},
        "notify": {str(n.reference) for n in notifications},
    }
    delivered = [job for job in jobs if job.status == "delivered"]
    dead = [job for job in jobs if job.status == "dead"]
    unfinished = [job for job in jobs if job.status not in ("delivered", "dead")]
    without_effect = [
        job for job in delivered if job.idempotency_key not in keys_by_channel[job.channel]
    ]
    # Effects per (request, channel): more than one means a job's retries were not recognised.
    per_job: dict[tuple[str, str], int] = {}
    for payload in effects["webhook"].values():
        reference = str(payload.get("reference", ""))
        per_job[(reference, "webhook")] = per_job.get((reference, "webhook"), 0) + 1
    for message in effects["email"].values():
        reference = str(message["Subject"]).rsplit(" ", 1)[-1]
        per_job[(reference, "email")] = per_job.get((reference, "email"), 0) + 1
    # Notify keeps every send: each accepted notification is an effect, keyed by the job's key.
    for notification in notifications:
        key = (str(notification.reference), "notify")
        per_job[key] = per_job.get(key, 0) + 1
    notify_jobs = [job for job in jobs if job.channel == "notify"]
    return {
        "submitted": len(references),
        "jobs": len(jobs),
        "workers": workers,
        "failure_rate": failure_rate,
        "delivered": len(delivered),
        "dead_lettered": len(dead),
        "lost": len(unfinished) + len(without_effect),
        "duplicate_effects": sum(count - 1 for count in per_job.values() if count > 1),
        "alerts": len(set(alert_lines)),
        "redeliveries": redeliveries,
        "killed": killed,
        "notify_jobs": len(notify_jobs),
        "notify_delivered": sum(1 for job in notify_jobs if job.status == "delivered"),
        "notify_refused": notify_refused,
        "notify_found_by_reference": int(found_by_reference or 0),
        "seconds": round(time.perf_counter() - started, 1),
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--json", action="store_true")
    parser.add_argument("--requests", type=int, default=1000)
    parser.add_argument("--workers", type=int, default=3)
    parser.add_argument("--failure-rate", type=float, default=0.3)
    parser.add_argument("--notify-share", type=float, default=0.5)
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--url", default=DEFAULT_URL)
    args = parser.parse_args(argv)
    result = run(
        args.url, args.requests, args.workers, args.failure_rate, args.seed, args.notify_share
    )
    print(json.dumps(result) if args.json else "\n".join(f"{k:18} {v}" for k, v in result.items()))
    ok = result["lost"] == 0 and result["duplicate_effects"] == 0
    ok = ok and (result["notify_delivered"] >= 1 or result["notify_jobs"] == 0)
    return 0 if ok and result["alerts"] == result["dead_lettered"] else 1


if __name__ == "__main__":
    sys.exit(main())
