"""Real local receivers for delivery tests: a webhook endpoint and an SMTP server on 127.0.0.1.

Both listen on an ephemeral port in a background thread, are safe to hit from many threads or
processes at once, de-duplicate by the idempotency key the channels send (as an LA's receiver
should), and can be told to fail — scripted with :meth:`~WebhookReceiver.queue` or at random
with a seeded rate — so tests and chaos benchmarks see the outcomes real endpoints produce.

A ``"delay"`` or ``"drop"`` failure *does* apply the effect and then loses the answer (it comes
too late, or the connection closes): the sender cannot tell, retries, and only de-duplication
keeps the effect single. That is the case idempotency keys exist for.

>>> from familyhubs_sdk.delivery import OutboundMessage
>>> from familyhubs_sdk.delivery._webhook import WebhookChannel, generate_webhook_secret
>>> secret = generate_webhook_secret()
>>> message = OutboundMessage(
...     idempotency_key="fh_1", reference="K7QD4RXA", subject="Request for support K7QD4RXA",
...     payload={"reference": "K7QD4RXA"}, text="...", html="<p>...</p>")
>>> with WebhookReceiver(secret) as receiver:
...     channel = WebhookChannel(receiver.url, secret, allow_http=True)
...     [channel.deliver(message).detail for _ in range(2)]
...     receiver.effects, receiver.duplicates
['HTTP 200', 'HTTP 200']
({'fh_1': {'reference': 'K7QD4RXA'}}, 1)

:class:`SMTPReceiver` needs ``aiosmtpd`` (in the ``dev`` extra), imported only when one starts.
"""

from __future__ import annotations

import asyncio
import contextlib
import email
import email.policy
import json
import random
import socket
import ssl
import threading
import time
from abc import ABC, abstractmethod
from collections import deque
from collections.abc import Iterable
from dataclasses import dataclass
from email.message import EmailMessage
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from types import TracebackType
from typing import Any, Generic, Literal, Self, TypeVar

from familyhubs_sdk.delivery._webhook import WebhookSecret, sign_webhook, verify_signature

__all__ = ["ReceivedWebhook", "SMTPReceiver", "WebhookReceiver"]

WebhookFailure = int | Literal["delay", "drop"]
Effect = TypeVar("Effect")


@dataclass(frozen=True, slots=True)
class ReceivedWebhook:
    """One POST the webhook receiver saw (header names in lower case) and how it answered
    (``None``: the connection was dropped without an answer)."""

    webhook_id: str
    headers: dict[str, str]
    body: bytes
    status: int | None


