"""Safe HTML rendering: the Jinja environment, the renderer and URL allowlisting."""

from familyhubs_sdk.rendering._environment import Renderer as Renderer
from familyhubs_sdk.rendering._environment import make_environment as make_environment
from familyhubs_sdk.rendering._environment import render as render
from familyhubs_sdk.rendering._urls import is_safe_url as is_safe_url
from familyhubs_sdk.rendering._urls import safe_url as safe_url
from familyhubs_sdk.rendering._urls import validate_url as validate_url

__all__ = ["Renderer", "is_safe_url", "make_environment", "render", "safe_url", "validate_url"]
