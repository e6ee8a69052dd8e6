"""The receiving team's inbox in the demo: triage the requests that arrive, one request, its status.

The SDK gives the inbox's data (:class:`~familyhubs_sdk.support.inbox.RequestInbox`, audited)
and fragments (``render_triage_list``, ``render_triage_detail``, ``render_status_form``); the
host gives the URLs, the signed-in team member, the people and teams to assign to and the CSRF
check. Every change is post/redirect/get, ending on the request with a success banner.
"""

from __future__ import annotations

import re

from markupsafe import Markup

from familyhubs_sdk.demo._http import INBOX_PREFIX, DemoRequest, Pages, Reply
from familyhubs_sdk.demo._services import DemoServices
from familyhubs_sdk.demo._users import RECEIVING_TEAM, DemoUser, demo_user
from familyhubs_sdk.errors import StatusChangeError, TriageError
from familyhubs_sdk.support.inbox import (
    Assignee,
    InboxQuery,
    TriageChoice,
    read_assign_form,
    read_done,
    read_note_form,
    read_status_form,
    render_status_form,
    render_triage_detail,
    render_triage_list,
    status_done,
)
from familyhubs_sdk.support.inbox._status_form import status_form_title

__all__ = ["DEMO_ASSIGNEES", "InboxPages"]

#: Who a request can be assigned to in the demo: the team member and the hubs' teams.
DEMO_ASSIGNEES: tuple[Assignee, ...] = (
    Assignee(RECEIVING_TEAM.id, RECEIVING_TEAM.name),
    Assignee("team-hub-north", "Hub North family support team"),
    Assignee("team-hub-south", "Hub South family support team"),
    Assignee("team-send", "SEND early help team"),
)

_REFERENCE = re.compile(r"[A-Z0-9]{4,20}")


def _receives_requests(user: DemoUser) -> bool:
    return user.receives_requests


def _person(user_id: str) -> str:
    """A history row's user id as the team reads it: the demo user's name."""
    user = demo_user(user_id)
    return user.viewer.name if user else user_id


class InboxPages:
    """``/inbox/`` (the triage list: GET filters, POST a search), ``/inbox/<reference>`` (opens
    the request), ``/inbox/<reference>/status`` (GET the form, POST a change), and POST
    ``/inbox/<reference>/assign`` and ``/inbox/<reference>/notes``."""

    def __init__(self, pages: Pages, services: DemoServices) -> None:
        self.pages = pages
        self.services = services
        self.section_titles = {section.id: section.title for section in services.tree.sections}
        # The triage screens show names and answers: every read goes into the access audit.
        self.inbox = services.inbox.audited(services.audit)
        needs = services.tree.question_index.get(self.inbox.rules.needs)
        self.areas = [(o.value, o.label) for o in (needs.options if needs else None) or ()]

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
            return self._list(request, user)
        reference, rest = parts[0], parts[1:]
        if not _REFERENCE.fullmatch(reference) or rest not in (
            [], ["status"], ["assign"], ["notes"]
        ):  # fmt: skip
            return self._not_found(request)
        if rest == ["status"]:
            return self._status(request, user, reference)
        if rest:
            if request.method != "POST":
                return self._not_allowed(request, "POST")
            return self._triage_change(request, user, reference, rest[0])
        if request.method != "GET":
            return self._not_allowed(request)
        return self._detail(request, user, reference)

    def _list(self, request: DemoRequest, user: DemoUser) -> Reply:
        # A search is posted, so a name typed into it never lands in a URL or a server log.
        fields = dict(request.query)
        if request.method == "POST":
            fields["q"] = request.form.get("q", [])
        query = InboxQuery.from_query(fields)
        page = self.inbox.triage(query, viewer=user.viewer)
        html = render_triage_list(
            page,
            action=f"{INBOX_PREFIX}/",
            request_href=lambda row: f"{INBOX_PREFIX}/{row.reference}",
            csrf_token=request.session.csrf_token,
            areas=self.areas,
            flags=self.inbox.rules.all_flags,
            assignees=DEMO_ASSIGNEES,
            renderer=self.pages.renderer,
        )
        title = ("Error: " if query.errors else "") + "Requests for support"
        return self.pages.page(request, title, html, 400 if query.errors else 200)

    def _detail(
        self,
        request: DemoRequest,
        user: DemoUser,
        reference: str,
        choice: TriageChoice | None = None,
    ) -> Reply:
        # Opening a new request marks it opened, so the team can see which nobody has read.
        triage = self.inbox.read(reference, viewer=user.viewer)
        if triage is None:
            return self._not_found(request)
        detail = f"{INBOX_PREFIX}/{reference}"
        html = self._back(f"{INBOX_PREFIX}/", "Back to the inbox") + render_triage_detail(
            triage,
            assign_action=f"{detail}/assign",
            note_action=f"{detail}/notes",
            csrf_token=request.session.csrf_token,
            assignees=DEMO_ASSIGNEES,
            section_titles=self.section_titles,
            status_href=f"{detail}/status",
            person=_person,
            done=None if choice else read_done(request.query),
            choice=choice,
            renderer=self.pages.renderer,
        )
        errors = bool(choice and choice.errors)
        title = ("Error: " if errors else "") + f"Request {reference}"
        return self.pages.page(request, title, html, 400 if errors else 200)

    def _triage_change(
        self, request: DemoRequest, user: DemoUser, reference: str, what: str
    ) -> Reply:
        triage = self.inbox.read(reference, viewer=user.viewer)
        if triage is None:
            return self._not_found(request)
        detail = f"{INBOX_PREFIX}/{reference}"
        if what == "assign":
            choice = read_assign_form(triage, request.form, DEMO_ASSIGNEES)
            done = "assigned" if choice.assignee else "unassigned"
        else:
            choice = read_note_form(request.form)
            done = "note_added"
        if not choice.errors:
            try:
                if what == "assign":
                    self.inbox.assign(
                        reference, choice.assignee, viewer=user.viewer, expected=choice.expected
                    )
                else:
                    self.inbox.add_note(reference, choice.note, viewer=user.viewer)
                return Reply.redirect(f"{detail}?done={done}")
            except TriageError as exc:  # a colleague assigned it first
                choice = choice.refused(exc, "#assignee" if what == "assign" else "#note")
        return self._detail(request, user, reference, choice)

    def _status(self, request: DemoRequest, user: DemoUser, reference: str) -> Reply:
        inbox = self.inbox
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
                    done = status_done(choice.to, reason_not_kept=choice.reason_not_kept)
                    return Reply.redirect(f"{detail}?done={done}")
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

    def _not_allowed(self, request: DemoRequest, allowed: str = "GET, HEAD") -> Reply:
        return self.pages.not_allowed(request, allowed)

    def _back(self, href: str, text: str) -> Markup:
        return self.pages.renderer.render(
            "familyhubs/components/back_link.html", params={"href": href, "text": text}
        )
