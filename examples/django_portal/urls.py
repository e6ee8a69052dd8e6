"""The portal's URLs: its own pages, plus the journey under /request-support/."""

from __future__ import annotations

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.urls import include, path

from familyhubs_sdk import load_settings
from familyhubs_sdk.integrations.django import DJANGO_CSRF_FIELD, support_urls
from familyhubs_sdk.store import create_engine, upgrade
from familyhubs_sdk.support import build_flow

sdk_settings = load_settings(data_dir=settings.FAMILYHUBS_DATA_DIR)
engine = create_engine(sdk_settings.database_url_value())
upgrade(engine)  # a real portal runs `familyhubs db upgrade` when it deploys
flow = build_flow(sdk_settings, engine=engine, csrf_field=DJANGO_CSRF_FIELD)


def home(request: HttpRequest) -> HttpResponse:
    return HttpResponse('<a href="/request-support/">Request support for a family</a>')


urlpatterns = [
    path("", home),
    path("request-support/", include(support_urls(flow))),
]
