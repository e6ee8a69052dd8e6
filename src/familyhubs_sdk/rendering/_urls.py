"""URL allowlisting for ``href`` and ``src``: http, https, mailto, tel and relative URLs only.

Browsers forgive a lot before they read a scheme: leading spaces and control characters are
dropped, tabs and newlines anywhere are ignored, and case does not matter. ``java\\tscript:`` and
`` JAVASCRIPT:`` both run script. So the scheme is read the way a browser reads it (the WHATWG URL
parser's rules), and anything that is not plainly on the allowlist is refused.

>>> validate_url("https://www.gov.uk/")
'https://www.gov.uk/'
>>> validate_url("/support/start?step=2")
'/support/start?step=2'
>>> safe_url(" JaVaScRiPt:alert(1)")
'#'
"""

from __future__ import annotations

import re

from familyhubs_sdk.errors import UnsafeURLError

__all__ = ["ALLOWED_SCHEMES", "REFUSED_URL", "is_safe_url", "safe_url", "validate_url"]

#: Schemes a rendered link may use; a URL with no scheme (relative) is allowed too.
ALLOWED_SCHEMES = frozenset({"http", "https", "mailto", "tel"})
#: What :func:`safe_url` puts in place of a refused URL: a link to nowhere.
REFUSED_URL = "#"

# C0 controls and space, which browsers strip from both ends of a URL.
_EDGE = "".join(chr(code) for code in range(0x21))
# Tab, LF and CR, which browsers delete wherever they appear.
_IGNORED = str.maketrans("", "", "\t\n\r")
_SCHEME = re.compile(r"^([A-Za-z][A-Za-z0-9+.\-]*):")
# Anything a browser could treat as an invisible or confusable character in a scheme.
_SUSPECT = re.compile(r"[\x00-\x1f\x7f-\x9f\u00ad\u200b-\u200f\u2028-\u202e\u2060-\u206f\ufeff]")


def is_safe_url(url: str) -> bool:
    """Whether ``url`` is relative or uses an allowed scheme, read as a browser reads it."""
    if not isinstance(url, str) or "\x00" in url:
        # A NUL, even at an edge, becomes U+FFFD in the parsed page: never a URL we checked.
        return False
    candidate = url.strip(_EDGE).translate(_IGNORED)
    if _SUSPECT.search(candidate):
        return False
    scheme = _SCHEME.match(candidate)
    if scheme is not None:
        return scheme.group(1).lower() in ALLOWED_SCHEMES
    # No scheme: relative, unless a colon before the first "/", "?" or "#" could be read as one
    # by a more lenient parser ("javascript&colon;" is escaped by autoescape and stays harmless).
    head = re.split(r"[/?#\\]", candidate, maxsplit=1)[0]
    return ":" not in head


def validate_url(url: str) -> str:
    """Return ``url`` unchanged if it is safe to put in ``href``/``src``; raise otherwise.

    :raises UnsafeURLError: for ``javascript:``, ``data:``, ``vbscript:`` and every other scheme
        outside :data:`ALLOWED_SCHEMES`, however it is disguised.
    """
    if not is_safe_url(url):
        raise UnsafeURLError(
            "refused a URL whose scheme is not http, https, mailto, tel or relative"
        )
    return url


def safe_url(url: object) -> str:
    """The ``safe_url`` template filter: ``url`` if safe, else :data:`REFUSED_URL`.

    Templates use it on every ``href`` and ``src`` built from data; a page still renders when the
    data holds a hostile URL, with an inert link in its place.
    """
    if isinstance(url, str) and is_safe_url(url):
        return url
    return REFUSED_URL
