"""The Django portal completes both journeys through Django's test client, CSRF enforced: a
whole request for support, and find a child → reason → timeline → who to contact → family."""

from __future__ import annotations

import importlib
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import pytest
from tests.helpers.journeys import (
    Browser,
    Response,
    another_professional_is_asked_again,
    complete_journey,
    find_a_child,
    known_child,
)
from tests.helpers.portals import prepare_portal

pytest.importorskip("django")


@pytest.fixture(autouse=True)
def _deployed(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """The deployment steps the portal expects: secret set, store migrated, warehouse written."""
    prepare_portal(tmp_path, monkeypatch)


@contextmanager
def portal(tmp_path: Path) -> Iterator[tuple[Any, Browser]]:
    """The example portal's URLs on a fresh data folder, and a CSRF-enforcing test client."""
    from tests.helpers.django_setup import ensure_django

    ensure_django()
    from django.test import Client, override_settings
    from django.urls import clear_url_caches

    with override_settings(
        ROOT_URLCONF="examples.django_portal.urls", FAMILYHUBS_DATA_DIR=str(tmp_path)
    ):
        sys.modules.pop("examples.django_portal.urls", None)
        importlib.import_module("examples.django_portal.urls")
        clear_url_caches()
        client = Client(enforce_csrf_checks=True)

        def get(path: str) -> Response:
            r = client.get(path)
            return Response(r.status_code, r.get("Location"), r.content.decode())

        def post(path: str, form: object) -> Response:
            r = client.post(path, data=form)
            return Response(r.status_code, r.get("Location"), r.content.decode())

        def upload(path: str, form: object, files: list[tuple[str, bytes]]) -> Response:
            from django.core.files.uploadedfile import SimpleUploadedFile

            data = {**form, "evidence": [SimpleUploadedFile(n, b) for n, b in files]}  # type: ignore[dict-item]
            r = client.post(path, data=data)
            return Response(r.status_code, r.get("Location"), r.content.decode())

        yield client, Browser(get, post, csrf_field="csrfmiddlewaretoken", upload=upload)


def test_full_journey(tmp_path: Path) -> None:
    with portal(tmp_path) as (client, browser):
        reference = complete_journey(browser)
        assert len(reference) == 8
        # Without the token, Django's own CSRF middleware refuses the POST.
        assert client.post("/request-support/consent", {"answer": "yes"}).status_code == 403


def test_find_a_child_through_reason_to_timeline_and_contacts(tmp_path: Path) -> None:
    with portal(tmp_path) as (_client, browser):
        assert browser.get("/find-a-child/").status == 401  # nobody signed in

        def sign_in_as(user: str) -> None:
            page = browser.get("/sign-in").text
            token = page.split('name="csrfmiddlewaretoken" value="')[1].split('"')[0]
            signed_in = browser.post("/sign-in", {"user": user, "csrfmiddlewaretoken": token})
            assert signed_in.status == 303

        sign_in_as("demo-fs")
        timeline = find_a_child(browser, known_child(f"sqlite:///{tmp_path / 'warehouse.db'}"))
        another_professional_is_asked_again(browser, timeline, sign_in_as)


def test_pages_link_govuk_frontend_which_the_portal_serves(tmp_path: Path) -> None:
    with portal(tmp_path) as (client, browser):
        browser.get("/request-support/")
        page = browser.get("/request-support/immediate_danger").text
        stylesheet = "/static/familyhubs/govuk/govuk-frontend.min.css"
        assert f'<link rel="stylesheet" href="{stylesheet}">' in page
        assert '<script type="module" src="/static/familyhubs/familyhubs-init.js"></script>' in page
        for path in ("govuk/govuk-frontend.min.css", "familyhubs.css", "familyhubs-init.js"):
            response = client.get(f"/static/familyhubs/{path}")
            assert response.status_code == 200, path
            response.close()


def test_responses_carry_the_security_headers_and_cookie_flags(tmp_path: Path) -> None:
    from django.conf import settings

    from familyhubs_sdk.web import security_headers

    with portal(tmp_path) as (client, _browser):
        for path in ("/", "/request-support/", "/find-a-child/", "/sign-in"):
            response = client.get(path)
            for name, value in security_headers().items():
                assert response[name] == value, (path, name)
        static = client.get("/static/familyhubs/familyhubs.css")
        static.close()
        assert static.status_code == 200
        assert "Cache-Control" not in static  # static files may be cached
        assert static["X-Content-Type-Options"] == "nosniff"
        https = client.get("/", secure=True)
        assert https["Strict-Transport-Security"] == "max-age=31536000"
    # The cookie flags the portal's settings give Django's session and CSRF cookies.
    assert settings.SESSION_COOKIE_HTTPONLY is True
    assert settings.SESSION_COOKIE_SAMESITE == settings.CSRF_COOKIE_SAMESITE == "Lax"
    assert settings.SESSION_COOKIE_SECURE is False  # True with PORTAL_HTTPS=1, in production
