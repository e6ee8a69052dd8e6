"""An existing Flask portal that adds the request-for-support journey.

Everything an LA developer writes is here: build the flow, give it the portal's CSRF token,
mount it.
"""

from __future__ import annotations

import hmac
import secrets
from pathlib import Path

from flask import Flask, abort, request, session

from familyhubs_sdk import load_settings
from familyhubs_sdk.integrations.flask import FamilyHubsSupport
from familyhubs_sdk.store import create_engine, upgrade
from familyhubs_sdk.support import build_flow


def csrf_token() -> str:
    """The portal's CSRF token for this session (a real portal might use Flask-WTF)."""
    if "csrf" not in session:
        session["csrf"] = secrets.token_urlsafe(32)
    return str(session["csrf"])


def create_app(data_dir: Path | None = None) -> Flask:
    app = Flask(__name__)
    app.secret_key = secrets.token_bytes(32)
    settings = load_settings(**({"data_dir": data_dir} if data_dir else {}))

    @app.before_request
    def check_csrf() -> None:
        if request.method == "POST":
            sent = request.form.get("csrf_token", "")
            if not hmac.compare_digest(sent, session.get("csrf", "")):
                abort(400, "The form expired. Go back and try again.")

    @app.get("/")
    def home() -> str:
        return '<a href="/request-support/">Request support for a family</a>'

    engine = create_engine(settings.database_url_value())
    upgrade(engine)  # a real portal runs `familyhubs db upgrade` when it deploys
    FamilyHubsSupport(build_flow(settings, engine=engine), app, csrf_token=csrf_token)
    return app
