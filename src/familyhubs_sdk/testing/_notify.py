"""A local GOV.UK Notify-shaped API on 127.0.0.1, for tests and the chaos benchmark.

It answers what the real API answers to the calls the SDK makes, as Notify documents them
(https://docs.notifications.service.gov.uk/rest-api.html):

* ``POST /v2/notifications/email`` and ``/sms``: the JSON body checked (required fields, no
  others, a known template, every ``((field))`` of the template personalised); ``201`` with
  ``id``, ``reference``, ``content``, ``uri`` and ``template``.
* ``GET /v2/notifications?reference=…``: the notifications sent with that reference.
* Every call must carry ``Authorization: Bearer <JWT>``: HS256, signed with the secret half of
  the API key, ``iss`` the service id, ``iat`` within 30 seconds of now — else ``403 AuthError``.
* Failures on demand (a script with :meth:`LocalNotifyAPI.queue`, or a seeded rate):
  ``400`` ``BadRequestError``, ``403`` ``AuthError``, ``429`` ``RateLimitError`` (or
  ``"too_many_requests"``: ``429`` ``TooManyRequestsError``), ``500`` ``Exception``,
  ``"timeout"`` (the notification *is* created, the answer comes after ``delay_s``) and
  ``"drop"`` (created, then the connection closes).

Like the real Notify it does not refuse a repeated ``reference``: ``duplicates`` counts the
notifications sent again under a reference already used, which a sender must keep at 0.

>>> from familyhubs_sdk.delivery import NotifyChannel, Notification, OutboundMessage
>>> with LocalNotifyAPI(templates={RECEIPT: "Your reference is ((reference))"}) as notify:
...     channel = NotifyChannel(api_key=notify.api_key, base_url=notify.base_url,
...                             templates={"referrer_receipt_email": RECEIPT})
...     note = Notification("referrer_receipt", email_address="sam@school.example",
...                         personalisation={"reference": "K7QD4RXA"})
...     channel.deliver(OutboundMessage(
...         idempotency_key="fh_1", reference="K7QD4RXA", subject="", payload=note.to_payload(),
...         text="", html="")).detail
...     [n.body for n in notify.notifications]
'Notify 201'
['Your reference is K7QD4RXA']
"""

from __future__ import annotations

import base64
import binascii
import contextlib
import hashlib
import hmac
import json
import re
import threading
import time
import uuid
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler
from typing import Any, Literal
from urllib.parse import parse_qs, urlsplit

from familyhubs_sdk.testing._receivers import _HTTPServer, _Receiver

__all__ = ["RECEIPT", "LocalNotifyAPI", "NotifyFailure", "SentNotification"]

#: A template id to use in examples and tests.
RECEIPT = "4c6f5a4e-0000-4000-8000-000000000001"

NotifyFailure = int | Literal["too_many_requests", "timeout", "drop"]

_UUID = re.compile(r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}")
_PLACEHOLDER = re.compile(r"\(\(([^()?]+)(\?\?[^()]*)?\)\)")
_CLOCK_BOUND_S = 30  # Notify's documented tolerance for "iat"

# Notify's documented error bodies, by the failure injected.
_ERRORS: Mapping[int | str, tuple[int, str, str]] = {
    400: (400, "BadRequestError", "Can't send to this recipient using a team-only API key"),
    403: (403, "AuthError", "Invalid token: API key not found"),
    429: (429, "RateLimitError", "Exceeded rate limit for key type TEAM of 3000 requests per 60 s"),
    "too_many_requests": (
        429, "TooManyRequestsError", "Exceeded send limits (250000) for today",
    ),
    500: (500, "Exception", "Internal server error"),
}  # fmt: skip

_FIELDS = {
    "email": ({"email_address", "template_id"}, {"personalisation", "reference",
              "email_reply_to_id", "one_click_unsubscribe_url"}),
    "sms": ({"phone_number", "template_id"}, {"personalisation", "reference", "sms_sender_id"}),
}  # fmt: skip


@dataclass(frozen=True, slots=True)
class SentNotification:
    """One notification the API accepted (``201``), as it would show in Notify."""

    id: str
    kind: Literal["email", "sms"]
    recipient: str
    template_id: str
    personalisation: Mapping[str, Any]
    reference: str | None
    body: str
    #: Everything else the request carried (``email_reply_to_id``, ``sms_sender_id``).
    options: Mapping[str, Any] = field(default_factory=dict)


class _Refusal(Exception):
    def __init__(self, status: int, error: str, message: str) -> None:
        super().__init__(message)
        self.answer = (status, error, message)


def _b64(segment: str) -> bytes:
    return base64.urlsafe_b64decode(segment + "=" * (-len(segment) % 4))


