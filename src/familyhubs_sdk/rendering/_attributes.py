"""The ``html_attributes`` filter: extra attributes for a component, made safe.

GOV.UK Frontend components take an ``attributes`` mapping of extra HTML attributes. Names come from
code, but values may come from data, so names must be plain attribute names (no event handlers,
no ``style``) and URL-valued attributes pass the URL allowlist. Values follow GOV.UK Frontend's
``govukAttributes``: a plain value always renders (``True`` as ``"true"``, ``False`` as
``"false"``, ``None`` as ``""``); ``{"value": ..., "optional": True}`` is left out when ``None``
or ``False`` and is a bare name when ``True``. Attributes already rendered as
:class:`~markupsafe.Markup` pass through unchanged.

>>> html_attributes({"data-module": "example", "aria-label": 'say "hi"'})
Markup(' data-module="example" aria-label="say &#34;hi&#34;"')
"""

from __future__ import annotations

import re
from collections.abc import Mapping

from markupsafe import Markup, escape

from familyhubs_sdk.errors import RenderingError
from familyhubs_sdk.rendering._urls import safe_url

__all__ = ["html_attributes"]

_NAME = re.compile(r"^(?:data-[a-z0-9][a-z0-9\-_.]*|aria-[a-z]+|[a-z][a-z\-]*)$")
# Attributes that run script or restyle the page are never accepted from a caller.
_FORBIDDEN = re.compile(r"^(?:on.*|style|srcdoc|formaction|xmlns.*)$")
_URL_VALUED = frozenset({"href", "src", "action", "poster", "cite", "background", "ping"})


def html_attributes(attributes: Mapping[str, object] | Markup | None) -> Markup:
    """Render ``attributes`` as `` name="value"`` pairs, escaped and checked.

    :raises RenderingError: when a name is not a plain attribute name or is an event handler,
        ``style`` or similar; such a name is a programming error, not hostile data.
    """
    if not attributes:
        return Markup("")
    if isinstance(attributes, Markup):  # rendered by a component macro, e.g. character count
        return attributes
    if not isinstance(attributes, Mapping):
        raise RenderingError("attributes must be a mapping of names to values, or Markup")
    parts: list[str] = []
    for name, value in attributes.items():
        if not isinstance(name, str) or not _NAME.match(name) or _FORBIDDEN.match(name):
            raise RenderingError(f"attribute name {name!r} is not allowed on a component")
        optional = isinstance(value, Mapping) and "value" in value and bool(value.get("optional"))
        if isinstance(value, Mapping) and "value" in value:
            value = value["value"]
        if not optional:
            value = _text(value)
        elif value is None or value is False:
            continue
        elif value is True:
            parts.append(f" {name}")
            continue
        text = safe_url(value) if name in _URL_VALUED else str(value)
        parts.append(f' {name}="{escape(text)}"')
    return Markup("".join(parts))  # noqa: S704 - every name checked, every value escaped


def _text(value: object) -> object:
    """A value that is not optional always renders, ``None`` as empty (GOV.UK's rule)."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    return value