class _Receiver(ABC, Generic[Effect]):
    """What both receivers share: a seeded failure script, a lock, and context management."""

    def __init__(self, seed: int | None) -> None:
        self._lock = threading.Lock()
        self._rng = random.Random(seed)  # noqa: S311 - fault injection, not security
        self._queued: deque[Any] = deque()
        self._effects: dict[str, Effect] = {}
        self._duplicates = 0

    def queue(self, *failures: Any) -> None:
        """Answer the next deliveries with these failures, in order, before any random ones."""
        with self._lock:
            self._queued.extend(failures)

    def _next_failure(self, rates: Iterable[tuple[float, Any]]) -> Any:
        with self._lock:
            if self._queued:
                return self._queued.popleft()
            draw, floor = self._rng.random(), 0.0
            for rate, failure in rates:
                floor += rate
                if draw < floor:
                    return failure
            return None

    def _record(self, key: str, effect: Effect) -> bool:
        """Keep the first effect per key; count the rest. Whether ``key`` was new."""
        with self._lock:
            if key in self._effects:
                self._duplicates += 1
                return False
            self._effects[key] = effect
            return True

    @property
    def effects(self) -> dict[str, Effect]:
        """The first accepted delivery per idempotency key: what the LA ends up with."""
        with self._lock:
            return dict(self._effects)

    @property
    def duplicates(self) -> int:
        """Deliveries acknowledged but ignored because their key had already been accepted."""
        with self._lock:
            return self._duplicates

    @abstractmethod
    def start(self) -> None:
        """Start listening (the context manager does this)."""

    @abstractmethod
    def stop(self) -> None:
        """Stop listening; safe to call twice."""

    def __enter__(self) -> Self:
        self.start()
        return self

    def __exit__(
        self, kind: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        self.stop()


class WebhookReceiver(_Receiver[Any]):
    """A Standard Webhooks endpoint: checks signatures (401 if wrong), de-duplicates by
    ``webhook-id`` and answers 200, or fails as told.

    :param failure_rate: the share of POSTs that fail, picked at random from ``failures``:
        a status code (answered without effect), ``"delay"`` (effect, then an answer after
        ``delay_s`` — set it above the client's read timeout) or ``"drop"`` (effect, then the
        connection closes with no answer).
    :param seed: makes the random failures repeatable.
    """

    def __init__(
        self,
        secret: WebhookSecret,
        *,
        failure_rate: float = 0.0,
        failures: Iterable[WebhookFailure] = (500, 503, "delay", "drop"),
        delay_s: float = 2.0,
        retry_after: str | None = None,
        seed: int | None = None,
    ) -> None:
        super().__init__(seed)
        sign_webhook(secret, "check", 0, b"")  # a bad secret fails here, not in a server thread
        self._secret = secret
        kinds = list(failures)
        self._rates = [(failure_rate / len(kinds), kind) for kind in kinds] if kinds else []
        self._delay_s = delay_s
        self._retry_after = retry_after
        self._received: list[ReceivedWebhook] = []
        self._stopping = threading.Event()
        self._server: ThreadingHTTPServer | None = None

    def queue(self, *failures: WebhookFailure) -> None:
        """E.g. ``queue(503, 503)``: the next two POSTs get 503, then normal service."""
        super().queue(*failures)

    @property
    def url(self) -> str:
        if self._server is None:
            raise RuntimeError("the receiver is not running")
        return f"http://127.0.0.1:{self._server.server_address[1]}/webhook"

    @property
    def received(self) -> list[ReceivedWebhook]:
        """Every POST received, in arrival order, with its answer."""
        with self._lock:
            return list(self._received)

    def start(self) -> None:
        self._stopping.clear()
        self._server = _HTTPServer(("127.0.0.1", 0), _handler_for(self))
        threading.Thread(
            target=self._server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True
        ).start()

    def stop(self) -> None:
        self._stopping.set()  # wakes delayed answers
        if self._server is not None:
            self._server.shutdown()
            self._server.server_close()
            self._server = None

    def _handle(self, headers: dict[str, str], body: bytes) -> tuple[int | None, float]:
        """Decide the answer: (status or ``None`` to drop, seconds to wait before answering)."""
        failure = self._next_failure(self._rates)
        webhook_id = headers.get("webhook-id", "")
        status: int | None = 200
        if isinstance(failure, int):
            status = failure
        elif not verify_signature(self._secret, headers, body):
            status = 401
        else:
            try:
                payload = json.loads(body)
            except ValueError:
                status = 400
            else:
                self._record(webhook_id, payload)
                status = None if failure == "drop" else 200
        with self._lock:
            self._received.append(ReceivedWebhook(webhook_id, headers, body, status))
        return status, self._delay_s if failure == "delay" else 0.0


class _HTTPServer(ThreadingHTTPServer):
    daemon_threads = True
    request_queue_size = 256  # many worker processes connect at once in the chaos benchmark


def _handler_for(receiver: WebhookReceiver) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        def do_POST(self) -> None:
            length = int(self.headers.get("Content-Length") or 0)
            body = self.rfile.read(length)
            headers = {key.lower(): value for key, value in self.headers.items()}
            status, wait_s = receiver._handle(headers, body)
            if wait_s and receiver._stopping.wait(wait_s):
                return
            if status is None:
                self.close_connection = True
                return
            content = b'{"ok":true}' if status == 200 else b'{"ok":false}'
            # After a delay the client may have gone: the effect stands, the answer is lost.
            with contextlib.suppress(OSError):
                self.send_response(status)
                if status != 200 and receiver._retry_after is not None:
                    self.send_header("Retry-After", receiver._retry_after)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(content)))
                self.end_headers()
                self.wfile.write(content)

        def log_message(self, format: str, *args: Any) -> None:
            pass  # keep test output quiet; ``received`` records what matters

    return Handler


