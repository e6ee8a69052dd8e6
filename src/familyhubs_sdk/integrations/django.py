"""Django adapter: the request-for-support journey as URL patterns.

In your ``urls.py``::

    from django.urls import include, path
    from familyhubs_sdk.integrations.django import support_urls

    urlpatterns = [path("request-support/", include(support_urls(flow)))]

The draft id lives in ``request.session`` (enable ``SessionMiddleware``). CSRF is Django's own:
keep ``CsrfViewMiddleware`` on; forms carry ``csrfmiddlewaretoken`` from ``get_token(request)``, so
build the flow with ``csrf_field="csrfmiddlewaretoken"`` (``support_urls`` checks this).
"""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.middleware.csrf import get_token
from django.urls import URLPattern, path, re_path

from familyhubs_sdk.errors import ConfigurationError
from familyhubs_sdk.integrations._common import DRAFT_SESSION_KEY, Flow, Layout, default_layout
from familyhubs_sdk.support.web import FlowRequest, RenderResponse

__all__ = ["DJANGO_CSRF_FIELD", "support_urls"]

#: The form field Django's CsrfViewMiddleware reads the token from.
DJANGO_CSRF_FIELD = "csrfmiddlewaretoken"


class _SeeOther(HttpResponseRedirect):  # type: ignore[misc]
    status_code = 303


def support_urls(flow: Flow, *, layout: Layout | None = None) -> list[URLPattern]:
    """URL patterns for the journey; include them under any prefix."""
    if getattr(flow, "csrf_field", DJANGO_CSRF_FIELD) != DJANGO_CSRF_FIELD:
        raise ConfigurationError(
            f'build the flow with csrf_field="{DJANGO_CSRF_FIELD}" for Django\'s CSRF middleware'
        )
    page = layout or default_layout(flow)

    def view(request: HttpRequest, step: str = "") -> HttpResponse:
        prefix = request.path[: len(request.path) - len(step)] if step else request.path
        flow_request = FlowRequest(
            method=request.method or "GET",
            path=step,
            base_path=prefix.rstrip("/"),
            form={key: request.POST.getlist(key) for key in request.POST},
            query={key: request.GET.getlist(key) for key in request.GET},
            draft_id=request.session.get(DRAFT_SESSION_KEY),
            csrf_token=get_token(request),
        )
        answer = flow.handle(flow_request)
        if answer.draft_id is None:
            request.session.pop(DRAFT_SESSION_KEY, None)
        else:
            request.session[DRAFT_SESSION_KEY] = answer.draft_id
        if isinstance(answer, RenderResponse):
            return HttpResponse(page(answer), status=answer.status, content_type="text/html")
        return _SeeOther(answer.location)

    return [
        path("", view, name="familyhubs-support-start"),
        re_path(r"^(?P<step>.+)$", view, name="familyhubs-support-step"),
    ]
