"""Save and come back later, as pages of :class:`~familyhubs_sdk.support.FormFlow`: the saved
page showing the link (and "Email me this link" when the host has a sender), and the page that
uses a link.

The token rides after "#" in the link (``https://…/resume#fhr1_…``): browsers never send the
fragment, so it stays out of access logs and ``Referer`` headers; the resume page posts it back.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from datetime import timedelta
from typing import Any

from familyhubs_sdk._clock import Clock
from familyhubs_sdk.errors import FamilyHubsError, TokenError
from familyhubs_sdk.rendering import Renderer
from familyhubs_sdk.support.journey._options import JourneyOptions
from familyhubs_sdk.support.journey._page_render import render_page
from familyhubs_sdk.support.journey._pages import FormTarget
from familyhubs_sdk.support.journey._progress_view import PROGRESS_SESSION_KEY
from familyhubs_sdk.support.journey._resume import (
    ResumeTokens,
    SlidingWindowRateLimit,
    token_in,
)
from familyhubs_sdk.support.journey._resume_link import email_is_valid, resume_url
from familyhubs_sdk.support.journey._summary_pages import (
    EMAIL_FIELD,
    RESUME_CODE_FIELD,
    resume_page,
    saved_page,
)
from familyhubs_sdk.support.journey._visit import DRAFT_SESSION_KEY, Visit
from familyhubs_sdk.web import WebResponse

__all__ = ["EMAIL_PATH", "SaveAndReturn"]

#: Where the saved page's "Email me this link" form posts.
EMAIL_PATH = "save/email"

#: Hosts that do not say who is asking share one allowance of tries per link: fail closed.
_UNIDENTIFIED_CLIENT = "unidentified-client"

#: "Email me this link" sends at most this many emails per draft in this time, so the council's
#: sender cannot be used to mail anyone without end.
EMAIL_LIMIT = 3
EMAIL_LIMIT_PER = timedelta(hours=1)

#: Where a page's form posts, with the host's CSRF token (``FormFlow._form`` for one visit).
FormFor = Callable[[str], FormTarget]


class SaveAndReturn:
    """The saved and resume pages over ``tokens``, with the host's ``options`` (base URL,
    sender)."""

    def __init__(
        self, tokens: ResumeTokens, options: JourneyOptions, renderer: Renderer, clock: Clock
    ) -> None:
        self.tokens = tokens
        self.options = options
        self.renderer = renderer
        self.clock = clock
        self.email_limit = options.resume_email_limit or SlidingWindowRateLimit(
            EMAIL_LIMIT, per=EMAIL_LIMIT_PER, clock=clock
        )

    def saved(
        self,
        visit: Visit,
        token: str,
        form_for: FormFor,
        *,
        email: str = "",
        error: str | None = None,
        sent_to: str | None = None,
    ) -> WebResponse:
        """The saved page for ``token``: the full link to copy, until when it works, and the
        email form (with ``error``, or the address it was ``sent_to``)."""
        can_email = self.options.resume_sender is not None
        page = saved_page(
            self.link(visit, token), expires=visit.today + self.tokens.lifetime, token=token,
            email_form=form_for(visit.url(EMAIL_PATH)) if can_email else None,
            email=email, email_error=error, sent_to=sent_to,
        )  # fmt: skip
        html, title = render_page(self.renderer, "saved.html", page)
        has_error = error is not None
        return WebResponse.page(
            html, ("Error: " if has_error else "") + title, status=400 if has_error else 200
        )

    def link(self, visit: Visit, token: str) -> str:
        """The full resume link for ``token`` (a path when the host gave no way to a full one)."""
        return resume_url(
            visit.request, token,
            public_base_url=self.options.public_base_url,
            request_origin=self.options.request_origin,
        )  # fmt: skip

    def email_link(self, visit: Visit, draft_id: str, form_for: FormFor) -> WebResponse | None:
        """"Email me this link": send the link the saved page showed to the address given.
        Only a live link of the session's own draft is sent, so the form cannot be used to mail
        anything else to anyone; ``None`` when the post is refused for that reason. At most
        :data:`EMAIL_LIMIT` emails per draft in :data:`EMAIL_LIMIT_PER` (the options'
        ``resume_email_limit``), however many people or addresses ask."""
        sender = self.options.resume_sender
        token = visit.request.form_value(RESUME_CODE_FIELD)
        # When the link stops working, counted from its issue; None unless it is live and this
        # session's draft's.
        expires_at = self.tokens.expiry(draft_id, token) if sender is not None else None
        if sender is None or expires_at is None:
            return None
        email = visit.request.form_value(EMAIL_FIELD)
        problem = None if email_is_valid(email) else ("invalid" if email else "missing")
        if problem is not None:
            return self.saved(visit, token, form_for, email=email, error=problem)
        if not self.email_limit(f"resume-email {draft_id}"):
            return self.saved(visit, token, form_for, email=email, error="too_many")
        try:
            sender.send_resume_link(
                email=email, url=self.link(visit, token), expires_at=expires_at, reference=None
            )
        except FamilyHubsError:
            return self.saved(visit, token, form_for, email=email, error="not_sent")
        return self.saved(visit, token, form_for, sent_to=email)

    def resume(self, visit: Visit, params: Mapping[str, str], form: FormTarget) -> WebResponse:
        """GET asks, POST uses the link: a mail scanner that fetches links cannot use it up.

        The token comes in the POSTed form (copied from the link's fragment by
        ``familyhubs-resume.js``, or pasted), never in a URL the server sees. A path-style link
        of an earlier release (``resume/<token>``) still works: its page posts the token to
        ``resume`` in a hidden field. A used link redirects to the start, with its draft in the
        session.
        """
        legacy = params.get("token", "")
        if visit.request.method != "POST":
            page = resume_page(form, invalid=False, start_href=visit.url(), code=legacy)
            return self._resume_page(page)
        code = visit.request.form_value(RESUME_CODE_FIELD) or legacy
        if not code:
            page = resume_page(form, invalid=False, start_href=visit.url(), missing=True)
            return self._resume_page(page, status=400, error=True)
        try:
            client = visit.request.client or _UNIDENTIFIED_CLIENT
            draft_id = self.tokens.redeem(token_in(code), client_key=client)
        except TokenError:
            page = resume_page(form, invalid=True, start_href=visit.url())
            return self._resume_page(page, status=400)
        return WebResponse.redirect(
            visit.url(), session={DRAFT_SESSION_KEY: draft_id, PROGRESS_SESSION_KEY: None}
        )

    def _resume_page(
        self, page: dict[str, Any], *, status: int = 200, error: bool = False
    ) -> WebResponse:
        html, title = render_page(self.renderer, "resume.html", page)
        return WebResponse.page(html, ("Error: " if error else "") + title, status=status)
