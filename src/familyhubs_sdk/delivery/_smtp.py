"""Deliver requests by email through the LA's SMTP relay, with the standard library's smtplib.

The email's ``Message-ID`` is built from the job's idempotency key (``<key@familyhubs-sdk>``)
and repeated in ``X-Idempotency-Key``, so a mailbox or a mail rule can drop the copy that a retry
after a lost answer sends. Replies are classified by code only: a server's text can echo
addresses, so it never reaches a result's ``detail``.

How to reach the relay (:class:`SMTPServer`) is one object, kept apart from what is sent and to
whom, so one relay's settings serve every channel that uses it:

>>> relay = SMTPServer(host="localhost", port=2525, starttls=False)
>>> channel = SMTPChannel(server=relay, from_addr="requests@la.example",
...                       to_addrs=["hub@la.example"])
>>> email = channel.build_email(OutboundMessage(
...     idempotency_key="fh_1", reference="K7QD4RXA", subject="Request for support K7QD4RXA",
...     payload={}, text="...", html="<p>...</p>"))
>>> email["Message-ID"], email["X-Idempotency-Key"]
('<fh_1@familyhubs-sdk>', 'fh_1')
"""

from __future__ import annotations

import smtplib
import ssl
from collections.abc import Sequence
from dataclasses import dataclass, field
from email.message import EmailMessage
from email.utils import formatdate, parseaddr
from html import escape

from pydantic import SecretStr

from familyhubs_sdk._clock import Clock, utc_now
from familyhubs_sdk.delivery._encoding import is_safe_token, network_detail, total_bytes
from familyhubs_sdk.delivery._message import (
    Attachment,
    DeliveryChannel,
    DeliveryResult,
    OutboundMessage,
)
from familyhubs_sdk.errors import DeliveryError

__all__ = ["SMTPChannel", "SMTPServer"]

_LOCALHOST = frozenset({"localhost", "127.0.0.1", "::1"})
_TOO_LARGE = "The supporting files are too large to send by email. Open the request to see them."


def _is_address(value: str) -> bool:
    _, address = parseaddr(value)
    return (
        bool(address)
        and address == value.strip()
        and "@" in address
        and not any(ch.isspace() for ch in address)
    )


def _by_code(code: int, what: str = "") -> DeliveryResult:
    """4xx is transient, 5xx is permanent; anything else (a broken reply) is worth a retry."""
    detail = f"SMTP {code}{what}"
    if 500 <= code < 600:
        return DeliveryResult.permanent(detail)
    return DeliveryResult.retry(detail)


@dataclass(frozen=True, kw_only=True, slots=True)
class SMTPServer:
    """How to reach the LA's SMTP relay: where it is, how the connection is secured, the login
    and the timeout. Checked when it is made, so a wrong setting fails at start-up.

    A relay on port 587 with STARTTLS (the default) and a login::

        import os

        from familyhubs_sdk.delivery import SMTPChannel, SMTPServer

        relay = SMTPServer(
            host="smtp.la.gov.uk",
            username="familyhubs",
            password=os.environ["SMTP_PASSWORD"],  # a str or a pydantic SecretStr
        )
        channel = SMTPChannel(
            server=relay, from_addr="requests@la.gov.uk", to_addrs=["front.door@la.gov.uk"]
        )

    :param port: 465 with ``implicit_tls``, 587 with ``starttls``, else 25, unless given.
    :param starttls: upgrade the connection with STARTTLS (verified against ``ssl_context`` or
        the system's certificate authorities). Turning it off without ``implicit_tls`` sends
        mail in the clear, so it is allowed only for a server on localhost.
    :param implicit_tls: connect with TLS from the start (SMTPS).
    :param username: with ``password``, log in (AUTH) after securing the connection.
    :param timeout_s: for connecting and for each reply.
    :param ssl_context: to trust an LA's own certificate authority.
    :param local_hostname: the name given in EHLO (the machine's own name by default).
    """

    host: str
    port: int | None = None
    starttls: bool = True
    implicit_tls: bool = False
    username: str | None = None
    password: SecretStr | str | None = field(default=None, repr=False)
    timeout_s: float = 10.0
    ssl_context: ssl.SSLContext | None = None
    local_hostname: str | None = None

    def __post_init__(self) -> None:
        if not self.host:
            raise DeliveryError("SMTP host is required")
        if self.port is not None and not 0 < self.port < 65536:
            raise DeliveryError("SMTP port must be between 1 and 65535")
        if not self.starttls and not self.implicit_tls and self.host.lower() not in _LOCALHOST:
            raise DeliveryError(
                "SMTP starttls=False sends mail unencrypted: allowed only for localhost "
                "(use implicit_tls=True for SMTPS)"
            )
        if (self.username is None) != (self.password is None):
            raise DeliveryError("SMTP username and password go together")
        if self.timeout_s <= 0:
            raise DeliveryError("SMTP timeout_s must be positive")


