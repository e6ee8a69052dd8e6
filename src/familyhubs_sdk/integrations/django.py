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
"""

from __future__ import annotations

from collections.abc import Callable

from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.middleware.csrf import get_token
from django.urls import URLPattern, path, re_path

from familyhubs_sdk.errors import ConfigurationError
from familyhubs_sdk.web import (
    Handler,
    Layout,
    UploadedFile,
    Viewer,
    WebRequest,
    apply_session,
    default_layout,
    read_session,
)

__all__ = ["DJANGO_CSRF_FIELD", "support_urls", "timeline_urls"]

#: The form field Django's CsrfViewMiddleware reads the token from.
DJANGO_CSRF_FIELD = "csrfmiddlewaretoken"

#: The signed-in professional for a request, or ``None``.
_ViewerOf = Callable[[HttpRequest], Viewer | None]


class _SeeOther(HttpResponseRedirect):  # type: ignore[misc]
    status_code = 303


def _serve(
    handler: Handler, request: HttpRequest, step: str, viewer: _ViewerOf | None, layout: Layout
) -> HttpResponse:
    """Answer a Django request with ``handler``: the one code path for every mount."""
    full = str(request.path)
    web_request = WebRequest(
        method=request.method or "GET",
        path=step,
        base_path=(full[: len(full) - len(step)] if step else full).rstrip("/"),
        form={key: request.POST.getlist(key) for key in request.POST},
        query={key: request.GET.getlist(key) for key in request.GET},
        files={
            name: [UploadedFile(f.name or "", f.read()) for f in request.FILES.getlist(name)]
            for name in request.FILES
        },
        session=read_session(request.session),
        viewer=viewer(request) if viewer else None,
        csrf_token=get_token(request),
        client=request.META.get("REMOTE_ADDR"),
    )
    answer = handler.handle(web_request)
    apply_session(request.session, answer.session)
    if answer.location is not None:
        return _SeeOther(answer.location)
    return HttpResponse(layout(answer), status=answer.status, content_type="text/html")


def _urls(
    handler: Handler, names: tuple[str, str], viewer: _ViewerOf | None, layout: Layout | None
) -> list[URLPattern]:
    """The mount point and the pages below it (URL ``names``), all served by :func:`_serve`."""
    if handler.csrf.field != DJANGO_CSRF_FIELD:
        raise ConfigurationError(
            f'build the handler with csrf=CsrfRule(field="{DJANGO_CSRF_FIELD}") for Django\'s '
            "CSRF middleware"
        )
    page = layout or default_layout(handler.renderer, service_name=handler.service_name)

    def view(request: HttpRequest, step: str = "") -> HttpResponse:
        return _serve(handler, request, step, viewer, page)

    index, below = names
    return [path("", view, name=index), re_path(r"^(?P<step>.+)$", view, name=below)]


def support_urls(
    flow: Handler, *, viewer: _ViewerOf | None = None, layout: Layout | None = None
) -> list[URLPattern]:
    """URL patterns for the journey; include them under any prefix.

    :param viewer: the signed-in professional for a request, if the portal has a sign-in:
        they are the referrer.
    """
    return _urls(flow, ("familyhubs-support-start", "familyhubs-support-step"), viewer, layout)


def timeline_urls(
    screens: Handler, *, viewer: _ViewerOf, layout: Layout | None = None
) -> list[URLPattern]:
    """URL patterns for the timeline screens; include them under any prefix.

    :param viewer: the signed-in professional for a request (e.g. from ``request.user``), or
        ``None`` (the screens then answer 401).
    """
    return _urls(
        screens, ("familyhubs-timeline-search", "familyhubs-timeline-screen"), viewer, layout
    )
