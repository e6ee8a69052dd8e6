"""Framework-neutral HTTP shapes for the request-for-support journey.

A host adapter (Flask, Django, FastAPI or your own) turns its request into a :class:`FlowRequest`,
calls :meth:`FormFlow.handle`, and turns the answer back into its response:

* :class:`RenderResponse` — put ``html`` (``Markup``) inside your page layout with ``title`` as the
  page title, and answer with ``status`` (400 when the page shows validation errors).
* :class:`RedirectResponse` — redirect (303 See Other) to ``location``.
* :class:`CompleteResponse` — the request is stored and its delivery queued; redirect to
  ``location`` (the confirmation page). ``reference`` is the request's reference number.

Every response says which draft the host should keep in its session (``draft_id``; ``None`` means
forget it) and the journey's analytics key (``journey_key``, kept beside it and passed back in the
next request). Both are random opaque values, never personal data, and never go in a URL.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import TypeAlias

from markupsafe import Markup

__all__ = [
    "CompleteResponse",
    "FlowRequest",
    "FlowResponse",
    "RedirectResponse",
    "RenderResponse",
    "UploadedFile",
]


@dataclass(frozen=True, slots=True)
class UploadedFile:
    """One file from a multipart form: the name the browser sent (display only, never trusted)
    and its bytes. The content type the browser claims is not kept: the SDK reads the bytes."""

    filename: str
    data: bytes = field(repr=False)


@dataclass(frozen=True, slots=True)
class FlowRequest:
    """What the journey needs from an HTTP request.

    :param method: ``"GET"`` or ``"POST"``; anything else is answered with 405.
    :param path: the path below where the journey is mounted, e.g. ``""``, ``"consent"``,
        ``"check"``.
    :param base_path: where the journey is mounted, e.g. ``"/request-support"``; links and form
        actions are built from it.
    :param form: posted fields, each a list of values (checkboxes post several).
    :param query: query-string fields, each a list of values.
    :param draft_id: the draft the host's session holds, if any.
    :param csrf_token: the host's CSRF token for this session, written into every form. The host
        checks it on POST. ``None`` refuses to render a form unless the flow was built with
        ``csrf_exempt=True``.
    :param client: who is asking, for rate limits on resume links (e.g. the client's IP
        address). Used only in memory, never stored or logged.
    :param journey_key: the analytics key of this journey, from the host's session.
    :param files: uploaded files by form field (the evidence page's field is ``evidence``).
    """

    method: str
    path: str = ""
    base_path: str = ""
    form: Mapping[str, Sequence[str]] = field(default_factory=dict)
    query: Mapping[str, Sequence[str]] = field(default_factory=dict)
    draft_id: str | None = None
    csrf_token: str | None = None
    client: str | None = None
    journey_key: str | None = None
    files: Mapping[str, Sequence[UploadedFile]] = field(default_factory=dict)


@dataclass(frozen=True, slots=True)
class RenderResponse:
    """Show ``html`` inside the host's layout, titled ``title``."""

    html: Markup
    title: str
    status: int = 200
    draft_id: str | None = None
    journey_key: str | None = None


@dataclass(frozen=True, slots=True)
class RedirectResponse:
    """Redirect the browser to ``location`` (303 See Other)."""

    location: str
    draft_id: str | None = None
    journey_key: str | None = None


@dataclass(frozen=True, slots=True)
class CompleteResponse:
    """The request is stored safely; redirect to ``location`` to show its reference."""

    reference: str
    location: str
    draft_id: str | None = None
    journey_key: str | None = None


FlowResponse: TypeAlias = RenderResponse | RedirectResponse | CompleteResponse
