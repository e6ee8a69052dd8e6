"""The web layer both solutions share: one request and response, a router, the CSRF rule, the
host's session, the page layout. Framework adapters (``familyhubs_sdk.integrations``) translate
their framework's request into a :class:`WebRequest` and a :class:`WebResponse` back, the same way
for every handler."""

from familyhubs_sdk.web._csrf import CsrfRule as CsrfRule
from familyhubs_sdk.web._http import UploadedFile as UploadedFile
from familyhubs_sdk.web._http import WebRequest as WebRequest
from familyhubs_sdk.web._http import WebResponse as WebResponse
from familyhubs_sdk.web._pages import Handler as Handler
from familyhubs_sdk.web._pages import Layout as Layout
from familyhubs_sdk.web._pages import Page as Page
from familyhubs_sdk.web._pages import default_layout as default_layout
from familyhubs_sdk.web._pages import message_page as message_page
from familyhubs_sdk.web._router import Route as Route
from familyhubs_sdk.web._router import RouteMatch as RouteMatch
from familyhubs_sdk.web._router import Router as Router
from familyhubs_sdk.web._session import SESSION_PREFIX as SESSION_PREFIX
from familyhubs_sdk.web._session import apply_session as apply_session
from familyhubs_sdk.web._session import read_session as read_session
from familyhubs_sdk.web._viewer import Viewer as Viewer

__all__ = [
    "SESSION_PREFIX",
    "CsrfRule",
    "Handler",
    "Layout",
    "Page",
    "Route",
    "RouteMatch",
    "Router",
    "UploadedFile",
    "Viewer",
    "WebRequest",
    "WebResponse",
    "apply_session",
    "default_layout",
    "message_page",
    "read_session",
]
