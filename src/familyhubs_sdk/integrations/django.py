"""Django adapter: the request-for-support journey and the timeline screens as URL patterns.

In your ``urls.py``::

    from django.urls import include, path
    from familyhubs_sdk.integrations.django import support_urls, timeline_urls

    urlpatterns = [
        path("request-support/", include(support_urls(flow))),
        path("find-a-child/", include(timeline_urls(screens, viewer=current_viewer))),
    ]

Both mount a :class:`~familyhubs_sdk.web.Handler` the same way: the SDK's session values (the
draft, the reasons for access given) live in ``request.session`` (enable ``SessionMiddleware``).
CSRF is Django's own: keep ``CsrfViewMiddleware`` on; forms carry ``csrfmiddlewaretoken`` from
``get_token(request)``, so build the flow and screens with
``csrf=CsrfRule(field="csrfmiddlewaretoken")`` (the URL builders check).

Bodies are read within the page's :class:`~familyhubs_sdk.web.BodyLimits` (files only on the
evidence page): a body whose ``Content-Length`` is over them is refused with 413 before the
CSRF check or anything else reads it (the views are ``csrf_exempt`` outside and
``csrf_protect`` inside, Django's pattern for views that choose how uploads are read), and
Django under WSGI never reads past ``Content-Length``. Under ASGI, Django spools the whole body
before any view runs: cap it in the server or proxy (docs/security.md).
"""

from __future__ import annotations

from collections.abc import Callable

from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.middleware.csrf import get_token
from django.urls import URLPattern, path, re_path
from django.views.decorators.csrf import csrf_exempt, csrf_protect

from familyhubs_sdk.errors import ConfigurationError
from familyhubs_sdk.integrations._body import (
    BodyTooLarge,
    body_limits,
    declared_too_large,
    too_large,
)
from familyhubs_sdk.web import (
    BodyLimits,
    Handler,
    Layout,
    UploadedFile,
    Viewer,
    WebRequest,
    WebResponse,
    apply_session,
    client_address,
    read_session,
)
from familyhubs_sdk.web._pages import handler_layout

__all__ = ["DJANGO_CSRF_FIELD", "support_urls", "timeline_urls"]

#: The form field Django's CsrfViewMiddleware reads the token from.
DJANGO_CSRF_FIELD = "csrfmiddlewaretoken"

#: The signed-in professional for a request, or ``None``.
_ViewerOf = Callable[[HttpRequest], Viewer | None]


class _SeeOther(HttpResponseRedirect):  # type: ignore[misc]
    status_code = 303


def _files(request: HttpRequest, limits: BodyLimits) -> dict[str, list[UploadedFile]]:
    """The posted files, at most ``max_file_bytes`` plus one byte of each in memory."""
    uploads = [(name, f) for name in request.FILES for f in request.FILES.getlist(name)]
    if len(uploads) > limits.max_files:
        raise BodyTooLarge
    files: dict[str, list[UploadedFile]] = {}
    for name, upload in uploads:
        with upload:  # a temporary file for anything over FILE_UPLOAD_MAX_MEMORY_SIZE
            data = upload.read(limits.max_file_bytes + 1)
        files.setdefault(name, []).append(UploadedFile(upload.name or "", data))
    return files


def _serve(
    handler: Handler,
    request: HttpRequest,
    step: str,
    viewer: _ViewerOf | None,
    layout: Layout,
    limits: BodyLimits,
    trusted_proxies: int,
) -> HttpResponse:
    """Answer a Django request with ``handler``: the one code path for every mount."""
    full = str(request.path)
    try:
        files = _files(request, limits)
    except BodyTooLarge:
        answer: WebResponse = too_large(handler, limits)
    else:
        answer = handler.handle(
            WebRequest(
                method=request.method or "GET",
                path=step,
                base_path=(full[: len(full) - len(step)] if step else full).rstrip("/"),
                form={key: request.POST.getlist(key) for key in request.POST},
                query={key: request.GET.getlist(key) for key in request.GET},
                files=files,
                session=read_session(request.session),
                viewer=viewer(request) if viewer else None,
                csrf_token=get_token(request),
                client=client_address(
                    request.META.get("REMOTE_ADDR"),
                    [request.META.get("HTTP_X_FORWARDED_FOR", "")],
                    trusted_proxies=trusted_proxies,
                ),
            )
        )
    return _response(request, answer, layout)


def _response(request: HttpRequest, answer: WebResponse, layout: Layout) -> HttpResponse:
    apply_session(request.session, answer.session)
    if answer.location is not None:
        return _SeeOther(answer.location)
    return HttpResponse(layout(answer), status=answer.status, content_type="text/html")


def _urls(
    handler: Handler,
    names: tuple[str, str],
    viewer: _ViewerOf | None,
    layout: Layout | None,
    trusted_proxies: int,
) -> list[URLPattern]:
    """The mount point and the pages below it (URL ``names``), all served by :func:`_serve`."""
    if handler.csrf.field != DJANGO_CSRF_FIELD:
        raise ConfigurationError(
            f'build the handler with csrf=CsrfRule(field="{DJANGO_CSRF_FIELD}") for Django\'s '
            "CSRF middleware"
        )
    page = layout or handler_layout(handler)

    def serve(request: HttpRequest, step: str, limits: BodyLimits) -> HttpResponse:
        return _serve(handler, request, step, viewer, page, limits, trusted_proxies)

    checked = csrf_protect(serve)

    def view(request: HttpRequest, step: str = "") -> HttpResponse:
        limits = body_limits(handler, request.method or "GET", step)
        if declared_too_large(request.META.get("CONTENT_LENGTH"), limits):
            return _response(request, too_large(handler, limits), page)
        response: HttpResponse = checked(request, step, limits)
        return response

    # The CSRF check reads the body, so it runs in ``checked``, once the size is known.
    exempt = csrf_exempt(view)
    index, below = names
    return [path("", exempt, name=index), re_path(r"^(?P<step>.+)$", exempt, name=below)]


def support_urls(
    flow: Handler,
    *,
    viewer: _ViewerOf | None = None,
    layout: Layout | None = None,
    trusted_proxies: int = 0,
) -> list[URLPattern]:
    """URL patterns for the journey; include them under any prefix.

    :param viewer: the signed-in professional for a request, if the portal has a sign-in:
        they are the referrer.
    :param trusted_proxies: how many reverse proxies stand in front of the app; the client's
        address (for rate limits) is then read from ``X-Forwarded-For``
        (:func:`~familyhubs_sdk.web.client_address`). ``0``, the default, never reads it.
    """
    names = ("familyhubs-support-start", "familyhubs-support-step")
    return _urls(flow, names, viewer, layout, trusted_proxies)


def timeline_urls(
    screens: Handler,
    *,
    viewer: _ViewerOf,
    layout: Layout | None = None,
    trusted_proxies: int = 0,
) -> list[URLPattern]:
    """URL patterns for the timeline screens; include them under any prefix.

    :param viewer: the signed-in professional for a request (e.g. from ``request.user``), or
        ``None`` (the screens then answer 401).
    :param trusted_proxies: as for :func:`support_urls`.
    """
    names = ("familyhubs-timeline-search", "familyhubs-timeline-screen")
    return _urls(screens, names, viewer, layout, trusted_proxies)
