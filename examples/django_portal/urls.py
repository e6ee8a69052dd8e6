"""The portal's URLs: its own pages, plus the request-for-support journey under /request-support/
and the timeline screens under /find-a-child/, and the SDK's static files (GOV.UK Frontend's
stylesheet and script) under /static/familyhubs/."""

from __future__ import annotations

import os
import secrets
from collections.abc import Callable
from pathlib import Path
from typing import Protocol

from django.conf import settings
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.middleware.csrf import get_token
from django.urls import include, path, re_path
from django.utils.html import format_html, format_html_join
from django.views.static import serve
from markupsafe import Markup

from familyhubs_sdk import load_settings
from familyhubs_sdk.integrations.django import DJANGO_CSRF_FIELD, support_urls, timeline_urls
from familyhubs_sdk.rendering import Renderer, asset_tags, static_path
from familyhubs_sdk.store import create_engine, upgrade
from familyhubs_sdk.support import (
    EvidenceUploads,
    FilesystemEvidenceStorage,
    JourneyOptions,
    NoScanner,
    SQLEvidenceIndex,
    build_flow,
)
from familyhubs_sdk.synthetic import DEMO_VIEWERS, build_warehouse, demo_timeline_service
from familyhubs_sdk.timeline import TimelineScreens
from familyhubs_sdk.web import CsrfRule, Viewer

#: Forms carry Django's CSRF token in the field its middleware reads.
DJANGO_CSRF = CsrfRule(field=DJANGO_CSRF_FIELD)

sdk_settings = load_settings(
    data_dir=settings.FAMILYHUBS_DATA_DIR,
    # Set FAMILYHUBS_SECRET_KEY in production: audit references are keyed with it.
    secret_key=os.environ.get("FAMILYHUBS_SECRET_KEY") or secrets.token_urlsafe(48),
)
engine = create_engine(sdk_settings.database_url_value())
upgrade(engine)  # a real portal runs `familyhubs db upgrade` when it deploys
evidence = EvidenceUploads(
    FilesystemEvidenceStorage(Path(sdk_settings.data_dir) / "evidence"),  # outside served folders
    SQLEvidenceIndex(engine),
    scanner=NoScanner(),  # a deliberate choice: pass ClamAVScanner(...) to scan uploads
)
flow = build_flow(
    sdk_settings, engine=engine, options=JourneyOptions(csrf=DJANGO_CSRF), evidence=evidence
)

# Synthetic data stands in for the LA's warehouse; a real portal points at its own views.
warehouse = create_engine(f"sqlite:///{Path(sdk_settings.data_dir) / 'warehouse.db'}")
build_warehouse(warehouse, children=150)
screens = TimelineScreens(
    demo_timeline_service(warehouse, engine, audit_key=sdk_settings.derived_key("audit")),
    csrf=DJANGO_CSRF,
)


class PortalPage(Protocol):
    title: str
    html: Markup


def page_layout(service_name: str) -> Callable[[PortalPage], str]:
    """The SDK's pages in its plain GOV.UK page, styled and scripted by GOV.UK Frontend from the
    wheel. A real portal renders them in its own base template, with ``asset_tags`` in its head."""
    renderer = Renderer()

    def layout(page: PortalPage) -> str:
        return str(
            renderer.render(
                "familyhubs/page.html",
                title=page.title,
                content=page.html,
                service_name=service_name,
                assets=asset_tags(settings.STATIC_URL + "familyhubs/"),
            )
        )

    return layout


def current_viewer(request: HttpRequest) -> Viewer | None:
    """The signed-in professional. A real portal maps ``request.user`` to a Viewer."""
    return next((v for v in DEMO_VIEWERS if v.id == request.session.get("user")), None)


def home(request: HttpRequest) -> HttpResponse:
    return HttpResponse(
        '<a href="/request-support/">Request support for a family</a> '
        '<a href="/find-a-child/">Find a child</a> <a href="/sign-in">Sign in (demo)</a>'
    )


def sign_in(request: HttpRequest) -> HttpResponse:
    if request.method == "POST":
        request.session["user"] = request.POST.get("user", "")
        return HttpResponseRedirect("/find-a-child/", status=303)
    buttons = format_html_join(
        "",
        '<button name="user" value="{}">{} ({})</button>',
        ((v.id, v.name, v.role) for v in DEMO_VIEWERS),
    )
    return HttpResponse(
        format_html(
            '<form method="post"><input type="hidden" name="csrfmiddlewaretoken" value="{}">'
            "{}</form>",
            get_token(request),
            buttons,
        )
    )


urlpatterns = [
    path("", home),
    path("sign-in", sign_in),
    path(
        "request-support/",
        include(support_urls(flow, viewer=current_viewer, layout=page_layout("Request support"))),
    ),
    path(
        "find-a-child/",
        include(timeline_urls(screens, viewer=current_viewer, layout=page_layout("Find a child"))),
    ),
    # Django's development server for static files keeps the example self-contained; in
    # production `collectstatic` copies them (STATICFILES_DIRS) for the web server to serve.
    re_path(r"^static/familyhubs/(?P<path>.*)$", serve, {"document_root": static_path()}),
]
