"""Each adapter hands the journey the client's address from X-Forwarded-For only when the host
says a proxy stands in front of it: otherwise a client could pick its own rate-limit key."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from markupsafe import Markup

from familyhubs_sdk.rendering import Renderer
from familyhubs_sdk.web import CsrfRule, WebRequest, WebResponse

FORWARDED = {"X-Forwarded-For": "198.51.100.66, 203.0.113.7"}


class ClientRecorder:
    service_name = "Clients"

    def __init__(self, csrf: CsrfRule | None = None) -> None:
        self.renderer = Renderer()
        self.csrf = csrf or CsrfRule()
        self.clients: list[str | None] = []

    def handle(self, request: WebRequest) -> WebResponse:
        self.clients.append(request.client)
        return WebResponse.page(Markup("<p>ok</p>"), "ok")


def _flask(trusted: int) -> tuple[ClientRecorder, Callable[[dict[str, str]], None]]:
    flask = pytest.importorskip("flask")
    from familyhubs_sdk.integrations.flask import FamilyHubsSupport

    app = flask.Flask(__name__)
    app.secret_key = "test"
    handler = ClientRecorder()
    FamilyHubsSupport(handler, app, csrf_token=lambda: "t", trusted_proxies=trusted)
    client = app.test_client()
    return handler, lambda headers: client.get(
        "/request-support/", headers=headers, environ_base={"REMOTE_ADDR": "10.0.0.5"}
    )


def _fastapi(trusted: int) -> tuple[ClientRecorder, Callable[[dict[str, str]], None]]:
    pytest.importorskip("fastapi")
    from fastapi import FastAPI
    from fastapi.testclient import TestClient
    from starlette.middleware.sessions import SessionMiddleware

    from familyhubs_sdk.integrations.fastapi import support_router

    app = FastAPI()
    app.add_middleware(SessionMiddleware, secret_key="test")
    handler = ClientRecorder()
    app.include_router(
        support_router(handler, csrf_token=lambda _r: "t", trusted_proxies=trusted),
        prefix="/request-support",
    )
    client = TestClient(app, client=("10.0.0.5", 50000))
    return handler, lambda headers: client.get("/request-support/", headers=headers)


def _django(trusted: int) -> tuple[ClientRecorder, Callable[[dict[str, str]], None]]:
    pytest.importorskip("django")
    from tests.helpers.django_setup import ensure_django

    ensure_django()
    from django.test import RequestFactory

    from familyhubs_sdk.integrations.django import DJANGO_CSRF_FIELD, support_urls

    handler = ClientRecorder(CsrfRule(field=DJANGO_CSRF_FIELD))
    (index, _below) = support_urls(handler, trusted_proxies=trusted)

    def get(headers: dict[str, str]) -> None:
        from django.contrib.sessions.backends.signed_cookies import SessionStore

        meta = {f"HTTP_{k.upper().replace('-', '_')}": v for k, v in headers.items()}
        request = RequestFactory().get("/request-support/", REMOTE_ADDR="10.0.0.5", **meta)
        request.session = SessionStore()
        index.callback(request)

    return handler, get


ADAPTERS = {"flask": _flask, "fastapi": _fastapi, "django": _django}


@pytest.mark.parametrize("adapter", sorted(ADAPTERS))
def test_forwarded_for_is_ignored_without_a_trusted_proxy(adapter: str) -> None:
    handler, get = ADAPTERS[adapter](0)
    get(FORWARDED)
    assert handler.clients == ["10.0.0.5"]


@pytest.mark.parametrize("adapter", sorted(ADAPTERS))
def test_one_trusted_proxy_gives_the_address_it_saw(adapter: str) -> None:
    handler, get = ADAPTERS[adapter](1)
    get(FORWARDED)
    get({})  # not through the proxy: the socket's address
    assert handler.clients == ["203.0.113.7", "10.0.0.5"]
