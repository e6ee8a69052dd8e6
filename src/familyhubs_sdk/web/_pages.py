"""What an adapter needs of a handler, the layout around a page, and the short message pages."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any, Protocol

from markupsafe import Markup

from familyhubs_sdk.rendering import Renderer
from familyhubs_sdk.web._csrf import CsrfRule
from familyhubs_sdk.web._http import WebRequest, WebResponse

__all__ = ["Handler", "Layout", "Page", "default_layout", "message_page"]


class Page(Protocol):
    """A rendered fragment and its page title."""

    @property
    def html(self) -> Markup: ...

    @property
    def title(self) -> str: ...


#: Builds a whole HTML page around a rendered fragment.
Layout = Callable[[Page], str]


class Handler(Protocol):
    """What an adapter mounts: the request-for-support journey
    (:class:`~familyhubs_sdk.support.FormFlow`) or the timeline screens
    (:class:`~familyhubs_sdk.timeline.TimelineScreens`)."""

    renderer: Renderer
    csrf: CsrfRule
    service_name: str

    def handle(self, request: WebRequest) -> WebResponse: ...


def default_layout(
    renderer: Renderer,
    *,
    service_name: str,
    stylesheets: tuple[str, ...] = (),
    scripts: tuple[str, ...] = (),
) -> Layout:
    """A layout that puts fragments in the SDK's plain GOV.UK page (``familyhubs/page.html``)."""

    def layout(response: Page) -> str:
        page: Markup = renderer.render(
            "familyhubs/page.html",
            title=response.title,
            content=response.html,
            service_name=service_name,
            stylesheets=stylesheets,
            scripts=scripts,
        )
        return str(page)

    return layout


def message_page(
    renderer: Renderer,
    title: str,
    text: str,
    *,
    status: int,
    session: Mapping[str, Any] | None = None,
) -> WebResponse:
    """A short page (``familyhubs/message.html``): a heading and one paragraph.

    >>> message_page(Renderer(), "Page not found", "Check the web address.", status=404).status
    404
    """
    html = renderer.render("familyhubs/message.html", title=title, text=text)
    return WebResponse.page(html, title, status=status, session=session)
