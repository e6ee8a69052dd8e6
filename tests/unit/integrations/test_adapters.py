"""The Flask, Django and FastAPI adapters translate HTTP and sessions, nothing more: each has one
code path, the same for the journey and the timeline screens."""

from __future__ import annotations

import io
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any

import pytest
from markupsafe import Markup, escape
from tests.helpers.journeys import known_child

from familyhubs_sdk.rendering import Renderer
from familyhubs_sdk.store import create_engine, upgrade
from familyhubs_sdk.synthetic import DEMO_VIEWERS, build_warehouse, demo_timeline_service
from familyhubs_sdk.timeline import TimelineScreens
from familyhubs_sdk.web import CsrfRule, Viewer, WebRequest, WebResponse
from familyhubs_sdk.web._http import BodyLimits

DRAFT = "familyhubs_draft_id"
SW, FS, _HV = DEMO_VIEWERS


class RecordingHandler:
    """``""`` starts a draft and redirects; ``"page"`` renders; ``"done"`` forgets the draft."""

    service_name = "Request support for a family"

    def __init__(self, csrf: CsrfRule | None = None) -> None:
        self.renderer = Renderer()
        self.csrf = csrf or CsrfRule()
        self.requests: list[WebRequest] = []

    def body_limits(self, path: str) -> BodyLimits:
        """``"page"`` takes files, as the journey's evidence page does."""
        return (
            BodyLimits(max_files=1, max_file_bytes=1000, max_files_bytes=1000)
            if path == "page"
            else BodyLimits()
        )

    def handle(self, request: WebRequest) -> WebResponse:
        self.requests.append(request)
        if request.path == "":
            return WebResponse.redirect(request.url("page"), session={DRAFT: "draft-1"})
        if request.path == "done":
            return WebResponse.redirect(request.url("confirmation"), session={DRAFT: None})
        body = Markup("<p>draft={}; fields={}</p>").format(
            request.session.get(DRAFT), escape(sorted(request.form.items()))
        )
        return WebResponse.page(body, "A page", status=400 if request.form else 200)


PREFIX = "/request-support"
LETTER = ("letter.pdf", b"%PDF-1.7 a letter")


def _check_files(request: WebRequest) -> None:
    (upload,) = request.files["evidence"]
    assert (upload.filename, upload.data) == LETTER
    assert request.form["upload"] == ["1"]


def test_flask_adapter() -> None:
    flask = pytest.importorskip("flask")
    from familyhubs_sdk.integrations.flask import FamilyHubsSupport

    app = flask.Flask(__name__)
    app.secret_key = "test"
    flow = RecordingHandler()
    FamilyHubsSupport(flow, app, url_prefix=PREFIX, csrf_token=lambda: "tok-1", viewer=lambda: FS)
    client = app.test_client()
    with client.session_transaction() as session:
        session["host_value"] = "the host's own"

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
    client.post(
        f"{PREFIX}/page",
        data={"upload": "1", "evidence": (io.BytesIO(LETTER[1]), LETTER[0])},
        content_type="multipart/form-data",
    )

    first, second, third, fourth, fifth = flow.requests
    assert (first.method, first.path, first.base_path) == ("GET", "", PREFIX)
    assert first.session == {}  # the host's own values never reach the SDK
    assert first.viewer == FS
    assert second.form == {"needs": ["housing", "money"]}
    assert second.csrf_token == "tok-1"
    assert third.session == {DRAFT: "draft-1"}
    assert DRAFT not in fourth.session  # completing forgets the draft
    _check_files(fifth)
    with client.session_transaction() as session:
        assert session["host_value"] == "the host's own"


