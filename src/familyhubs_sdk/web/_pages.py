"""What an adapter needs of a handler, the layout around a page, and the short message pages."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any, Protocol

from markupsafe import Markup

from familyhubs_sdk.rendering import Renderer
from familyhubs_sdk.web._csrf import CsrfRule
from familyhubs_sdk.web._http import WebRequest, WebResponse

__all__ = ["Handler", "Layout", "Page", "default_layout", "handler_layout", "message_page"]


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
    title_suffix: str | None = None,
    stylesheets: tuple[str, ...] = (),
    scripts: tuple[str, ...] = (),
) -> Layout:
    """A layout that puts fragments in the SDK's plain GOV.UK page (``familyhubs/page.html``),
    titled as GOV.UK pages are: "Page title – Service name – Suffix" (``title_suffix``, such as
    the council's name, is left out when ``None``).

    >>> page = message_page(Renderer(), "Page not found", "Check the web address.", status=404)
    >>> layout = default_layout(Renderer(), service_name="Request support",
    ...                         title_suffix="Exampleshire Council")
    >>> "<title>Page not found – Request support – Exampleshire Council</title>" in layout(page)
    True
    """

    def layout(response: Page) -> str:
        page: Markup = renderer.render(
            "familyhubs/page.html",
            title=response.title,
            content=response.html,
            service_name=service_name,
            title_suffix=title_suffix,
            stylesheets=stylesheets,
            scripts=scripts,
        )
        return str(page)

    return layout


def handler_layout(handler: Handler) -> Layout:
    """:func:`default_layout` for a handler: its service name and, for the journey, the form's
    title suffix (``FormFlow.title_suffix``; the timeline screens have none)."""
    suffix = getattr(handler, "title_suffix", None)
    return default_layout(
        handler.renderer,
        service_name=handler.service_name,
        title_suffix=suffix if isinstance(suffix, str) else None,
    )


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
