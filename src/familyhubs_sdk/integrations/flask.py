"""Flask adapter: the request-for-support journey and the timeline screens as blueprints.

>>> from flask import Flask
>>> from familyhubs_sdk.integrations.flask import FamilyHubsSupport, FamilyHubsTimeline
>>> support = FamilyHubsSupport(flow, url_prefix="/request-support")  # doctest: +SKIP
>>> support.init_app(app)                                             # doctest: +SKIP
>>> FamilyHubsTimeline(screens, app, viewer=current_viewer)           # doctest: +SKIP

Both mount a :class:`~familyhubs_sdk.web.Handler` the same way: the SDK's
session values (the draft, the reasons for access given) live in Flask's signed session (set
``app.secret_key``). CSRF belongs to the host: pass ``csrf_token`` (e.g. Flask-WTF's
``generate_csrf``) and protect POSTs the way the rest of the app does; forms refuse to render
without a token unless the handler's :class:`~familyhubs_sdk.web.CsrfRule` is ``exempt``.

Bodies are read within the page's :class:`~familyhubs_sdk.web.BodyLimits` (files only on the
evidence page) and refused with 413 beyond them. A hook of the host's that reads
``request.form`` before the view (Flask-WTF's ``CSRFProtect``) parses within
``MAX_CONTENT_LENGTH`` instead: set it (docs/security.md).
"""

from __future__ import annotations

from collections.abc import Callable

from flask import Blueprint, Flask, Response, redirect, request, session
from werkzeug.exceptions import RequestEntityTooLarge
from werkzeug.wrappers import Response as BaseResponse
from werkzeug.wsgi import LimitedStream

from familyhubs_sdk.integrations._body import (
    BodyTooLarge,
    body_limits,
    declared_too_large,
    too_large,
)
from familyhubs_sdk.web import (
    BodyLimits,
    Handler,
    Layout,
    UploadedFile,
    Viewer,
    WebRequest,
    WebResponse,
    apply_session,
    client_address,
    read_session,
)
from familyhubs_sdk.web._pages import handler_layout

__all__ = ["FamilyHubsSupport", "FamilyHubsTimeline"]


def _hold_body_to(limits: BodyLimits) -> None:
    """Refuse a body declared over ``limits``, and make reading past them fail: Werkzeug raises
    413 from the stream as soon as it passes the limit, whatever ``Content-Length`` said."""
    if declared_too_large(request.content_length, limits):
        raise BodyTooLarge
    environ = request.environ
    environ["wsgi.input"] = LimitedStream(environ["wsgi.input"], limits.max_body_bytes, is_max=True)


def _posted(limits: BodyLimits) -> tuple[dict[str, list[str]], dict[str, list[UploadedFile]]]:
    """The posted fields and files, read within ``limits``."""
    _hold_body_to(limits)
    try:
        form = request.form.to_dict(flat=False)
        uploads = [(name, f) for name in request.files for f in request.files.getlist(name)]
    except RequestEntityTooLarge:
        raise BodyTooLarge from None
    if len(uploads) > limits.max_files:
        raise BodyTooLarge
    files: dict[str, list[UploadedFile]] = {}
    for name, upload in uploads:
        with upload.stream:  # Werkzeug's spooled temporary file, closed at once
            data = upload.stream.read(limits.max_file_bytes + 1)
        files.setdefault(name, []).append(UploadedFile(upload.filename or "", data))
    return form, files


def _serve(
    handler: Handler,
    *,
    path: str,
    base_path: str,
    viewer: Callable[[], Viewer | None] | None,
    csrf_token: Callable[[], str] | None,
    layout: Layout,
    trusted_proxies: int,
) -> BaseResponse:
    """Answer Flask's current request with ``handler``: the one code path for every mount."""
    limits = body_limits(handler, request.method, path)
    try:
        form, files = _posted(limits)
    except BodyTooLarge:
        answer: WebResponse = too_large(handler, limits)
    else:
        answer = handler.handle(
            WebRequest(
                method=request.method,
                path=path,
                base_path=base_path,
                form=form,
                query=request.args.to_dict(flat=False),
                files=files,
                session=read_session(session),
                viewer=viewer() if viewer else None,
                csrf_token=csrf_token() if csrf_token else None,
                client=client_address(
                    request.remote_addr,
                    request.headers.getlist("X-Forwarded-For"),
                    trusted_proxies=trusted_proxies,
                ),
            )
        )
    apply_session(session, answer.session)
    if answer.location is not None:
        return redirect(answer.location, code=303)
    return Response(layout(answer), status=answer.status, mimetype="text/html")


