"""One framework-neutral HTTP request and response for every screen the SDK serves.

A host adapter (Flask, Django, FastAPI or your own) turns its request into a :class:`WebRequest`,
calls a handler's ``handle`` (the request-for-support journey, the timeline screens), and turns
the :class:`WebResponse` back into its own response: a page to put in its layout, or a redirect,
plus the changes to make to the SDK's values in its session.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field, replace
from typing import Any, Protocol, runtime_checkable

from markupsafe import Markup

from familyhubs_sdk.web._viewer import Viewer

__all__ = [
    "MAX_FORM_BYTES",
    "BodyLimits",
    "TakesUploads",
    "UploadedFile",
    "WebRequest",
    "WebResponse",
]

#: The most a POST may carry besides its files: answers are short text.
MAX_FORM_BYTES = 1024 * 1024


@dataclass(frozen=True, slots=True, kw_only=True)
class BodyLimits:
    """How much of a POST an adapter may read: anything bigger is refused with 413 before it is
    read, or as soon as reading it passes the limit. The default takes no files at all.

    :param max_files: files in one request (``0``: the page takes none).
    :param max_file_bytes: the size of each file; an adapter keeps at most one byte more of a
        file in memory, enough for the page to say it is too large.
    :param max_files_bytes: all the request's files together.
    :param max_form_bytes: everything else: the fields and the multipart framing.

    >>> BodyLimits().max_body_bytes == MAX_FORM_BYTES
    True
    >>> limits = BodyLimits(max_files=2, max_file_bytes=10, max_files_bytes=15, max_form_bytes=5)
    >>> limits.max_body_bytes
    20
    """

    max_files: int = 0
    max_file_bytes: int = 0
    max_files_bytes: int = 0
    max_form_bytes: int = MAX_FORM_BYTES

    @property
    def max_body_bytes(self) -> int:
        """The most the whole request body may hold."""
        return self.max_files_bytes + self.max_form_bytes


@runtime_checkable
class TakesUploads(Protocol):
    """A handler with pages that take files says which, and how much: adapters read the body
    of a POST to ``path`` within ``body_limits(path)``. A handler without this method takes no
    files, and its POSTs are held to :class:`BodyLimits`' defaults."""

    def body_limits(self, path: str) -> BodyLimits: ...


@dataclass(frozen=True, slots=True)
class UploadedFile:
    """One file from a multipart form: the name the browser sent (display only, never trusted)
    and its bytes. The content type the browser claims is not kept: the SDK reads the bytes.
    Adapters read at most :attr:`BodyLimits.max_file_bytes` plus one byte of a file, so a file
    too large arrives cut short, one byte over the limit."""

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
