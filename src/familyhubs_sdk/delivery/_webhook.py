"""Deliver requests as signed JSON POSTs to an LA's case system, following Standard Webhooks.

Each POST carries ``webhook-id`` (the job's idempotency key, so the receiver can drop repeats),
``webhook-timestamp`` and ``webhook-signature`` = ``v1,`` + base64(HMAC-SHA256(secret,
"{id}.{timestamp}.{body}")), as https://www.standardwebhooks.com specifies; any Standard Webhooks
library can check them, and so can :func:`verify_signature`. Only the standard library is used.

>>> from datetime import UTC, datetime
>>> secret = "whsec_" + "MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw"
>>> body = b'{"reference":"K7QD4RXA"}'
>>> headers = {
...     "webhook-id": "fh_1",
...     "webhook-timestamp": "1767225600",  # 2026-01-01 00:00:00 UTC
...     "webhook-signature": sign_webhook(secret, "fh_1", 1767225600, body),
... }
>>> a_minute_later = lambda: datetime(2026, 1, 1, 0, 1, tzinfo=UTC)
>>> verify_signature(secret, headers, body, clock=a_minute_later)
True
>>> verify_signature(secret, headers, body.replace(b"K7", b"X7"), clock=a_minute_later)
False
"""

from __future__ import annotations

import base64
import binascii
import contextlib
import hashlib
import hmac
import http.client
import secrets
import ssl
import urllib.parse
from collections.abc import Mapping
from email.utils import parsedate_to_datetime
from typing import Any

from pydantic import SecretBytes, SecretStr

from familyhubs_sdk._clock import Clock, utc_now
from familyhubs_sdk.delivery._encoding import (
    attachments_json,
    is_safe_token,
    network_detail,
    to_json,
)
from familyhubs_sdk.delivery._message import DeliveryChannel, DeliveryResult, OutboundMessage
from familyhubs_sdk.errors import DeliveryError

__all__ = ["WebhookChannel", "generate_webhook_secret", "sign_webhook", "verify_signature"]

WebhookSecret = bytes | str | SecretStr | SecretBytes

_MIN_SECRET_BYTES = 24  # the Standard Webhooks recommendation
_RETRY_STATUSES = frozenset({408, 425, 429})


def generate_webhook_secret() -> str:
    """A new random secret in the Standard Webhooks form (``whsec_`` + base64 of 32 bytes).

    >>> generate_webhook_secret().startswith("whsec_")
    True
    """
    return "whsec_" + base64.b64encode(secrets.token_bytes(32)).decode("ascii")


def _secret_bytes(secret: WebhookSecret) -> bytes:
    if isinstance(secret, SecretStr | SecretBytes):
        secret = secret.get_secret_value()
    if isinstance(secret, str):
        if not secret.startswith("whsec_"):
            raise DeliveryError("webhook secret: give bytes or a 'whsec_<base64>' string")
        try:
            secret = base64.b64decode(secret.removeprefix("whsec_"), validate=True)
        except (binascii.Error, ValueError):
            raise DeliveryError("webhook secret: the part after 'whsec_' is not base64") from None
    if len(secret) < _MIN_SECRET_BYTES:
        raise DeliveryError(f"webhook secret must be at least {_MIN_SECRET_BYTES} bytes")
    return secret


def sign_webhook(secret: WebhookSecret, webhook_id: str, timestamp: int, body: bytes) -> str:
    """The ``webhook-signature`` value for one message: ``v1,<base64 HMAC-SHA256>``."""
    signed = f"{webhook_id}.{timestamp}.".encode() + body
    digest = hmac.new(_secret_bytes(secret), signed, hashlib.sha256).digest()
    return "v1," + base64.b64encode(digest).decode("ascii")


def verify_signature(
    secret: WebhookSecret,
    headers: Mapping[str, str],
    body: bytes,
    *,
    tolerance_s: float = 300,
    clock: Clock = utc_now,
) -> bool:
    """Whether a received webhook is genuine and fresh. Use it in the LA's receiver.

    ``headers`` is looked up without regard to case; ``body`` must be the raw bytes received
    (parse the JSON only after this answers ``True``). A timestamp more than ``tolerance_s`` from
    the ``clock``'s time is refused, so a captured message cannot be replayed later. Any of
    several space-separated ``v1`` signatures may match (secret rotation).
    """
    lowered = {key.lower(): value for key, value in headers.items()}
    webhook_id = lowered.get("webhook-id", "")
    stamp = lowered.get("webhook-timestamp", "")
    if not webhook_id or not stamp.isdigit():
        return False
    current = clock().timestamp()
    if abs(current - int(stamp)) > tolerance_s:
        return False
    expected = sign_webhook(secret, webhook_id, int(stamp), body).encode()
    offered = lowered.get("webhook-signature", "").split()
    return any(hmac.compare_digest(candidate.encode(), expected) for candidate in offered)


