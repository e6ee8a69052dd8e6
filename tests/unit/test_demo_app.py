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
