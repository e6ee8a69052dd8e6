"""The portal's URLs: its own pages, plus the request-for-support journey under /request-support/
and the timeline screens under /find-a-child/, and the SDK's static files (GOV.UK Frontend's
stylesheet and script) under /static/familyhubs/."""

from __future__ import annotations

import os
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
from familyhubs_sdk.store import create_engine, current_revision, head_revision
from familyhubs_sdk.support import (
    EvidenceUploads,
    FilesystemEvidenceStorage,
    JourneyOptions,
    NoScanner,
    SQLEvidenceIndex,
    build_flow,
)
from familyhubs_sdk.synthetic import DEMO_VIEWERS, demo_timeline_service
from familyhubs_sdk.timeline import TimelineScreens
from familyhubs_sdk.web import CsrfRule, Viewer

#: Forms carry Django's CSRF token in the field its middleware reads.
DJANGO_CSRF = CsrfRule(field=DJANGO_CSRF_FIELD)

# Secrets from the environment (FAMILYHUBS_SECRET_KEY), the same in every worker. Loading the URLs
# only connects: the store is migrated (`familyhubs db upgrade`) and the synthetic warehouse
# written (`familyhubs views synthetic`) before the portal starts (docs/production.md).
sdk_settings = load_settings(data_dir=settings.FAMILYHUBS_DATA_DIR)
audit_key = sdk_settings.derived_key("audit")  # refuses to start without the secret
engine = create_engine(sdk_settings.database_url_value())
if current_revision(engine) != head_revision():
    raise RuntimeError(
        "the SDK's database is not at the newest revision: run `familyhubs db upgrade` once "
        "before starting the portal"
    )
evidence = EvidenceUploads(
    FilesystemEvidenceStorage(Path(sdk_settings.data_dir) / "evidence"),  # outside served folders
    SQLEvidenceIndex(engine),
    scanner=NoScanner(),  # a deliberate choice: pass ClamAVScanner(...) to scan uploads
)
# Resume links are full addresses built from where people reach the portal (PORTAL_PUBLIC_URL,
# e.g. https://help.example.gov.uk); never from the Host header.
journey_options = JourneyOptions(
    csrf=DJANGO_CSRF,
    public_base_url=os.environ.get("PORTAL_PUBLIC_URL", "http://127.0.0.1:8000"),
)
flow = build_flow(sdk_settings, engine=engine, options=journey_options, evidence=evidence)

# Synthetic data stands in for the LA's warehouse, written beforehand by `familyhubs views
# synthetic --url …` (PORTAL_WAREHOUSE_URL); a real portal points at its own views.
warehouse = create_engine(
    os.environ.get("PORTAL_WAREHOUSE_URL")
    or f"sqlite:///{(Path(sdk_settings.data_dir) / 'warehouse.db').as_posix()}"
)
screens = TimelineScreens(
    demo_timeline_service(warehouse, engine, audit_key=audit_key),
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
        include(
            support_urls(
                flow,
                viewer=current_viewer,
                layout=page_layout(flow.service_name),
                # Behind a reverse proxy set FAMILYHUBS_TRUSTED_PROXIES=1: rate limits then count
                # the client's address from X-Forwarded-For, never the header otherwise.
                trusted_proxies=sdk_settings.trusted_proxies,
            )
        ),
    ),
    path(
        "find-a-child/",
        include(
            timeline_urls(
                screens,
                viewer=current_viewer,
                layout=page_layout("Find a child"),
                trusted_proxies=sdk_settings.trusted_proxies,
            )
        ),
    ),
    # Django's development server for static files keeps the example self-contained; in
    # production `collectstatic` copies them (STATICFILES_DIRS) for the web server to serve.
    re_path(r"^static/familyhubs/(?P<path>.*)$", serve, {"document_root": static_path()}),
]
