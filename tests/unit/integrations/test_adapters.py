"""The Flask, Django and FastAPI adapters translate HTTP and sessions, nothing more."""

from __future__ import annotations

import pytest
from markupsafe import Markup, escape

from familyhubs_sdk.rendering import Renderer
from familyhubs_sdk.support.journey._web import (
    CompleteResponse,
    FlowRequest,
    FlowResponse,
    RedirectResponse,
    RenderResponse,
)


class RecordingFlow:
    """``""`` starts a draft and redirects; ``"page"`` renders; ``"done"`` completes."""

    csrf_field = "csrf_token"

    def __init__(self) -> None:
        self.renderer = Renderer()
        self.requests: list[FlowRequest] = []

    def handle(self, request: FlowRequest) -> FlowResponse:
        self.requests.append(request)
        if request.path == "":
            return RedirectResponse(f"{request.base_path}/page", draft_id="draft-1")
        if request.path == "done":
            return CompleteResponse("ABCD2345", f"{request.base_path}/confirmation", draft_id=None)
        body = Markup("<p>draft={}; fields={}</p>").format(
            request.draft_id, escape(sorted(request.form.items()))
        )
        return RenderResponse(
            body, title="A page", status=400 if request.form else 200, draft_id=request.draft_id
        )


PREFIX = "/request-support"


def test_flask_adapter() -> None:
    flask = pytest.importorskip("flask")
    from familyhubs_sdk.integrations.flask import FamilyHubsSupport

    app = flask.Flask(__name__)
    app.secret_key = "test"
    flow = RecordingFlow()
    FamilyHubsSupport(flow, app, url_prefix=PREFIX, csrf_token=lambda: "tok-1")
    client = app.test_client()

    start = client.get(f"{PREFIX}/")
    assert (start.status_code, start.headers["Location"]) == (303, f"{PREFIX}/page")
    page = client.post(f"{PREFIX}/page", data={"needs": ["housing", "money"]})
    assert page.status_code == 400
    assert page.mimetype == "text/html"
    assert "<title>A page – Request support for a family</title>" in page.text
    assert "draft=draft-1" in page.text
    done = client.post(f"{PREFIX}/done")
    assert (done.status_code, done.headers["Location"]) == (303, f"{PREFIX}/confirmation")
    client.get(f"{PREFIX}/page")

    first, second, third, fourth = flow.requests
    assert (first.method, first.path, first.base_path, first.draft_id) == ("GET", "", PREFIX, None)
    assert second.form == {"needs": ["housing", "money"]}
    assert second.csrf_token == "tok-1"
    assert third.draft_id == "draft-1"
    assert fourth.draft_id is None  # completing forgets the draft


def test_django_adapter() -> None:
    pytest.importorskip("django")
    from tests.helpers.django_setup import ensure_django

    ensure_django()
    from django.test import Client, override_settings
    from django.urls import clear_url_caches, include, path

    from familyhubs_sdk.errors import ConfigurationError
    from familyhubs_sdk.integrations.django import DJANGO_CSRF_FIELD, support_urls

    flow = RecordingFlow()
    with pytest.raises(ConfigurationError, match="csrfmiddlewaretoken"):
        support_urls(flow)
    flow.csrf_field = DJANGO_CSRF_FIELD
    global urlpatterns
    urlpatterns = [path("request-support/", include(support_urls(flow)))]
    clear_url_caches()
    with override_settings(ROOT_URLCONF=__name__):
        _drive_django(flow, Client(enforce_csrf_checks=True), DJANGO_CSRF_FIELD)


def _drive_django(flow: RecordingFlow, client: object, field: str) -> None:
    from django.test import Client

    assert isinstance(client, Client)
    start = client.get(f"{PREFIX}/")
    assert (start.status_code, start["Location"]) == (303, f"{PREFIX}/page")
    page = client.get(f"{PREFIX}/page")
    assert page.status_code == 200
    token = flow.requests[-1].csrf_token
    assert token
    refused = client.post(f"{PREFIX}/page", {"needs": ["housing"]})
    assert refused.status_code == 403  # Django's CSRF middleware, not ours
    posted = client.post(f"{PREFIX}/page", {"needs": ["housing", "money"], field: token})
    assert posted.status_code == 400
    assert flow.requests[-1].form["needs"] == ["housing", "money"]
    assert flow.requests[-1].draft_id == "draft-1"
    assert flow.requests[-1].base_path == PREFIX


urlpatterns: list[object] = []


def test_fastapi_adapter() -> None:
    pytest.importorskip("fastapi")
    from fastapi import FastAPI
    from fastapi.testclient import TestClient
    from starlette.middleware.sessions import SessionMiddleware

    from familyhubs_sdk.integrations.fastapi import support_router

    flow = RecordingFlow()
    app = FastAPI()
    app.add_middleware(SessionMiddleware, secret_key="test")
    app.include_router(support_router(flow, csrf_token=lambda request: "tok-2"), prefix=PREFIX)
    with TestClient(app) as client:
        start = client.get(f"{PREFIX}/", follow_redirects=False)
        assert (start.status_code, start.headers["location"]) == (303, f"{PREFIX}/page")
        page = client.post(f"{PREFIX}/page", data={"needs": ["housing", "money"]})
        assert page.status_code == 400
        assert "draft=draft-1" in page.text
        done = client.post(f"{PREFIX}/done", follow_redirects=False)
        assert done.headers["location"] == f"{PREFIX}/confirmation"
    assert flow.requests[1].form == {"needs": ["housing", "money"]}
    assert flow.requests[1].csrf_token == "tok-2"
    assert flow.requests[1].base_path == PREFIX
