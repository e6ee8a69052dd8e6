"""How much of a request body the adapters read, the same way in every framework.

Each adapter asks the handler for the page's :class:`~familyhubs_sdk.web.BodyLimits` (only the
evidence page takes files), refuses a body whose ``Content-Length`` is over them before reading
a byte, stops reading a body with no or a false ``Content-Length`` as soon as it passes them,
keeps at most ``max_file_bytes`` plus one byte of each file in memory, and answers what it
refuses with :func:`too_large`: a 413 page. Frameworks spool files to temporary files while
they parse, so memory holds one page's allowance at most, never the upload.
"""

from __future__ import annotations

from familyhubs_sdk.web import Handler, WebResponse, message_page
from familyhubs_sdk.web._http import BodyLimits, TakesUploads

__all__ = ["BodyTooLarge", "body_limits", "declared_too_large", "too_large"]

_MIB = 1024 * 1024


class BodyTooLarge(Exception):
    """Raised inside an adapter when a body turns out bigger than its page takes."""


def body_limits(handler: Handler, method: str, path: str) -> BodyLimits:
    """The page's limits for a POST; a handler that takes no files gets the defaults, and so
    does every other method (a GET body is never read for files)."""
    if method.upper() == "POST" and isinstance(handler, TakesUploads):
        return handler.body_limits(path)
    return BodyLimits()


def declared_too_large(content_length: str | int | None, limits: BodyLimits) -> bool:
    """Whether a ``Content-Length`` header says the body is over ``limits`` (a malformed one
    is left to the framework, which refuses it)."""
    if content_length is None or content_length == "":
        return False
    try:
        declared = int(content_length)
    except ValueError:
        return False
    return declared > limits.max_body_bytes


def _size(count: int) -> str:
    return f"{count / _MIB:.0f}MB" if count >= _MIB else f"{-(-count // 1024)}KB"


def too_large(handler: Handler, limits: BodyLimits) -> WebResponse:
    """The 413 page for a body over ``limits``, or files sent to a page that takes none."""
    if limits.max_files:
        text = (
            f"You can send up to {limits.max_files} files at once, each smaller than "
            f"{_size(limits.max_file_bytes)} and {_size(limits.max_files_bytes)} in all. "
            "Go back and choose fewer or smaller files."
        )
        title = "The selected files are too large"
    else:
        text = (
            "This page does not take files, and what was sent was too large. Go back and try again."
        )
        title = "What was sent is too large"
    return message_page(handler.renderer, title, text, status=413)
