"""The messages people expect: queued with their event, each behind its own opt-in, sent once
through Notify or SMTP, carrying no answer from the form (canary values)."""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
import sqlalchemy as sa
from tests.helpers.notify_samples import API_KEY, BODIES, SERVER_TEMPLATES, TEMPLATE_IDS

from familyhubs_sdk._config import MessageSettings, load_settings
from familyhubs_sdk.delivery import (
    NotifyChannel,
    OutboxWorker,
    RetryPolicy,
    SMTPNotificationChannel,
    SMTPServer,
)
from familyhubs_sdk.errors import ConfigurationError, DeliveryError
from familyhubs_sdk.store import create_engine, upgrade
from familyhubs_sdk.store._schema import outbox_jobs
from familyhubs_sdk.support.inbox._lifecycle import RequestStatus, StatusChange
from familyhubs_sdk.support.messages import (
    MESSAGE_FIELDS,
    Message,
    MessageComposer,
    MessageKind,
    OutboxResumeLinkSender,
    RequestMessages,
)
from familyhubs_sdk.support.requests._composer import RequestComposer
from familyhubs_sdk.support.requests._request import RequestAnswer, SupportRequest
from familyhubs_sdk.support.requests._submission import StoreSubmitter
from familyhubs_sdk.testing import LocalNotifyAPI, SMTPReceiver

REFERRER = "sam.referrer@school.example"
TEAM = "front.door@la.example"
NOW = datetime(2026, 5, 1, 9, 30, tzinfo=UTC)
QUESTIONS = (
    "referrer_name", "referrer_role", "referrer_organisation", "referrer_phone",
    "referrer_contact_by", "lead_name", "lead_phone", "needs", "urgency", "details",
    "risk", "consent",
)  # fmt: skip


def canary(question_id: str) -> str:
    return f"CANARY-{question_id}-Zebedee"


def make_request(*, email: str | None = REFERRER, phone: str | None = None, **_: Any) -> Any:
    def make(*, id: str, reference: str, submitted_at: datetime) -> SupportRequest:
        answers = [
            RequestAnswer(question_id=q, address=q, label=canary(f"{q}-label"), value=canary(q),
                          raw=canary(q))
            for q in QUESTIONS if not (q == "referrer_phone" and phone)
        ]  # fmt: skip
        if email is not None:
            answers.append(RequestAnswer(question_id="referrer_email", address="referrer_email",
                                         label="Email", value=email, raw=email))  # fmt: skip
        if phone is not None:
            answers.append(RequestAnswer(question_id="referrer_phone", address="referrer_phone",
                                         label="Phone", value=phone, raw=phone))  # fmt: skip
        return SupportRequest(
            id=id, reference=reference, tree_id="request_for_support", tree_version="1",
            submitted_at=submitted_at, referrer_id=canary("referrer_id"), answers=answers,
        )  # fmt: skip

    return make


def settings(**on: Any) -> MessageSettings:
    values: dict[str, Any] = {
        "team_addresses": (TEAM,), "inbox_url": "https://la.example/inbox/{reference}",
    }  # fmt: skip
    values.update(on)
    return MessageSettings(**values)


ALL_ON = {
    "referrer_receipt": True, "team_alert": True, "resume_link": True, "status_update": True,
}  # fmt: skip


@pytest.fixture
def engine(tmp_path: Path) -> Iterator[sa.Engine]:
    engine = create_engine(f"sqlite:///{tmp_path / 'messages.db'}")
    upgrade(engine)
    yield engine
    engine.dispose()


@pytest.fixture
def notify() -> Iterator[LocalNotifyAPI]:
    with LocalNotifyAPI(api_key=API_KEY, templates=SERVER_TEMPLATES, delay_s=1.0) as api:
        yield api


def worker_for(engine: sa.Engine, channel: Any) -> OutboxWorker:
    return OutboxWorker(
        engine, [channel],
        MessageComposer(la_name="Testshire", requests=RequestComposer(engine)),
        retry=RetryPolicy(base_s=0.001, cap_s=0.001, jitter=0),
        clock=lambda: datetime.now(UTC),
    )  # fmt: skip


