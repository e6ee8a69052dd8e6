"""Safe HTML rendering: the Jinja environment, the renderer, URL allowlisting, the GOV.UK pin and
the shipped GOV.UK Frontend assets."""

from familyhubs_sdk.rendering._assets import asset_tags as asset_tags
from familyhubs_sdk.rendering._assets import static_path as static_path
from familyhubs_sdk.rendering._environment import Renderer as Renderer
from familyhubs_sdk.rendering._environment import make_environment as make_environment
from familyhubs_sdk.rendering._environment import render as render
from familyhubs_sdk.rendering._govuk import GOVUK_FRONTEND_VERSION as GOVUK_FRONTEND_VERSION
from familyhubs_sdk.rendering._urls import is_safe_url as is_safe_url
from familyhubs_sdk.rendering._urls import safe_url as safe_url
from familyhubs_sdk.rendering._urls import validate_url as validate_url

__all__ = [
    "GOVUK_FRONTEND_VERSION",
    "Renderer",
    "asset_tags",
    "is_safe_url",
    "make_environment",
    "render",
    "safe_url",
    "static_path",
    "validate_url",
]
