"""A message to one person (an email or a text message), and the SMTP channel that emails it.

A :class:`Notification` says which kind of message it is, who gets it (an email address or a
phone number) and the few fields a template fills in (the reference, a link, the LA's name).
It travels inside an :class:`~familyhubs_sdk.delivery.OutboundMessage`'s ``payload`` under
``"notification"``, so every channel that sends to people — GOV.UK Notify
(:class:`~familyhubs_sdk.delivery.NotifyChannel`) or the LA's SMTP relay
(:class:`SMTPNotificationChannel`) — reads the same thing.

>>> note = Notification("referrer_receipt", email_address="sam@school.example",
...                     personalisation={"reference": "K7QD4RXA"})
>>> note.medium, note
('email', Notification(kind='referrer_receipt', medium='email'))
>>> Notification.from_payload(note.to_payload()) == note
True
"""

from __future__ import annotations

import dataclasses
import ssl
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any, Literal

from familyhubs_sdk._clock import Clock, utc_now
from familyhubs_sdk.delivery._message import DeliveryChannel, DeliveryResult, OutboundMessage
from familyhubs_sdk.delivery._smtp import SMTPChannel, SMTPServer
from familyhubs_sdk.errors import DeliveryError

__all__ = ["Notification", "SMTPNotificationChannel"]

Medium = Literal["email", "sms"]


@dataclass(frozen=True, slots=True, repr=False)
class Notification:
    """One message to one person: exactly one of ``email_address`` and ``phone_number``.

    :param kind: the message kind (``"referrer_receipt"``, ``"team_alert"``, …); with the
        medium it picks the template.
    :param personalisation: the template's fields — minimal data only (a reference, a link, the
        LA's name): never anything the family or the referrer typed into the form.
    :param attempt: which delivery attempt this is (1 for the first); a channel that cannot make
        a repeat harmless on its own checks for an earlier success when it is above 1.

    Its ``repr`` names the kind and the medium only: the address is personal data and a link
    may be a bearer secret (a resume link).
    """

    kind: str
    email_address: str | None = None
    phone_number: str | None = None
    personalisation: Mapping[str, str] = field(default_factory=dict)
    attempt: int = 1

    def __post_init__(self) -> None:
        if (self.email_address is None) == (self.phone_number is None):
            raise DeliveryError("a notification goes to an email address or a phone number")

    def __repr__(self) -> str:
        return f"Notification(kind={self.kind!r}, medium={self.medium!r})"

    @property
    def medium(self) -> Medium:
        return "email" if self.email_address is not None else "sms"

    @property
    def recipient(self) -> str:
        """The address or number it goes to."""
        return self.email_address if self.email_address is not None else str(self.phone_number)

    def to_payload(self) -> dict[str, Any]:
        """The ``OutboundMessage.payload`` that carries it."""
        body: dict[str, Any] = {
            "kind": self.kind,
            "personalisation": dict(self.personalisation),
            "attempt": self.attempt,
        }
        if self.email_address is not None:
            body["email_address"] = self.email_address
        else:
            body["phone_number"] = self.phone_number
        return {"notification": body}

    @classmethod
    def from_payload(cls, payload: Mapping[str, Any]) -> Notification | None:
        """The notification a message's payload carries; ``None`` when it carries none (a request
        for support)."""
        body = payload.get("notification")
        if not isinstance(body, Mapping):
            return None
        try:
            return cls(
                kind=str(body["kind"]),
                email_address=body.get("email_address"),
                phone_number=body.get("phone_number"),
                personalisation={str(k): str(v) for k, v in body["personalisation"].items()},
                attempt=int(body.get("attempt", 1)),
            )
        except (KeyError, TypeError, ValueError, AttributeError, DeliveryError):
            return None


class SMTPNotificationChannel(DeliveryChannel):
    """Emails each notification to its own recipient through the LA's SMTP relay.

    The body is the message's ``text`` and ``html`` (rendered from ``familyhubs/messages/``
    templates by :class:`~familyhubs_sdk.support.messages.MessageComposer`);
    the ``Message-ID`` and ``X-Idempotency-Key`` carry the job's key, and replies map to outcomes
    exactly as :class:`~familyhubs_sdk.delivery.SMTPChannel`'s do. Text messages cannot go by
    SMTP: a notification to a phone number is a permanent failure here.

    :param server: how to reach the relay.
    :param from_addr: the address the emails come from.
    """

    def __init__(
        self,
        *,
        server: SMTPServer,
        from_addr: str,
        name: str = "message_email",
        clock: Clock = utc_now,
    ) -> None:
        if not isinstance(server, SMTPServer):
            raise DeliveryError("SMTP server must be an SMTPServer(host=...)")
        # Built once and shared: loading the system's certificate authorities is slow.
        context = server.ssl_context or ssl.create_default_context()
        self._server = dataclasses.replace(server, ssl_context=context)
        self._from = from_addr
        self.name = name
        self._clock = clock
        self._channel(["check@example.invalid"])  # a wrong from_addr fails here, at start-up

    def __repr__(self) -> str:
        return f"SMTPNotificationChannel(name={self.name!r}, host={self._server.host!r})"

    def _channel(self, to: list[str]) -> SMTPChannel:
        return SMTPChannel(
            server=self._server, from_addr=self._from, to_addrs=to, name=self.name,
            clock=self._clock,
        )  # fmt: skip

    def deliver(self, message: OutboundMessage) -> DeliveryResult:
        """Email the notification once; never raises for a failed delivery."""
        notification = Notification.from_payload(message.payload)
        if notification is None or notification.email_address is None:
            return DeliveryResult.permanent("not an email notification")
        if message.attachments:
            return DeliveryResult.permanent("notifications carry no attachments")
        try:
            channel = self._channel([notification.email_address])
        except DeliveryError:
            return DeliveryResult.permanent("the recipient is not an email address")
        return channel.deliver(message)
