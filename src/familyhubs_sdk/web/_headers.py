"""The browser security headers a host sends with the SDK's pages: one helper, used by the demo
and by every example portal (Flask ``after_request``, Django middleware, Starlette middleware)."""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence

__all__ = ["security_headers"]

#: The Content-Security-Policy the SDK's pages need: its stylesheet and its script module come
#: from the host's own origin, and nothing is inline.
_CSP: dict[str, tuple[str, ...]] = {
    "default-src": ("'self'",),
    "script-src": ("'self'",),
    "style-src": ("'self'",),
    "img-src": ("'self'",),
    "object-src": ("'none'",),
    "base-uri": ("'none'",),
    "form-action": ("'self'",),
    "frame-ancestors": ("'none'",),
}
_SOURCE = re.compile(r"[!-~]+")  # one source expression: printable, no space, ';' refused below
_HSTS_SECONDS = 365 * 24 * 60 * 60


def security_headers(
    *,
    page: bool = True,
    https: bool = False,
    extra_sources: Mapping[str, Sequence[str]] | None = None,
) -> dict[str, str]:
    """The headers to add to a response the SDK's screens are part of.

    * ``Content-Security-Policy``: scripts, styles and images from your own origin only (the
      SDK's static folder), no inline script or style, no plugins, forms post only to your
      origin, and no other site may frame the page (``frame-ancestors 'none'``);
    * ``X-Content-Type-Options: nosniff``, ``Referrer-Policy: no-referrer`` (a record's URL
      never reaches another site) and ``X-Frame-Options: DENY`` for older browsers;
    * ``Cache-Control: no-store`` when ``page`` is true: pages show personal data, so neither
      the browser nor a proxy may keep them. Pass ``page=False`` for static files;
    * ``Strict-Transport-Security`` (one year) when ``https`` is true: send it only when the
      portal is served over HTTPS.

    :param extra_sources: more sources for a directive of the policy, e.g.
        ``{"img-src": ["https://images.example.gov.uk"]}`` for your own images elsewhere.
    :raises ValueError: an unknown directive, or a source that is not one printable word.

    >>> headers = security_headers()
    >>> headers["Cache-Control"], headers["Referrer-Policy"]
    ('no-store', 'no-referrer')
    >>> "script-src 'self';" in headers["Content-Security-Policy"]
    True
    >>> "Cache-Control" in security_headers(page=False)
    False
    >>> security_headers(https=True)["Strict-Transport-Security"]
    'max-age=31536000'

    In Flask, for example::

        @app.after_request
        def add_security_headers(response):
            response.headers.update(security_headers(page=not request.path.startswith("/static/")))
            return response
    """
    policy = dict(_CSP)
    for directive, sources in (extra_sources or {}).items():
        if directive not in policy:
            raise ValueError(f"unknown Content-Security-Policy directive {directive!r}")
        for source in sources:
            if not _SOURCE.fullmatch(source) or ";" in source or "," in source:
                raise ValueError(f"{directive}: {source!r} is not one source expression")
        policy[directive] = (*policy[directive], *sources)
    headers = {
        "Content-Security-Policy": "; ".join(
            f"{directive} {' '.join(sources)}" for directive, sources in policy.items()
        ),
        "X-Content-Type-Options": "nosniff",
        "Referrer-Policy": "no-referrer",
        "X-Frame-Options": "DENY",
    }
    if page:
        headers["Cache-Control"] = "no-store"
    if https:
        headers["Strict-Transport-Security"] = f"max-age={_HSTS_SECONDS}"
    return headers
