"""An existing Flask portal that adds both solutions: the request-for-support journey and the
timeline screens (find a child → reason → timeline, who to contact, family).

Everything an LA developer writes is here: build the flow and the screens, give them the portal's
CSRF token and signed-in professional, mount them; serve the SDK's static folder (GOV.UK
Frontend's stylesheet and script) and link it from the pages.
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
from werkzeug.wrappers import Response

from familyhubs_sdk import load_settings
from familyhubs_sdk.integrations.flask import FamilyHubsSupport, FamilyHubsTimeline
from familyhubs_sdk.rendering import Renderer, asset_tags, static_path
from familyhubs_sdk.store import create_engine, upgrade
from familyhubs_sdk.support import (
    EvidenceUploads,
    FilesystemEvidenceStorage,
    NoScanner,
    SQLEvidenceIndex,
    build_flow,
)
from familyhubs_sdk.synthetic import DEMO_VIEWERS, build_warehouse, demo_timeline_service
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


def create_app(data_dir: Path | None = None) -> Flask:
    app = Flask(__name__)
    app.secret_key = secrets.token_bytes(32)
    # The session cookie: not readable by script, not sent on other sites' POSTs, and only over
    # HTTPS in production (set PORTAL_HTTPS=1; the example itself runs on http://localhost).
    app.config.update(
        SESSION_COOKIE_HTTPONLY=True,
        SESSION_COOKIE_SAMESITE="Lax",
        SESSION_COOKIE_SECURE=os.environ.get("PORTAL_HTTPS") == "1",
    )
    app.config["MAX_CONTENT_LENGTH"] = 30 * 1024 * 1024  # evidence uploads: refuse bigger bodies
    settings = load_settings(
        **({"data_dir": data_dir} if data_dir else {}),
        # Set FAMILYHUBS_SECRET_KEY in production: audit references are keyed with it.
        secret_key=os.environ.get("FAMILYHUBS_SECRET_KEY") or secrets.token_urlsafe(48),
    )

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
    upgrade(engine)  # a real portal runs `familyhubs db upgrade` when it deploys
    evidence = EvidenceUploads(
        FilesystemEvidenceStorage(settings.data_dir / "evidence"),  # outside any served folder
        SQLEvidenceIndex(engine),
        scanner=NoScanner(),  # a deliberate choice: pass ClamAVScanner(...) to scan uploads
    )
    flow = build_flow(settings, engine=engine, evidence=evidence)
    # Whoever is signed in is the referrer; the form works for nobody signed in too.
    FamilyHubsSupport(
        flow,
        app,
        viewer=current_viewer,
        csrf_token=csrf_token,
        layout=page_layout("Request support"),
    )

    # Synthetic data stands in for the LA's warehouse; a real portal points at its own views.
    warehouse = create_engine(f"sqlite:///{settings.data_dir / 'warehouse.db'}")
    build_warehouse(warehouse, children=150)
    service = demo_timeline_service(warehouse, engine, audit_key=settings.derived_key("audit"))
    FamilyHubsTimeline(
        TimelineScreens(service),
        app,
        viewer=current_viewer,
        csrf_token=csrf_token,
        layout=page_layout("Find a child"),
    )
    return app
