"""One framework-neutral HTTP request and response for every screen the SDK serves.

A host adapter (Flask, Django, FastAPI or your own) turns its request into a :class:`WebRequest`,
calls a handler's ``handle`` (the request-for-support journey, the timeline screens), and turns
the :class:`WebResponse` back into its own response: a page to put in its layout, or a redirect,
plus the changes to make to the SDK's values in its session.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field, replace
from typing import Any

from markupsafe import Markup

from familyhubs_sdk.web._viewer import Viewer

__all__ = ["UploadedFile", "WebRequest", "WebResponse"]


@dataclass(frozen=True, slots=True)
class UploadedFile:
    """One file from a multipart form: the name the browser sent (display only, never trusted)
    and its bytes. The content type the browser claims is not kept: the SDK reads the bytes."""

    filename: str
    data: bytes = field(repr=False)


@dataclass(frozen=True, slots=True)
class WebRequest:
    """What the SDK's screens need from one HTTP request.

    :param method: ``"GET"`` or ``"POST"``; anything else is answered with 405.
    :param path: the path below where the screens are mounted, e.g. ``""``, ``"check"``,
        ``"record/abc/contacts"``.
    :param base_path: where the screens are mounted, e.g. ``"/request-support"``; links and form
        actions are built from it.
    :param form: posted fields, each a list of values (checkboxes post several).
    :param query: query-string fields, each a list of values.
    :param files: uploaded files by form field.
    :param session: the SDK's own values from the host's session (keys starting
        ``familyhubs_``; see :func:`~familyhubs_sdk.web.read_session`).
    :param viewer: the signed-in professional from the host's own sign-in, or ``None``.
    :param csrf_token: the host's CSRF token for this session, written into every form. The host
        checks it on POST.
    :param client: who is asking, for rate limits (e.g. the client's IP address). Used only in
        memory, never stored or logged.
    :param request_id: the host's id for this HTTP request, to join audit rows with its logs.

    >>> WebRequest("GET", "check", "/request-support").url("confirmation")
    '/request-support/confirmation'
    """

    method: str
    path: str = ""
    base_path: str = ""
    form: Mapping[str, Sequence[str]] = field(default_factory=dict)
    query: Mapping[str, Sequence[str]] = field(default_factory=dict)
    files: Mapping[str, Sequence[UploadedFile]] = field(default_factory=dict)
    session: Mapping[str, Any] = field(default_factory=dict)
    viewer: Viewer | None = None
    csrf_token: str | None = None
    client: str | None = None
    request_id: str | None = None

    def url(self, path: str = "") -> str:
        """An absolute path below the mount point: ``url("check")`` → ``/request-support/check``."""
        return f"{self.base_path.rstrip('/')}/{path.lstrip('/')}"

    def form_value(self, name: str) -> str:
        """The first posted value of ``name``, stripped (``""`` when absent)."""
        values = self.form.get(name) or ()
        return values[0].strip() if values else ""

    def query_value(self, name: str) -> str:
        """The first query-string value of ``name``, stripped (``""`` when absent)."""
        values = self.query.get(name) or ()
        return values[0].strip() if values else ""


@dataclass(frozen=True, slots=True)
class WebResponse:
    """A page (``html`` titled ``title``, answered with ``status``) or, when ``location`` is
    set, a 303 redirect. ``session`` holds changes to the SDK's session values: a key set to
    ``None`` is removed.

    >>> WebResponse.redirect("/request-support/check").status
    303
    """

    html: Markup = field(default_factory=Markup)
    title: str = ""
    status: int = 200
    location: str | None = None
    session: Mapping[str, Any] = field(default_factory=dict)

    @classmethod
    def page(
        cls,
        html: Markup,
        title: str,
        *,
        status: int = 200,
        session: Mapping[str, Any] | None = None,
    ) -> WebResponse:
        """A page to show inside the host's layout."""
        return cls(html=html, title=title, status=status, session=dict(session or {}))

    @classmethod
    def redirect(cls, location: str, *, session: Mapping[str, Any] | None = None) -> WebResponse:
        """A 303 See Other to ``location``."""
        return cls(status=303, location=location, session=dict(session or {}))

    @property
    def is_redirect(self) -> bool:
        """Whether the host should redirect to :attr:`location` rather than show a page."""
        return self.location is not None

    def with_session(self, **changes: Any) -> WebResponse:
        """The same response, with more session changes (``None`` removes a key)."""
        return replace(self, session={**self.session, **changes})
