"""GOV.UK Frontend's stylesheet and script, shipped in the wheel, and the tags that load them.

The package's ``static`` folder holds ``govuk/`` (GOV.UK Frontend's CSS, compiled with a system
font stack, its JavaScript and MIT licence, built by ``scripts/build_assets.py``),
``familyhubs.css`` (the SDK's own patterns, such as the timeline) and ``familyhubs-init.js``, the
module that turns on GOV.UK Frontend's JavaScript without inline script. A host serves the
folder at a URL of its choosing and puts :func:`asset_tags` in its pages' ``<head>``.

>>> print(asset_tags("/static/familyhubs/"))
<link rel="stylesheet" href="/static/familyhubs/govuk/govuk-frontend.min.css">
<link rel="stylesheet" href="/static/familyhubs/familyhubs.css">
<script type="module" src="/static/familyhubs/familyhubs-init.js"></script>
"""

from __future__ import annotations

from importlib.resources import files
from pathlib import Path

from markupsafe import Markup

from familyhubs_sdk.rendering._urls import validate_url

__all__ = ["asset_tags", "static_path"]

_STYLESHEETS = ("govuk/govuk-frontend.min.css", "familyhubs.css")
_MODULE = "familyhubs-init.js"


def static_path() -> Path:
    """The folder of static files to serve, e.g. at ``/static/familyhubs/``.

    Serve it whole: GOV.UK Frontend's stylesheet finds its images beside it, and the init module
    imports GOV.UK Frontend's script by a relative URL.

    >>> (static_path() / "govuk" / "govuk-frontend.min.css").is_file()
    True
    """
    return Path(str(files("familyhubs_sdk") / "static"))


def asset_tags(static_url: str = "/static/familyhubs/") -> Markup:
    """The ``<link>`` and ``<script type="module">`` tags for a page's ``<head>``.

    :param static_url: where the host serves :func:`static_path`; a trailing ``/`` is added when
        missing.
    :raises UnsafeURLError: when ``static_url`` fails :func:`validate_url`.

    Pages also need ``class="govuk-template"`` on ``<html>`` and ``class="govuk-template__body"``
    on ``<body>``; the script adds ``govuk-frontend-supported`` to ``<body>`` itself.
    """
    base = validate_url(static_url if static_url.endswith("/") else f"{static_url}/")
    links = [
        Markup('<link rel="stylesheet" href="{}">').format(base + name) for name in _STYLESHEETS
    ]
    script = Markup('<script type="module" src="{}"></script>').format(base + _MODULE)
    return Markup("\n").join([*links, script])
