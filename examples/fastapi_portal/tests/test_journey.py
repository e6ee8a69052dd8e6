"""The FastAPI portal completes both journeys through Starlette's test client: a whole request
for support, and find a child → reason → timeline → who to contact → family."""

from __future__ import annotations

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

pytest.importorskip("fastapi")


@pytest.fixture(autouse=True)
def _deployed(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """The deployment steps the portal expects: secret set, store migrated, warehouse written."""
    prepare_portal(tmp_path, monkeypatch)


def _browser(client: Any) -> Browser:
    def get(path: str) -> Response:
        r = client.get(path, follow_redirects=False)
        return Response(r.status_code, r.headers.get("location"), r.text)

    def post(path: str, form: object) -> Response:
        r = client.post(path, data=form, follow_redirects=False)
        return Response(r.status_code, r.headers.get("location"), r.text)

    def upload(path: str, form: object, files: list[tuple[str, bytes]]) -> Response:
        parts = [("evidence", (name, body, "application/octet-stream")) for name, body in files]
        r = client.post(path, data=form, files=parts, follow_redirects=False)
        return Response(r.status_code, r.headers.get("location"), r.text)

    return Browser(get, post, upload=upload)


def test_full_journey(tmp_path: Path) -> None:
    from examples.fastapi_portal.app import create_app
    from fastapi.testclient import TestClient

    with TestClient(create_app(tmp_path)) as client:
        reference = complete_journey(_browser(client))
        assert len(reference) == 8
        assert client.post("/request-support/consent", data={"answer": "yes"}).status_code == 400


def test_find_a_child_through_reason_to_timeline_and_contacts(tmp_path: Path) -> None:
    from examples.fastapi_portal.app import create_app
    from fastapi.testclient import TestClient

    with TestClient(create_app(tmp_path)) as client:
        browser = _browser(client)
        assert browser.get("/find-a-child/").status == 401  # nobody signed in

        def sign_in_as(user: str) -> None:
            page = browser.get("/sign-in").text
            token = page.split('name="csrf_token" value="')[1].split('"')[0]
            assert browser.post("/sign-in", {"user": user, "csrf_token": token}).status == 303

        sign_in_as("demo-fs")
        timeline = find_a_child(browser, known_child(f"sqlite:///{tmp_path / 'warehouse.db'}"))
        another_professional_is_asked_again(browser, timeline, sign_in_as)


def test_pages_link_govuk_frontend_which_the_portal_serves(tmp_path: Path) -> None:
    from examples.fastapi_portal.app import create_app
    from fastapi.testclient import TestClient

    with TestClient(create_app(tmp_path)) as client:
        client.get("/request-support/")
        page = client.get("/request-support/immediate_danger").text
        stylesheet = "/static/familyhubs/govuk/govuk-frontend.min.css"
        assert f'<link rel="stylesheet" href="{stylesheet}">' in page
        assert '<script type="module" src="/static/familyhubs/familyhubs-init.js"></script>' in page
        for path in ("govuk/govuk-frontend.min.css", "familyhubs.css", "familyhubs-init.js"):
            assert client.get(f"/static/familyhubs/{path}").status_code == 200, path


def test_responses_carry_the_security_headers_and_cookie_flags(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from examples.fastapi_portal.app import create_app
    from fastapi.testclient import TestClient

    from familyhubs_sdk.web import security_headers

    with TestClient(create_app(tmp_path)) as client:
        for path in ("/", "/request-support/", "/find-a-child/", "/sign-in"):
            response = client.get(path, follow_redirects=False)
            for name, value in security_headers().items():
                assert response.headers[name] == value, (path, name)
        static = client.get("/static/familyhubs/familyhubs.css")
        assert static.status_code == 200
        assert static.headers.get("Cache-Control") != "no-store"  # static files may be cached
        assert static.headers["X-Content-Type-Options"] == "nosniff"
    with TestClient(create_app(tmp_path)) as client:
        cookie = client.get("/sign-in").headers["set-cookie"]
        assert "httponly" in cookie.lower()
        assert "samesite=lax" in cookie.lower()
        assert "secure" not in cookie.lower()  # the example runs on http://localhost

    monkeypatch.setenv("PORTAL_HTTPS", "1")
    with TestClient(create_app(tmp_path), base_url="https://testserver") as client:
        response = client.get("/sign-in")
        assert "secure" in response.headers["set-cookie"].lower()
        assert response.headers["Strict-Transport-Security"] == "max-age=31536000"
