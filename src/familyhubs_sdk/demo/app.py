"""The demo portal as a WSGI application (stdlib only, so ``make demo`` needs no web framework)."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from importlib.resources import files
from typing import Any

from sqlalchemy.engine import Engine

from familyhubs_sdk import __version__
from familyhubs_sdk.config import Settings
from familyhubs_sdk.rendering import Renderer
from familyhubs_sdk.store import current_revision

__all__ = ["SECURITY_HEADERS", "DemoApp"]

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
    """Routes: ``/`` (home), ``/static/demo.css``; anything else is a 404 page."""

    def __init__(self, settings: Settings, engine: Engine, renderer: Renderer | None = None):
        self.settings = settings
        self.engine = engine
        self.renderer = renderer or Renderer()
        self._stylesheet = (files("familyhubs_sdk.demo") / "static" / "demo.css").read_bytes()

    def __call__(self, environ: dict[str, Any], start_response: StartResponse) -> Iterable[bytes]:
        path = environ.get("PATH_INFO", "/")
        method = environ.get("REQUEST_METHOD", "GET")
        if method not in ("GET", "HEAD"):
            return self._respond(
                start_response,
                "405 Method Not Allowed",
                self._page("Method not allowed", "This page only accepts GET."),
                [("Allow", "GET, HEAD")],
            )
        if path == "/static/demo.css":
            return self._respond(
                start_response, "200 OK", self._stylesheet, [], content_type="text/css"
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
