"""The demo portal as a WSGI application (stdlib only, so ``make demo`` needs no web framework).

Both solutions on synthetic data, behind a demo sign-in: find a child (search → reason →
timeline, who to contact, family), request support for a family, the receiving team's inbox,
the form analytics and the access audit. Every POST carries the session's CSRF token.
"""

from __future__ import annotations

import hmac
from collections.abc import Callable, Iterable
from importlib.resources import files
from typing import Any
from urllib.parse import parse_qs

from sqlalchemy.engine import Engine

from familyhubs_sdk._config import Settings
from familyhubs_sdk.demo._access_reviews import REVIEWS_PREFIX, ReviewPages
from familyhubs_sdk.demo._find_a_child import FindAChildPages
from familyhubs_sdk.demo._http import (
    ANALYTICS_PREFIX,
    AUDIT_PREFIX,
    INBOX_PREFIX,
    STATIC_URL,
    SUPPORT_PREFIX,
    TIMELINE_PREFIX,
    DemoRequest,
    Pages,
    Reply,
    first,
    safe_next,
)
from familyhubs_sdk.demo._inbox import InboxPages
from familyhubs_sdk.demo._reports import AnalyticsPages, AuditPages
from familyhubs_sdk.demo._services import DemoServices, with_demo_secret
from familyhubs_sdk.demo._sessions import SessionStore
from familyhubs_sdk.demo._uploads import is_multipart, read_multipart
from familyhubs_sdk.demo._users import DEMO_USERS, demo_user
from familyhubs_sdk.rendering import Renderer, static_path
from familyhubs_sdk.store import current_revision
from familyhubs_sdk.web import WebRequest, client_address, security_headers, unsafe_field

__all__ = ["MAX_FORM_BYTES", "SECURITY_HEADERS", "SUPPORT_PREFIX", "TIMELINE_PREFIX", "DemoApp"]

#: Posted forms larger than this are refused before they are read.
MAX_FORM_BYTES = 64 * 1024

StartResponse = Callable[[str, list[tuple[str, str]]], Any]
Handler = Callable[[DemoRequest, str], Reply]

#: Sent with every demo page (static files may be cached): no inline or third-party script,
#: no framing, no referrer leaks, nothing kept in a cache. The helper every portal can use.
SECURITY_HEADERS: tuple[tuple[str, str], ...] = tuple(security_headers().items())

_CONTENT_TYPES = {
    ".css": "text/css",
    ".js": "text/javascript",
    ".map": "application/json",
    ".svg": "image/svg+xml",
    ".txt": "text/plain; charset=utf-8",
}

_GET = frozenset({"GET", "HEAD"})
_GET_POST = frozenset({"GET", "HEAD", "POST"})
_POST = frozenset({"POST"})


def _static_files() -> dict[str, tuple[bytes, str]]:
    """Every static file by its URL: the SDK's (GOV.UK Frontend's CSS and JS among them) under
    :data:`STATIC_URL`, and the demo's own ``/static/demo.css``. Read once: nothing on disk is
    looked up from a request's path."""
    found = {"/static/demo.css": (files("familyhubs_sdk.demo") / "static" / "demo.css", ".css")}
    root = static_path()
    for path in sorted(root.rglob("*")):
        if path.is_file() and path.suffix in _CONTENT_TYPES:
            found[STATIC_URL + path.relative_to(root).as_posix()] = (path, path.suffix)
    return {url: (file.read_bytes(), _CONTENT_TYPES[kind]) for url, (file, kind) in found.items()}


