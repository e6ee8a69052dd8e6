"""Django's settings are global to a process: configure them once, from the example portal."""

from __future__ import annotations


def ensure_django() -> None:
    """Configure Django with the example portal's settings (once), then set it up."""
    import django
    from django.conf import settings

    if not settings.configured:
        from examples.django_portal import settings as portal

        settings.configure(
            **{name: getattr(portal, name) for name in dir(portal) if name.isupper()}
        )
    django.setup()
