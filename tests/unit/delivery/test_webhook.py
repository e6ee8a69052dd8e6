"""The webhook channel against a real local receiver: signatures, outcomes and idempotency."""

from __future__ import annotations

import base64
import json
import threading
import time
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from email.utils import format_datetime

import pytest

from familyhubs_sdk.delivery import (
    DeliveryOutcome,
    OutboundMessage,
    WebhookChannel,
    generate_webhook_secret,
    sign_webhook,
    verify_signature,
)
from familyhubs_sdk.errors import DeliveryError
from familyhubs_sdk.testing import WebhookReceiver

MakeMessage = Callable[..., OutboundMessage]


def channel_for(receiver: WebhookReceiver, secret: str, **options: object) -> WebhookChannel:
    options.setdefault("read_timeout_s", 2.0)
    options.setdefault("connect_timeout_s", 2.0)
    return WebhookChannel(receiver.url, secret, allow_http=True, **options)  # type: ignore[arg-type]


def test_delivers_signed_payload_with_key_in_headers(
    secret: str, make_message: MakeMessage
) -> None:
    message = make_message()
    with WebhookReceiver(secret) as receiver:
        result = channel_for(receiver, secret).deliver(message)
        (received,) = receiver.received

    assert (result.outcome, result.detail) == (DeliveryOutcome.DELIVERED, "HTTP 200")
    assert received.headers["webhook-id"] == message.idempotency_key
    assert received.headers["idempotency-key"] == message.idempotency_key
    assert received.headers["webhook-signature"].startswith("v1,")
    assert verify_signature(secret, received.headers, received.body)
    body = json.loads(received.body)
    assert body["child"] == message.payload["child"]
    assert [base64.b64decode(f["data"]) for f in body["attachments"]] == [b"%PDF-1.7 letter"]
    assert receiver.effects[message.idempotency_key]["reference"] == "K7QD4RXA"


def test_same_message_twice_has_one_effect(secret: str, make_message: MakeMessage) -> None:
    with WebhookReceiver(secret) as receiver:
        channel = channel_for(receiver, secret)
        results = [channel.deliver(make_message()) for _ in range(2)]

        assert [r.outcome for r in results] == [DeliveryOutcome.DELIVERED] * 2
        assert list(receiver.effects) == ["fh_0001"]
        assert receiver.duplicates == 1


@pytest.mark.parametrize(
    ("status", "outcome"),
    [
        (500, DeliveryOutcome.RETRY),
        (503, DeliveryOutcome.RETRY),
        (408, DeliveryOutcome.RETRY),
        (429, DeliveryOutcome.RETRY),
        (400, DeliveryOutcome.PERMANENT),
        (404, DeliveryOutcome.PERMANENT),
        (422, DeliveryOutcome.PERMANENT),
    ],
)
def test_status_codes_map_to_outcomes(
    status: int, outcome: DeliveryOutcome, secret: str, make_message: MakeMessage
) -> None:
    with WebhookReceiver(secret, retry_after="7") as receiver:
        receiver.queue(status)
        result = channel_for(receiver, secret).deliver(make_message())

        assert (result.outcome, result.detail) == (outcome, f"HTTP {status}")
        assert result.retry_after == (7.0 if outcome is DeliveryOutcome.RETRY else None)
        assert receiver.effects == {}


def test_redirect_is_permanent_and_not_followed(secret: str, make_message: MakeMessage) -> None:
    with WebhookReceiver(secret) as receiver:
        receiver.queue(302)
        result = channel_for(receiver, secret).deliver(make_message())

        assert result.outcome is DeliveryOutcome.PERMANENT
        assert "redirects are not followed" in result.detail
        assert len(receiver.received) == 1


def test_retry_after_as_http_date_is_measured_from_the_clock(
    secret: str, make_message: MakeMessage
) -> None:
    now = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)
    later = format_datetime(datetime(2026, 3, 2, 9, 1, 30, tzinfo=UTC), usegmt=True)
    with WebhookReceiver(secret, retry_after=later) as receiver:
        receiver.queue(503)
        result = channel_for(receiver, secret, clock=lambda: now).deliver(make_message())

    assert (result.outcome, result.retry_after) == (DeliveryOutcome.RETRY, 90.0)


