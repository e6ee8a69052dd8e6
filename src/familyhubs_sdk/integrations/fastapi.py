"""FastAPI adapter: the request-for-support journey as an ``APIRouter``.

    from fastapi import FastAPI
    from starlette.middleware.sessions import SessionMiddleware
    from familyhubs_sdk.integrations.fastapi import support_router

    app = FastAPI()
    app.add_middleware(SessionMiddleware, secret_key=...)
    app.include_router(support_router(flow, csrf_token=my_token), prefix="/request-support")

The draft id lives in Starlette's signed session. CSRF belongs to the host: pass ``csrf_token``
(a callable taking the request) and check posted tokens in your middleware. The flow does database
work, so it runs in the thread pool, never on the event loop.
"""

from __future__ import annotations

from collections.abc import Callable

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, RedirectResponse
from starlette.concurrency import run_in_threadpool
from starlette.responses import Response

from familyhubs_sdk.integrations._common import DRAFT_SESSION_KEY, Flow, Layout, default_layout
from familyhubs_sdk.support.web import FlowRequest, RenderResponse

__all__ = ["support_router"]


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
        form: dict[str, list[str]] = {}
        if request.method == "POST":
            posted = await request.form()
            form = {key: [str(v) for v in posted.getlist(key)] for key in posted.keys()}  # noqa: SIM118
        base = request.url.path[: len(request.url.path) - len(step)] if step else request.url.path
        flow_request = FlowRequest(
            method=request.method,
            path=step,
            base_path=base.rstrip("/"),
            form=form,
            query={key: request.query_params.getlist(key) for key in request.query_params},
            draft_id=request.session.get(DRAFT_SESSION_KEY),
            csrf_token=csrf_token(request) if csrf_token else None,
        )
        answer = await run_in_threadpool(flow.handle, flow_request)
        if answer.draft_id is None:
            request.session.pop(DRAFT_SESSION_KEY, None)
        else:
            request.session[DRAFT_SESSION_KEY] = answer.draft_id
        if isinstance(answer, RenderResponse):
            return HTMLResponse(page(answer), status_code=answer.status)
        return RedirectResponse(answer.location, status_code=303)

    router.add_api_route("/", view, methods=["GET", "POST"], include_in_schema=False)
    router.add_api_route("/{step:path}", view, methods=["GET", "POST"], include_in_schema=False)
    return router
