"""The full address of a "save and come back later" link, and the protocol of a host's sender
that emails it to the person saving.

The link is built from the host's public base URL (``JourneyOptions.public_base_url``), never
from the ``Host`` header unless the host says it may be trusted (``request_origin``): a link
built from a forged header would send a family's details to an attacker's site. The token rides
after ``#`` (``https://…/resume#fhr1_…``), so it never reaches an access log.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import datetime
from typing import Protocol, runtime_checkable
from urllib.parse import urlsplit

from familyhubs_sdk.errors import ConfigurationError
from familyhubs_sdk.web import WebRequest

__all__ = ["ResumeLinkSender", "check_base_url", "email_is_valid", "resume_url"]

#: A plain email address: something@domain.tld, no spaces, one "@" (GOV.UK's pattern's spirit).
_EMAIL = re.compile(r"[^@\s]{1,64}@[^@\s.]{1,63}(?:\.[^@\s.]{1,63})+")
_MAX_EMAIL = 254


@runtime_checkable
class ResumeLinkSender(Protocol):
    """Sends a "save and come back later" link to the person saving, when they ask for it.

    The journey calls it from the saved page's "Email me this link" form, with an address it has
    checked. ``url`` is a bearer secret (whoever holds it can open the draft): never log it or
    put it in an error. Raise a :class:`~familyhubs_sdk.errors.FamilyHubsError` when it cannot
    even be queued; the page then says so and keeps showing the link to copy. Queue rather than
    send (it runs inside the person's request)::

        class OutboxResumeSender:
            def send_resume_link(self, *, email, url, expires_at, reference=None):
                outbox.enqueue("resume_link", {"email": email, "url": url,
                                               "expires_at": expires_at.isoformat()})

        options = JourneyOptions(public_base_url="https://help.example.gov.uk",
                                 resume_sender=OutboxResumeSender())
    """

    def send_resume_link(
        self, *, email: str, url: str, expires_at: datetime, reference: str | None = None
    ) -> None:
        """Send ``url`` (working until ``expires_at``, UTC) to ``email``."""


def check_base_url(url: str) -> str:
    """``url`` without a trailing slash, once it is an ``https`` (or, for local use, ``http``)
    origin with an optional path; raises :class:`~familyhubs_sdk.errors.ConfigurationError`.

    >>> check_base_url("https://help.example.gov.uk/")
    'https://help.example.gov.uk'
    """
    parts = urlsplit(url)
    if parts.scheme not in ("https", "http") or not parts.netloc or parts.query or parts.fragment:
        raise ConfigurationError(
            "public_base_url must be an http(s) address with no query or fragment, "
            "e.g. https://help.example.gov.uk"
        )
    return url.rstrip("/")


def resume_url(
    request: WebRequest,
    token: str,
    *,
    public_base_url: str,
    request_origin: Callable[[WebRequest], str | None] | None,
) -> str:
    """The link to show and send: ``<base URL><mount point>/resume#<token>``; a path alone
    when the host gave neither a base URL nor a trusted way to read the request's own.

    >>> resume_url(WebRequest("POST", "consent", "/rs"), "fhr1_x",
    ...            public_base_url="https://help.example.gov.uk", request_origin=None)
    'https://help.example.gov.uk/rs/resume#fhr1_x'
    """
    path = f"{request.url('resume')}#{token}"
    origin = public_base_url or (request_origin(request) if request_origin else None) or ""
    return f"{check_base_url(origin)}{path}" if origin else path


def email_is_valid(email: str) -> bool:
    """Whether ``email`` looks like one email address (the sender's service checks the rest).

    >>> email_is_valid("sam.worker@example.gov.uk"), email_is_valid("sam@example")
    (True, False)
    """
    return len(email) <= _MAX_EMAIL and _EMAIL.fullmatch(email) is not None
