"""What a delivery channel is given and what it answers.

A channel turns one :class:`OutboundMessage` into an effect at the LA (an email, a POST to the case
system, a row, a file) and answers with a :class:`DeliveryResult`: delivered, worth retrying, or
never going to work. Channels never raise for a failed delivery; the outbox worker records every
answer and decides when to try again.
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from collections.abc import Mapping
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any

__all__ = [
    "Attachment",
    "DeliveryChannel",
    "DeliveryOutcome",
    "DeliveryResult",
    "OutboundMessage",
]


@dataclass(frozen=True, slots=True)
class Attachment:
    """A file that travels with the request (supporting evidence)."""

    filename: str  # sanitised display name, never a path
    content_type: str
    data: bytes


@dataclass(frozen=True, slots=True)
class OutboundMessage:
    """One request for support, ready to send.

    :param idempotency_key: the same for every attempt of one job; channels pass it on (a header,
        the email's Message-ID) so the receiver can drop repeats.
    :param reference: the request's 8-character reference.
    :param subject: a one-line title with no personal data, e.g. "Request for support K7QD4RXA".
    :param payload: the request as JSON-ready data (the published JSON Schema's shape).
    :param text: the plain-text rendering for people.
    :param html: the HTML rendering for people.
    :param link: where the receiving team opens the request (minimal-personal-data emails send this
        and the reference only).
    """

    idempotency_key: str
    reference: str
    subject: str
    payload: Mapping[str, Any]
    text: str
    html: str
    attachments: tuple[Attachment, ...] = ()
    link: str | None = None


class DeliveryOutcome(StrEnum):
    """What a delivery attempt came to; the outbox decides what happens next from it."""

    DELIVERED = "delivered"
    RETRY = "retry"  # a transient failure: try again later
    PERMANENT = "permanent"  # will never work as configured: dead-letter now


@dataclass(frozen=True, slots=True)
class DeliveryResult:
    """A channel's answer. ``detail`` is short and holds no personal data ("HTTP 503",
    "SMTP 451", "timed out after 10 s")."""

    outcome: DeliveryOutcome
    detail: str = ""
    #: Seconds the receiver asked us to wait (HTTP Retry-After), if it said.
    retry_after: float | None = field(default=None)

    @classmethod
    def delivered(cls, detail: str = "") -> DeliveryResult:
        return cls(DeliveryOutcome.DELIVERED, detail)

    @classmethod
    def retry(cls, detail: str, retry_after: float | None = None) -> DeliveryResult:
        return cls(DeliveryOutcome.RETRY, detail, retry_after)

    @classmethod
    def permanent(cls, detail: str) -> DeliveryResult:
        return cls(DeliveryOutcome.PERMANENT, detail)


class DeliveryChannel(ABC):
    """Delivers requests to one destination. Subclass for your own (a case system API, a queue).

    ``name`` identifies the channel in outbox jobs: keep it stable across deployments.
    """

    name: str

    @abstractmethod
    def deliver(self, message: OutboundMessage) -> DeliveryResult:
        """Deliver ``message`` once. Return a result; raise only for programming errors."""
