"""Flask adapter: the request-for-support journey as a blueprint.

>>> from flask import Flask
>>> from familyhubs_sdk.integrations.flask import FamilyHubsSupport
>>> support = FamilyHubsSupport(flow, url_prefix="/request-support")  # doctest: +SKIP
>>> support.init_app(app)                                             # doctest: +SKIP

The draft id lives in Flask's signed session (set ``app.secret_key``). CSRF belongs to the host:
pass ``csrf_token`` (e.g. Flask-WTF's ``generate_csrf``) and protect POSTs the way the rest of the
app does; the flow refuses to render a form without a token unless built with ``csrf_exempt``.
"""

from __future__ import annotations

from collections.abc import Callable

from flask import Blueprint, Flask, Response, redirect, request, session
from werkzeug.wrappers import Response as BaseResponse

from familyhubs_sdk.integrations._common import DRAFT_SESSION_KEY, Flow, Layout, default_layout
from familyhubs_sdk.support.web import FlowRequest, RenderResponse

__all__ = ["FamilyHubsSupport"]


class FamilyHubsSupport:
    """Mounts ``flow`` under ``url_prefix``. Follows Flask's extension pattern (``init_app``)."""

    def __init__(
        self,
        flow: Flow,
        app: Flask | None = None,
        *,
        url_prefix: str = "/request-support",
        csrf_token: Callable[[], str] | None = None,
        layout: Layout | None = None,
    ) -> None:
        self.flow = flow
        self.url_prefix = url_prefix.rstrip("/")
        self.csrf_token = csrf_token
        self.layout = layout or default_layout(flow)
        if app is not None:
            self.init_app(app)

    def init_app(self, app: Flask) -> None:
        """Register the journey's blueprint on ``app``."""
        blueprint = Blueprint("familyhubs_support", __name__)
        blueprint.add_url_rule(
            "/", "start", self._view, defaults={"path": ""}, methods=["GET", "POST"]
        )
        blueprint.add_url_rule("/<path:path>", "step", self._view, methods=["GET", "POST"])
        app.register_blueprint(blueprint, url_prefix=self.url_prefix)
        app.extensions["familyhubs_support"] = self

    def _view(self, path: str) -> BaseResponse:
        flow_request = FlowRequest(
            method=request.method,
            path=path,
            base_path=request.script_root + self.url_prefix,
            form=request.form.to_dict(flat=False),
            query=request.args.to_dict(flat=False),
            draft_id=session.get(DRAFT_SESSION_KEY),
            csrf_token=self.csrf_token() if self.csrf_token else None,
        )
        answer = self.flow.handle(flow_request)
        if answer.draft_id is None:
            session.pop(DRAFT_SESSION_KEY, None)
        else:
            session[DRAFT_SESSION_KEY] = answer.draft_id
        if isinstance(answer, RenderResponse):
            return Response(self.layout(answer), status=answer.status, mimetype="text/html")
        return redirect(answer.location, code=303)
