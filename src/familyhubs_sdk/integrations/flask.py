"""Flask adapter: the request-for-support journey and the timeline screens as blueprints.

>>> from flask import Flask
>>> from familyhubs_sdk.integrations.flask import FamilyHubsSupport, FamilyHubsTimeline
>>> support = FamilyHubsSupport(flow, url_prefix="/request-support")  # doctest: +SKIP
>>> support.init_app(app)                                             # doctest: +SKIP
>>> FamilyHubsTimeline(screens, app, viewer=current_viewer)           # doctest: +SKIP

The draft id and the reasons for access given live in Flask's signed session (set
``app.secret_key``). CSRF belongs to the host: pass ``csrf_token`` (e.g. Flask-WTF's
``generate_csrf``) and protect POSTs the way the rest of the app does; forms refuse to render
without a token unless built with ``csrf_exempt``.
"""

from __future__ import annotations

from collections.abc import Callable

from flask import Blueprint, Flask, Response, redirect, request, session
from werkzeug.wrappers import Response as BaseResponse

from familyhubs_sdk.integrations._common import (
    DRAFT_SESSION_KEY,
    JOURNEY_SESSION_KEY,
    Flow,
    Layout,
    default_layout,
    keep_draft,
    keep_reason,
    screen_request,
    signed_out,
)
from familyhubs_sdk.support.journey._web import FlowRequest, RenderResponse, UploadedFile
from familyhubs_sdk.timeline._web import TimelineScreens
from familyhubs_sdk.web._viewer import Viewer

__all__ = ["FamilyHubsSupport", "FamilyHubsTimeline"]


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
            journey_key=session.get(JOURNEY_SESSION_KEY),
            csrf_token=self.csrf_token() if self.csrf_token else None,
            client=request.remote_addr,
            files={
                name: [
                    UploadedFile(f.filename or "", f.read()) for f in request.files.getlist(name)
                ]
                for name in request.files
            },
        )
        answer = self.flow.handle(flow_request)
        keep_draft(session, answer)
        if isinstance(answer, RenderResponse):
            return Response(self.layout(answer), status=answer.status, mimetype="text/html")
        return redirect(answer.location, code=303)


class FamilyHubsTimeline:
    """Mounts the timeline screens under ``url_prefix``.

    :param viewer: returns the signed-in professional, or ``None`` when nobody is signed in
        (the screens then answer 401; protect them with the portal's own sign-in).
    """

    def __init__(
        self,
        screens: TimelineScreens,
        app: Flask | None = None,
        *,
        viewer: Callable[[], Viewer | None],
        url_prefix: str = "/find-a-child",
        csrf_token: Callable[[], str] | None = None,
        layout: Layout | None = None,
    ) -> None:
        self.screens = screens
        self.viewer = viewer
        self.url_prefix = url_prefix.rstrip("/")
        self.csrf_token = csrf_token
        self.layout = layout or default_layout(screens, service_name="Find a child")
        if app is not None:
            self.init_app(app)

    def init_app(self, app: Flask) -> None:
        """Register the screens' blueprint on ``app``."""
        blueprint = Blueprint("familyhubs_timeline", __name__)
        blueprint.add_url_rule(
            "/", "search", self._view, defaults={"path": ""}, methods=["GET", "POST"]
        )
        blueprint.add_url_rule("/<path:path>", "screen", self._view, methods=["GET", "POST"])
        app.register_blueprint(blueprint, url_prefix=self.url_prefix)
        app.extensions["familyhubs_timeline"] = self

    def _view(self, path: str) -> BaseResponse:
        viewer = self.viewer()
        if viewer is None:
            page, status = signed_out(self.layout)
            return Response(page, status=status, mimetype="text/html")
        answer = self.screens.handle(
            screen_request(
                session,
                viewer=viewer,
                method=request.method,
                path=path,
                base_path=request.script_root + self.url_prefix,
                form=request.form.to_dict(flat=False),
                query=request.args.to_dict(flat=False),
                csrf_token=self.csrf_token() if self.csrf_token else None,
            )
        )
        keep_reason(session, answer)
        if answer.location is not None:
            return redirect(answer.location, code=303)
        return Response(self.layout(answer), status=answer.status, mimetype="text/html")
