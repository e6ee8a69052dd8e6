"""FastAPI adapter: the request-for-support journey and the timeline screens as ``APIRouter``s.

    from fastapi import FastAPI
    from starlette.middleware.sessions import SessionMiddleware
    from familyhubs_sdk.integrations.fastapi import support_router, timeline_router

    app = FastAPI()
    app.add_middleware(SessionMiddleware, secret_key=...)
    app.include_router(support_router(flow, csrf_token=my_token), prefix="/request-support")
    app.include_router(
        timeline_router(screens, viewer=my_viewer, csrf_token=my_token), prefix="/find-a-child"
    )

Both mount a :class:`~familyhubs_sdk.web.Handler` the same way: the SDK's session values (the
draft, the reasons for access given) live in Starlette's signed session. CSRF belongs to the
host: pass ``csrf_token`` (a callable taking the request) and check posted tokens in your
middleware. Handlers do database work, so they run in the thread pool, never on the event loop.

Bodies are read within the page's :class:`~familyhubs_sdk.web.BodyLimits` (files only on the
evidence page): a ``Content-Length`` over them is refused with 413 before the body is read, and
a body without one (or with a false one) is counted as it arrives and refused as soon as it
passes them.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, RedirectResponse
from starlette.concurrency import run_in_threadpool
from starlette.datastructures import UploadFile as StarletteUpload
from starlette.responses import Response
from starlette.types import Message

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

__all__ = ["support_router", "timeline_router"]

#: The signed-in professional for a request, or ``None``.
_ViewerOf = Callable[[Request], Viewer | None]
#: The host's CSRF token for a request.
_TokenOf = Callable[[Request], str]


def _counted(
    receive: Callable[[], Awaitable[Message]], limit: int
) -> Callable[[], Awaitable[Message]]:
    """``receive``, raising :class:`BodyTooLarge` once the body passes ``limit`` bytes."""
    seen = 0

    async def counted() -> Message:
        nonlocal seen
        message = await receive()
        if message["type"] == "http.request":
            seen += len(message.get("body", b""))
            if seen > limit:
                raise BodyTooLarge
        return message

    return counted


async def _posted(
    request: Request, limits: BodyLimits
) -> tuple[dict[str, list[str]], dict[str, list[UploadedFile]]]:
    """The posted fields and files (none for a GET), read within ``limits``."""
    form: dict[str, list[str]] = {}
    files: dict[str, list[UploadedFile]] = {}
    if request.method != "POST":
        return form, files
    if declared_too_large(request.headers.get("content-length"), limits):
        raise BodyTooLarge
    # Count the body on this very request: a host dependency may already have read it (a CSRF
    # check reading the form), and Starlette then answers from what it cached, never the socket.
    request._receive = _counted(request.receive, limits.max_body_bytes)
    # One file past the page's number is parsed, so that it is refused as too many with 413.
    posted = await request.form(max_files=limits.max_files + 1)
    try:
        for key in posted.keys():  # noqa: SIM118 - a multi-dict: keys once, values by getlist
            for value in posted.getlist(key):
                if isinstance(value, str):
                    form.setdefault(key, []).append(value)
                elif isinstance(value, StarletteUpload):
                    if sum(len(f) for f in files.values()) >= limits.max_files:
                        raise BodyTooLarge
                    data = await value.read(limits.max_file_bytes + 1)
                    files.setdefault(key, []).append(UploadedFile(value.filename or "", data))
    finally:
        await posted.close()  # the spooled temporary files, at once
    return form, files


async def _serve(
    handler: Handler,
    request: Request,
    step: str,
    *,
    viewer: _ViewerOf | None,
    csrf_token: _TokenOf | None,
    layout: Layout,
    trusted_proxies: int,
) -> Response:
    """Answer a Starlette request with ``handler``: the one code path for every mount."""
    limits = body_limits(handler, request.method, step)
    try:
        form, files = await _posted(request, limits)
    except BodyTooLarge:
        answer: WebResponse = too_large(handler, limits)
    else:
        full = request.url.path
        web_request = WebRequest(
            method=request.method,
            path=step,
            base_path=(full[: len(full) - len(step)] if step else full).rstrip("/"),
            form=form,
            query={key: request.query_params.getlist(key) for key in request.query_params},
            files=files,
            session=read_session(request.session),
            viewer=viewer(request) if viewer else None,
            csrf_token=csrf_token(request) if csrf_token else None,
            client=client_address(
                request.client.host if request.client else None,
                request.headers.getlist("x-forwarded-for"),
                trusted_proxies=trusted_proxies,
            ),
        )
        answer = await run_in_threadpool(handler.handle, web_request)
    apply_session(request.session, answer.session)
    if answer.location is not None:
        return RedirectResponse(answer.location, status_code=303)
    return HTMLResponse(layout(answer), status_code=answer.status)


def _router(
    handler: Handler,
    viewer: _ViewerOf | None,
    csrf_token: _TokenOf | None,
    layout: Layout | None,
    trusted_proxies: int,
) -> APIRouter:
    """The mount point and the pages below it, all served by :func:`_serve`."""
    page = layout or handler_layout(handler)
    router = APIRouter()

    async def view(request: Request, step: str = "") -> Response:
        return await _serve(
            handler, request, step, viewer=viewer, csrf_token=csrf_token, layout=page,
            trusted_proxies=trusted_proxies,
        )  # fmt: skip

    router.add_api_route("/", view, methods=["GET", "POST"], include_in_schema=False)
    router.add_api_route("/{step:path}", view, methods=["GET", "POST"], include_in_schema=False)
    return router


def support_router(
    flow: Handler,
    *,
    viewer: _ViewerOf | None = None,
    csrf_token: _TokenOf | None = None,
    layout: Layout | None = None,
    trusted_proxies: int = 0,
) -> APIRouter:
    """A router serving the journey; include it under any prefix.

    :param viewer: the signed-in professional for a request, if the portal has a sign-in:
        they are the referrer.
    :param trusted_proxies: how many reverse proxies stand in front of the app; the client's
        address (for rate limits) is then read from ``X-Forwarded-For``
        (:func:`~familyhubs_sdk.web.client_address`). ``0``, the default, never reads it.
    """
    return _router(flow, viewer, csrf_token, layout, trusted_proxies)


def timeline_router(
    screens: Handler,
    *,
    viewer: _ViewerOf,
    csrf_token: _TokenOf | None = None,
    layout: Layout | None = None,
    trusted_proxies: int = 0,
) -> APIRouter:
    """A router serving the timeline screens; include it under any prefix.

    :param viewer: the signed-in professional for a request, or ``None`` (the screens then
        answer 401).
    :param trusted_proxies: as for :func:`support_router`.
    """
    return _router(screens, viewer, csrf_token, layout, trusted_proxies)
