"""NotifyChannel against the local Notify-shaped API: every documented answer maps to the right
outcome, the request carries what Notify expects, and a repeated attempt never sends twice."""

from __future__ import annotations

import time
from collections.abc import Callable, Iterator
from typing import Any

import pytest
import requests
from tests.helpers.notify_samples import API_KEY, SERVER_TEMPLATES, TEMPLATE_IDS, WRONG_KEY

from familyhubs_sdk.delivery import (
    DeliveryOutcome,
    Notification,
    NotifyChannel,
    OutboundMessage,
)
from familyhubs_sdk.errors import ConfigurationError, DeliveryError
from familyhubs_sdk.testing import LocalNotifyAPI

ADDRESS = "sam.referrer@school.example"
REPLY_TO = "0f0e0d0c-0b0a-4909-8807-060504030201"
SENDER = "1f0e0d0c-0b0a-4909-8807-060504030201"


@pytest.fixture
def notify() -> Iterator[LocalNotifyAPI]:
    with LocalNotifyAPI(api_key=API_KEY, templates=SERVER_TEMPLATES, delay_s=1.0) as api:
        yield api


def channel_for(api: LocalNotifyAPI, **options: Any) -> NotifyChannel:
    settings: dict[str, Any] = {
        "api_key": API_KEY, "templates": TEMPLATE_IDS, "base_url": api.base_url,
        "timeout_s": 0.5, "email_reply_to_id": REPLY_TO, "sms_sender_id": SENDER,
    }  # fmt: skip
    settings.update(options)
    return NotifyChannel(**settings)


@pytest.fixture
def message() -> Callable[..., OutboundMessage]:
    def make(key: str = "fh_0001", *, attempt: int = 1, **to: str) -> OutboundMessage:
        note = Notification(
            "referrer_receipt",
            personalisation={"reference": "K7QD4RXA", "la_name": "Testshire"},
            attempt=attempt,
            **(to or {"email_address": ADDRESS}),
        )
        return OutboundMessage(
            idempotency_key=key, reference="K7QD4RXA", subject="Your request for support",
            payload=note.to_payload(), text="", html="",
        )  # fmt: skip

    return make


def test_an_email_is_sent_with_the_template_reference_and_reply_to(
    notify: LocalNotifyAPI, message: Callable[..., OutboundMessage]
) -> None:
    result = channel_for(notify).deliver(message("fh_abc"))

    assert (result.outcome, result.detail) == (DeliveryOutcome.DELIVERED, "Notify 201")
    [sent] = notify.notifications
    assert sent.kind == "email"
    assert sent.recipient == ADDRESS
    assert sent.template_id == TEMPLATE_IDS["referrer_receipt_email"]
    assert sent.reference == "fh_abc"  # the job's idempotency key
    assert sent.personalisation == {"reference": "K7QD4RXA", "la_name": "Testshire"}
    assert sent.options == {"reference": "fh_abc", "email_reply_to_id": REPLY_TO}
    assert (
        sent.body == "Testshire has received your request for support. Your reference is K7QD4RXA."
    )


def test_a_text_message_goes_to_the_sms_endpoint_with_the_sender_id(
    notify: LocalNotifyAPI, message: Callable[..., OutboundMessage]
) -> None:
    result = channel_for(notify).deliver(message(phone_number="07700900123"))

    assert result.outcome is DeliveryOutcome.DELIVERED
    [sent] = notify.notifications
    assert (sent.kind, sent.recipient) == ("sms", "07700900123")
    assert sent.template_id == TEMPLATE_IDS["referrer_receipt_sms"]
    assert sent.options == {"reference": "fh_0001", "sms_sender_id": SENDER}


@pytest.mark.parametrize(
    ("failure", "outcome", "detail"),
    [
        (400, DeliveryOutcome.PERMANENT, "Notify 400 BadRequestError"),
        (403, DeliveryOutcome.PERMANENT, "Notify 403 AuthError"),
        (429, DeliveryOutcome.RETRY, "Notify 429 RateLimitError"),
        ("too_many_requests", DeliveryOutcome.RETRY, "Notify 429 TooManyRequestsError"),
        (500, DeliveryOutcome.RETRY, "Notify 500 Exception"),
        ("timeout", DeliveryOutcome.RETRY, "timed out after 0.5 s"),
        ("drop", DeliveryOutcome.RETRY, "connection failed"),
    ],
)
def test_every_documented_notify_failure_maps_to_its_outcome(
    notify: LocalNotifyAPI,
    message: Callable[..., OutboundMessage],
    failure: Any,
    outcome: DeliveryOutcome,
    detail: str,
) -> None:
    notify.queue(failure)

    result = channel_for(notify).deliver(message())

    assert (result.outcome, result.detail) == (outcome, detail)
    assert ADDRESS not in result.detail


def test_a_validation_error_is_permanent(
    notify: LocalNotifyAPI, message: Callable[..., OutboundMessage]
) -> None:
    wrong = dict(TEMPLATE_IDS, referrer_receipt_email="a0a0a0a0-0000-4000-8000-000000000000")

    result = channel_for(notify, templates=wrong).deliver(message())

    assert (result.outcome, result.detail) == (
        DeliveryOutcome.PERMANENT,
        "Notify 400 BadRequestError",
    )
    assert notify.refused == [("/v2/notifications/email", 400, "BadRequestError")]
    assert notify.notifications == []


