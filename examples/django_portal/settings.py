"""Settings of a small Django portal that mounts the request-for-support journey."""

from __future__ import annotations

import os

from familyhubs_sdk import load_settings
from familyhubs_sdk.rendering import static_path

# Signs the session cookie: derived from FAMILYHUBS_SECRET_KEY, so every worker has the same one.
# Without it Django refuses to start ("The SECRET_KEY setting must not be empty"), and so do the
# portal's URLs (the SDK says how to make one).
_sdk = load_settings()
SECRET_KEY = _sdk.derived_key("portal-session").hex() if _sdk.secret_key else ""
DEBUG = False
ALLOWED_HOSTS = ["localhost", "127.0.0.1", "testserver"]
ROOT_URLCONF = "examples.django_portal.urls"
INSTALLED_APPS = ["django.contrib.sessions"]
MIDDLEWARE = [
    # First, so its headers are the last word on every response (familyhubs_sdk.web).
    "examples.django_portal.middleware.SecurityHeadersMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
]
# Signed cookies keep the example free of a database of its own; the SDK uses its own store.
SESSION_ENGINE = "django.contrib.sessions.backends.signed_cookies"
# The session and CSRF cookies: not readable by script, not sent on other sites' POSTs, and only
# over HTTPS in production (set PORTAL_HTTPS=1; the example runs on http://localhost).
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
SESSION_COOKIE_SECURE = CSRF_COOKIE_SECURE = os.environ.get("PORTAL_HTTPS") == "1"
CSRF_COOKIE_SAMESITE = "Lax"
USE_TZ = True
# GOV.UK Frontend's stylesheet and script ship in the SDK's static folder: collectstatic copies
# them under STATIC_URL + "familyhubs/".
STATIC_URL = "/static/"
STATICFILES_DIRS = [("familyhubs", static_path())]
# The SDK's settings, with the FAMILYHUBS_ prefix.
FAMILYHUBS_DATA_DIR = "familyhubs-data"
