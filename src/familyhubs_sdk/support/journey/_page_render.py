"""Renders a journey page and reads its title from the same template, so the words of a page,
its title among them, live in one place a host can override."""

from __future__ import annotations

from typing import Any

from markupsafe import Markup

from familyhubs_sdk.rendering import Renderer

__all__ = ["render_page"]


def render_page(
    renderer: Renderer, template: str, page: dict[str, Any], *, default_title: str = ""
) -> tuple[Markup, str]:
    """``familyhubs/support/<template>`` rendered with ``page``, and its title: the template's
    own top-level ``title`` variable, else ``page["title"]``, else ``default_title``; as plain
    text, on one line.

    >>> html, title = render_page(Renderer(), "remove.html", {
    ...     "group": {"item_label": "child"}, "number": 2, "summary": "", "error": False,
    ...     "back_href": None, "progress": None, "caption": None, "errors": [],
    ...     "action": "/rs/children/remove/2", "csrf_field": "csrf", "csrf_token": "t"})
    >>> title
    'Are you sure you want to remove Child 2?'
    """
    name = f"familyhubs/support/{template}"
    module = renderer.environment.get_template(name).make_module({"page": page})
    title = getattr(module, "title", None) or page.get("title") or default_title
    text = title.unescape() if isinstance(title, Markup) else str(title)
    return Markup(str(module)), " ".join(text.split())  # noqa: S704 - autoescaped output
