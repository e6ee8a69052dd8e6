"""The demo's small HTTP layer: a request with its session and posted form, a reply, and pages in
the demo layout. Stdlib only, so ``make demo`` needs no web framework."""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from http import HTTPStatus
from typing import Any
from urllib.parse import urlencode

from markupsafe import Markup

from familyhubs_sdk import __version__
from familyhubs_sdk._config import Settings
from familyhubs_sdk.demo._sessions import DemoSession
from familyhubs_sdk.demo._users import DemoUser, demo_user
from familyhubs_sdk.rendering import Renderer, asset_tags
from familyhubs_sdk.web import (
    Handler,
    UploadedFile,
    Viewer,
    WebRequest,
    apply_session,
    read_session,
)

__all__ = [
    "ANALYTICS_PREFIX",
    "AUDIT_PREFIX",
    "INBOX_PREFIX",
    "STATIC_URL",
    "SUPPORT_PREFIX",
    "TIMELINE_PREFIX",
    "DemoRequest",
    "Pages",
    "Reply",
    "first",
    "safe_next",
]

#: Where each part of the demo is mounted.
SUPPORT_PREFIX = "/request-support"
TIMELINE_PREFIX = "/find-a-child"
INBOX_PREFIX = "/inbox"
ANALYTICS_PREFIX = "/analytics"
AUDIT_PREFIX = "/audit"
#: Where the SDK's static files (GOV.UK Frontend's CSS and JS among them) are served.
STATIC_URL = "/static/familyhubs/"

#: The demo's menu: (href, text).
NAVIGATION: tuple[tuple[str, str], ...] = (
    ("/", "Home"),
    (f"{TIMELINE_PREFIX}/", "Find a child"),
    (f"{SUPPORT_PREFIX}/", "Request support"),
    (f"{INBOX_PREFIX}/", "Inbox"),
    (f"{ANALYTICS_PREFIX}/", "Form analytics"),
    (f"{AUDIT_PREFIX}/", "Access audit"),
)

_NEXT = re.compile(r"/(?:[A-Za-z0-9_-][A-Za-z0-9_./-]{0,199})?")


def first(values: Mapping[str, Sequence[str]], name: str) -> str:
    """The first value of field ``name``, or ``""``."""
    given = values.get(name) or ()
    return given[0] if given else ""


def safe_next(value: str) -> str:
    """Where to go after signing in: a path on this site, else the home page (never another
    site: ``//evil.example`` and ``/\\evil.example`` are refused)."""
    return value if _NEXT.fullmatch(value) and ".." not in value else "/"


def _current(path: str, href: str) -> bool:
    if href == "/":
        return path == "/"
    return path == href.rstrip("/") or path.startswith(href)


@dataclass
class DemoRequest:
    """One request: method, path, query and posted fields (each a list of values), and the
    browser's session. The CSRF token has been checked before any handler sees a POST."""

    method: str
    path: str
    session_id: str
    session: DemoSession
    query: Mapping[str, Sequence[str]] = field(default_factory=dict)
    form: Mapping[str, Sequence[str]] = field(default_factory=dict)
    client: str | None = None
    #: Posted files (only the journey's evidence page takes them).
    files: Mapping[str, Sequence[UploadedFile]] = field(default_factory=dict)

    @property
    def user(self) -> DemoUser | None:
        return demo_user(self.session.user_id)


@dataclass
class Reply:
    """What the demo answers: a status, a body and extra headers."""

    status: int
    body: bytes = b""
    headers: list[tuple[str, str]] = field(default_factory=list)
    content_type: str = "text/html; charset=utf-8"

    @classmethod
    def redirect(cls, location: str, headers: Sequence[tuple[str, str]] = ()) -> Reply:
        return cls(303, headers=[*headers, ("Location", location)])

    @property
    def status_line(self) -> str:
        return f"{self.status} {HTTPStatus(self.status).phrase}"


