"""A FastAPI portal that mounts both solutions — the request-for-support journey and the timeline
screens — with its own CSRF check and (demo) sign-in, and GOV.UK Frontend's stylesheet and script
served from the SDK's static folder.

``create_app()`` only connects: the store is migrated (``familyhubs db upgrade``) and the
synthetic warehouse written (``familyhubs views synthetic``) before the portal starts, once, so
any number of uvicorn workers can start together (docs/production.md). Every worker reads the
same ``FAMILYHUBS_SECRET_KEY``; the portal refuses to start without it.
"""

from __future__ import annotations

import hmac
import os
import secrets
from collections.abc import Callable
from pathlib import Path
from typing import Protocol

from fastapi import Depends, FastAPI, Form, HTTPException, Request
from fastapi.responses import HTMLResponse, RedirectResponse
from fastapi.staticfiles import StaticFiles
from markupsafe import Markup
from sqlalchemy.engine import Engine
from starlette.datastructures import MutableHeaders
from starlette.middleware.sessions import SessionMiddleware
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from familyhubs_sdk import load_settings
from familyhubs_sdk.integrations.fastapi import support_router, timeline_router
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
from familyhubs_sdk.web import Viewer, security_headers

#: Where the portal serves the SDK's static files.
STATIC_URL = "/static/familyhubs/"


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
                assets=asset_tags(STATIC_URL),
            )
        )

    return layout


class SecurityHeaders:
    """The SDK's security headers on every response (plain ASGI middleware, so file responses
    stream untouched). The SDK's pages show personal data: no-store on every page, static files
    excepted."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        headers = security_headers(
            page=not scope["path"].startswith(STATIC_URL), https=scope["scheme"] == "https"
        )

        async def send_with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                MutableHeaders(scope=message).update(headers)
            await send(message)

        await self.app(scope, receive, send_with_headers)


def csrf_token(request: Request) -> str:
    if "csrf" not in request.session:
        request.session["csrf"] = secrets.token_urlsafe(32)
    return str(request.session["csrf"])


async def check_csrf(request: Request) -> None:
    """The portal's CSRF check on every POST (the form is parsed once and cached)."""
    if request.method == "POST":
        sent = str((await request.form()).get("csrf_token", ""))
        if not hmac.compare_digest(sent, request.session.get("csrf", "")):
            raise HTTPException(400, "The form expired. Go back and try again.")


def current_viewer(request: Request) -> Viewer | None:
    """The signed-in professional. A real portal asks its own sign-in (e.g. Entra ID)."""
    return next((v for v in DEMO_VIEWERS if v.id == request.session.get("user")), None)


def require_migrated(engine: Engine) -> None:
    """Refuse to start on a store the deployment has not migrated: the portal never migrates it
    itself, as several workers starting at once would race to."""
    if current_revision(engine) != head_revision():
        raise RuntimeError(
            "the SDK's database is not at the newest revision: run `familyhubs db upgrade` "
            "once before starting the portal"
        )


def create_app(data_dir: Path | None = None) -> FastAPI:
    # Secrets from the environment (FAMILYHUBS_SECRET_KEY): the same in every worker, and the
    # portal refuses to start without it (ConfigurationError saying how to make one).
    settings = load_settings(**({"data_dir": data_dir} if data_dir else {}))
    session_key = settings.derived_key("portal-session").hex()
    engine = create_engine(settings.database_url_value())
    require_migrated(engine)
    app = FastAPI()

    # The session cookie: HttpOnly (Starlette always), not sent on other sites' POSTs, and only
    # over HTTPS in production (set PORTAL_HTTPS=1; the example runs on http://localhost).
    app.add_middleware(
        SessionMiddleware,
        secret_key=session_key,
        same_site="lax",
        https_only=os.environ.get("PORTAL_HTTPS") == "1",
    )
    app.add_middleware(SecurityHeaders)

    app.mount(STATIC_URL.rstrip("/"), StaticFiles(directory=static_path()), name="familyhubs")

    @app.get("/", response_class=HTMLResponse)
    def home() -> str:
        return (
            '<a href="/request-support/">Request support for a family</a> '
            '<a href="/find-a-child/">Find a child</a> <a href="/sign-in">Sign in (demo)</a>'
        )

    @app.get("/sign-in", response_class=HTMLResponse)
    def sign_in_page(request: Request) -> str:
        buttons = Markup("").join(
            Markup('<button name="user" value="{}">{} ({})</button>').format(v.id, v.name, v.role)
            for v in DEMO_VIEWERS
        )
        return Markup(
            '<form method="post"><input type="hidden" name="csrf_token" value="{}">{}</form>'
        ).format(csrf_token(request), buttons)

    @app.post("/sign-in", dependencies=[Depends(check_csrf)])
    def sign_in(request: Request, user: str = Form("")) -> RedirectResponse:
        request.session["user"] = user
        return RedirectResponse("/find-a-child/", status_code=303)

    evidence = EvidenceUploads(
        FilesystemEvidenceStorage(settings.data_dir / "evidence"),  # outside any served folder
        SQLEvidenceIndex(engine),
        scanner=NoScanner(),  # a deliberate choice: pass ClamAVScanner(...) to scan uploads
    )
    # Resume links are full addresses built from where people reach the portal
    # (PORTAL_PUBLIC_URL, e.g. https://help.example.gov.uk); never from the Host header.
    options = JourneyOptions(
        public_base_url=os.environ.get("PORTAL_PUBLIC_URL", "http://127.0.0.1:8000")
    )
    flow = build_flow(settings, engine=engine, evidence=evidence, options=options)
    app.include_router(
        # Whoever is signed in is the referrer; the form works for nobody signed in too.
        support_router(
            flow,
            viewer=current_viewer,
            csrf_token=csrf_token,
            layout=page_layout(flow.service_name),
            # Behind a reverse proxy set FAMILYHUBS_TRUSTED_PROXIES=1: rate limits then count
            # the client's address from X-Forwarded-For, never the header otherwise.
            trusted_proxies=settings.trusted_proxies,
        ),
        prefix="/request-support",
        dependencies=[Depends(check_csrf)],
    )

    # Synthetic data stands in for the LA's warehouse, written beforehand by `familyhubs views
    # synthetic --url …` (PORTAL_WAREHOUSE_URL); a real portal points at its own views.
    warehouse = create_engine(
        os.environ.get("PORTAL_WAREHOUSE_URL")
        or f"sqlite:///{(settings.data_dir / 'warehouse.db').as_posix()}"
    )
    service = demo_timeline_service(warehouse, engine, audit_key=settings.derived_key("audit"))
    app.include_router(
        timeline_router(
            TimelineScreens(service),
            viewer=current_viewer,
            csrf_token=csrf_token,
            layout=page_layout("Find a child"),
            trusted_proxies=settings.trusted_proxies,
        ),
        prefix="/find-a-child",
        dependencies=[Depends(check_csrf)],
    )
    return app