class SMTPReceiver(_Receiver[EmailMessage]):
    """An SMTP server (aiosmtpd) that de-duplicates by ``Message-ID`` and fails as told.

    :param transient_rate: the share of messages answered ``451`` (try again later).
    :param permanent_rate: the share answered ``554`` (rejected).
    :param delay_rate: the share accepted but answered only after ``delay_s``.
    :param refuse: recipient addresses refused with ``550`` at RCPT.
    :param credentials: a (username, password) pair to accept at AUTH (others get ``535``).
    :param tls_context: a server context to offer STARTTLS with.

    ``queue(451, 554, "delay")`` scripts the next answers to DATA: any 4xx or 5xx code, or a
    delayed acceptance.
    """

    def __init__(
        self,
        *,
        transient_rate: float = 0.0,
        permanent_rate: float = 0.0,
        delay_rate: float = 0.0,
        delay_s: float = 2.0,
        refuse: Iterable[str] = (),
        credentials: tuple[str, str] | None = None,
        tls_context: ssl.SSLContext | None = None,
        seed: int | None = None,
    ) -> None:
        super().__init__(seed)
        self._rates = [(transient_rate, 451), (permanent_rate, 554), (delay_rate, "delay")]
        self._delay_s = delay_s
        self._refuse = frozenset(address.lower() for address in refuse)
        self._credentials = credentials
        self._tls_context = tls_context
        self._messages: list[EmailMessage] = []
        self._controller: Any = None
        self.port = 0
        self.host = "127.0.0.1"

    @property
    def messages(self) -> list[EmailMessage]:
        """Every message accepted, repeats included, in arrival order."""
        with self._lock:
            return list(self._messages)

    def start(self) -> None:
        from aiosmtpd.controller import Controller
        from aiosmtpd.smtp import AuthResult

        # proto=IPPROTO_TCP matters: asyncio turns Nagle off only for sockets that say they
        # are TCP, and with Nagle on every multi-line reply (EHLO) waits 40 ms for an ACK.
        listener = socket.socket(socket.AF_INET, socket.SOCK_STREAM, socket.IPPROTO_TCP)
        listener.bind((self.host, 0))
        listener.listen(256)
        self.port = listener.getsockname()[1]

        class BoundController(Controller):
            # aiosmtpd binds host:port itself; a socket bound to port 0 first gives a free port
            # without the race of picking one and hoping it stays free.
            def _create_server(self) -> Any:
                return self.loop.create_server(self._factory_invoker, sock=listener)

        def authenticate(*args: Any) -> Any:
            login = args[4]
            given = (login.login.decode(), login.password.decode())
            return AuthResult(success=given == self._credentials, handled=False)

        auth: dict[str, Any] = {}
        if self._credentials is not None:
            auth = {
                "authenticator": authenticate,
                "auth_require_tls": self._tls_context is not None,
            }
        self._controller = BoundController(
            _SMTPHandler(self), hostname=self.host, port=self.port,
            server_hostname="familyhubs-test", tls_context=self._tls_context,
            data_size_limit=64 * 1024 * 1024, **auth,
        )  # fmt: skip
        self._controller.start()

    def stop(self) -> None:
        if self._controller is not None:
            self._controller.stop()
            self._controller = None

    async def _data(self, content: bytes) -> str:
        failure = self._next_failure(self._rates)
        if isinstance(failure, int):
            return f"{failure} 4.3.0 Try again later" if failure < 500 else f"{failure} 5.6.0 No"
        # Lines end in CRLF on the wire; a mailbox stores them as the platform's newlines.
        lines = content.replace(b"\r\n", b"\n")
        parsed = email.message_from_bytes(lines, _class=EmailMessage, policy=email.policy.default)
        with self._lock:
            self._messages.append(parsed)
        self._record(str(parsed.get("Message-ID", "")) or f"no-id-{time.monotonic_ns()}", parsed)
        if failure == "delay":
            await asyncio.sleep(self._delay_s)
        return "250 2.0.0 OK"


class _SMTPHandler:
    def __init__(self, receiver: SMTPReceiver) -> None:
        self._receiver = receiver

    async def handle_RCPT(
        self, server: Any, session: Any, envelope: Any, address: str, options: Any
    ) -> str:
        if address.lower() in self._receiver._refuse:
            return "550 5.1.1 Mailbox unavailable"
        envelope.rcpt_tos.append(address)
        return "250 2.1.5 OK"

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
        return await self._receiver._data(envelope.content)