def test_a_refused_connection_is_retried(
    closed_port: int, message: Callable[..., OutboundMessage]
) -> None:
    channel = NotifyChannel(
        api_key=API_KEY, templates=TEMPLATE_IDS, base_url=f"http://127.0.0.1:{closed_port}"
    )

    result = channel.deliver(message())

    assert (result.outcome, result.detail) == (DeliveryOutcome.RETRY, "connection failed")


def test_the_local_api_refuses_a_token_signed_with_the_wrong_key(
    notify: LocalNotifyAPI, message: Callable[..., OutboundMessage]
) -> None:
    result = channel_for(notify, api_key=WRONG_KEY).deliver(message())

    assert (result.outcome, result.detail) == (DeliveryOutcome.PERMANENT, "Notify 403 AuthError")
    assert notify.refused == [("/v2/notifications/email", 403, "AuthError")]
    assert notify.notifications == []


def test_the_local_api_refuses_a_missing_or_stale_token(notify: LocalNotifyAPI) -> None:
    url = f"{notify.base_url}/v2/notifications/email"
    body = {"email_address": ADDRESS, "template_id": TEMPLATE_IDS["referrer_receipt_email"]}

    bare = requests.post(url, json=body, timeout=5)

    assert bare.status_code == 403
    assert bare.json()["errors"][0]["error"] == "AuthError"
    with LocalNotifyAPI(api_key=API_KEY, clock=lambda: time.time() + 120) as late:
        channel = NotifyChannel(api_key=API_KEY, templates=TEMPLATE_IDS, base_url=late.base_url)
        note = Notification("team_alert", email_address=ADDRESS, personalisation={})
        stale = channel.deliver(
            OutboundMessage(idempotency_key="fh_1", reference="", subject="",
                            payload=note.to_payload(), text="", html="")
        )  # fmt: skip
    assert stale.detail == "Notify 403 AuthError"


def test_the_local_api_checks_the_request_shape(notify: LocalNotifyAPI) -> None:
    from notifications_python_client.errors import HTTPError
    from notifications_python_client.notifications import NotificationsAPIClient

    client = NotificationsAPIClient(API_KEY, base_url=notify.base_url)
    template = TEMPLATE_IDS["team_alert_email"]

    with pytest.raises(HTTPError) as missing:
        client.post("/v2/notifications/email", data={"template_id": template})
    with pytest.raises(HTTPError) as extra:
        client.post(
            "/v2/notifications/email",
            data={"email_address": ADDRESS, "template_id": template, "colour": "red"},
        )
    with pytest.raises(HTTPError) as unfilled:
        client.send_email_notification(ADDRESS, template, personalisation={"reference": "X"})

    assert missing.value.message == [
        {"error": "ValidationError", "message": "email_address is a required property"}
    ]
    assert extra.value.status_code == 400
    assert "colour was unexpected" in str(extra.value)
    assert "Missing personalisation: link" in str(unfilled.value)


def test_a_repeated_attempt_finds_the_first_by_reference_and_does_not_send_again(
    notify: LocalNotifyAPI, message: Callable[..., OutboundMessage]
) -> None:
    channel = channel_for(notify)
    notify.queue("timeout")  # Notify creates the notification; its answer comes too late

    first = channel.deliver(message("fh_once", attempt=1))
    second = channel.deliver(message("fh_once", attempt=2))

    assert first.outcome is DeliveryOutcome.RETRY
    assert (second.outcome, second.detail) == (
        DeliveryOutcome.DELIVERED,
        "Notify already has it (found by reference)",
    )
    assert [n.reference for n in notify.notifications] == ["fh_once"]
    assert notify.duplicates == 0


def test_a_repeated_attempt_sends_when_the_first_never_arrived(
    notify: LocalNotifyAPI, message: Callable[..., OutboundMessage]
) -> None:
    notify.queue(500)
    channel = channel_for(notify)

    assert channel.deliver(message("fh_two", attempt=1)).outcome is DeliveryOutcome.RETRY
    assert channel.deliver(message("fh_two", attempt=2)).detail == "Notify 201"
    assert len(notify.notifications) == 1


def test_a_message_that_is_not_a_notification_or_has_no_template_is_permanent(
    notify: LocalNotifyAPI, message: Callable[..., OutboundMessage]
) -> None:
    channel = channel_for(notify, templates={})
    request = OutboundMessage(
        idempotency_key="fh_1", reference="K7QD4RXA", subject="", payload={"reference": "K7"},
        text="", html="",
    )  # fmt: skip

    assert channel.deliver(request).outcome is DeliveryOutcome.PERMANENT
    assert channel.deliver(message()).detail == "no Notify template for referrer_receipt by email"
    assert notify.notifications == []


def test_a_bad_key_or_template_id_fails_at_construction_without_echoing_it() -> None:
    with pytest.raises(DeliveryError) as bad_key:
        NotifyChannel(api_key="not-a-key-secret123", templates={})
    with pytest.raises(DeliveryError, match="templates"):
        NotifyChannel(api_key=API_KEY, templates={"referrer_receipt_email": "nope"})
    with pytest.raises(ConfigurationError):
        NotifyChannel.from_settings(None)

    assert "secret123" not in str(bad_key.value)
    assert "api_key" in str(bad_key.value)


def test_the_channel_and_notifications_never_show_secrets_or_addresses() -> None:
    channel = NotifyChannel(api_key=API_KEY, templates=TEMPLATE_IDS)
    note = Notification("resume_link", email_address=ADDRESS, personalisation={"link": "#fhr1_x"})

    assert API_KEY[-36:] not in repr(channel)
    assert ADDRESS not in repr(note)
    assert "fhr1_x" not in repr(note)