def test_timeout_is_retried_and_the_repeat_is_deduplicated(
    secret: str, make_message: MakeMessage
) -> None:
    # The receiver applies the effect but answers after the client has given up: the retry must
    # not create a second effect.
    with WebhookReceiver(secret, delay_s=3.0) as receiver:
        receiver.queue("delay")
        channel = channel_for(receiver, secret, read_timeout_s=1)
        first = channel.deliver(make_message())
        second = channel.deliver(make_message())

        assert (first.outcome, first.detail) == (DeliveryOutcome.RETRY, "timed out after 1 s")
        assert second.outcome is DeliveryOutcome.DELIVERED
        assert len(receiver.effects) == 1
        assert receiver.duplicates == 1


def test_dropped_connection_is_retried(secret: str, make_message: MakeMessage) -> None:
    with WebhookReceiver(secret) as receiver:
        receiver.queue("drop")
        result = channel_for(receiver, secret).deliver(make_message())

        assert (result.outcome, result.detail) == (
            DeliveryOutcome.RETRY,
            "connection closed without a response",
        )
        assert receiver.received[0].status is None


def test_connection_refused_is_retried(
    secret: str, make_message: MakeMessage, closed_port: int
) -> None:
    channel = WebhookChannel(f"http://127.0.0.1:{closed_port}/", secret, allow_http=True)
    result = channel.deliver(make_message())

    assert (result.outcome, result.detail) == (DeliveryOutcome.RETRY, "connection refused")


def test_wrong_secret_is_refused_by_the_receiver(secret: str, make_message: MakeMessage) -> None:
    with WebhookReceiver(secret) as receiver:
        result = channel_for(receiver, generate_webhook_secret()).deliver(make_message())

        assert (result.outcome, result.detail) == (DeliveryOutcome.PERMANENT, "HTTP 401")
        assert receiver.effects == {}


def test_attachments_over_the_cap_are_left_out(secret: str, make_message: MakeMessage) -> None:
    channel = WebhookChannel("https://la.example/hook", secret, max_attachment_bytes=4)
    body = json.loads(channel.body(make_message()))

    assert "attachments" not in body
    assert body["attachments_omitted"] is True


def test_unserialisable_payload_and_unsafe_key_are_permanent(
    secret: str, make_message: MakeMessage
) -> None:
    channel = WebhookChannel("https://la.example/hook", secret)

    assert channel.deliver(make_message(payload={"when": object()})).outcome.value == "permanent"
    assert channel.deliver(make_message(key="fh\r\nX-Evil: 1")).outcome.value == "permanent"


def test_many_concurrent_senders_through_random_failures(
    secret: str, make_message: MakeMessage
) -> None:
    # Each sender retries until delivered, as the outbox would; every message ends up with
    # exactly one effect however the failures fall.
    keys = [f"fh_{n:04d}" for n in range(40)]
    # The timeout leaves room for a loaded machine; the delayed answers still outlast it.
    with WebhookReceiver(secret, failure_rate=0.4, delay_s=2.5, seed=7) as receiver:
        channel = channel_for(receiver, secret, read_timeout_s=1.5)
        outcomes: list[DeliveryOutcome] = []

        def send(key: str) -> None:
            for _ in range(30):
                result = channel.deliver(make_message(key, payload={"key": key}))
                if result.outcome is not DeliveryOutcome.RETRY:
                    outcomes.append(result.outcome)
                    return

        threads = [threading.Thread(target=send, args=(key,)) for key in keys]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()

        assert outcomes == [DeliveryOutcome.DELIVERED] * len(keys)
        assert {key: payload["key"] for key, payload in receiver.effects.items()} == {
            key: key for key in keys
        }
        failed = [r for r in receiver.received if r.status != 200]
        assert failed, "the seeded failures never fired"


# -- signatures --------------------------------------------------------------------------------