def test_django_adapter() -> None:
    pytest.importorskip("django")
    from tests.helpers.django_setup import ensure_django

    ensure_django()
    from django.test import Client, override_settings
    from django.urls import clear_url_caches, include, path

    from familyhubs_sdk.errors import ConfigurationError
    from familyhubs_sdk.integrations.django import DJANGO_CSRF_FIELD, support_urls

    with pytest.raises(ConfigurationError, match="csrfmiddlewaretoken"):
        support_urls(RecordingHandler())
    flow = RecordingHandler(CsrfRule(field=DJANGO_CSRF_FIELD))
    global urlpatterns
    urlpatterns = [path("request-support/", include(support_urls(flow)))]
    clear_url_caches()
    with override_settings(ROOT_URLCONF=__name__):
        _drive_django(flow, Client(enforce_csrf_checks=True), DJANGO_CSRF_FIELD)


def _drive_django(flow: RecordingHandler, client: object, field: str) -> None:
    from django.core.files.uploadedfile import SimpleUploadedFile
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
    assert flow.requests[-1].session == {DRAFT: "draft-1"}
    assert flow.requests[-1].base_path == PREFIX
    assert flow.requests[-1].viewer is None  # no viewer callable given
    evidence = SimpleUploadedFile(*LETTER)
    client.post(f"{PREFIX}/page", {"upload": "1", "evidence": evidence, field: token})
    _check_files(flow.requests[-1])


urlpatterns: list[object] = []


def test_fastapi_adapter() -> None:
    pytest.importorskip("fastapi")
    from fastapi import FastAPI
    from fastapi.testclient import TestClient
    from starlette.middleware.sessions import SessionMiddleware

    from familyhubs_sdk.integrations.fastapi import support_router

    flow = RecordingHandler()
    app = FastAPI()
    app.add_middleware(SessionMiddleware, secret_key="test")
    app.include_router(
        support_router(flow, csrf_token=lambda request: "tok-2", viewer=lambda request: SW),
        prefix=PREFIX,
    )
    with TestClient(app) as client:
        start = client.get(f"{PREFIX}/", follow_redirects=False)
        assert (start.status_code, start.headers["location"]) == (303, f"{PREFIX}/page")
        page = client.post(f"{PREFIX}/page", data={"needs": ["housing", "money"]})
        assert page.status_code == 400
        assert "draft=draft-1" in page.text
        done = client.post(f"{PREFIX}/done", follow_redirects=False)
        assert done.headers["location"] == f"{PREFIX}/confirmation"
        client.post(f"{PREFIX}/page", data={"upload": "1"}, files={"evidence": LETTER})
    assert flow.requests[1].form == {"needs": ["housing", "money"]}
    assert flow.requests[1].csrf_token == "tok-2"
    assert flow.requests[1].base_path == PREFIX
    assert flow.requests[1].viewer == SW
    assert DRAFT not in flow.requests[3].session
    _check_files(flow.requests[3])


# -- the timeline screens: reasons for access belong to the professional who gave them ----------

TIMELINE = "/find-a-child"


@dataclass
class Screens:
    """Real timeline screens over a small synthetic warehouse, and a child to find."""

    screens: TimelineScreens
    subject: str


@pytest.fixture(scope="module")
def screens(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Screens]:
    tmp = tmp_path_factory.mktemp("adapters")
    warehouse_url = f"sqlite:///{tmp / 'warehouse.db'}"
    warehouse = create_engine(warehouse_url)
    build_warehouse(warehouse, children=60, seed=5)
    store = create_engine(f"sqlite:///{tmp / 'store.db'}")
    upgrade(store)
    service = demo_timeline_service(warehouse, store, audit_key=b"k" * 32)
    found = service.resolver.resolve("nhs_number", known_child(warehouse_url).nhs_number)
    assert found is not None
    yield Screens(TimelineScreens(service), found.master_id)
    warehouse.dispose()
    store.dispose()


class SignedIn:
    """Who the portal's sign-in says is using the browser: changes without a new session."""

    def __init__(self) -> None:
        self.viewer: Viewer | None = None

    def __call__(self, *_request: Any) -> Viewer | None:
        return self.viewer


