"""The portal as a WSGI application, for gunicorn:
``gunicorn -w 4 examples.django_portal.wsgi:application`` (docs/production.md)."""

from __future__ import annotations

import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "examples.django_portal.settings")
application = get_wsgi_application()
