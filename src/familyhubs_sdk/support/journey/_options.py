"""The journey's settings a host chooses, travelling together in one small object."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

from familyhubs_sdk.errors import ConfigurationError
from familyhubs_sdk.support.journey._progress_view import PROGRESS_STYLES, ProgressStyle
from familyhubs_sdk.support.journey._resume import RateLimit
from familyhubs_sdk.support.journey._resume_link import ResumeLinkSender, check_base_url
from familyhubs_sdk.web import CsrfRule, WebRequest

__all__ = ["JourneyOptions", "referrer_of"]

#: Who sent a request when the host passes no signed-in viewer.
ANONYMOUS = "anonymous"


def referrer_of(request: WebRequest) -> str:
    """The default referrer id: the signed-in viewer's id, or ``"anonymous"`` without one."""
    return request.viewer.id if request.viewer is not None else ANONYMOUS


@dataclass(frozen=True, slots=True, kw_only=True)
class JourneyOptions:
    """The host's settings for :class:`~familyhubs_sdk.support.FormFlow`'s pages. The form's
    own words (service name, declarations, what happens next) are the tree's ``copy:``.

    :param csrf: where the host's CSRF token goes in each form, and whether forms may go without
        one (``CsrfRule(field="csrfmiddlewaretoken")`` for Django).
    :param service_name: the service's name for the host's page layout, when it differs from the
        tree's ``copy.service_name`` (by default the tree's, else its ``title``).
    :param front_door_phone: the LA's front door number, shown on exit pages that ask for it
        when the tree's ``copy.exit.phone`` gives none.
    :param referrer_id: who is sending the request, recorded with it: by default the signed-in
        viewer's id (:attr:`WebRequest.viewer`), or ``"anonymous"``.
    :param progress: how progress shows above each question: ``"section"`` ("Section 3 of 6:
        The family", the default), ``"questions_left"`` ("About 12 questions left") or
        ``"range"`` ("Question 31 of about 38 to 50"). The bar never moves backwards.
    :param public_base_url: where people reach the host's pages, e.g.
        ``"https://help.example.gov.uk"``: resume links are full addresses built from it.
    :param request_origin: only when there is no ``public_base_url``: reads the scheme and host
        of the current request (e.g. ``lambda _: flask.request.host_url``), for hosts whose
        framework checks the ``Host`` header against an allow-list. With neither, a resume
        link is a path on the host's site.
    :param resume_sender: emails a resume link to the person saving ("Email me this link");
        without one the saved page only shows the link to copy. Needs a full link:
        ``public_base_url`` or ``request_origin``.
    :param resume_email_limit: how often "Email me this link" may send, asked with a key of the
        draft (so one saved draft cannot be used to mail anyone without end); by default 3 an
        hour per draft, counted in this process's memory (``build_flow`` counts in the store).

    >>> options = JourneyOptions(csrf=CsrfRule(exempt=True), front_door_phone="01632 960 000")
    >>> options.referrer_id(WebRequest("POST"))
    'anonymous'
    """

    csrf: CsrfRule = field(default_factory=CsrfRule)
    service_name: str | None = None
    front_door_phone: str = ""
    referrer_id: Callable[[WebRequest], str] = referrer_of
    progress: ProgressStyle = "section"
    public_base_url: str = ""
    request_origin: Callable[[WebRequest], str | None] | None = None
    resume_sender: ResumeLinkSender | None = None
    resume_email_limit: RateLimit | None = None

    def __post_init__(self) -> None:
        if self.public_base_url:
            check_base_url(self.public_base_url)
        if self.progress not in PROGRESS_STYLES:
            raise ConfigurationError(
                f"JourneyOptions progress must be one of {', '.join(PROGRESS_STYLES)}"
            )
        if self.resume_sender is not None and not (self.public_base_url or self.request_origin):
            raise ConfigurationError(
                "JourneyOptions resume_sender needs public_base_url (or request_origin): "
                "an emailed link must be a full address"
            )
