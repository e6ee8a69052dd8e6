"""The one rule for what a request may carry: no NUL or other control character in any posted,
query or file-name value (tab and line breaks excepted), checked before any handler logic."""

from __future__ import annotations

from collections.abc import Callable, Iterator, Mapping, Sequence
from functools import wraps
from typing import Protocol, TypeVar

from familyhubs_sdk._text import unsafe_character
from familyhubs_sdk.rendering import Renderer
from familyhubs_sdk.web._http import WebRequest, WebResponse
from familyhubs_sdk.web._pages import message_page

__all__ = ["refuse_control_characters", "unsafe_field"]


class _Rendering(Protocol):
    renderer: Renderer


H = TypeVar("H", bound=_Rendering)


def _values(fields: Mapping[str, Sequence[str]]) -> Iterator[tuple[str, str]]:
    for name, values in fields.items():
        yield name, name
        for value in values:
            yield name, value


def unsafe_field(request: WebRequest) -> str | None:
    """The name of the first form, query or upload field whose name or value holds a control
    character (see :func:`refuse_control_characters`), or ``None``.

    >>> unsafe_field(WebRequest("POST", form={"answer": ["Sam\\x00"]}))
    'answer'
    >>> unsafe_field(WebRequest("POST", form={"details": ["two\\r\\nlines\\tand a tab"]})) is None
    True
    """
    files = {name: [f.filename for f in uploads] for name, uploads in request.files.items()}
    for fields in (request.form, request.query, files):
        for name, value in _values(fields):
            if unsafe_character(value) is not None:
                return name
    return None


def refuse_control_characters(
    handle: Callable[[H, WebRequest], WebResponse],
) -> Callable[[H, WebRequest], WebResponse]:
    """Wrap a handler's ``handle`` so a request carrying NUL or another control character (other
    than tab, line feed and carriage return) in any form, query or file-name value is answered
    with a 400 page before the handler sees it. Nothing is read, stored or logged from it.

    Both of the SDK's handlers use it; use it on your own handlers too.

    >>> from familyhubs_sdk.rendering import Renderer
    >>> class Echo:
    ...     renderer = Renderer()
    ...     @refuse_control_characters
    ...     def handle(self, request: WebRequest) -> WebResponse:
    ...         return WebResponse.page(Markup(), request.form_value("name"))
    >>> from markupsafe import Markup
    >>> Echo().handle(WebRequest("POST", form={"name": ["Sam\\x00"]})).status
    400
    >>> Echo().handle(WebRequest("POST", form={"name": ["Sam"]})).title
    'Sam'
    """

    @wraps(handle)
    def checked(self: H, request: WebRequest) -> WebResponse:
        if unsafe_field(request) is not None:
            return message_page(
                self.renderer,
                "There is a problem with what you sent",
                "It contains characters that cannot be used, such as a null or control "
                "character. Go back, retype your answer and try again.",
                status=400,
            )
        return handle(self, request)

    return checked