class Pages:
    """Puts fragments and messages in the demo layout (``familyhubs/demo/layout.html``)."""

    def __init__(self, settings: Settings, renderer: Renderer) -> None:
        self.settings = settings
        self.renderer = renderer

    def render(
        self,
        request: DemoRequest,
        template: str,
        title: str,
        *,
        status: int = 200,
        **context: Any,
    ) -> Reply:
        html = self.renderer.render(
            template,
            page_title=title,
            la_name=self.settings.la_name,
            version=__version__,
            assets=asset_tags(STATIC_URL),
            user=request.user,
            csrf_token=request.session.csrf_token,
            navigation=[(href, text, _current(request.path, href)) for href, text in NAVIGATION],
            **context,
        )
        return Reply(status, html.encode())

    def page(
        self,
        request: DemoRequest,
        title: str,
        content: Markup,
        status: int = 200,
        *,
        link: tuple[str, str] | None = None,
        service_name: str | None = None,
        title_suffix: str | None = None,
    ) -> Reply:
        """A fragment (an SDK renderer's ``Markup``) in the layout, and a ``link`` after it;
        ``service_name`` and ``title_suffix`` (the journey's) follow the page's title."""
        return self.render(
            request,
            "familyhubs/demo/fragment.html",
            title,
            status=status,
            content=content,
            link=link,
            service_name=service_name,
            title_suffix=title_suffix,
        )

    def serve(
        self,
        handler: Handler,
        request: DemoRequest,
        path: str,
        *,
        base_path: str,
        viewer: Viewer | None = None,
        link: tuple[str, str] | None = None,
    ) -> Reply:
        """Answer with one of the SDK's handlers (the journey, the timeline screens), as a
        portal's adapter does: the demo's request in, the SDK's session values kept, the page
        put in the layout (with ``link`` after it when the page is shown as asked, 200)."""
        answer = handler.handle(
            WebRequest(
                method=request.method,
                path=path.lstrip("/"),
                base_path=base_path,
                form=request.form,
                query=request.query,
                files=request.files,
                session=read_session(request.session.values),
                viewer=viewer,
                csrf_token=request.session.csrf_token,
                client=request.client,
            )
        )
        apply_session(request.session.values, answer.session)
        if answer.location is not None:
            return Reply.redirect(answer.location)
        shown = link if answer.status == 200 else None
        # The journey's pages carry the form's service name and title suffix, as GOV.UK titles
        # do; the timeline screens keep the demo's own.
        journey = hasattr(handler, "title_suffix")
        service = handler.service_name if journey else None
        suffix: str | None = getattr(handler, "title_suffix", None)
        return self.page(
            request, answer.title, answer.html, answer.status, link=shown,
            service_name=service, title_suffix=suffix,
        )  # fmt: skip

    def message(
        self,
        request: DemoRequest,
        title: str,
        message: str,
        status: int,
        *,
        link: tuple[str, str] | None = None,
    ) -> Reply:
        """A heading, a sentence and a link onwards (the home page unless ``link`` is given)."""
        return self.render(
            request,
            "familyhubs/demo/message.html",
            title,
            status=status,
            message=message,
            link=link or ("/", "Go to the demo home page"),
        )

    def not_allowed(self, request: DemoRequest, allowed: str) -> Reply:
        """405, with the methods the page does accept (``"GET, HEAD"``)."""
        reply = self.message(
            request, "Method not allowed", f"This page only accepts {allowed}.", 405
        )
        reply.headers.append(("Allow", allowed))
        return reply

    def signed_in(
        self,
        request: DemoRequest,
        purpose: str,
        *,
        allowed: Callable[[DemoUser], bool] = lambda user: True,
        who: str = "",
    ) -> DemoUser | Reply:
        """The signed-in user when ``allowed``; else the page saying to sign in (401) or that
        this user may not (403). ``purpose`` finishes "Sign in to ..."; ``who`` names who may."""
        sign_in = "/sign-in?" + urlencode({"next": request.path})
        user = request.user
        if user is None:
            return self.message(
                request,
                f"Sign in to {purpose}",
                "You need to be signed in. The demo sign-in has no password: choose who to be.",
                401,
                link=(sign_in, "Sign in"),
            )
        if not allowed(user):
            return self.message(
                request,
                f"You cannot {purpose}",
                f"You are signed in as {user.viewer.name}, {user.role_name.lower()}. "
                f"Sign in as {who} to {purpose}.",
                403,
                link=(sign_in, f"Sign in as {who}"),
            )
        return user