class SMTPChannel(DeliveryChannel):
    """Sends each request as one email (plain text with an HTML alternative, plus attachments).

    Outcomes: accepted → delivered; a 4xx reply, a refused or dropped connection or a timeout →
    retry; a 5xx reply (every recipient refused, sender or data refused) or failed
    authentication → permanent. If some recipients are refused but one accepts, the email is
    delivered and the detail says how many were refused.

    :param server: how to reach the relay (see :class:`SMTPServer`).
    :param from_addr: the address the email comes from.
    :param to_addrs: the receiving team's address or addresses.
    :param max_attachment_bytes: attachments together above this are left out and the body
        says the files are available through the request's link.
    :param minimal_pii: send only the reference and ``message.link`` — no payload text, no
        attachments — for relays that must not carry personal data.
    :param clock: the time in the ``Date`` header.
    """

    def __init__(
        self,
        *,
        server: SMTPServer,
        from_addr: str,
        to_addrs: Sequence[str] | str,
        max_attachment_bytes: int = 20 * 1024 * 1024,
        minimal_pii: bool = False,
        name: str = "email",
        clock: Clock = utc_now,
    ) -> None:
        if not isinstance(server, SMTPServer):
            raise DeliveryError("SMTP server must be an SMTPServer(host=...)")
        self.name = name
        recipients = [to_addrs] if isinstance(to_addrs, str) else list(to_addrs)
        if not _is_address(from_addr):
            raise DeliveryError("SMTP from_addr is not an email address")
        if not recipients:
            raise DeliveryError("SMTP to_addrs needs at least one address")
        for index, address in enumerate(recipients):
            if not _is_address(address):
                raise DeliveryError(f"SMTP to_addrs[{index}] is not an email address")
        if max_attachment_bytes < 0:
            raise DeliveryError("SMTP max_attachment_bytes must not be negative")
        password = server.password
        self._host = server.host
        self._port = server.port or (465 if server.implicit_tls else 587 if server.starttls else 25)
        self._from = from_addr
        self._to = recipients
        self._username = server.username
        self._password = SecretStr(password) if isinstance(password, str) else password
        self._starttls = server.starttls and not server.implicit_tls
        self._implicit_tls = server.implicit_tls
        self._timeout_s = server.timeout_s
        self._max_attachment_bytes = max_attachment_bytes
        self._minimal_pii = minimal_pii
        # Built once: loading the system's certificate authorities takes tens of milliseconds.
        self._ssl_context = server.ssl_context or ssl.create_default_context()
        self._local_hostname = server.local_hostname
        self._clock = clock

    def __repr__(self) -> str:
        return f"SMTPChannel(name={self.name!r}, host={self._host!r}, port={self._port})"

    def build_email(self, message: OutboundMessage) -> EmailMessage:
        """The email sent for ``message``. Raises ``ValueError`` for a header with a line break."""
        email = EmailMessage()
        email["Subject"] = message.subject
        email["From"] = self._from
        email["To"] = ", ".join(self._to)
        email["Date"] = formatdate(self._clock().timestamp(), usegmt=True)
        email["Message-ID"] = f"<{message.idempotency_key}@familyhubs-sdk>"
        email["X-Idempotency-Key"] = message.idempotency_key
        email["Auto-Submitted"] = "auto-generated"  # RFC 3834: no out-of-office replies
        attachments: tuple[Attachment, ...] = ()
        if self._minimal_pii:
            text, html = _minimal_body(message)
        else:
            text, html = message.text, message.html
            if total_bytes(message.attachments) <= self._max_attachment_bytes:
                attachments = message.attachments
            else:
                text = f"{text}\n\n{_TOO_LARGE}\n"
                html = _append_paragraph(html, _TOO_LARGE)
        email.set_content(text)
        email.add_alternative(html, subtype="html")
        for attachment in attachments:
            maintype, _, subtype = attachment.content_type.partition("/")
            if not subtype:
                maintype, subtype = "application", "octet-stream"
            email.add_attachment(
                attachment.data, maintype=maintype, subtype=subtype, filename=attachment.filename
            )
        return email

    def deliver(self, message: OutboundMessage) -> DeliveryResult:
        """Send once; see the class docstring for how replies map to outcomes."""
        if not is_safe_token(message.idempotency_key):
            return DeliveryResult.permanent("idempotency key is not usable as a Message-ID")
        try:
            email = self.build_email(message)
        except ValueError:
            return DeliveryResult.permanent("email could not be built (a header is invalid)")
        return self._send(email)

    def _send(self, email: EmailMessage) -> DeliveryResult:
        smtp: smtplib.SMTP | None = None
        needed = "a required extension"  # what SMTPNotSupportedError means at each step
        try:
            context = self._ssl_context
            if self._implicit_tls:
                smtp = smtplib.SMTP_SSL(
                    self._host, self._port, local_hostname=self._local_hostname,
                    timeout=self._timeout_s, context=context,
                )  # fmt: skip
            else:
                smtp = smtplib.SMTP(
                    self._host, self._port, local_hostname=self._local_hostname,
                    timeout=self._timeout_s,
                )  # fmt: skip
            smtp.ehlo()
            if self._starttls:
                needed = "STARTTLS"
                smtp.starttls(context=context)  # always verified: never the stdlib default
                smtp.ehlo()
            if self._username is not None and self._password is not None:
                needed = "AUTH"
                smtp.login(self._username, self._password.get_secret_value())
            needed = "a required extension"
            refused = smtp.send_message(email, self._from, self._to)
        except smtplib.SMTPRecipientsRefused as exc:
            codes = [code for code, _ in exc.recipients.values()]
            transient = [code for code in codes if not 500 <= code < 600]
            return _by_code((transient or codes or [0])[0], " (all recipients refused)")
        except smtplib.SMTPAuthenticationError as exc:
            return _by_code(exc.smtp_code, " (authentication failed)")
        except smtplib.SMTPResponseException as exc:
            return _by_code(exc.smtp_code)
        except smtplib.SMTPNotSupportedError:
            return DeliveryResult.permanent(f"SMTP server does not support {needed}")
        except smtplib.SMTPServerDisconnected as exc:
            # smtplib reports a read timeout or reset as a disconnection; say which it was.
            cause = exc.__context__
            if isinstance(cause, OSError) and not isinstance(cause, smtplib.SMTPException):
                return DeliveryResult.retry(network_detail(cause, self._timeout_s))
            return DeliveryResult.retry("SMTP connection dropped")
        except smtplib.SMTPException as exc:
            return DeliveryResult.retry(f"SMTP error ({type(exc).__name__})")
        except OSError as exc:
            return DeliveryResult.retry(network_detail(exc, self._timeout_s))
        finally:
            if smtp is not None:
                _close(smtp)
        if refused:
            return DeliveryResult.delivered(f"SMTP 250; {len(refused)} recipient(s) refused")
        return DeliveryResult.delivered("SMTP 250")


def _close(smtp: smtplib.SMTP) -> None:
    """QUIT politely; the outcome is already decided, so a failure here changes nothing."""
    try:
        smtp.quit()
    except (smtplib.SMTPException, OSError):
        smtp.close()


def _minimal_body(message: OutboundMessage) -> tuple[str, str]:
    where = (
        f"Open it here: {message.link}"
        if message.link
        else "Open it in your case system using the reference."
    )
    text = f"A request for support has been made.\n\nReference: {message.reference}\n{where}\n"
    link = (
        f'<p><a href="{escape(message.link)}">Open the request</a></p>'
        if message.link
        else f"<p>{escape(where)}</p>"
    )
    html = (
        "<!DOCTYPE html><html><body><p>A request for support has been made.</p>"
        f"<p>Reference: <strong>{escape(message.reference)}</strong></p>{link}</body></html>"
    )
    return text, html


def _append_paragraph(html: str, sentence: str) -> str:
    paragraph = f"<p>{escape(sentence)}</p>"
    at = html.lower().rfind("</body>")
    return html + paragraph if at < 0 else html[:at] + paragraph + html[at:]
