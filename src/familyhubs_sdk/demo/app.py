"""The demo portal as a WSGI application (stdlib only, so ``make demo`` needs no web framework)."""

from __future__ import annotations

import hmac
from collections.abc import Callable, Iterable
from http import HTTPStatus
from importlib.resources import files
from typing import Any
from urllib.parse import parse_qs

from sqlalchemy.engine import Engine

from familyhubs_sdk import __version__
from familyhubs_sdk.config import Settings
from familyhubs_sdk.demo.sessions import SessionStore
from familyhubs_sdk.rendering import Renderer
from familyhubs_sdk.store import current_revision
from familyhubs_sdk.support import FlowRequest, RenderResponse, build_flow

__all__ = ["MAX_FORM_BYTES", "SECURITY_HEADERS", "SUPPORT_PREFIX", "DemoApp"]

#: Where the request-for-support journey is mounted in the demo.
SUPPORT_PREFIX = "/request-support"
#: Posted forms larger than this are refused before they are read.
MAX_FORM_BYTES = 64 * 1024

StartResponse = Callable[[str, list[tuple[str, str]]], Any]

#: Sent with every demo response: no script, no framing, no referrer leaks.
SECURITY_HEADERS: tuple[tuple[str, str], ...] = (
    (
        "Content-Security-Policy",
        "default-src 'self'; object-src 'none'; base-uri 'none'; "
        "frame-ancestors 'none'; form-action 'self'",
    ),
    ("X-Content-Type-Options", "nosniff"),
    ("Referrer-Policy", "no-referrer"),
    ("X-Frame-Options", "DENY"),
    ("Cache-Control", "no-store"),
)

_FEATURES = (
    "Connecting professionals: a child's timeline of services and who to contact.",
    "Connect a family to support: a dynamic request-for-support form.",
    "Safe rendering: autoescaped GOV.UK fragments that drop into any Python web framework.",
)


class DemoApp:
    """Routes: ``/`` (home), ``/request-support/...`` (the journey), stylesheets; else a 404."""

    def __init__(self, settings: Settings, engine: Engine, renderer: Renderer | None = None):
        self.settings = settings
        self.engine = engine
        self.renderer = renderer or Renderer()
        self._stylesheets = {
            "/static/demo.css": (files("familyhubs_sdk.demo") / "static" / "demo.css").read_bytes(),
            "/static/familyhubs.css": (
                files("familyhubs_sdk") / "static" / "familyhubs.css"
            ).read_bytes(),
        }
        self.sessions = SessionStore()
        self.flow = build_flow(settings, engine=engine, renderer=self.renderer)

    def __call__(self, environ: dict[str, Any], start_response: StartResponse) -> Iterable[bytes]:
        path = environ.get("PATH_INFO", "/")
        method = environ.get("REQUEST_METHOD", "GET")
        if path == SUPPORT_PREFIX or path.startswith(SUPPORT_PREFIX + "/"):
            return self._support(environ, start_response, path.removeprefix(SUPPORT_PREFIX))
        if method not in ("GET", "HEAD"):
            return self._respond(
                start_response,
                "405 Method Not Allowed",
                self._page("Method not allowed", "This page only accepts GET."),
                [("Allow", "GET, HEAD")],
            )
        if path in self._stylesheets:
            return self._respond(
                start_response, "200 OK", self._stylesheets[path], [], content_type="text/css"
            )
        if path == "/":
            return self._respond(start_response, "200 OK", self._home())
        return self._respond(
            start_response,
            "404 Not Found",
            self._page("Page not found", "If you typed the web address, check it is correct."),
        )

    def _home(self) -> bytes:
        html = self.renderer.render(
            "familyhubs/demo/home.html",
            page_title="Home",
            la_name=self.settings.la_name,
            version=__version__,
            database=self.engine.dialect.name,
            revision=current_revision(self.engine) or "not migrated",
            features=_FEATURES,
            banner={
                "titleText": "Demo portal",
                "text": "Everything here is synthetic. More screens arrive as the SDK grows.",
            },
        )
        return html.encode()

    def _page(self, title: str, message: str) -> bytes:
        html = self.renderer.render(
            "familyhubs/demo/message.html",
            page_title=title,
            message=message,
            la_name=self.settings.la_name,
            version=__version__,
        )
        return html.encode()

    def _support(
        self, environ: dict[str, Any], start_response: StartResponse, path: str
    ) -> Iterable[bytes]:
        """The request-for-support journey, with the demo's own session and CSRF check."""
        session_id, session, new = self.sessions.get(environ.get("HTTP_COOKIE", ""))
        cookie = [self.sessions.set_cookie(session_id)] if new else []
        method = environ.get("REQUEST_METHOD", "GET")
        form: dict[str, list[str]] = {}
        if method == "POST":
            length = int(environ.get("CONTENT_LENGTH") or 0)
            if length > MAX_FORM_BYTES:
                return self._respond(
                    start_response,
                    "413 Content Too Large",
                    self._page("Too much text", "Shorten your answer and try again."),
                    cookie,
                )
            body = environ["wsgi.input"].read(length).decode("utf-8", "replace")
            form = parse_qs(body, keep_blank_values=True)
            sent = (form.get("csrf_token") or [""])[0]
            if not hmac.compare_digest(sent, session.csrf_token):
                return self._respond(
                    start_response,
                    "400 Bad Request",
                    self._page("The form has expired", "Go back, reload the page and try again."),
                    cookie,
                )
        request = FlowRequest(
            method=method,
            path=path.lstrip("/"),
            base_path=SUPPORT_PREFIX,
            form=form,
            query=parse_qs(environ.get("QUERY_STRING", "")),
            draft_id=session.draft_id,
            csrf_token=session.csrf_token,
            journey_key=session.journey_key,
            client=environ.get("REMOTE_ADDR"),
        )
        answer = self.flow.handle(request)
        session.draft_id = answer.draft_id
        session.journey_key = answer.journey_key
        if isinstance(answer, RenderResponse):
            html = self.renderer.render(
                "familyhubs/demo/fragment.html",
                page_title=answer.title,
                content=answer.html,
                la_name=self.settings.la_name,
                version=__version__,
            )
            status = f"{answer.status} {HTTPStatus(answer.status).phrase}"
            return self._respond(start_response, status, html.encode(), cookie)
        return self._respond(
            start_response, "303 See Other", b"", [*cookie, ("Location", answer.location)]
        )

    @staticmethod
    def _respond(
        start_response: StartResponse,
        status: str,
        body: bytes,
        extra: Iterable[tuple[str, str]] = (),
        content_type: str = "text/html; charset=utf-8",
    ) -> list[bytes]:
        headers = [("Content-Type", content_type), ("Content-Length", str(len(body)))]
        start_response(status, [*headers, *SECURITY_HEADERS, *extra])
        return [body]
