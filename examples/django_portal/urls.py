"""The portal's URLs: its own pages, plus the request-for-support journey under /request-support/
and the timeline screens under /find-a-child/."""

from __future__ import annotations

import os
import secrets
from pathlib import Path

from django.conf import settings
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.middleware.csrf import get_token
from django.urls import include, path
from django.utils.html import format_html, format_html_join

from familyhubs_sdk import load_settings
from familyhubs_sdk.integrations.django import DJANGO_CSRF_FIELD, support_urls, timeline_urls
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
    path("request-support/", include(support_urls(flow, viewer=current_viewer))),
    path("find-a-child/", include(timeline_urls(screens, viewer=current_viewer))),
]
