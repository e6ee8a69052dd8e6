"""The Jinja environment behind every fragment: autoescape on, the host's templates first.

>>> renderer = Renderer()
>>> html = renderer.render(
...     "familyhubs/components/notification_banner.html",
...     params={"titleText": "Important", "text": "Requests are answered within 2 working days"},
... )
>>> type(html).__name__, "Requests are answered" in html
('Markup', True)
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

import jinja2
from markupsafe import Markup

from familyhubs_sdk.errors import RenderingError, TemplateNotFoundError
from familyhubs_sdk.rendering._attributes import html_attributes
from familyhubs_sdk.rendering._formatting import govuk_date, govuk_month
from familyhubs_sdk.rendering._params import component_params
from familyhubs_sdk.rendering._urls import safe_url

__all__ = ["PACKAGE_LOADER", "Renderer", "make_environment", "render"]

#: Loads the package's own templates, all named ``familyhubs/...``.
PACKAGE_LOADER = jinja2.PackageLoader("familyhubs_sdk", "templates")

_FILTERS: Mapping[str, Any] = {
    "safe_url": safe_url,
    "html_attributes": html_attributes,
    "govuk_date": govuk_date,
    "govuk_month": govuk_month,
    "component_params": component_params,
}


def make_environment(
    loaders: Iterable[jinja2.BaseLoader] = (),
    *,
    environment: jinja2.Environment | None = None,
    undefined: type[jinja2.Undefined] | None = None,
) -> jinja2.Environment:
    """Build the Environment fragments render with.

    Template lookup asks ``loaders`` first, then ``environment``'s own loader (when a host passes
    its Environment), then the package's templates: a host overrides any fragment by putting its
    own ``familyhubs/...`` file where one of its loaders finds it.

    A host-built ``environment`` is not changed: an overlay shares its globals and settings, with
    autoescape forced on and the SDK's filters added.

    :param undefined: e.g. :class:`jinja2.StrictUndefined`, so a missing variable raises (tests).
    """
    chain: list[jinja2.BaseLoader] = list(loaders)
    extra: dict[str, Any] = {} if undefined is None else {"undefined": undefined}
    if environment is not None:
        if environment.loader is not None:
            chain.append(environment.loader)
        chain.append(PACKAGE_LOADER)
        env = environment.overlay(loader=jinja2.ChoiceLoader(chain), autoescape=True, **extra)
        env.filters = {**environment.filters, **_FILTERS}
    else:
        chain.append(PACKAGE_LOADER)
        env = jinja2.Environment(
            loader=jinja2.ChoiceLoader(chain),
            autoescape=True,
            trim_blocks=True,
            lstrip_blocks=True,
            **extra,
        )
        env.filters.update(_FILTERS)
    return env


class Renderer:
    """Renders the SDK's HTML fragments to :class:`~markupsafe.Markup`.

    Markup drops into Flask, Django and FastAPI templates without ``|safe``.
    """

    def __init__(
        self,
        loaders: Iterable[jinja2.BaseLoader] = (),
        *,
        environment: jinja2.Environment | None = None,
        undefined: type[jinja2.Undefined] | None = None,
    ) -> None:
        self.environment = make_environment(loaders, environment=environment, undefined=undefined)

    def render(self, name: str, /, **context: Any) -> Markup:
        """Render template ``name`` with ``context``."""
        template = self._template(name)
        try:
            return Markup(template.render(**context))  # noqa: S704 - autoescaped output
        except jinja2.UndefinedError as exc:
            raise RenderingError(f"template {name!r}: {exc.message}") from exc

    def which(self, name: str) -> str:
        """Where template ``name`` is loaded from: shows whether a host override won."""
        template = self._template(name)
        return template.filename or name

    def _template(self, name: str) -> jinja2.Template:
        try:
            return self.environment.get_template(name)
        except jinja2.TemplateNotFound:
            raise TemplateNotFoundError(
                f"no template named {name!r} in the host's loaders or the package"
            ) from None


_default: Renderer | None = None


def render(name: str, /, **context: Any) -> Markup:
    """Render a fragment with the default :class:`Renderer` (package templates only)."""
    global _default
    if _default is None:
        _default = Renderer()
    return _default.render(name, **context)
