"""FastAPI adapter: the request-for-support journey and the timeline screens as ``APIRouter``s.

    from fastapi import FastAPI
    from starlette.middleware.sessions import SessionMiddleware
    from familyhubs_sdk.integrations.fastapi import support_router

    app = FastAPI()
    app.add_middleware(SessionMiddleware, secret_key=...)
    app.include_router(support_router(flow, csrf_token=my_token), prefix="/request-support")
    app.include_router(
        timeline_router(screens, viewer=my_viewer, csrf_token=my_token), prefix="/find-a-child"
    )

The draft id and the reasons for access given live in Starlette's signed session. CSRF belongs to
the host: pass ``csrf_token`` (a callable taking the request) and check posted tokens in your
middleware. The flow and the screens do database work, so they run in the thread pool, never on
the event loop.
"""

from __future__ import annotations

from collections.abc import Callable

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, RedirectResponse
from starlette.concurrency import run_in_threadpool
from starlette.datastructures import UploadFile as StarletteUpload
from starlette.responses import Response

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

__all__ = ["support_router", "timeline_router"]


async def _form(request: Request) -> dict[str, list[str]]:
    if request.method != "POST":
        return {}
    posted = await request.form()
    return {
        key: [v for v in posted.getlist(key) if isinstance(v, str)]
        for key in posted.keys()  # noqa: SIM118
    }


async def _files(request: Request) -> dict[str, list[UploadedFile]]:
    if request.method != "POST":
        return {}
    posted = await request.form()
    files: dict[str, list[UploadedFile]] = {}
    for key in posted.keys():  # noqa: SIM118
        for value in posted.getlist(key):
            if isinstance(value, StarletteUpload):
                data = await value.read()
                await value.close()  # the spooled temporary file, at once
                files.setdefault(key, []).append(UploadedFile(value.filename or "", data))
    return files


def _base_path(request: Request, step: str) -> str:
    path = request.url.path
    return (path[: len(path) - len(step)] if step else path).rstrip("/")


def support_router(
    flow: Flow,
    *,
    csrf_token: Callable[[Request], str] | None = None,
    layout: Layout | None = None,
) -> APIRouter:
    """A router serving the journey; include it under any prefix."""
    page = layout or default_layout(flow)
    router = APIRouter()

    async def view(request: Request, step: str = "") -> Response:
        flow_request = FlowRequest(
            method=request.method,
            path=step,
            base_path=_base_path(request, step),
            form=await _form(request),
            query={key: request.query_params.getlist(key) for key in request.query_params},
            draft_id=request.session.get(DRAFT_SESSION_KEY),
            journey_key=request.session.get(JOURNEY_SESSION_KEY),
            csrf_token=csrf_token(request) if csrf_token else None,
            client=request.client.host if request.client else None,
            files=await _files(request),
        )
        answer = await run_in_threadpool(flow.handle, flow_request)
        keep_draft(request.session, answer)
        if isinstance(answer, RenderResponse):
            return HTMLResponse(page(answer), status_code=answer.status)
        return RedirectResponse(answer.location, status_code=303)

    router.add_api_route("/", view, methods=["GET", "POST"], include_in_schema=False)
    router.add_api_route("/{step:path}", view, methods=["GET", "POST"], include_in_schema=False)
    return router


def timeline_router(
    screens: TimelineScreens,
    *,
    viewer: Callable[[Request], Viewer | None],
    csrf_token: Callable[[Request], str] | None = None,
    layout: Layout | None = None,
) -> APIRouter:
    """A router serving the timeline screens; include it under any prefix.

    :param viewer: the signed-in professional for a request, or ``None`` (the screens then
        answer 401).
    """
    page = layout or default_layout(screens, service_name="Find a child")
    router = APIRouter()

    async def view(request: Request, step: str = "") -> Response:
        who = viewer(request)
        if who is None:
            html, status = signed_out(page)
            return HTMLResponse(html, status_code=status)
        screen = screen_request(
            request.session,
            viewer=who,
            method=request.method,
            path=step,
            base_path=_base_path(request, step),
            form=await _form(request),
            query={key: request.query_params.getlist(key) for key in request.query_params},
            csrf_token=csrf_token(request) if csrf_token else None,
        )
        answer = await run_in_threadpool(screens.handle, screen)
        keep_reason(request.session, answer)
        if answer.location is not None:
            return RedirectResponse(answer.location, status_code=303)
        return HTMLResponse(page(answer), status_code=answer.status)

    router.add_api_route("/", view, methods=["GET", "POST"], include_in_schema=False)
    router.add_api_route("/{step:path}", view, methods=["GET", "POST"], include_in_schema=False)
    return router
