"""A second form: a health visitor's request to a family hub, mounted in a small Flask app.

The form is the tree beside this file (``family_hub_request.yaml``); the journey is the SDK's
``FormFlow`` over it, exactly as for the shipped form. Run it with::

    flask --app examples.family_hub_request.app run
"""

from __future__ import annotations

import hmac
import os
import secrets
from pathlib import Path

from flask import Flask, abort, request, send_from_directory, session
from werkzeug.wrappers import Response

from familyhubs_sdk import load_settings
from familyhubs_sdk.integrations.flask import FamilyHubsSupport
from familyhubs_sdk.questiontree import QuestionTree, load_tree_file
from familyhubs_sdk.rendering import Renderer, asset_tags, static_path
from familyhubs_sdk.store import create_engine, upgrade
from familyhubs_sdk.support import JourneyOptions, build_flow
from familyhubs_sdk.web import Page, security_headers

#: The form: edit it and check it with ``familyhubs tree check``.
TREE_FILE = Path(__file__).with_name("family_hub_request.yaml")
#: Where the journey is mounted.
PREFIX = "/ask-a-family-hub"
STATIC_URL = "/static/familyhubs/"


def family_hub_tree() -> QuestionTree:
    """The family hub request form, loaded from its YAML."""
    return load_tree_file(TREE_FILE)


def create_app(data_dir: Path | None = None, *, tree: QuestionTree | None = None) -> Flask:
    """The form under ``/ask-a-family-hub``, its store in ``data_dir`` (SQLite); ``tree`` is
    another form to mount the same way (the family hub request by default)."""
    app = Flask(__name__)
    app.secret_key = secrets.token_bytes(32)
    settings = load_settings(
        **({"data_dir": data_dir} if data_dir else {}),
        secret_key=os.environ.get("FAMILYHUBS_SECRET_KEY") or secrets.token_urlsafe(48),
    )
    engine = create_engine(settings.database_url_value())
    upgrade(engine)  # a real portal runs `familyhubs db upgrade` when it deploys
    options = JourneyOptions(
        progress="questions_left",  # a short form: "About 6 questions left" reads well
        public_base_url=os.environ.get("PORTAL_PUBLIC_URL", ""),
        request_origin=lambda _request: request.host_url,
    )
    flow = build_flow(settings, engine=engine, tree=tree or family_hub_tree(), options=options)
    renderer = Renderer()

    def layout(page: Page) -> str:
        # The page title: "<page> – <service> – <the council>", as GOV.UK titles read.
        service = " – ".join(filter(None, (flow.service_name, flow.title_suffix)))
        html = renderer.render(
            "familyhubs/page.html",
            title=page.title,
            content=page.html,
            service_name=service,
            assets=asset_tags(STATIC_URL),
        )
        return str(html)

    def csrf_token() -> str:
        if "csrf" not in session:
            session["csrf"] = secrets.token_urlsafe(32)
        return str(session["csrf"])

    @app.before_request
    def check_csrf() -> None:
        if request.method == "POST":
            sent = request.form.get("csrf_token", "")
            if not hmac.compare_digest(sent, session.get("csrf", "")):
                abort(400, "The form expired. Go back and try again.")

    @app.after_request
    def add_security_headers(response: Response) -> Response:
        response.headers.update(security_headers(page=not request.path.startswith(STATIC_URL)))
        return response

    @app.get(f"{STATIC_URL}<path:name>")
    def familyhubs_static(name: str) -> Response:
        return send_from_directory(static_path(), name)

    FamilyHubsSupport(flow, app, url_prefix=PREFIX, csrf_token=csrf_token, layout=layout)
    return app
