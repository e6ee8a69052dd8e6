"""What every framework adapter shares: the flow's protocol and the default page layout."""

from __future__ import annotations

from collections.abc import Callable
from typing import Protocol

from markupsafe import Markup

from familyhubs_sdk.rendering import Renderer
from familyhubs_sdk.support.web import FlowRequest, FlowResponse, RenderResponse

__all__ = ["DRAFT_SESSION_KEY", "Flow", "Layout", "default_layout"]

#: The session key adapters keep the current draft id under.
DRAFT_SESSION_KEY = "familyhubs_draft_id"

#: Builds a whole HTML page around a rendered fragment.
Layout = Callable[[RenderResponse], str]


class Flow(Protocol):
    """What an adapter needs of the journey: :class:`~familyhubs_sdk.support.flow.FormFlow`."""

    renderer: Renderer

    def handle(self, request: FlowRequest) -> FlowResponse: ...


def default_layout(
    flow: Flow,
    *,
    service_name: str = "Request support for a family",
    stylesheets: tuple[str, ...] = (),
    scripts: tuple[str, ...] = (),
) -> Layout:
    """A layout that puts fragments in the SDK's plain GOV.UK page (``familyhubs/page.html``)."""

    def layout(response: RenderResponse) -> str:
        page: Markup = flow.renderer.render(
            "familyhubs/page.html",
            title=response.title,
            content=response.html,
            service_name=service_name,
            stylesheets=stylesheets,
            scripts=scripts,
        )
        return str(page)

    return layout