class _Mount:
    """A handler under ``url_prefix``, registered by ``init_app`` (Flask's extension pattern)."""

    name: str  # the blueprint's name and the key in ``app.extensions``
    endpoints: tuple[str, str]  # the endpoints of the mount point and of the pages below it

    def __init__(
        self,
        handler: Handler,
        app: Flask | None,
        *,
        viewer: Callable[[], Viewer | None] | None,
        url_prefix: str,
        csrf_token: Callable[[], str] | None,
        layout: Layout | None,
        trusted_proxies: int = 0,
    ) -> None:
        self.handler = handler
        self.trusted_proxies = trusted_proxies
        self.viewer = viewer
        self.url_prefix = url_prefix.rstrip("/")
        self.csrf_token = csrf_token
        self.layout = layout or handler_layout(handler)
        if app is not None:
            self.init_app(app)

    def init_app(self, app: Flask) -> None:
        """Register the blueprint on ``app``."""
        blueprint = Blueprint(self.name, __name__)
        index, page = self.endpoints
        blueprint.add_url_rule(
            "/", index, self._view, defaults={"path": ""}, methods=["GET", "POST"]
        )
        blueprint.add_url_rule("/<path:path>", page, self._view, methods=["GET", "POST"])
        app.register_blueprint(blueprint, url_prefix=self.url_prefix)
        app.extensions[self.name] = self

    def _view(self, path: str) -> BaseResponse:
        return _serve(
            self.handler,
            path=path,
            base_path=request.script_root + self.url_prefix,
            viewer=self.viewer,
            csrf_token=self.csrf_token,
            layout=self.layout,
            trusted_proxies=self.trusted_proxies,
        )


class FamilyHubsSupport(_Mount):
    """Mounts the request-for-support journey (``flow``) under ``url_prefix``.

    :param viewer: returns the signed-in professional, if the portal has a sign-in: they are
        the referrer.
    :param csrf_token: returns the portal's CSRF token for this session.
    :param layout: builds the whole page around a fragment (default: the SDK's GOV.UK page).
    :param trusted_proxies: how many reverse proxies stand in front of the app; the client's
        address (for rate limits) is then read from ``X-Forwarded-For``
        (:func:`~familyhubs_sdk.web.client_address`). ``0``, the default, never reads it.
    """

    name = "familyhubs_support"
    endpoints = ("start", "step")

    def __init__(
        self,
        flow: Handler,
        app: Flask | None = None,
        *,
        url_prefix: str = "/request-support",
        viewer: Callable[[], Viewer | None] | None = None,
        csrf_token: Callable[[], str] | None = None,
        layout: Layout | None = None,
        trusted_proxies: int = 0,
    ) -> None:
        self.flow = flow
        super().__init__(
            flow, app, viewer=viewer, url_prefix=url_prefix, csrf_token=csrf_token, layout=layout,
            trusted_proxies=trusted_proxies,
        )  # fmt: skip


class FamilyHubsTimeline(_Mount):
    """Mounts the timeline screens under ``url_prefix``.

    :param viewer: returns the signed-in professional, or ``None`` when nobody is signed in
        (the screens then answer 401; protect them with the portal's own sign-in).
    :param trusted_proxies: as for :class:`FamilyHubsSupport`.
    """

    name = "familyhubs_timeline"
    endpoints = ("search", "screen")

    def __init__(
        self,
        screens: Handler,
        app: Flask | None = None,
        *,
        viewer: Callable[[], Viewer | None],
        url_prefix: str = "/find-a-child",
        csrf_token: Callable[[], str] | None = None,
        layout: Layout | None = None,
        trusted_proxies: int = 0,
    ) -> None:
        self.screens = screens
        super().__init__(
            screens, app, viewer=viewer, url_prefix=url_prefix, csrf_token=csrf_token,
            layout=layout, trusted_proxies=trusted_proxies,
        )  # fmt: skip
