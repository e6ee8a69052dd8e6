"""Queue the messages people expect, each in the same transaction as the event that causes it.

* a request is stored → the referrer's receipt, the receiving team's alert
  (:meth:`RequestMessages.submitted`, the :class:`~familyhubs_sdk.support.StoreSubmitter`'s
  ``on_submit``);
* a request is accepted or declined → the referrer's update
  (:meth:`RequestMessages.status_changed`, the inbox's ``on_status_change``);
* a draft is saved → the resume link (:class:`OutboxResumeLinkSender`, the journey's
  ``resume_sender``).

Each message is one outbox job with its own idempotency key: written with the event (never lost),
retried by the outbox worker, and made single at the receiver by the key (never sent twice).
Each kind has its own opt-in (:class:`MessageSettings`), off by default. Nothing
here logs: addresses and links are personal data or secrets.
"""

from __future__ import annotations

from datetime import datetime
from typing import Protocol

from sqlalchemy.engine import Connection, Engine
from sqlalchemy.exc import SQLAlchemyError

from familyhubs_sdk._clock import Clock, utc_now
from familyhubs_sdk._config import MessageSettings, Settings
from familyhubs_sdk.delivery._outbox import enqueue_message
from familyhubs_sdk.errors import ConfigurationError, DeliveryError
from familyhubs_sdk.rendering._formatting import govuk_date
from familyhubs_sdk.support.inbox._lifecycle import RequestStatus, StatusChange
from familyhubs_sdk.support.messages._kinds import Message, MessageKind
from familyhubs_sdk.support.requests._request import SupportRequest

__all__ = ["OutboxResumeLinkSender", "ReferrerContact", "RequestMessages", "referrer_contact"]


class ReferrerContact(Protocol):
    """Finds where to reach the referrer in a request: ``(email, phone)``, either ``None``."""

    def __call__(self, request: SupportRequest) -> tuple[str | None, str | None]: ...


def referrer_contact(request: SupportRequest) -> tuple[str | None, str | None]:
    """The default tree's ``referrer_email`` and ``referrer_phone`` answers (as stored)."""

    def first(question_id: str) -> str | None:
        for answer in request.answers_to(question_id):
            if isinstance(answer.raw, str) and answer.raw.strip():
                return answer.raw.strip()
        return None

    return first("referrer_email"), first("referrer_phone")


class RequestMessages:
    """Queues the referrer's receipt, the team's alert and the referrer's status updates.

    ::

        messages = RequestMessages(settings.messages)
        submitter = StoreSubmitter(engine, channels=["webhook"], on_submit=messages)
        inbox = RequestInbox(engine, on_status_change=messages)

    :param settings: which messages are on, the channel, the team's addresses, the inbox link.
    :param contact: where the referrer is reached (the default tree's questions by default).
    :raises ConfigurationError: the team alert is on without ``team_addresses`` or
        ``inbox_url``.
    """

    def __init__(
        self, settings: MessageSettings, *, contact: ReferrerContact = referrer_contact
    ) -> None:
        if settings.team_alert and not (settings.team_addresses and settings.inbox_url):
            raise ConfigurationError(
                "FAMILYHUBS_MESSAGES__TEAM_ALERT needs FAMILYHUBS_MESSAGES__TEAM_ADDRESSES and "
                "FAMILYHUBS_MESSAGES__INBOX_URL"
            )
        self.settings = settings
        self._contact = contact

    @classmethod
    def from_settings(cls, settings: Settings) -> RequestMessages:
        return cls(settings.messages)

    def _queue(
        self, connection: Connection, message: Message, *, now: datetime, request_id: str | None
    ) -> str:
        return enqueue_message(
            connection, channel=self.settings.channel, message=message.to_stored(), now=now,
            request_id=request_id,
        )  # fmt: skip

    def _to_referrer(
        self, request: SupportRequest, kind: MessageKind, fields: dict[str, str]
    ) -> Message | None:
        email, phone = self._contact(request)
        if email is not None:
            return Message(kind, email_address=email, fields=fields)
        if phone is not None:  # a text message only when no email address was given
            return Message(kind, phone_number=phone, fields=fields)
        return None

    def submitted(
        self, connection: Connection, request: SupportRequest, *, now: datetime
    ) -> list[str]:
        """Queue the receipt and the alerts that are turned on; their idempotency keys."""
        keys: list[str] = []
        if self.settings.referrer_receipt:
            receipt = self._to_referrer(
                request, MessageKind.REFERRER_RECEIPT, {"reference": request.reference}
            )
            if receipt is not None:
                keys.append(self._queue(connection, receipt, now=now, request_id=request.id))
        if self.settings.team_alert and self.settings.inbox_url:
            link = self.settings.inbox_url.replace("{reference}", request.reference)
            for address in self.settings.team_addresses:
                alert = Message(
                    MessageKind.TEAM_ALERT,
                    email_address=address,
                    fields={"reference": request.reference, "link": link},
                )
                keys.append(self._queue(connection, alert, now=now, request_id=request.id))
        return keys

    def status_changed(
        self, connection: Connection, *, request: SupportRequest, change: StatusChange
    ) -> None:
        """Queue the referrer's update when the request is accepted or declined (if on)."""
        if not self.settings.status_update:
            return
        fields = {"reference": request.reference}
        if change.to_status is RequestStatus.ACCEPTED:
            kind = MessageKind.REQUEST_ACCEPTED
        elif change.to_status is RequestStatus.DECLINED:
            kind = MessageKind.REQUEST_DECLINED
            shared = self.settings.share_decline_reason and change.note
            fields["decline_reason"] = change.note if shared and change.note else ""
        else:
            return
        update = self._to_referrer(request, kind, fields)
        if update is not None:
            self._queue(connection, update, now=change.changed_at, request_id=request.id)


class OutboxResumeLinkSender:
    """The journey's resume-link sender: queues the email in the outbox (its own transaction).

    Pass it as ``JourneyOptions(resume_sender=...)`` — :meth:`for_settings` gives ``None`` when the
    LA has not turned the message on, so the saved page offers no email form.
    """

    def __init__(self, engine: Engine, *, channel: str = "notify", clock: Clock = utc_now) -> None:
        self._engine = engine
        self._channel = channel
        self._clock = clock

    def __repr__(self) -> str:
        return f"OutboxResumeLinkSender(channel={self._channel!r})"

    @classmethod
    def for_settings(
        cls, engine: Engine, settings: MessageSettings, *, clock: Clock = utc_now
    ) -> OutboxResumeLinkSender | None:
        if not settings.resume_link:
            return None
        return cls(engine, channel=settings.channel, clock=clock)

    def send_resume_link(
        self, *, email: str, url: str, expires_at: datetime, reference: str | None = None
    ) -> None:
        """Queue the link. :raises DeliveryError: it could not be queued (never names the address
        or the link)."""
        message = Message(
            MessageKind.RESUME_LINK,
            email_address=email,
            fields={"link": url, "expires": govuk_date(expires_at)},
        )
        try:
            with self._engine.begin() as connection:
                enqueue_message(
                    connection, channel=self._channel, message=message.to_stored(),
                    now=self._clock(),
                )  # fmt: skip
        except SQLAlchemyError:
            raise DeliveryError("the resume link could not be queued") from None
