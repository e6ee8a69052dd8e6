"""Turn a message job into what its channel sends: Notify personalisation, or an email's body.

The outbox worker has one composer; :class:`MessageComposer` is it. A job that carries a
message (``ClaimedJob.message``) becomes a :class:`~familyhubs_sdk.delivery.Notification`
inside an :class:`~familyhubs_sdk.delivery.OutboundMessage`, with a subject and plain-text and
HTML bodies from ``familyhubs/messages/<kind>.txt`` (for SMTP); any other job (a request for
support) goes to the request composer it wraps.
"""

from __future__ import annotations

from dataclasses import dataclass

from familyhubs_sdk.delivery._message import OutboundMessage
from familyhubs_sdk.delivery._notification import Notification
from familyhubs_sdk.delivery._outbox import ClaimedJob, Composer
from familyhubs_sdk.errors import DeliveryError
from familyhubs_sdk.rendering import Renderer
from familyhubs_sdk.support.messages._kinds import Message, MessageKind

__all__ = ["ComposedText", "MessageComposer"]


@dataclass(frozen=True, slots=True)
class ComposedText:
    """A message as people read it in an email."""

    subject: str
    text: str
    html: str


class MessageComposer:
    """The outbox worker's composer for message jobs, and for request jobs through ``requests``.

    :param la_name: the LA's name, the one personalisation field every message has.
    :param requests: builds the message for a job that is a request for support (usually a
        :class:`~familyhubs_sdk.support.RequestComposer`); without it such a job fails.
    :param renderer: to use the host's own copies of ``familyhubs/messages/*``.
    """

    def __init__(
        self,
        *,
        la_name: str,
        requests: Composer | None = None,
        renderer: Renderer | None = None,
    ) -> None:
        self.la_name = la_name
        self.requests = requests
        self.renderer = renderer or Renderer()

    def __call__(self, job: ClaimedJob) -> OutboundMessage:
        if job.message is None:
            if self.requests is None:
                raise DeliveryError(f"delivery job {job.id} is a request; no request composer")
            return self.requests(job)
        return self.compose(
            Message.from_stored(job.message),
            idempotency_key=job.idempotency_key,
            attempt=job.attempts,
        )

    def personalisation(self, message: Message) -> dict[str, str]:
        """The fields a Notify template gets: the message's own plus ``la_name`` (and, for a
        decline, ``decline_reason`` — empty when not shared — and ``show_reason`` yes/no)."""
        fields = {**message.fields, "la_name": self.la_name}
        if message.kind is MessageKind.REQUEST_DECLINED:
            fields.setdefault("decline_reason", "")
            fields["show_reason"] = "yes" if fields["decline_reason"] else "no"
        return fields

    def text(self, message: Message) -> ComposedText:
        """The subject and bodies from ``familyhubs/messages/<kind>.txt``: its first line is
        the subject, the rest the body (paragraphs split by blank lines)."""
        rendered = self.renderer.render(
            f"familyhubs/messages/{message.kind.value}.txt",
            fields=self.personalisation(message),
        )
        # Autoescaped for safety in HTML; the plain-text part wants the characters back.
        subject, _, body = rendered.unescape().strip().partition("\n")
        paragraphs = [
            " ".join(line.strip() for line in block.splitlines() if line.strip())
            for block in body.split("\n\n")
        ]
        paragraphs = [paragraph for paragraph in paragraphs if paragraph]
        html = self.renderer.render(
            "familyhubs/messages/email.html",
            subject=subject.strip(),
            paragraphs=paragraphs,
            link=message.fields.get("link"),
        )
        return ComposedText(subject.strip(), "\n\n".join(paragraphs) + "\n", str(html))

    def compose(
        self, message: Message, *, idempotency_key: str, attempt: int = 1
    ) -> OutboundMessage:
        """What the channel sends for ``message`` on attempt ``attempt`` of its job."""
        composed = self.text(message)
        notification = Notification(
            kind=message.kind.value,
            email_address=message.email_address,
            phone_number=message.phone_number,
            personalisation=self.personalisation(message),
            attempt=attempt,
        )
        return OutboundMessage(
            idempotency_key=idempotency_key,
            reference=message.fields.get("reference", ""),
            subject=composed.subject,
            payload=notification.to_payload(),
            text=composed.text,
            html=composed.html,
            link=message.fields.get("link"),
        )
