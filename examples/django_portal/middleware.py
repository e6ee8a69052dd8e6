"""The portal's security headers on every response, from the SDK's one helper."""

from __future__ import annotations

from collections.abc import Callable

from django.conf import settings
from django.http import HttpRequest, HttpResponseBase

from familyhubs_sdk.web import security_headers


class SecurityHeadersMiddleware:
    """Content-Security-Policy, frame-ancestors, Referrer-Policy, nosniff, and
    ``Cache-Control: no-store`` on every page (the SDK's pages show personal data), static files
    excepted. Listed first in ``MIDDLEWARE`` so its values win over Django's defaults."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponseBase]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponseBase:
        response = self.get_response(request)
        page = not request.path.startswith(settings.STATIC_URL)
        for name, value in security_headers(page=page, https=request.is_secure()).items():
            response[name] = value
        return response
