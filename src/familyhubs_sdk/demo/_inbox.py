"""The receiving team's inbox in the demo: the requests that arrive, one request, its status.

The SDK gives the inbox's data (:class:`~familyhubs_sdk.support.RequestInbox`) and fragments
(``render_inbox_list``, ``render_request_detail``, ``render_status_form``); the host gives the
URLs, the signed-in team member and the CSRF check.
"""

from __future__ import annotations

import re

from markupsafe import Markup

from familyhubs_sdk.demo._http import INBOX_PREFIX, DemoRequest, Pages, Reply
from familyhubs_sdk.demo._services import DemoServices
from familyhubs_sdk.demo._users import DemoUser, demo_user
from familyhubs_sdk.errors import StatusChangeError
from familyhubs_sdk.support import (
    InboxQuery,
    read_status_form,
    render_inbox_list,
    render_request_detail,
    render_status_form,
)
from familyhubs_sdk.support.inbox._status_form import status_form_title

__all__ = ["InboxPages"]

_REFERENCE = re.compile(r"[A-Z0-9]{4,20}")


def _receives_requests(user: DemoUser) -> bool:
    return user.receives_requests


def _person(user_id: str) -> str:
    """A history row's user id as the team reads it: the demo user's name."""
    user = demo_user(user_id)
    return user.viewer.name if user else user_id


class InboxPages:
    """``/inbox/`` (list, ``?status=`` filter), ``/inbox/<reference>`` (opens the request) and
    ``/inbox/<reference>/status`` (GET the form, POST a change)."""

    def __init__(self, pages: Pages, services: DemoServices) -> None:
        self.pages = pages
        self.services = services
        self.section_titles = {section.id: section.title for section in services.tree.sections}

    def handle(self, request: DemoRequest, path: str) -> Reply:
        user = self.pages.signed_in(
            request,
            "see the inbox",
            allowed=_receives_requests,
            who="the receiving team member",
        )
        if isinstance(user, Reply):
            return user
        parts = [part for part in path.split("/") if part]
        if not parts:
            if request.method != "GET":
                return self._not_allowed(request)
            return self._list(request)
        reference, rest = parts[0], parts[1:]
        if not _REFERENCE.fullmatch(reference) or rest not in ([], ["status"]):
            return self._not_found(request)
        if rest:
            return self._status(request, user, reference)
        if request.method != "GET":
            return self._not_allowed(request)
        return self._detail(request, user, reference)

    def _list(self, request: DemoRequest) -> Reply:
        query = InboxQuery.from_query(request.query)
        page = self.services.inbox.list(query.status, offset=query.offset())
        html = render_inbox_list(
            page,
            action=f"{INBOX_PREFIX}/",
            request_href=lambda row: f"{INBOX_PREFIX}/{row.reference}",
            renderer=self.pages.renderer,
        )
        return self.pages.page(request, "Requests for support", html)

    def _detail(self, request: DemoRequest, user: DemoUser, reference: str) -> Reply:
        # Opening a new request marks it opened, so the team can see which nobody has read.
        record = self.services.inbox.open(reference, by=user.viewer.id)
        if record is None:
            return self._not_found(request)
        html = self._back(f"{INBOX_PREFIX}/", "Back to the inbox") + render_request_detail(
            record,
            section_titles=self.section_titles,
            status_href=f"{INBOX_PREFIX}/{reference}/status",
            person=_person,
            renderer=self.pages.renderer,
        )
        return self.pages.page(request, f"Request {reference}", html)

    def _status(self, request: DemoRequest, user: DemoUser, reference: str) -> Reply:
        inbox = self.services.inbox
        record = inbox.get(reference)
        if record is None:
            return self._not_found(request)
        detail = f"{INBOX_PREFIX}/{reference}"
        choice = None
        if request.method == "POST":
            choice = read_status_form(record, request.form)
            if not choice.errors and choice.to is not None:
                try:
                    inbox.change_status(
                        reference,
                        choice.to,
                        by=user.viewer.id,
                        note=choice.note,
                        expected=choice.expected,
                    )
                    return Reply.redirect(detail)
                except StatusChangeError as exc:  # a colleague got there first
                    record, choice = inbox.get(reference) or record, choice.refused(exc)
        html = self._back(detail, f"Back to request {reference}") + render_status_form(
            record,
            action=f"{detail}/status",
            csrf_token=request.session.csrf_token,
            choice=choice,
            renderer=self.pages.renderer,
        )
        errors = bool(choice and choice.errors)
        title = ("Error: " if errors else "") + status_form_title(record)
        return self.pages.page(request, title, html, 400 if errors else 200)

    def _not_found(self, request: DemoRequest) -> Reply:
        return self.pages.message(
            request,
            "Request not found",
            "Check the reference, or find the request in the inbox.",
            404,
            link=(f"{INBOX_PREFIX}/", "Go to the inbox"),
        )

    def _not_allowed(self, request: DemoRequest) -> Reply:
        return self.pages.not_allowed(request, "GET, HEAD")

    def _back(self, href: str, text: str) -> Markup:
        return self.pages.renderer.render(
            "familyhubs/components/back_link.html", params={"href": href, "text": text}
        )
