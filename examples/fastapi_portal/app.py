"""A FastAPI portal that mounts the request-for-support journey, with its own CSRF check."""

from __future__ import annotations

import hmac
import secrets
from pathlib import Path

from fastapi import Depends, FastAPI, HTTPException, Request
from fastapi.responses import HTMLResponse
from starlette.middleware.sessions import SessionMiddleware

from familyhubs_sdk import load_settings
from familyhubs_sdk.integrations.fastapi import support_router
from familyhubs_sdk.store import create_engine, upgrade
from familyhubs_sdk.support import build_flow


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


def create_app(data_dir: Path | None = None) -> FastAPI:
    settings = load_settings(**({"data_dir": data_dir} if data_dir else {}))
    engine = create_engine(settings.database_url_value())
    upgrade(engine)  # a real portal runs `familyhubs db upgrade` when it deploys
    app = FastAPI()

    app.add_middleware(SessionMiddleware, secret_key=secrets.token_urlsafe(32))

    @app.get("/", response_class=HTMLResponse)
    def home() -> str:
        return '<a href="/request-support/">Request support for a family</a>'

    flow = build_flow(settings, engine=engine)
    app.include_router(
        support_router(flow, csrf_token=csrf_token),
        prefix="/request-support",
        dependencies=[Depends(check_csrf)],
    )
    return app
