"""The Flask portal completes both journeys through Flask's test client: a whole request for
support, and find a child → reason → timeline → who to contact → family."""

from __future__ import annotations

import io
from pathlib import Path

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

flask = pytest.importorskip("flask")


@pytest.fixture(autouse=True)
def _deployed(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """The deployment steps the portal expects: secret set, store migrated, warehouse written."""
    prepare_portal(tmp_path, monkeypatch)


def _browser(client: object) -> Browser:
    def get(path: str) -> Response:
        r = client.get(path)  # type: ignore[attr-defined]
        return Response(r.status_code, r.headers.get("Location"), r.get_data(as_text=True))

    def post(path: str, form: object) -> Response:
        r = client.post(path, data=form)  # type: ignore[attr-defined]
        return Response(r.status_code, r.headers.get("Location"), r.get_data(as_text=True))

    def upload(path: str, form: object, files: list[tuple[str, bytes]]) -> Response:
        data = {**form, "evidence": [(io.BytesIO(body), name) for name, body in files]}  # type: ignore[dict-item]
        r = client.post(path, data=data, content_type="multipart/form-data")  # type: ignore[attr-defined]
        return Response(r.status_code, r.headers.get("Location"), r.get_data(as_text=True))

    return Browser(get, post, upload=upload)


def test_full_journey(tmp_path: Path) -> None:
    from examples.flask_portal.app import create_app

    reference = complete_journey(_browser(create_app(tmp_path).test_client()))
    assert len(reference) == 8


def test_posts_without_the_portals_csrf_token_are_refused(tmp_path: Path) -> None:
    from examples.flask_portal.app import create_app

    client = create_app(tmp_path).test_client()
    client.get("/request-support/")
    assert (
        client.post("/request-support/immediate_danger", data={"answer": "no"}).status_code == 400
    )


def test_find_a_child_through_reason_to_timeline_and_contacts(tmp_path: Path) -> None:
    from examples.flask_portal.app import create_app

    client = create_app(tmp_path).test_client()
    browser = _browser(client)
    assert browser.get("/find-a-child/").status == 401  # nobody signed in

    def sign_in_as(user: str) -> None:
        page = client.get("/sign-in").get_data(as_text=True)
        token = page.split('name="csrf_token" value="')[1].split('"')[0]
        client.post("/sign-in", data={"user": user, "csrf_token": token})

    sign_in_as("demo-fs")
    timeline = find_a_child(browser, known_child(f"sqlite:///{tmp_path / 'warehouse.db'}"))
    another_professional_is_asked_again(browser, timeline, sign_in_as)


def test_pages_link_govuk_frontend_which_the_portal_serves(tmp_path: Path) -> None:
    from examples.flask_portal.app import create_app

    client = create_app(tmp_path).test_client()
    client.get("/request-support/")
    page = client.get("/request-support/immediate_danger").get_data(as_text=True)
    assert '<link rel="stylesheet" href="/static/familyhubs/govuk/govuk-frontend.min.css">' in page
    assert '<script type="module" src="/static/familyhubs/familyhubs-init.js"></script>' in page
    for path in ("govuk/govuk-frontend.min.css", "familyhubs.css", "familyhubs-init.js"):
        response = client.get(f"/static/familyhubs/{path}")
        assert response.status_code == 200, path
        response.close()
    assert client.get("/static/familyhubs/../../config.py").status_code == 404


def test_responses_carry_the_security_headers_and_cookie_flags(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from examples.flask_portal.app import create_app

    from familyhubs_sdk.web import security_headers

    client = create_app(tmp_path).test_client()
    for path in ("/", "/request-support/", "/find-a-child/", "/sign-in"):
        response = client.get(path)
        for name, value in security_headers().items():
            assert response.headers[name] == value, (path, name)
    static = client.get("/static/familyhubs/familyhubs.css")
    static.close()
    assert static.status_code == 200
    assert static.headers.get("Cache-Control") != "no-store"  # static files may be cached
    assert static.headers["X-Content-Type-Options"] == "nosniff"
    cookie = create_app(tmp_path).test_client().get("/sign-in").headers["Set-Cookie"]
    assert "HttpOnly" in cookie
    assert "SameSite=Lax" in cookie
    assert "Secure" not in cookie  # the example runs on http://localhost
    https = client.get("/", base_url="https://localhost")
    assert https.headers["Strict-Transport-Security"] == "max-age=31536000"

    monkeypatch.setenv("PORTAL_HTTPS", "1")
    secure = create_app(tmp_path).test_client()
    assert "Secure" in secure.get("/sign-in", base_url="https://localhost").headers["Set-Cookie"]


@pytest.mark.parametrize(("proxies", "client"), [("0", "127.0.0.1"), ("1", "203.0.113.7")])
def test_familyhubs_trusted_proxies_says_whose_address_rate_limits_count(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, proxies: str, client: str
) -> None:
    from examples.flask_portal.app import create_app

    from familyhubs_sdk.support import FormFlow, WebRequest, WebResponse

    seen: list[str | None] = []
    handle = FormFlow.handle

    def spy(flow: FormFlow, request: WebRequest) -> WebResponse:
        seen.append(request.client)
        return handle(flow, request)

    monkeypatch.setattr(FormFlow, "handle", spy)
    monkeypatch.setenv("FAMILYHUBS_TRUSTED_PROXIES", proxies)
    app = create_app(tmp_path)
    app.test_client().get(
        "/request-support/",
        headers={"X-Forwarded-For": "198.51.100.9, 203.0.113.7"},
        environ_base={"REMOTE_ADDR": "127.0.0.1"},
    )
    assert seen == [client]