def drain(worker: OutboxWorker) -> None:
    for _ in range(20):
        if worker.run_once().claimed == 0:
            return


def notify_channel(api: LocalNotifyAPI) -> NotifyChannel:
    return NotifyChannel(api_key=API_KEY, templates=TEMPLATE_IDS, base_url=api.base_url,
                         timeout_s=0.5)  # fmt: skip


def decline(
    engine: sa.Engine, messages: RequestMessages, request: SupportRequest, why: str
) -> None:
    with engine.begin() as connection:
        messages.status_changed(
            connection, request=request,
            change=StatusChange(RequestStatus.OPENED, RequestStatus.DECLINED, "worker-1", NOW,
                                note=why),
        )  # fmt: skip


def message_kinds(engine: sa.Engine) -> list[str]:
    with engine.connect() as connection:
        stored = connection.scalars(
            sa.select(outbox_jobs.c.message).where(outbox_jobs.c.message.is_not(None))
        ).all()
    return sorted(Message.from_stored(m).kind.value for m in stored)


def test_no_answer_reaches_notify_through_any_message(
    engine: sa.Engine, notify: LocalNotifyAPI
) -> None:
    messages = RequestMessages(settings(**ALL_ON, share_decline_reason=True))
    submitter = StoreSubmitter(engine, channels=("file_drop",), on_submit=messages)
    request = submitter.submit(make_request())
    decline(engine, messages, request, "Outside our area")
    OutboxResumeLinkSender(engine).send_resume_link(
        email=REFERRER, url="https://la.example/resume#fhr1_secret", expires_at=NOW
    )

    drain(worker_for(engine, notify_channel(notify)))

    sent = notify.notifications
    assert sorted(n.template_id for n in sent) == sorted(
        TEMPLATE_IDS[key] for key in ("referrer_receipt_email", "team_alert_email",
                                      "request_declined_email", "resume_link_email")
    )  # fmt: skip
    everything = repr([(n.recipient, dict(n.personalisation), n.body) for n in sent])
    assert "CANARY" not in everything
    assert "Zebedee" not in everything
    by_template = {n.template_id: n for n in sent}
    declined = by_template[TEMPLATE_IDS["request_declined_email"]]
    assert declined.body.endswith("The reason given: Outside our area")
    assert by_template[TEMPLATE_IDS["team_alert_email"]].recipient == TEAM
    assert by_template[TEMPLATE_IDS["team_alert_email"]].personalisation["link"] == (
        f"https://la.example/inbox/{request.reference}"
    )
    assert notify.duplicates == 0


def test_no_answer_reaches_the_smtp_emails(engine: sa.Engine) -> None:
    messages = RequestMessages(settings(**ALL_ON))
    request = StoreSubmitter(engine, channels=("file_drop",), on_submit=messages).submit(
        make_request()
    )
    decline(engine, messages, request, "CANARY-reason-Zebedee")  # not shared: off by default

    with SMTPReceiver() as smtp:
        channel = SMTPNotificationChannel(
            server=SMTPServer(host="127.0.0.1", port=smtp.port, starttls=False),
            from_addr="requests@la.example",
            name="notify",
        )
        drain(worker_for(engine, channel))
        emails = smtp.messages

    assert sorted(str(email["To"]) for email in emails) == sorted([REFERRER, REFERRER, TEAM])
    for email in emails:
        assert "CANARY" not in email.as_string()
        assert "Zebedee" not in email.as_string()
    subjects = sorted(str(email["Subject"]) for email in emails)
    assert subjects == sorted([
        f"Your request for support: {request.reference}",
        f"New request for support: {request.reference}",
        f"Request for support {request.reference}: declined",
    ])  # fmt: skip


@pytest.mark.parametrize("kind", ["referrer_receipt", "team_alert", "status_update"])
def test_each_message_has_its_own_opt_in(engine: sa.Engine, kind: str) -> None:
    messages = RequestMessages(settings(**{kind: True}))
    request = StoreSubmitter(engine, on_submit=messages).submit(make_request())
    with engine.begin() as connection:
        messages.status_changed(
            connection, request=request,
            change=StatusChange(RequestStatus.OPENED, RequestStatus.ACCEPTED, "w", NOW),
        )  # fmt: skip

    expected = {"referrer_receipt": ["referrer_receipt"], "team_alert": ["team_alert"],
                "status_update": ["request_accepted"]}[kind]  # fmt: skip
    assert message_kinds(engine) == expected


