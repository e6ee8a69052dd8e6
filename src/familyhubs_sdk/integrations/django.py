"""Django adapter: the request-for-support journey and the timeline screens as URL patterns.

In your ``urls.py``::

    from django.urls import include, path
    from familyhubs_sdk.integrations.django import support_urls, timeline_urls

    urlpatterns = [
        path("request-support/", include(support_urls(flow))),
        path("find-a-child/", include(timeline_urls(screens, viewer=current_viewer))),
    ]

The draft id and the reasons for access given live in ``request.session`` (enable
``SessionMiddleware``). CSRF is Django's own:
keep ``CsrfViewMiddleware`` on; forms carry ``csrfmiddlewaretoken`` from ``get_token(request)``, so
build the flow and screens with ``csrf_field="csrfmiddlewaretoken"`` (the URL builders check).
"""

from __future__ import annotations

from collections.abc import Callable

from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.middleware.csrf import get_token
from django.urls import URLPattern, path, re_path

from familyhubs_sdk.errors import ConfigurationError
from familyhubs_sdk.integrations._common import (
    DRAFT_SESSION_KEY,
    JOURNEY_SESSION_KEY,
    Flow,
    Layout,
    default_layout,
    keep_draft,
    keep_reason,
    screen_request,
    signed_out,
)
from familyhubs_sdk.support.journey._web import FlowRequest, RenderResponse, UploadedFile
from familyhubs_sdk.timeline._web import TimelineScreens
from familyhubs_sdk.web._viewer import Viewer

__all__ = ["DJANGO_CSRF_FIELD", "support_urls", "timeline_urls"]

#: The form field Django's CsrfViewMiddleware reads the token from.
DJANGO_CSRF_FIELD = "csrfmiddlewaretoken"


class _SeeOther(HttpResponseRedirect):  # type: ignore[misc]
    status_code = 303


def _check_csrf_field(owner: object, what: str) -> None:
    if getattr(owner, "csrf_field", DJANGO_CSRF_FIELD) != DJANGO_CSRF_FIELD:
        raise ConfigurationError(
            f'build the {what} with csrf_field="{DJANGO_CSRF_FIELD}" for Django\'s CSRF middleware'
        )


def _base_path(request: HttpRequest, step: str) -> str:
    full = str(request.path)
    return (full[: len(full) - len(step)] if step else full).rstrip("/")


def support_urls(flow: Flow, *, layout: Layout | None = None) -> list[URLPattern]:
    """URL patterns for the journey; include them under any prefix."""
    _check_csrf_field(flow, "flow")
    page = layout or default_layout(flow)

    def view(request: HttpRequest, step: str = "") -> HttpResponse:
        flow_request = FlowRequest(
            method=request.method or "GET",
            path=step,
            base_path=_base_path(request, step),
            form={key: request.POST.getlist(key) for key in request.POST},
            query={key: request.GET.getlist(key) for key in request.GET},
            draft_id=request.session.get(DRAFT_SESSION_KEY),
            journey_key=request.session.get(JOURNEY_SESSION_KEY),
            csrf_token=get_token(request),
            client=request.META.get("REMOTE_ADDR"),
            files={
                name: [UploadedFile(f.name or "", f.read()) for f in request.FILES.getlist(name)]
                for name in request.FILES
            },
        )
        answer = flow.handle(flow_request)
        keep_draft(request.session, answer)
        if isinstance(answer, RenderResponse):
            return HttpResponse(page(answer), status=answer.status, content_type="text/html")
        return _SeeOther(answer.location)

    return [
        path("", view, name="familyhubs-support-start"),
        re_path(r"^(?P<step>.+)$", view, name="familyhubs-support-step"),
    ]


def timeline_urls(
    screens: TimelineScreens,
    *,
    viewer: Callable[[HttpRequest], Viewer | None],
    layout: Layout | None = None,
) -> list[URLPattern]:
    """URL patterns for the timeline screens; include them under any prefix.

    :param viewer: the signed-in professional for a request (e.g. from ``request.user``), or
        ``None`` (the screens then answer 401).
    """
    _check_csrf_field(screens, "screens")
    page = layout or default_layout(screens, service_name="Find a child")

    def view(request: HttpRequest, step: str = "") -> HttpResponse:
        who = viewer(request)
        if who is None:
            html, status = signed_out(page)
            return HttpResponse(html, status=status, content_type="text/html")
        answer = screens.handle(
            screen_request(
                request.session,
                viewer=who,
                method=request.method or "GET",
                path=step,
                base_path=_base_path(request, step),
                form={key: request.POST.getlist(key) for key in request.POST},
                query={key: request.GET.getlist(key) for key in request.GET},
                csrf_token=get_token(request),
            )
        )
        keep_reason(request.session, answer)
        if answer.location is not None:
            return _SeeOther(answer.location)
        return HttpResponse(page(answer), status=answer.status, content_type="text/html")

    return [
        path("", view, name="familyhubs-timeline-search"),
        re_path(r"^(?P<step>.+)$", view, name="familyhubs-timeline-screen"),
    ]
