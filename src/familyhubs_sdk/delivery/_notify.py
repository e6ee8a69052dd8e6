"""Send messages to people through GOV.UK Notify, with the official ``notifications-python-client``.

Each :class:`~familyhubs_sdk.delivery.Notification` is sent with the template configured for its
kind and medium (``"referrer_receipt_email"``, ``"request_declined_sms"``, …), its few
personalisation fields, and Notify's ``reference`` set to the job's idempotency key.

Notify does not refuse a repeated ``reference``, so a repeat is made harmless here: on any attempt
after the first, the channel first asks Notify for notifications with that reference and, when
one exists (an earlier attempt was accepted but its answer was lost), counts the job delivered
without sending again.

How Notify's answers map to outcomes (its documented errors; see ``docs/delivery.md``):

* ``201`` → delivered;
* ``400`` ``BadRequestError`` / ``ValidationError`` and ``403`` ``AuthError`` → permanent;
* ``429`` ``RateLimitError`` / ``TooManyRequestsError``, ``500`` ``Exception`` and any other 5xx,
  timeouts and refused or dropped connections → retry (the outbox backs off).

Details name the status and Notify's error class only, never its message or the recipient.
Needs the ``notify`` extra: ``pip install "familyhubs-sdk[notify]"``.
"""

from __future__ import annotations

import threading
from collections.abc import Mapping
from typing import Any

from pydantic import SecretStr, ValidationError

from familyhubs_sdk._config import NOTIFY_TEMPLATE_KEYS, NotifySettings
from familyhubs_sdk.delivery._encoding import is_safe_token
from familyhubs_sdk.delivery._message import DeliveryChannel, DeliveryResult, OutboundMessage
from familyhubs_sdk.delivery._notification import Notification
from familyhubs_sdk.errors import ConfigurationError, DeliveryError

__all__ = ["NotifyChannel"]

NOTIFY_API = "https://api.notifications.service.gov.uk"

# Transient by Notify's documentation (429) or by HTTP's meaning (408, 5xx).
_RETRY_STATUSES = frozenset({408, 429})


# The client's functions carry no annotations: it is handled as ``Any`` here.
def _client_class() -> Any:
    try:
        from notifications_python_client.notifications import NotificationsAPIClient
    except ImportError:  # pragma: no cover - the extra is installed wherever tests run
        raise ConfigurationError(
            'NotifyChannel needs the notify extra: pip install "familyhubs-sdk[notify]"'
        ) from None
    return NotificationsAPIClient