class DemoApp:
    """Routes: ``/`` (home), ``/sign-in``, ``/sign-out``, ``/find-a-child/...``,
    ``/request-support/...``, ``/inbox/...``, ``/analytics/``, ``/audit/...`` (the emergency
    access review queue at ``/audit/reviews``), static files.

    :param services: what the pages run on; built here (with a synthetic warehouse in the data
        folder, and a secret key for this run if none is configured) when not given.
    """

    def __init__(
        self,
        settings: Settings,
        engine: Engine,
        renderer: Renderer | None = None,
        *,
        services: DemoServices | None = None,
    ) -> None:
        self.settings = settings
        self.engine = engine
        self.renderer = renderer or Renderer()
        self._owns_services = services is None
        self.services = services or DemoServices(
            with_demo_secret(settings)[0], engine, renderer=self.renderer
        )
        self.flow = self.services.flow
        self.sessions = SessionStore()
        self.pages = Pages(settings, self.renderer)
        self._static = _static_files()
        self._mounted: tuple[tuple[str, Handler, frozenset[str]], ...] = (
            (SUPPORT_PREFIX, self._support, _GET_POST),
            (TIMELINE_PREFIX, FindAChildPages(self.pages, self.services).handle, _GET_POST),
            (INBOX_PREFIX, InboxPages(self.pages, self.services).handle, _GET_POST),
            (ANALYTICS_PREFIX, AnalyticsPages(self.pages, self.services).handle, _GET),
            # Before the audit: the more specific prefix answers first.
            (REVIEWS_PREFIX, ReviewPages(self.pages, self.services).handle, _GET_POST),
            (AUDIT_PREFIX, AuditPages(self.pages, self.services).handle, _GET),
        )

    def close(self) -> None:
        """Release what the app built for itself (the store belongs to the caller)."""
        if self._owns_services:
            self.services.close()

    def __call__(self, environ: dict[str, Any], start_response: StartResponse) -> Iterable[bytes]:
        path = environ.get("PATH_INFO", "/") or "/"
        method = environ.get("REQUEST_METHOD", "GET")
        session_id, session = self.sessions.get(environ.get("HTTP_COOKIE", ""))
        request = DemoRequest(
            method="GET" if method == "HEAD" else method,
            path=path,
            session_id=session_id,
            session=session,
            query=parse_qs(environ.get("QUERY_STRING", "")),
            # Behind a reverse proxy (FAMILYHUBS_TRUSTED_PROXIES), the address it saw.
            client=client_address(
                environ.get("REMOTE_ADDR"),
                [environ.get("HTTP_X_FORWARDED_FOR", "")],
                trusted_proxies=self.settings.trusted_proxies,
            ),
        )
        reply = self._answer(request, environ, method)
        headers = list(reply.headers)
        if self.sessions.keep(request.session_id, session):
            headers.append(self.sessions.set_cookie(request.session_id))
        body = b"" if method == "HEAD" else reply.body
        page = path not in self._static
        start_response(
            reply.status_line,
            [
                ("Content-Type", reply.content_type),
                ("Content-Length", str(len(reply.body))),
                *security_headers(page=page).items(),
                *headers,
            ],
        )
        return [body]

    # -- routing and the CSRF check ----------------------------------------------------------

    def _answer(self, request: DemoRequest, environ: dict[str, Any], method: str) -> Reply:
        found = self._route(request.path)
        if found is None:
            return self.pages.message(
                request,
                "Page not found",
                "If you typed the web address, check it is correct.",
                404,
            )
        handler, below, methods = found
        if method not in methods:
            allowed = ", ".join(m for m in ("GET", "HEAD", "POST") if m in methods)
            return self.pages.not_allowed(request, allowed)
        if method == "POST":
            refused = self._read_form(request, environ)
            if refused is not None:
                return refused
        # The SDK's one rule for what a request may carry, for the demo's own pages too.
        if unsafe_field(WebRequest(method, form=request.form, query=request.query)) is not None:
            return self.pages.message(
                request,
                "There is a problem with what you sent",
                "It contains characters that cannot be used. Go back and try again.",
                400,
            )
        return handler(request, below)

    def _route(self, path: str) -> tuple[Handler, str, frozenset[str]] | None:
        if path == "/":
            return self._home, "", _GET
        if path in self._static:
            return self._static_file, path, _GET
        if path == "/sign-in":
            return self._sign_in, "", _GET_POST
        if path == "/sign-out":
            return self._sign_out, "", _POST
        for prefix, handler, methods in self._mounted:
            if path == prefix or path.startswith(prefix + "/"):
                return handler, path.removeprefix(prefix), methods
        return None

    def _read_form(self, request: DemoRequest, environ: dict[str, Any]) -> Reply | None:
        """Read the posted form into ``request``; a reply refusing it if it is too large or does
        not carry the session's CSRF token."""
        try:
            length = int(environ.get("CONTENT_LENGTH") or 0)
        except ValueError:
            length = -1
        content_type = environ.get("CONTENT_TYPE", "")
        # Files only where the journey takes them (its evidence page), within its limits.
        uploads = is_multipart(content_type) and request.path.startswith(SUPPORT_PREFIX + "/")
        files_allowed = (
            self.flow.body_limits(request.path.removeprefix(SUPPORT_PREFIX)).max_files_bytes
            if uploads
            else 0
        )
        if length < 0 or length > MAX_FORM_BYTES + files_allowed:
            return self.pages.message(
                request, "Too much text", "Shorten your answer and try again.", 413
            )
        raw = environ["wsgi.input"].read(length) if length else b""
        if uploads:
            request.form, request.files = read_multipart(content_type, raw)
        else:
            request.form = parse_qs(raw.decode("utf-8", "replace"), keep_blank_values=True)
        if not hmac.compare_digest(first(request.form, "csrf_token"), request.session.csrf_token):
            return self.pages.message(
                request,
                "The form has expired",
                "Go back, reload the page and try again.",
                400,
            )
        return None

    # -- pages -------------------------------------------------------------------------------

    def _home(self, request: DemoRequest, _below: str) -> Reply:
        return self.pages.render(
            request,
            "familyhubs/demo/home.html",
            "Home",
            database=self.engine.dialect.name,
            revision=current_revision(self.engine) or "not migrated",
            users=DEMO_USERS,
            children=self.services.sample_children,
            warehouse=self.services.summary,
            banner={
                "titleText": "Demo portal",
                "text": "Everything here is synthetic: made-up children, families and "
                "professionals. Never enter real information.",
            },
        )

    def _static_file(self, _request: DemoRequest, path: str) -> Reply:
        body, content_type = self._static[path]
        return Reply(200, body, content_type=content_type)

    def _sign_in(self, request: DemoRequest, _below: str) -> Reply:
        if request.method == "POST":
            chosen = demo_user(first(request.form, "user"))
            if chosen is not None:
                session_id = self._start_over(request)
                request.session.user_id = chosen.viewer.id
                return Reply.redirect(
                    safe_next(first(request.form, "next")),
                    [self.sessions.set_cookie(session_id)],
                )
        error = request.method == "POST"
        return self.pages.render(
            request,
            "familyhubs/demo/sign_in.html",
            ("Error: " if error else "") + "Demo sign-in",
            status=400 if error else 200,
            users=DEMO_USERS,
            next=safe_next(first(request.form or request.query, "next")),
            error=error,
        )

    def _sign_out(self, request: DemoRequest, _below: str) -> Reply:
        session_id = self._start_over(request)
        return Reply.redirect("/", [self.sessions.set_cookie(session_id)])

    def _start_over(self, request: DemoRequest) -> str:
        """A new session id and nothing kept from before: reasons for access, drafts and the
        journey key belong to whoever was signed in."""
        request.session.values.clear()
        request.session.user_id = None
        request.session_id = self.sessions.renew(request.session_id, request.session)
        return request.session_id

    def _support(self, request: DemoRequest, path: str) -> Reply:
        """The request-for-support journey, with the demo's own session; whoever is signed in
        is the referrer."""
        user = request.user
        return self.pages.serve(
            self.flow,
            request,
            path,
            base_path=SUPPORT_PREFIX,
            viewer=user.viewer if user is not None else None,
        )
