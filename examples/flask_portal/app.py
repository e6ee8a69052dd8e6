"""An existing Flask portal that adds both solutions: the request-for-support journey and the
timeline screens (find a child → reason → timeline, who to contact, family).

Everything an LA developer writes is here: build the flow and the screens, give them the portal's
CSRF token and signed-in professional, mount them; serve the SDK's static folder (GOV.UK
Frontend's stylesheet and script) and link it from the pages.

``create_app()`` only connects: the store is migrated (``familyhubs db upgrade``) and the
synthetic warehouse written (``familyhubs views synthetic``) before the portal starts, once, so
any number of workers can start together (docs/production.md). Every worker reads the same
``FAMILYHUBS_SECRET_KEY``; the portal refuses to start without it.
"""

from __future__ import annotations

import hmac
import os
import secrets
from collections.abc import Callable
from pathlib import Path
from typing import Protocol

from flask import Flask, abort, redirect, request, send_from_directory, session
from markupsafe import Markup
from sqlalchemy.engine import Engine
from werkzeug.wrappers import Response

from familyhubs_sdk import load_settings
from familyhubs_sdk.integrations.flask import FamilyHubsSupport, FamilyHubsTimeline
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


def csrf_token() -> str:
    """The portal's CSRF token for this session (a real portal might use Flask-WTF)."""
    if "csrf" not in session:
        session["csrf"] = secrets.token_urlsafe(32)
    return str(session["csrf"])


def current_viewer() -> Viewer | None:
    """The signed-in professional. A real portal asks its own sign-in (e.g. Entra ID)."""
    return next((v for v in DEMO_VIEWERS if v.id == session.get("user")), None)


def require_migrated(engine: Engine) -> None:
    """Refuse to start on a store the deployment has not migrated: the portal never migrates it
    itself, as several workers starting at once would race to."""
    if current_revision(engine) != head_revision():
        raise RuntimeError(
            "the SDK's database is not at the newest revision: run `familyhubs db upgrade` "
            "once before starting the portal"
        )


def create_app(data_dir: Path | None = None) -> Flask:
    # Secrets from the environment (FAMILYHUBS_SECRET_KEY): the same in every worker, and the
    # portal refuses to start without it (ConfigurationError saying how to make one).
    settings = load_settings(**({"data_dir": data_dir} if data_dir else {}))
    app = Flask(__name__)
    app.secret_key = settings.derived_key("portal-session")
    # The session cookie: not readable by script, not sent on other sites' POSTs, and only over
    # HTTPS in production (set PORTAL_HTTPS=1; the example itself runs on http://localhost).
    app.config.update(
        SESSION_COOKIE_HTTPONLY=True,
        SESSION_COOKIE_SAMESITE="Lax",
        SESSION_COOKIE_SECURE=os.environ.get("PORTAL_HTTPS") == "1",
    )
    app.config["MAX_CONTENT_LENGTH"] = 30 * 1024 * 1024  # evidence uploads: refuse bigger bodies

    @app.after_request
    def add_security_headers(response: Response) -> Response:
        # The SDK's pages show personal data: no-store on every page, static files excepted.
        response.headers.update(
            security_headers(page=not request.path.startswith(STATIC_URL), https=request.is_secure)
        )
        return response

    @app.before_request
    def check_csrf() -> None:
        if request.method == "POST":
            sent = request.form.get("csrf_token", "")
            if not hmac.compare_digest(sent, session.get("csrf", "")):
                abort(400, "The form expired. Go back and try again.")

    @app.get(f"{STATIC_URL}<path:name>")
    def familyhubs_static(name: str) -> Response:
        return send_from_directory(static_path(), name)

    @app.get("/")
    def home() -> str:
        return (
            '<a href="/request-support/">Request support for a family</a> '
            '<a href="/find-a-child/">Find a child</a> <a href="/sign-in">Sign in (demo)</a>'
        )

    @app.route("/sign-in", methods=["GET", "POST"])
    def sign_in() -> str | Response:
        if request.method == "POST":
            session["user"] = request.form.get("user", "")
            return redirect("/find-a-child/", code=303)
        buttons = Markup("").join(
            Markup('<button name="user" value="{}">{} ({})</button>').format(v.id, v.name, v.role)
            for v in DEMO_VIEWERS
        )
        return Markup(
            '<form method="post"><input type="hidden" name="csrf_token" value="{}">{}</form>'
        ).format(csrf_token(), buttons)

    engine = create_engine(settings.database_url_value())
    require_migrated(engine)
    evidence = EvidenceUploads(
        FilesystemEvidenceStorage(settings.data_dir / "evidence"),  # outside any served folder
        SQLEvidenceIndex(engine),
        scanner=NoScanner(),  # a deliberate choice: pass ClamAVScanner(...) to scan uploads
    )
    # Resume links are full addresses: set PORTAL_PUBLIC_URL (https://help.example.gov.uk) in
    # production; locally the link is built from the request's own host, which Flask checks
    # against TRUSTED_HOSTS when it is set.
    options = JourneyOptions(
        public_base_url=os.environ.get("PORTAL_PUBLIC_URL", ""),
        request_origin=lambda _request: request.host_url,
    )
    flow = build_flow(settings, engine=engine, evidence=evidence, options=options)
    # Whoever is signed in is the referrer; the form works for nobody signed in too.
    FamilyHubsSupport(
        flow,
        app,
        viewer=current_viewer,
        csrf_token=csrf_token,
        layout=page_layout(flow.service_name),
        # Behind a reverse proxy set FAMILYHUBS_TRUSTED_PROXIES=1: rate limits then count the
        # client's address from X-Forwarded-For, never the header when no proxy is trusted.
        trusted_proxies=settings.trusted_proxies,
    )

    # Synthetic data stands in for the LA's warehouse, written beforehand by `familyhubs views
    # synthetic --url …` (PORTAL_WAREHOUSE_URL); a real portal points at its own views.
    warehouse = create_engine(
        os.environ.get("PORTAL_WAREHOUSE_URL")
        or f"sqlite:///{(settings.data_dir / 'warehouse.db').as_posix()}"
    )
    service = demo_timeline_service(warehouse, engine, audit_key=settings.derived_key("audit"))
    FamilyHubsTimeline(
        TimelineScreens(service),
        app,
        viewer=current_viewer,
        csrf_token=csrf_token,
        layout=page_layout("Find a child"),
        trusted_proxies=settings.trusted_proxies,
    )
    return app