class WebhookChannel(DeliveryChannel):
    """POSTs ``message.payload`` as JSON to ``url``, signed with ``secret``.

    Attachments travel base64-encoded in an ``attachments`` array while together they are at most
    ``max_attachment_bytes``; beyond that they are left out, ``attachments_omitted`` is ``true``
    and the receiver fetches them through ``message.link``. Redirects are never followed (a
    redirected POST could land, signed, somewhere unintended): a 3xx answer is permanent.

    :param url: an ``https`` URL; ``http`` only with ``allow_http=True`` (tests on 127.0.0.1).
    :param secret: bytes, or a ``whsec_<base64>`` string (a pydantic secret is fine).
    :param headers: extra fixed headers, e.g. an API gateway's key. Never logged.
    :param ssl_context: to trust an LA's own certificate authority.
    :param clock: the time put in ``webhook-timestamp`` (as unix seconds) and that an HTTP-date
        ``Retry-After`` is measured from.
    """

    def __init__(
        self,
        url: str,
        secret: WebhookSecret,
        *,
        name: str = "webhook",
        connect_timeout_s: float = 10.0,
        read_timeout_s: float = 10.0,
        max_attachment_bytes: int = 10 * 1024 * 1024,
        allow_http: bool = False,
        headers: Mapping[str, str] | None = None,
        ssl_context: ssl.SSLContext | None = None,
        clock: Clock = utc_now,
    ) -> None:
        self.name = name
        self._secret = _secret_bytes(secret)
        parts = urllib.parse.urlsplit(url)
        if parts.scheme not in ("https", "http") or (parts.scheme == "http" and not allow_http):
            raise DeliveryError("webhook url must be https (allow_http=True for local tests)")
        try:
            port = parts.port
        except ValueError:
            raise DeliveryError("webhook url has an invalid port") from None
        if not parts.hostname:
            raise DeliveryError("webhook url has no host")
        if parts.username or parts.password:
            raise DeliveryError("webhook url must not hold credentials; use headers")
        if connect_timeout_s <= 0 or read_timeout_s <= 0:
            raise DeliveryError("webhook connect_timeout_s and read_timeout_s must be positive")
        if max_attachment_bytes < 0:
            raise DeliveryError("webhook max_attachment_bytes must not be negative")
        extra = dict(headers or {})
        if any("\r" in f"{k}{v}" or "\n" in f"{k}{v}" for k, v in extra.items()):
            raise DeliveryError("webhook headers must not contain line breaks")
        self._https = parts.scheme == "https"
        self._host = parts.hostname
        self._port = port
        self._target = (parts.path or "/") + (f"?{parts.query}" if parts.query else "")
        self._extra_headers = extra
        self._connect_timeout_s = connect_timeout_s
        self._read_timeout_s = read_timeout_s
        self._max_attachment_bytes = max_attachment_bytes
        # Built once: loading the system's certificate authorities takes tens of milliseconds.
        self._ssl_context = (ssl_context or ssl.create_default_context()) if self._https else None
        self._clock = clock

    def __repr__(self) -> str:
        return f"WebhookChannel(name={self.name!r}, host={self._host!r})"

    def body(self, message: OutboundMessage) -> bytes:
        """The exact bytes POSTed (and signed) for ``message``."""
        data: dict[str, Any] = dict(message.payload)
        if message.attachments and "attachments" not in data:
            files = attachments_json(message.attachments, self._max_attachment_bytes)
            if files is None:
                data["attachments_omitted"] = True
            else:
                data["attachments"] = files
        return to_json(data)

    def deliver(self, message: OutboundMessage) -> DeliveryResult:
        """POST once; see the class docstring for how answers map to outcomes."""
        if not is_safe_token(message.idempotency_key):
            return DeliveryResult.permanent("idempotency key is not header-safe")
        try:
            body = self.body(message)
        except (TypeError, ValueError):
            return DeliveryResult.permanent("payload is not JSON-serialisable")
        timestamp = int(self._clock().timestamp())
        headers = {
            **self._extra_headers,
            "Content-Type": "application/json",
            "User-Agent": "familyhubs-sdk",
            "Idempotency-Key": message.idempotency_key,
            "webhook-id": message.idempotency_key,
            "webhook-timestamp": str(timestamp),
            "webhook-signature": sign_webhook(
                self._secret, message.idempotency_key, timestamp, body
            ),
        }
        return self._post(body, headers)

    def _post(self, body: bytes, headers: dict[str, str]) -> DeliveryResult:
        connection: http.client.HTTPConnection
        if self._ssl_context is not None:
            connection = http.client.HTTPSConnection(
                self._host, self._port, timeout=self._connect_timeout_s, context=self._ssl_context
            )
        else:
            connection = http.client.HTTPConnection(
                self._host, self._port, timeout=self._connect_timeout_s
            )
        timeout_s = self._connect_timeout_s
        try:
            connection.connect()
            timeout_s = self._read_timeout_s
            connection.sock.settimeout(self._read_timeout_s)
            connection.request("POST", self._target, body=body, headers=headers)
            response = connection.getresponse()
            status = response.status
            retry_after = response.getheader("Retry-After")
            with contextlib.suppress(OSError, http.client.HTTPException):
                response.read(65536)  # the answer's text is not needed; only drain a little
        except http.client.RemoteDisconnected:
            return DeliveryResult.retry("connection closed without a response")
        except OSError as exc:
            return DeliveryResult.retry(network_detail(exc, timeout_s))
        except http.client.HTTPException as exc:
            return DeliveryResult.retry(f"bad HTTP response ({type(exc).__name__})")
        finally:
            connection.close()
        return self._classify(status, retry_after)

    def _classify(self, status: int, retry_after: str | None) -> DeliveryResult:
        detail = f"HTTP {status}"
        if 200 <= status < 300:
            return DeliveryResult.delivered(detail)
        if 300 <= status < 400:
            return DeliveryResult.permanent(f"{detail} (redirects are not followed)")
        if status in _RETRY_STATUSES or 500 <= status < 600:
            return DeliveryResult.retry(detail, self._retry_after(retry_after))
        return DeliveryResult.permanent(detail)

    def _retry_after(self, value: str | None) -> float | None:
        """Retry-After as seconds: a number, or an HTTP date measured from the clock."""
        if value is None:
            return None
        value = value.strip()
        if value.isdigit():
            return float(value)
        try:
            when = parsedate_to_datetime(value)
        except (TypeError, ValueError):
            return None
        if when.tzinfo is None:
            return None
        return max(0.0, (when - self._clock()).total_seconds())
