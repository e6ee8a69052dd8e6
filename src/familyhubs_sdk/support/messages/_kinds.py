"""The messages people expect, as data: which kind, to whom, and the few fields it carries.

A :class:`Message` is what the outbox keeps for one message job (``fh_outbox_jobs.message``)
until it is delivered: never anything typed into the form except the recipient's own address
or number, only the reference, a link, a date and — when the LA shares it — a decline reason.

>>> message = Message(MessageKind.REFERRER_RECEIPT, email_address="sam@school.example",
...                   fields={"reference": "K7QD4RXA"})
>>> Message.from_stored(message.to_stored()) == message, message
(True, Message(kind='referrer_receipt', medium='email'))
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any

from familyhubs_sdk.errors import DeliveryError

__all__ = ["MESSAGE_FIELDS", "Message", "MessageKind"]


class MessageKind(StrEnum):
    """Each message the SDK can send; the value names its templates."""

    #: To the referrer, when the request is stored: the reference (email or text message).
    REFERRER_RECEIPT = "referrer_receipt"
    #: To the receiving team, when a request arrives: the reference and a link to the inbox.
    TEAM_ALERT = "team_alert"
    #: To the person who saved a draft: the link to come back to it (email).
    RESUME_LINK = "resume_link"
    #: To the referrer, when the team accepts the request (email or text message).
    REQUEST_ACCEPTED = "request_accepted"
    #: To the referrer, when the team declines it, with the reason if the LA shares it.
    REQUEST_DECLINED = "request_declined"


#: The only fields each kind may carry (``la_name`` is added when it is sent). A test holds the
#: documented Notify personalisation to these.
MESSAGE_FIELDS: Mapping[MessageKind, frozenset[str]] = {
    MessageKind.REFERRER_RECEIPT: frozenset({"reference"}),
    MessageKind.TEAM_ALERT: frozenset({"reference", "link"}),
    MessageKind.RESUME_LINK: frozenset({"link", "expires"}),
    MessageKind.REQUEST_ACCEPTED: frozenset({"reference"}),
    MessageKind.REQUEST_DECLINED: frozenset({"reference", "decline_reason"}),
}


@dataclass(frozen=True, slots=True, repr=False)
class Message:
    """One message to one person (exactly one of ``email_address`` and ``phone_number``).

    Its ``repr`` shows neither the address nor the fields: a resume link is a bearer secret.
    """

    kind: MessageKind
    email_address: str | None = None
    phone_number: str | None = None
    fields: Mapping[str, str] = field(default_factory=dict)

    def __post_init__(self) -> None:
        if (self.email_address is None) == (self.phone_number is None):
            raise DeliveryError("a message goes to an email address or a phone number")
        extra = set(self.fields) - MESSAGE_FIELDS[self.kind]
        if extra:
            raise DeliveryError(f"a {self.kind} message does not carry {sorted(extra)}")

    def __repr__(self) -> str:
        medium = "email" if self.email_address is not None else "sms"
        return f"Message(kind={self.kind.value!r}, medium={medium!r})"

    def to_stored(self) -> dict[str, Any]:
        """The JSON the outbox keeps with the job."""
        stored: dict[str, Any] = {"kind": self.kind.value, "fields": dict(self.fields)}
        if self.email_address is not None:
            stored["email_address"] = self.email_address
        else:
            stored["phone_number"] = self.phone_number
        return stored

    @classmethod
    def from_stored(cls, stored: Mapping[str, Any]) -> Message:
        """:raises DeliveryError: the stored JSON is not a message this SDK wrote."""
        try:
            return cls(
                kind=MessageKind(stored["kind"]),
                email_address=stored.get("email_address"),
                phone_number=stored.get("phone_number"),
                fields={str(k): str(v) for k, v in stored["fields"].items()},
            )
        except (KeyError, TypeError, ValueError, AttributeError):
            raise DeliveryError("a stored message is not in the expected shape") from None
