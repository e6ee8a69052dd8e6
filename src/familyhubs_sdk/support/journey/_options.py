"""The journey's settings a host chooses, travelling together in one small object."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

from familyhubs_sdk.web import CsrfRule, WebRequest

__all__ = ["JourneyOptions", "referrer_of"]

#: Who sent a request when the host passes no signed-in viewer.
ANONYMOUS = "anonymous"


def referrer_of(request: WebRequest) -> str:
    """The default referrer id: the signed-in viewer's id, or ``"anonymous"`` without one."""
    return request.viewer.id if request.viewer is not None else ANONYMOUS


@dataclass(frozen=True, slots=True, kw_only=True)
class JourneyOptions:
    """The host's settings for :class:`~familyhubs_sdk.support.FormFlow`'s pages.

    :param csrf: where the host's CSRF token goes in each form, and whether forms may go without
        one (``CsrfRule(field="csrfmiddlewaretoken")`` for Django).
    :param service_name: the service's name, for the host's page layout.
    :param front_door_phone: the LA's front door number, shown on exit pages that ask for it.
    :param referrer_id: who is sending the request, recorded with it: by default the signed-in
        viewer's id (:attr:`WebRequest.viewer`), or ``"anonymous"``.

    >>> options = JourneyOptions(csrf=CsrfRule(exempt=True), front_door_phone="01632 960 000")
    >>> options.referrer_id(WebRequest("POST"))
    'anonymous'
    """

    csrf: CsrfRule = field(default_factory=CsrfRule)
    service_name: str = "Request support for a family"
    front_door_phone: str = ""
    referrer_id: Callable[[WebRequest], str] = referrer_of
