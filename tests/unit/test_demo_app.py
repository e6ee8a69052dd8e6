"""The demo portal's WSGI application, driven in-process with every variable required."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import jinja2
import pytest

from familyhubs_sdk.config import Settings
from familyhubs_sdk.demo.app import SECURITY_HEADERS, DemoApp
from familyhubs_sdk.rendering import Renderer
from familyhubs_sdk.store import create_engine, head_revision, upgrade
from hostile import structure


@pytest.fixture
def app(tmp_path: Path) -> DemoApp:
    settings = Settings(data_dir=tmp_path, la_name="Exampleshire <County> Council")
    engine = create_engine(settings.database_url_value())
    upgrade(engine)
    return DemoApp(settings, engine, Renderer(undefined=jinja2.StrictUndefined))


def call(app: DemoApp, path: str, method: str = "GET") -> tuple[str, dict[str, str], str]:
    seen: dict[str, Any] = {}

    def start_response(status: str, headers: list[tuple[str, str]]) -> None:
        seen["status"], seen["headers"] = status, dict(headers)

    body = b"".join(app({"PATH_INFO": path, "REQUEST_METHOD": method}, start_response))
    return seen["status"], seen["headers"], body.decode()


def test_home_page_shows_the_installation(app: DemoApp) -> None:
    status, headers, body = call(app, "/")
    assert status == "200 OK"
    assert f'<dd class="govuk-summary-list__value">{head_revision()}</dd>' in body
    assert "Exampleshire &lt;County&gt; Council" in body
    assert "<title>Home – Family Hubs SDK demo</title>" in body
    for name, value in SECURITY_HEADERS:
        assert headers[name] == value
    assert int(headers["Content-Length"]) == len(body.encode())


def test_pages_carry_no_inline_script_or_style(app: DemoApp) -> None:
    for path in ("/", "/missing"):
        _, _, body = call(app, path)
        elements = structure(body)
        assert not {"script", "style"} & {tag for tag, _ in elements}
        for _tag, attributes in elements:
            assert "style" not in attributes
            assert not any(name.startswith("on") for name in attributes)


def test_not_found_and_method_not_allowed(app: DemoApp) -> None:
    assert call(app, "/missing")[0] == "404 Not Found"
    status, headers, body = call(app, "/", method="DELETE")
    assert status == "405 Method Not Allowed"
    assert headers["Allow"] == "GET, HEAD"
    assert "Method not allowed" in body


def _call_full(
    app: DemoApp, method: str, path: str, cookie: str = "", body: str = ""
) -> tuple[str, dict[str, str], str]:
    import io

    seen: dict[str, Any] = {}

    def start_response(status: str, headers: list[tuple[str, str]]) -> None:
        seen["status"], seen["headers"] = status, dict(headers)

    path, _, query = path.partition("?")
    environ = {
        "PATH_INFO": path,
        "QUERY_STRING": query,
        "REQUEST_METHOD": method,
        "HTTP_COOKIE": cookie,
        "CONTENT_LENGTH": str(len(body.encode())),
        "wsgi.input": io.BytesIO(body.encode()),
    }
    out = b"".join(app(environ, start_response))
    return seen["status"], seen["headers"], out.decode()


def test_demo_runs_the_request_for_support_journey(app: DemoApp) -> None:
    import re
    from urllib.parse import urlencode

    status, headers, _ = _call_full(app, "GET", "/request-support/")
    assert status == "303 See Other"
    assert headers["Location"] == "/request-support/immediate_danger"
    cookie = headers["Set-Cookie"].split(";", 1)[0]
    assert "HttpOnly" in headers["Set-Cookie"]

    status, _, page = _call_full(app, "GET", "/request-support/immediate_danger", cookie)
    assert status == "200 OK"
    assert "Is anyone in the family in immediate danger?" in page
    token = re.search(r'name="csrf_token" value="([^"]+)"', page).group(1)  # type: ignore[union-attr]

    forged = _call_full(
        app, "POST", "/request-support/immediate_danger", cookie, urlencode({"answer": "no"})
    )
    assert forged[0] == "400 Bad Request"
    status, headers, _ = _call_full(
        app,
        "POST",
        "/request-support/immediate_danger",
        cookie,
        urlencode({"answer": "no", "csrf_token": token}),
    )
    assert (status, headers["Location"]) == ("303 See Other", "/request-support/significant_harm")
    status, _, page = _call_full(
        app,
        "POST",
        "/request-support/significant_harm",
        cookie,
        urlencode({"answer": "", "csrf_token": token}),
    )
    assert status == "400 Bad Request"
    assert "<title>Error: Do you think a child is suffering" in page