class NotifyChannel(DeliveryChannel):
    """Sends each notification through GOV.UK Notify.

    ::

        from familyhubs_sdk import load_settings
        from familyhubs_sdk.delivery import NotifyChannel

        channel = NotifyChannel.from_settings(load_settings().notify)

    :param api_key: the Notify API key (``{name}-{service id}-{secret}``); a ``SecretStr`` is
        fine. Use a *team and guest list* or *test* key until the service is live.
    :param templates: template id by ``"{kind}_{medium}"`` (see ``docs/delivery.md``).
    :param email_reply_to_id: the reply-to address's id in Notify (its default when ``None``).
    :param sms_sender_id: the text message sender's id in Notify (its default when ``None``).
    :param base_url: Notify's API, or a local Notify-shaped API
        (:class:`~familyhubs_sdk.testing.LocalNotifyAPI`) in tests.
    :param timeout_s: for each HTTP call.
    """

    def __init__(
        self,
        *,
        api_key: SecretStr | str,
        templates: Mapping[str, str],
        email_reply_to_id: str | None = None,
        sms_sender_id: str | None = None,
        base_url: str = NOTIFY_API,
        timeout_s: float = 10.0,
        name: str = "notify",
    ) -> None:
        key = api_key.get_secret_value() if isinstance(api_key, SecretStr) else api_key
        try:
            settings = NotifySettings(
                api_key=SecretStr(key), templates=dict(templates), base_url=base_url,
                email_reply_to_id=email_reply_to_id, sms_sender_id=sms_sender_id,
                timeout_s=timeout_s,
            )  # fmt: skip
        except ValidationError as exc:
            # Name the settings at fault; never repeat a value (the key is a secret).
            fields = ", ".join(sorted({str(error["loc"][0]) for error in exc.errors()}))
            raise DeliveryError(f"NotifyChannel: invalid {fields}") from None
        self._client_type = _client_class()
        self._settings = settings
        self.name = name
        # The client keeps a requests.Session, which is not thread-safe: one per thread.
        self._local = threading.local()

    @classmethod
    def from_settings(
        cls, settings: NotifySettings | None, *, name: str = "notify"
    ) -> NotifyChannel:
        """The channel ``FAMILYHUBS_NOTIFY__*`` describes.

        :raises ConfigurationError: Notify is not configured.
        """
        if settings is None:
            raise ConfigurationError("FAMILYHUBS_NOTIFY__API_KEY is not set")
        return cls(
            api_key=settings.api_key, templates=settings.templates,
            email_reply_to_id=settings.email_reply_to_id, sms_sender_id=settings.sms_sender_id,
            base_url=settings.base_url, timeout_s=settings.timeout_s, name=name,
        )  # fmt: skip

    def __repr__(self) -> str:
        return f"NotifyChannel(name={self.name!r}, base_url={self._settings.base_url!r})"

    @property
    def template_keys(self) -> frozenset[str]:
        """The ``"{kind}_{medium}"`` keys this channel has a template for."""
        return frozenset(self._settings.templates) & NOTIFY_TEMPLATE_KEYS

    def _client(self) -> Any:
        client = getattr(self._local, "client", None)
        if client is None:
            client = self._client_type(
                self._settings.api_key.get_secret_value(),
                base_url=self._settings.base_url,
                timeout=self._settings.timeout_s,
            )
            self._local.client = client
        return client

    def deliver(self, message: OutboundMessage) -> DeliveryResult:
        """Send once (or find that an earlier attempt was accepted); never raises for a failure."""
        notification = Notification.from_payload(message.payload)
        if notification is None:
            return DeliveryResult.permanent("not a notification: Notify sends messages to people")
        template = self._settings.templates.get(f"{notification.kind}_{notification.medium}")
        if template is None:
            return DeliveryResult.permanent(
                f"no Notify template for {notification.kind} by {notification.medium}"
            )
        if not is_safe_token(message.idempotency_key):
            return DeliveryResult.permanent("idempotency key is not usable as a reference")
        from notifications_python_client.errors import APIError

        client = self._client()
        try:
            if notification.attempt > 1 and self._already_sent(client, message, notification):
                return DeliveryResult.delivered("Notify already has it (found by reference)")
            self._send(client, message, notification, template)
        except APIError as exc:
            return self._classify(exc)
        return DeliveryResult.delivered("Notify 201")

    def _already_sent(
        self, client: Any, message: OutboundMessage, notification: Notification
    ) -> bool:
        found: Any = client.get_all_notifications(
            reference=message.idempotency_key, template_type=notification.medium
        )
        return bool(isinstance(found, Mapping) and found.get("notifications"))

    def _send(
        self,
        client: Any,
        message: OutboundMessage,
        notification: Notification,
        template: str,
    ) -> None:
        personalisation = dict(notification.personalisation)
        if notification.email_address is not None:
            client.send_email_notification(
                notification.email_address, template, personalisation=personalisation,
                reference=message.idempotency_key,
                email_reply_to_id=self._settings.email_reply_to_id,
            )  # fmt: skip
        else:
            client.send_sms_notification(
                notification.phone_number, template, personalisation=personalisation,
                reference=message.idempotency_key, sms_sender_id=self._settings.sms_sender_id,
            )  # fmt: skip

    def _classify(self, exc: Exception) -> DeliveryResult:
        """Status code and Notify's error class; the message text is never kept."""
        import requests
        from notifications_python_client.errors import HTTPError

        response = getattr(exc, "response", None)
        if isinstance(exc, HTTPError) and response is None:
            # The client reports a network failure as a 503 with no response: say which it was.
            cause = exc.__cause__
            if isinstance(cause, requests.Timeout):
                return DeliveryResult.retry(f"timed out after {self._settings.timeout_s:g} s")
            if isinstance(cause, requests.ConnectionError):
                return DeliveryResult.retry("connection failed")
            return DeliveryResult.retry("request failed")
        if not isinstance(exc, HTTPError):  # InvalidResponse: accepted? the reference will tell
            return DeliveryResult.retry("Notify answered with something other than JSON")
        status = int(getattr(exc, "status_code", 0) or 0)
        detail = f"Notify {status}{_error_classes(response)}"
        if status in _RETRY_STATUSES or 500 <= status < 600:
            return DeliveryResult.retry(detail, _retry_after(response))
        return DeliveryResult.permanent(detail)


def _error_classes(response: Any) -> str:
    """`` BadRequestError`` etc. from Notify's error body (``errors[].error``), or nothing."""
    try:
        body = response.json()
        names = [str(item["error"]) for item in body["errors"] if isinstance(item, Mapping)]
    except (AttributeError, KeyError, TypeError, ValueError):
        return ""
    safe = [name for name in dict.fromkeys(names) if name.isidentifier() and len(name) <= 40]
    return f" {'/'.join(safe)}" if safe else ""


def _retry_after(response: Any) -> float | None:
    value = getattr(response, "headers", {}).get("Retry-After")
    if isinstance(value, str) and value.strip().isdigit():
        return float(value.strip())
    return None
