"""Message jobs in the outbox on SQLite, PostgreSQL and MariaDB: a resume link belongs to no
request, its message is kept until delivered and then cleared, a dead one is listed and retried."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
import sqlalchemy as sa

from familyhubs_sdk.delivery import DeliveryResult, Notification
from familyhubs_sdk.delivery._outbox import OutboxWorker, RetryPolicy, outbox_status, retry_dead
from familyhubs_sdk.store import upgrade
from familyhubs_sdk.store._schema import outbox_jobs
from familyhubs_sdk.support.messages import MessageComposer, OutboxResumeLinkSender
from familyhubs_sdk.testing._capture import CapturingChannel

NOW = datetime(2026, 6, 1, 9, 0, tzinfo=UTC)
LINK = "https://la.example/request-support/resume#fhr1_secret"


@pytest.fixture
def store(engine: sa.Engine) -> sa.Engine:
    upgrade(engine)
    return engine


def test_a_resume_link_job_is_delivered_once_and_its_link_forgotten(store: sa.Engine) -> None:
    OutboxResumeLinkSender(store, channel="capture", clock=lambda: NOW).send_resume_link(
        email="sam@school.example", url=LINK, expires_at=NOW + timedelta(days=7)
    )
    channel = CapturingChannel(script=[DeliveryResult.retry("Notify 500 Exception")])
    now = [NOW]
    worker = OutboxWorker(
        store, [channel], MessageComposer(la_name="Testshire"),
        retry=RetryPolicy(base_s=1, jitter=0), clock=lambda: now[0],
    )  # fmt: skip

    first = worker.run_once()
    now[0] += timedelta(seconds=2)
    second = worker.run_once()

    assert (first.retried, second.delivered) == (1, 1)
    notes = [Notification.from_payload(m.payload) for m in channel.messages]
    assert [(n.kind, n.attempt) for n in notes if n] == [("resume_link", 1), ("resume_link", 2)]
    assert {m.idempotency_key for m in channel.messages} == {channel.messages[0].idempotency_key}
    assert notes[0] is not None
    assert notes[0].personalisation["link"] == LINK
    with store.connect() as connection:
        job = connection.execute(sa.select(outbox_jobs)).one()
    assert (job.status, job.request_id, job.message) == ("delivered", None, None)


def test_a_dead_message_job_is_listed_and_can_be_retried(store: sa.Engine) -> None:
    OutboxResumeLinkSender(store, channel="capture", clock=lambda: NOW).send_resume_link(
        email="sam@school.example", url=LINK, expires_at=NOW
    )
    channel = CapturingChannel(script=[DeliveryResult.permanent("Notify 400 BadRequestError")])
    dead: list[object] = []
    worker = OutboxWorker(
        store, [channel], MessageComposer(la_name="Testshire"), on_dead_letter=dead.append,
        clock=lambda: NOW,
    )  # fmt: skip

    assert worker.run_once().dead == 1
    status = outbox_status(store, clock=lambda: NOW)
    assert [(d.reference, d.last_error) for d in status.dead] == [
        ("", "Notify 400 BadRequestError")
    ]
    assert len(dead) == 1
    assert retry_dead(store, clock=lambda: NOW) == 1
    assert worker.run_once().delivered == 1  # the message was kept while the job was dead