class LocalNotifyAPI(_Receiver[SentNotification]):
    """A real HTTP server that behaves like GOV.UK Notify's API (see the module docstring).

    :param api_key: the key clients must sign with; a fresh test key when not given (read it
        from :attr:`api_key`).
    :param templates: template id → body with ``((field))`` placeholders; when given, an unknown
        template is ``400 BadRequestError`` and a missing field ``400 BadRequestError``
        ("Missing personalisation: …"). When not given, any template id is accepted.
    :param failure_rate: the share of sends that fail, picked at random from ``failures``.
    :param failures: what a random failure is (see :data:`NotifyFailure`).
    :param delay_s: how late a ``"timeout"`` answer comes (set it above the client's timeout).
    :param clock: seconds since the epoch, for checking ``iat``.
    """

    def __init__(
        self,
        *,
        api_key: str | None = None,
        templates: Mapping[str, str] | None = None,
        failure_rate: float = 0.0,
        failures: Iterable[NotifyFailure] = (429, 500, "timeout"),
        delay_s: float = 2.0,
        seed: int | None = None,
        clock: Callable[[], float] = time.time,
    ) -> None:
        super().__init__(seed)
        if api_key is None:
            api_key = f"familyhubs_test-{uuid.uuid4()}-{uuid.uuid4()}"
        self.api_key = api_key
        self.service_id, self._secret = api_key[-73:-37], api_key[-36:]
        if not (_UUID.fullmatch(self.service_id) and _UUID.fullmatch(self._secret)):
            raise ValueError("api_key must be {name}-{service id}-{secret}, as Notify issues")
        self.templates = dict(templates) if templates is not None else None
        kinds = list(failures)
        self._rates = [(failure_rate / len(kinds), kind) for kind in kinds] if kinds else []
        self._delay_s = delay_s
        self._clock = clock
        self._sent: list[SentNotification] = []
        self._refused: list[tuple[str, int, str]] = []
        self._stopping = threading.Event()
        self._server: _HTTPServer | None = None

    def queue(self, *failures: NotifyFailure) -> None:
        """E.g. ``queue(429, 500)``: the next two sends fail so, then normal service."""
        super().queue(*failures)

    @property
    def base_url(self) -> str:
        """Give this to the client (``NotifyChannel(base_url=...)``)."""
        if self._server is None:
            raise RuntimeError("the local Notify API is not running")
        return f"http://127.0.0.1:{self._server.server_address[1]}"

    @property
    def notifications(self) -> list[SentNotification]:
        """Every notification accepted, in order (repeats included, as Notify keeps them)."""
        with self._lock:
            return list(self._sent)

    @property
    def refused(self) -> list[tuple[str, int, str]]:
        """Every call answered with an error: (path, status, Notify's error class)."""
        with self._lock:
            return list(self._refused)

    def start(self) -> None:
        self._stopping.clear()
        self._server = _HTTPServer(("127.0.0.1", 0), _handler_for(self))
        threading.Thread(
            target=self._server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True
        ).start()

    def stop(self) -> None:
        self._stopping.set()
        if self._server is not None:
            self._server.shutdown()
            self._server.server_close()
            self._server = None

    # -- handling ------------------------------------------------------------------------------

    def _check_token(self, authorization: str | None) -> None:
        """Notify's documented JWT rules; any failure is ``403 AuthError``."""

        def refuse(message: str) -> _Refusal:
            return _Refusal(403, "AuthError", message)

        scheme, _, token = (authorization or "").partition(" ")
        if scheme != "Bearer" or not token:
            raise refuse("Unauthorized: authentication token must be provided")
        parts = token.split(".")
        if len(parts) != 3:
            raise refuse("Invalid token: signature, api token is not valid")
        try:
            header = json.loads(_b64(parts[0]))
            claims = json.loads(_b64(parts[1]))
            signature = _b64(parts[2])
        except (ValueError, binascii.Error):
            raise refuse("Invalid token: signature, api token is not valid") from None
        if not isinstance(header, dict) or header.get("alg") != "HS256":
            raise refuse("Invalid token: algorithm used is not HS256")
        if not isinstance(claims, dict) or claims.get("iss") != self.service_id:
            raise refuse("Invalid token: service not found")
        signed = f"{parts[0]}.{parts[1]}".encode()
        expected = hmac.new(self._secret.encode(), signed, hashlib.sha256).digest()
        if not hmac.compare_digest(expected, signature):
            raise refuse("Invalid token: API key not found")
        issued = claims.get("iat")
        if not isinstance(issued, int) or abs(self._clock() - issued) > _CLOCK_BOUND_S:
            raise refuse("Error: Your system clock must be accurate to within 30 seconds")

    def _send(self, kind: Literal["email", "sms"], body: bytes) -> tuple[int, Any, float]:
        """Check and create one notification: (status, answer, seconds to wait)."""
        try:
            data = json.loads(body)
        except ValueError:
            raise _Refusal(400, "BadRequestError", "Invalid JSON supplied in POST data") from None
        if not isinstance(data, dict):
            raise _Refusal(400, "ValidationError", "POST data is not a JSON object")
        required, optional = _FIELDS[kind]
        for name in sorted(required - set(data)):
            raise _Refusal(400, "ValidationError", f"{name} is a required property")
        for name in sorted(set(data) - required - optional):
            raise _Refusal(
                400,
                "ValidationError",
                f"Additional properties are not allowed ({name} was unexpected)",
            )
        recipient = data["email_address" if kind == "email" else "phone_number"]
        template_id, personalisation = data["template_id"], data.get("personalisation") or {}
        if not isinstance(recipient, str) or (kind == "email" and "@" not in recipient):
            raise _Refusal(
                400,
                "ValidationError",
                f"{'email_address' if kind == 'email' else 'phone_number'} Not valid",
            )
        if not isinstance(template_id, str) or not _UUID.fullmatch(template_id):
            raise _Refusal(400, "ValidationError", "template_id is not a valid UUID")
        if not isinstance(personalisation, dict):
            raise _Refusal(400, "ValidationError", "personalisation is not of type object")
        reference = data.get("reference")
        if reference is not None and not isinstance(reference, str):
            raise _Refusal(400, "ValidationError", "reference is not of type string")
        text = self._render(template_id, personalisation)
        failure = self._next_failure(self._rates)
        if failure in _ERRORS:
            raise _Refusal(*_ERRORS[failure])
        sent = SentNotification(
            id=str(uuid.uuid4()), kind=kind, recipient=recipient, template_id=template_id,
            personalisation=dict(personalisation), reference=reference, body=text,
            options={k: v for k, v in data.items() if k in optional - {"personalisation"}},
        )  # fmt: skip
        with self._lock:
            self._sent.append(sent)
        self._record(reference or sent.id, sent)
        content = {"body": text}
        content.update(
            {"subject": "", "from_email": "familyhubs@notifications.service.gov.uk"}
            if kind == "email" else {"from_number": "GOVUK"}
        )  # fmt: skip
        answer = {
            "id": sent.id, "reference": reference, "content": content,
            "uri": f"{self.base_url}/v2/notifications/{sent.id}",
            "template": {"id": template_id, "version": 1,
                         "uri": f"{self.base_url}/v2/template/{template_id}"},
        }  # fmt: skip
        wait = self._delay_s if failure == "timeout" else 0.0
        return (0 if failure == "drop" else 201), answer, wait

    def _render(self, template_id: str, personalisation: Mapping[str, Any]) -> str:
        if self.templates is None:
            return ""
        if template_id not in self.templates:
            raise _Refusal(400, "BadRequestError", "Template not found")
        template = self.templates[template_id]
        missing = sorted(
            {m.group(1).strip() for m in _PLACEHOLDER.finditer(template)} - set(personalisation)
        )
        if missing:
            raise _Refusal(400, "BadRequestError", f"Missing personalisation: {', '.join(missing)}")

        def fill(match: re.Match[str]) -> str:
            value = personalisation[match.group(1).strip()]
            if match.group(2):  # ((field??text)): the text when the field is "yes"
                return match.group(2)[2:] if str(value).lower() in ("yes", "true") else ""
            return str(value)

        return _PLACEHOLDER.sub(fill, template)

    def _list(self, query: str) -> dict[str, Any]:
        wanted = parse_qs(query)
        reference = wanted["reference"][0] if "reference" in wanted else None
        kind = wanted["template_type"][0] if "template_type" in wanted else None
        found = [
            {"id": n.id, "reference": n.reference, "type": n.kind, "status": "created",
             "template": {"id": n.template_id, "version": 1}, "body": n.body}
            for n in self.notifications
            if (reference is None or n.reference == reference) and (kind in (None, n.kind))
        ]  # fmt: skip
        return {"notifications": found, "links": {"current": f"{self.base_url}/v2/notifications"}}

    def handle(
        self, method: str, target: str, headers: Mapping[str, str], body: bytes
    ) -> tuple[int, Any, float]:
        """Answer one call: (status — 0 to drop the connection —, JSON answer, seconds to wait)."""
        path = urlsplit(target)
        try:
            self._check_token(headers.get("authorization"))
            if method == "POST" and path.path == "/v2/notifications/email":
                return self._send("email", body)
            if method == "POST" and path.path == "/v2/notifications/sms":
                return self._send("sms", body)
            if method == "GET" and path.path == "/v2/notifications":
                return 200, self._list(path.query), 0.0
            raise _Refusal(404, "NoResultFound", "No result found")
        except _Refusal as refusal:
            status, error, message = refusal.answer
            with self._lock:
                self._refused.append((path.path, status, error))
            errors = [{"error": error, "message": message}]
            return status, {"status_code": status, "errors": errors}, 0.0


def _handler_for(api: LocalNotifyAPI) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        def _answer(self, method: str) -> None:
            length = int(self.headers.get("Content-Length") or 0)
            body = self.rfile.read(length) if length else b""
            headers = {key.lower(): value for key, value in self.headers.items()}
            status, answer, wait_s = api.handle(method, self.path, headers, body)
            if wait_s and api._stopping.wait(wait_s):
                return
            if status == 0:
                self.close_connection = True
                return
            content = json.dumps(answer).encode()
            with contextlib.suppress(OSError):  # after a delay the client may have gone
                self.send_response(status)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(content)))
                self.end_headers()
                self.wfile.write(content)

        def do_POST(self) -> None:
            self._answer("POST")

        def do_GET(self) -> None:
            self._answer("GET")

        def log_message(self, format: str, *args: Any) -> None:
            pass  # quiet: ``notifications`` and ``refused`` record what matters

    return Handler