def test_everything_is_off_by_default(engine: sa.Engine) -> None:
    messages = RequestMessages(MessageSettings())
    StoreSubmitter(engine, on_submit=messages).submit(make_request())

    assert message_kinds(engine) == []
    assert OutboxResumeLinkSender.for_settings(engine, MessageSettings()) is None
    assert OutboxResumeLinkSender.for_settings(engine, settings(resume_link=True)) is not None


def test_the_receipt_is_a_text_message_when_only_a_phone_number_is_given(
    engine: sa.Engine, notify: LocalNotifyAPI
) -> None:
    messages = RequestMessages(settings(referrer_receipt=True))
    StoreSubmitter(engine, on_submit=messages).submit(make_request(email=None, phone="07700900123"))

    drain(worker_for(engine, notify_channel(notify)))

    [sent] = notify.notifications
    assert (sent.kind, sent.recipient) == ("sms", "07700900123")
    assert sent.template_id == TEMPLATE_IDS["referrer_receipt_sms"]


def test_the_decline_reason_is_left_out_unless_the_la_shares_it(
    engine: sa.Engine, notify: LocalNotifyAPI
) -> None:
    messages = RequestMessages(settings(status_update=True))
    request = StoreSubmitter(engine, on_submit=messages).submit(make_request())
    decline(engine, messages, request, "Private reason")

    drain(worker_for(engine, notify_channel(notify)))

    [sent] = notify.notifications
    assert sent.personalisation["decline_reason"] == ""
    assert sent.personalisation["show_reason"] == "no"
    assert "Private reason" not in sent.body


def test_messages_roll_back_with_the_request(engine: sa.Engine) -> None:
    messages = RequestMessages(settings(referrer_receipt=True))
    submitter = StoreSubmitter(engine, on_submit=messages)
    draft = str(uuid.uuid4())
    first = submitter.submit(make_request(), draft_id=None)
    again = StoreSubmitter(engine, on_submit=messages, reference=lambda: first.reference)

    with pytest.raises(Exception, match="reference"):
        again.submit(make_request(), draft_id=draft)

    assert message_kinds(engine) == ["referrer_receipt"]  # the refused request left none behind


def test_a_retried_message_job_is_sent_once_and_forgotten_once_delivered(
    engine: sa.Engine, notify: LocalNotifyAPI
) -> None:
    OutboxResumeLinkSender(engine).send_resume_link(
        email=REFERRER, url="https://la.example/resume#fhr1_secret",
        expires_at=NOW + timedelta(days=7),
    )  # fmt: skip
    notify.queue("timeout", 429)  # accepted but answered too late, then a rate limit

    drain(worker_for(engine, notify_channel(notify)))

    assert [n.personalisation["expires"] for n in notify.notifications] == ["8 May 2026"]
    assert notify.duplicates == 0
    with engine.connect() as connection:
        job = connection.execute(sa.select(outbox_jobs)).one()
    assert (job.status, job.request_id, job.message) == ("delivered", None, None)


def test_a_resume_link_that_cannot_be_queued_raises_a_delivery_error(tmp_path: Path) -> None:
    unmigrated = create_engine(f"sqlite:///{tmp_path / 'empty.db'}")
    sender = OutboxResumeLinkSender(unmigrated)

    with pytest.raises(DeliveryError) as failed:
        sender.send_resume_link(email=REFERRER, url="https://x.example/r#fhr1_s", expires_at=NOW)

    assert "fhr1_s" not in str(failed.value)
    assert REFERRER not in str(failed.value)


def test_the_team_alert_needs_addresses_and_a_link() -> None:
    with pytest.raises(ConfigurationError, match="TEAM_ADDRESSES"):
        RequestMessages(MessageSettings(team_alert=True))