def _signed(secret: str, body: bytes, timestamp: int) -> dict[str, str]:
    return {
        "Webhook-Id": "fh_1",
        "Webhook-Timestamp": str(timestamp),
        "Webhook-Signature": sign_webhook(secret, "fh_1", timestamp, body),
    }


def test_signature_good_tampered_wrong_secret_and_stale() -> None:
    secret = generate_webhook_secret()
    body = b'{"reference":"K7QD4RXA"}'
    now = int(time.time())
    headers = _signed(secret, body, now)

    def at_now() -> datetime:
        return datetime.fromtimestamp(now, UTC)

    assert verify_signature(secret, headers, body)
    assert not verify_signature(secret, headers, body + b" ")
    assert not verify_signature(generate_webhook_secret(), headers, body)
    assert not verify_signature(secret, _signed(secret, body, now - 301), body, clock=at_now)
    assert not verify_signature(secret, _signed(secret, body, now + 301), body, clock=at_now)
    assert verify_signature(secret, _signed(secret, body, now - 299), body, clock=at_now)
    assert not verify_signature(secret, {**headers, "Webhook-Id": "fh_2"}, body)


def test_signature_follows_the_standard_webhooks_recipe() -> None:
    # The spec's own construction, computed independently: HMAC-SHA256 over "id.ts.body" with
    # the base64-decoded part of the whsec_ secret.
    import hashlib
    import hmac

    raw = bytes(range(32))
    secret = "whsec_" + base64.b64encode(raw).decode()
    expected = base64.b64encode(
        hmac.new(raw, b"msg_1.1700000000.{}", hashlib.sha256).digest()
    ).decode()

    assert sign_webhook(secret, "msg_1", 1700000000, b"{}") == f"v1,{expected}"
    assert sign_webhook(raw, "msg_1", 1700000000, b"{}") == f"v1,{expected}"


def test_the_timestamp_header_is_the_clocks_time_in_unix_seconds(
    secret: str, make_message: MakeMessage
) -> None:
    sent_at = datetime(2026, 1, 1, 0, 0, 0, 900_000, tzinfo=UTC)  # the fraction is dropped
    with WebhookReceiver(secret) as receiver:
        channel_for(receiver, secret, clock=lambda: sent_at).deliver(make_message())
        (received,) = receiver.received  # the receiver refuses it as stale: 2026-01-01 is past

    assert received.headers["webhook-timestamp"] == "1767225600"
    assert verify_signature(
        secret, received.headers, received.body, clock=lambda: sent_at + timedelta(minutes=1)
    )


def test_any_of_several_signatures_may_match_during_rotation() -> None:
    old, new = generate_webhook_secret(), generate_webhook_secret()
    body, now = b"{}", int(time.time())
    headers = _signed(new, body, now)
    headers["Webhook-Signature"] = (
        f"{sign_webhook(old, 'fh_1', now, body)} {headers['Webhook-Signature']}"
    )

    assert verify_signature(new, headers, body)
    assert verify_signature(old, headers, body)


# -- configuration -----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("url", "setting"),
    [
        ("http://la.example/hook", "https"),
        ("ftp://la.example/hook", "https"),
        ("https:///hook", "host"),
        ("https://user:hunter2-password@la.example/hook", "credentials"),
    ],
)
def test_bad_urls_are_refused_at_construction(url: str, setting: str, secret: str) -> None:
    with pytest.raises(DeliveryError, match=setting) as caught:
        WebhookChannel(url, secret)
    assert "hunter2" not in str(caught.value)


@pytest.mark.parametrize(
    "bad_secret",
    ["not-prefixed-but-long-enough-to-pass", "whsec_%%%notbase64", "whsec_c2hvcnQ=", b"short"],
)
def test_bad_secrets_are_refused_without_echoing_them(bad_secret: str | bytes) -> None:
    with pytest.raises(DeliveryError, match="webhook secret") as caught:
        WebhookChannel("https://la.example/hook", bad_secret)
    text = bad_secret if isinstance(bad_secret, str) else bad_secret.decode()
    assert text not in str(caught.value)
