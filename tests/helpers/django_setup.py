"""Django's settings are global to a process: configure them once, from the example portal."""

from __future__ import annotations


def ensure_django() -> None:
    """Configure Django with the example portal's settings (once), then set it up."""
    import os

    import django
    from django.conf import settings

    if not settings.configured:
        # The portal's settings derive Django's key from the SDK's secret, which it requires.
        from tests.helpers.portals import TEST_SECRET

        os.environ.setdefault("FAMILYHUBS_SECRET_KEY", TEST_SECRET)
        from examples.django_portal import settings as portal

        settings.configure(
            **{name: getattr(portal, name) for name in dir(portal) if name.isupper()}
        )
    django.setup()
