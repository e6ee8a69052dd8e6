"""The web layer both solutions share: one request and response, a router, the CSRF rule, the
host's session, the client's address behind trusted proxies, the page layout, the rule for
control characters in what is posted, and the security headers a host sends with the pages.
Framework adapters (``familyhubs_sdk.integrations``) translate their framework's request into a
:class:`WebRequest` and a :class:`WebResponse` back, the same way for every handler."""

from familyhubs_sdk.web._client import client_address as client_address
from familyhubs_sdk.web._csrf import CsrfRule as CsrfRule
from familyhubs_sdk.web._headers import security_headers as security_headers
from familyhubs_sdk.web._http import BodyLimits as BodyLimits
from familyhubs_sdk.web._http import TakesUploads as TakesUploads
from familyhubs_sdk.web._http import UploadedFile as UploadedFile
from familyhubs_sdk.web._http import WebRequest as WebRequest
from familyhubs_sdk.web._http import WebResponse as WebResponse
from familyhubs_sdk.web._input import refuse_control_characters as refuse_control_characters
from familyhubs_sdk.web._input import unsafe_field as unsafe_field
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
    "BodyLimits",
    "CsrfRule",
    "Handler",
    "Layout",
    "Page",
    "Route",
    "RouteMatch",
    "Router",
    "TakesUploads",
    "UploadedFile",
    "Viewer",
    "WebRequest",
    "WebResponse",
    "apply_session",
    "client_address",
    "default_layout",
    "message_page",
    "read_session",
    "refuse_control_characters",
    "security_headers",
    "unsafe_field",
]