def test_a_message_carries_only_its_own_fields() -> None:
    with pytest.raises(DeliveryError, match="does not carry"):
        Message(MessageKind.REFERRER_RECEIPT, email_address=REFERRER,
                fields={"reference": "K7QD4RXA", "child": "Alex"})  # fmt: skip
    assert REFERRER not in repr(Message(MessageKind.TEAM_ALERT, email_address=REFERRER))


def test_the_documented_notify_fields_are_exactly_what_the_sdk_fills() -> None:
    import re

    docs = (Path(__file__).resolve().parents[3] / "docs" / "delivery.md").read_text()
    rows = re.findall(r"^\| `(\w+?)(?:_email)?`(?: / `_sms`)? \| [^|]+ \| ([^|]+) \|", docs, re.M)
    documented = {
        key.removesuffix("_sms"): set(re.findall(r"`(\w+)`", fields)) for key, fields in rows
    }
    composer = MessageComposer(la_name="Testshire")
    for kind in MessageKind:
        message = Message(
            kind, email_address=REFERRER, fields=dict.fromkeys(MESSAGE_FIELDS[kind], "x")
        )
        filled = set(composer.personalisation(message))
        assert documented[kind.value] == filled, kind
        for medium in ("email", "sms"):
            body = BODIES.get(f"{kind.value}_{medium}")
            if body is not None:  # the suggested wording uses only fields that are filled
                assert set(re.findall(r"\(\((\w+)", body)) <= filled, (kind, medium)


def test_settings_come_from_the_environment_with_the_key_kept_secret(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("FAMILYHUBS_MESSAGES__REFERRER_RECEIPT", "true")
    monkeypatch.setenv("FAMILYHUBS_MESSAGES__TEAM_ADDRESSES", '["front.door@la.example"]')
    monkeypatch.setenv("FAMILYHUBS_NOTIFY__API_KEY", API_KEY)
    alert = TEMPLATE_IDS["team_alert_email"]
    monkeypatch.setenv("FAMILYHUBS_NOTIFY__TEMPLATES", f'{{"team_alert_email": "{alert}"}}')

    loaded = load_settings()

    assert loaded.messages.referrer_receipt
    assert not loaded.messages.status_update
    assert loaded.messages.team_addresses == ("front.door@la.example",)
    assert loaded.notify is not None
    assert loaded.notify.templates == {"team_alert_email": TEMPLATE_IDS["team_alert_email"]}
    assert API_KEY[-36:] not in repr(loaded)
    monkeypatch.setenv("FAMILYHUBS_NOTIFY__API_KEY", "not-a-key-" + "s3cr3t" * 8)
    with pytest.raises(ConfigurationError) as bad:
        load_settings()
    assert "FAMILYHUBS_NOTIFY_API_KEY" in str(bad.value)
    assert "s3cr3t" not in str(bad.value)


def test_a_decline_in_the_inbox_sends_the_referrer_the_reason(
    engine: sa.Engine, notify: LocalNotifyAPI
) -> None:
    from familyhubs_sdk.support.inbox import RequestInbox

    messages = RequestMessages(settings(status_update=True, share_decline_reason=True))
    request = StoreSubmitter(engine, on_submit=messages).submit(make_request())
    inbox = RequestInbox(engine, on_status_change=messages)
    inbox.change_status(request.reference, RequestStatus.OPENED, by="worker-1")
    assert message_kinds(engine) == []  # opening a request tells nobody

    inbox.change_status(
        request.reference, RequestStatus.DECLINED, by="worker-1", note="Family moved away"
    )
    drain(worker_for(engine, notify_channel(notify)))

    [sent] = notify.notifications
    assert sent.recipient == REFERRER
    assert sent.template_id == TEMPLATE_IDS["request_declined_email"]
    assert sent.personalisation["decline_reason"] == "Family moved away"
    assert sent.body.endswith("The reason given: Family moved away")


def test_the_outbox_sender_is_what_the_journey_calls(engine: sa.Engine) -> None:
    from familyhubs_sdk.support.journey import ResumeLinkSender

    assert isinstance(OutboxResumeLinkSender(engine), ResumeLinkSender)