Get = Callable[[str], tuple[int, str | None]]
Post = Callable[[str, dict[str, str]], tuple[int, str | None]]


def _second_professional_is_asked_again(
    get: Get, post: Post, who: SignedIn, subject: str, csrf_field: str = "csrf_token"
) -> None:
    record = f"{TIMELINE}/record/{subject}"
    assert get(record)[0] == 401  # nobody signed in
    who.viewer = SW
    assert get(record) == (303, f"{record}/reason")
    assert post(f"{record}/reason", {"reason": "safeguarding", csrf_field: "tok"}) == (
        303,
        record,
    )
    assert get(record) == (200, None)
    who.viewer = FS  # another professional, the same browser session
    assert get(record) == (303, f"{record}/reason")
    assert get(f"{record}/contacts") == (303, f"{record}/reason")


def test_flask_binds_reasons_to_the_professional(screens: Screens) -> None:
    flask = pytest.importorskip("flask")
    from familyhubs_sdk.integrations.flask import FamilyHubsTimeline

    app = flask.Flask(__name__)
    app.secret_key = "test"
    who = SignedIn()
    FamilyHubsTimeline(screens.screens, app, viewer=who, csrf_token=lambda: "tok")
    client = app.test_client()

    def get(path: str) -> tuple[int, str | None]:
        r = client.get(path)
        return r.status_code, r.headers.get("Location")

    def post(path: str, form: dict[str, str]) -> tuple[int, str | None]:
        r = client.post(path, data=form)
        return r.status_code, r.headers.get("Location")

    _second_professional_is_asked_again(get, post, who, screens.subject)
    who.viewer = None
    signed_out = client.get(f"{TIMELINE}/")
    assert signed_out.status_code == 401
    assert "<title>Sign in to find a child – Find a child</title>" in signed_out.text


def test_django_binds_reasons_to_the_professional(screens: Screens) -> None:
    pytest.importorskip("django")
    from tests.helpers.django_setup import ensure_django

    ensure_django()
    from django.test import Client, override_settings
    from django.urls import clear_url_caches, include, path

    from familyhubs_sdk.integrations.django import DJANGO_CSRF_FIELD, timeline_urls

    who = SignedIn()
    django_screens = TimelineScreens(
        screens.screens.service, csrf=CsrfRule(field=DJANGO_CSRF_FIELD)
    )
    global urlpatterns
    urlpatterns = [path("find-a-child/", include(timeline_urls(django_screens, viewer=who)))]
    clear_url_caches()
    client = Client()

    def get(path: str) -> tuple[int, str | None]:
        r = client.get(path)
        return r.status_code, r.get("Location")

    def post(path: str, form: dict[str, str]) -> tuple[int, str | None]:
        r = client.post(path, form)
        return r.status_code, r.get("Location")

    with override_settings(ROOT_URLCONF=__name__):
        _second_professional_is_asked_again(get, post, who, screens.subject, DJANGO_CSRF_FIELD)


def test_fastapi_binds_reasons_to_the_professional(screens: Screens) -> None:
    pytest.importorskip("fastapi")
    from fastapi import FastAPI
    from fastapi.testclient import TestClient
    from starlette.middleware.sessions import SessionMiddleware

    from familyhubs_sdk.integrations.fastapi import timeline_router

    who = SignedIn()
    app = FastAPI()
    app.add_middleware(SessionMiddleware, secret_key="test")
    app.include_router(
        timeline_router(screens.screens, viewer=who, csrf_token=lambda request: "tok"),
        prefix=TIMELINE,
    )
    with TestClient(app) as client:

        def get(path: str) -> tuple[int, str | None]:
            r = client.get(path, follow_redirects=False)
            return r.status_code, r.headers.get("location")

        def post(path: str, form: dict[str, str]) -> tuple[int, str | None]:
            r = client.post(path, data=form, follow_redirects=False)
            return r.status_code, r.headers.get("location")

        _second_professional_is_asked_again(get, post, who, screens.subject)
