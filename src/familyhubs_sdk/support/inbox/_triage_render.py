"""The triage screens' HTML fragments and the forms they post: filter, assign, internal note.

Each change is post/redirect/get: the host's handler makes the change, then redirects to the
request with ``?done=<code>`` (:data:`DONE_CODES`), and the page shows a GOV.UK success banner
for it. The code is a fixed word, never data, so nothing personal goes into the URL.

A host's handler for the assign form, in outline::

    triage = inbox.read(reference, viewer=viewer)
    choice = read_assign_form(triage, form, assignees)
    if not choice.errors:
        try:
            inbox.assign(reference, choice.assignee, viewer=viewer, expected=choice.expected)
            return redirect(f"{detail_url}?done=assigned")
        except TriageError as exc:  # a colleague assigned it first
            choice = choice.refused(exc)
    html = render_triage_detail(triage, ..., errors=choice.errors)
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, replace
from typing import Any

from markupsafe import Markup

from familyhubs_sdk.errors import ConfigurationError, FamilyHubsError
from familyhubs_sdk.rendering import Renderer
from familyhubs_sdk.support.inbox._filters import UNASSIGNED
from familyhubs_sdk.support.inbox._lifecycle import RequestStatus
from familyhubs_sdk.support.inbox._notes import (
    INTERNAL_NOTE_MAX_LENGTH,
    Assignee,
    clean_note,
)
from familyhubs_sdk.support.inbox._render import (
    STATUS_TAG_COLOURS,
    _href,
    _pagination_items,
    default_renderer,
    detail_context,
)
from familyhubs_sdk.support.inbox._triage import TriageFlag, child_age_text
from familyhubs_sdk.support.inbox._triage_page import TriagePage, TriageRecord, TriageRow
from familyhubs_sdk.support.requests._request import EvidenceSummary

__all__ = [
    "DONE_CODES",
    "REASON_NOT_KEPT",
    "TriageChoice",
    "read_assign_form",
    "read_done",
    "read_note_form",
    "render_triage_detail",
    "render_triage_list",
    "status_done",
]

#: Added to a status's ``done`` code when a decline reason was typed but another move chosen
#: (:attr:`StatusChoice.reason_not_kept`), so the banner says the reason was not kept.
REASON_NOT_KEPT = "_reason_not_kept"

#: What ``?done=`` may say after a change; the templates word the banner for each.
DONE_CODES = frozenset(
    {
        "assigned",
        "unassigned",
        "note_added",
        *(status.value for status in RequestStatus),
        *(status.value + REASON_NOT_KEPT for status in RequestStatus),
    }
)


def status_done(to: RequestStatus, *, reason_not_kept: bool = False) -> str:
    """The ``done`` code to redirect with after a status change to ``to``."""
    return to.value + (REASON_NOT_KEPT if reason_not_kept else "")


def read_done(query: Mapping[str, Sequence[str]]) -> str | None:
    """The ``done`` code of a redirect after a change, if it is one of :data:`DONE_CODES`."""
    values = query.get("done") or ()
    return values[0] if values and values[0] in DONE_CODES else None


@dataclass(frozen=True, slots=True)
class TriageChoice:
    """The assign or note form, read and checked. With no ``errors``: pass ``assignee`` and
    ``expected`` to :meth:`RequestInbox.assign`, or ``note`` to :meth:`RequestInbox.add_note`."""

    assignee: str | None = None
    expected: str | None = None
    note: str = ""
    #: GOV.UK error summary items, ``{"text", "href"}``.
    errors: tuple[Mapping[str, str], ...] = ()

    def refused(self, error: FamilyHubsError, href: str = "#assignee") -> TriageChoice:
        """This choice with the store's refusal as its error."""
        text = str(error)
        return replace(self, errors=({"text": text[:1].upper() + text[1:], "href": href},))


def _first(form: Mapping[str, Sequence[str]], name: str) -> str:
    values = form.get(name) or ()
    return values[0] if values else ""


def read_assign_form(
    triage: TriageRecord, form: Mapping[str, Sequence[str]], assignees: Sequence[Assignee]
) -> TriageChoice:
    """Read the posted assign form: ``assignee`` (an id from ``assignees``, or ``unassigned``)
    and ``expected`` (who it was assigned to when the page was drawn)."""
    posted, expected = _first(form, "assignee"), _first(form, "expected-assignee")
    choice = TriageChoice(expected=expected or None)
    current = triage.assignment.assignee if triage.assignment else None
    if choice.expected != current:
        text = "This request was assigned by someone else while you were looking"
        return replace(choice, errors=({"text": text, "href": "#assignee"},))
    if posted == UNASSIGNED:
        return choice
    if posted not in {a.id for a in assignees}:
        return replace(
            choice, errors=({"text": "Select who to assign this request to", "href": "#assignee"},)
        )
    return replace(choice, assignee=posted)


def read_note_form(form: Mapping[str, Sequence[str]]) -> TriageChoice:
    """Read the posted internal note form (field ``note``)."""
    typed = _first(form, "note")
    try:
        return TriageChoice(note=clean_note(typed))
    except FamilyHubsError:
        text = (
            f"Internal note must be {INTERNAL_NOTE_MAX_LENGTH} characters or fewer"
            if typed.strip()
            else "Enter an internal note"
        )
        return TriageChoice(note=typed, errors=({"text": text, "href": "#note"},))


def _flag_tags(flags: Sequence[TriageFlag]) -> list[str]:
    return [flag.label for flag in flags]


def _csrf(csrf_token: str | None, csrf_exempt: bool) -> str:
    if csrf_token is None and not csrf_exempt:
        raise ConfigurationError(
            "the triage forms need the host's CSRF token (csrf_token=...); pass csrf_exempt=True "
            "only if POSTs are protected another way"
        )
    return csrf_token or ""


def render_triage_list(
    page: TriagePage,
    *,
    action: str,
    request_href: Callable[[TriageRow], str],
    csrf_token: str | None,
    csrf_field: str = "csrf_token",
    csrf_exempt: bool = False,
    areas: Sequence[tuple[str, str]] = (),
    flags: Sequence[TriageFlag] = (),
    assignees: Sequence[Assignee] = (),
    renderer: Renderer | None = None,
) -> Markup:
    """The triage list: filters (status, area of need, flag, assignee, date received), a search
    by reference or name (posted to ``action``, so names stay out of URLs), and a table of
    requests with the lead child, areas, flags, referrer organisation, days open and assignee.

    :param areas: (option value, label) of the tree's areas of need, for the area filter.
    :param flags: the flags to filter on (``inbox.rules.all_flags``).
    :param assignees: the people and teams a request can be assigned to.
    """
    names = {a.id: a.name for a in assignees}
    today = page.today.date()
    rows = [
        {
            "row": row,
            "href": request_href(row),
            "age": child_age_text(row.summary.lead_child_born, row.summary.lead_child_due, today),
            "flags": _flag_tags(row.summary.flags),
            "assignee": names.get(row.assignee, row.assignee) if row.assignee else None,
        }
        for row in page.rows
    ]
    query = page.query
    tabs = [
        {
            "text": f"{status.label if status else 'All'} ({count})",
            "href": _href(action, query.with_status(status).params()),
            "current": status == query.status,
        }
        for status, count in [
            (None, sum(page.counts.values())),
            *((status, page.counts.get(status, 0)) for status in RequestStatus),
        ]
    ]
    pagination: dict[str, Any] | None = None
    if not query.search:
        pagination = _pagination_items(
            page.page_number,
            page.page_count,
            lambda number: _href(action, query.with_page(number).params()),
            "Pages of requests",
        )
    return (renderer or default_renderer()).render(
        "familyhubs/support/triage_list.html",
        page=page,
        query=query,
        tabs=tabs,
        rows=rows,
        action=action,
        clear_href=action,
        csrf_field=csrf_field,
        csrf_token=_csrf(csrf_token, csrf_exempt),
        date_errors={e["href"][1:].split("-")[0]: e["text"] for e in query.errors},
        areas=list(areas),
        flags=list(flags),
        assignees=list(assignees),
        unassigned=UNASSIGNED,
        colours=STATUS_TAG_COLOURS,
        pagination=pagination,
    )


def render_triage_detail(
    triage: TriageRecord,
    *,
    assign_action: str,
    note_action: str,
    csrf_token: str | None,
    csrf_field: str = "csrf_token",
    csrf_exempt: bool = False,
    assignees: Sequence[Assignee] = (),
    section_titles: Mapping[str, str] = {},
    status_href: str | None = None,
    evidence_href: Callable[[EvidenceSummary], str] | None = None,
    person: Callable[[str], str] = str,
    done: str | None = None,
    choice: TriageChoice | None = None,
    renderer: Renderer | None = None,
) -> Markup:
    """One request for the receiving team: a success banner for ``done`` (see :func:`read_done`),
    its status, flags and assignee, the forms to assign it and add an internal note, every
    answer, its evidence, the internal notes and its history.

    :param choice: a refused assign or note form, to show again with its errors.
    :param person: turns user ids (history, notes, who assigned) into names.
    """
    record = triage.record
    names = {a.id: a.name for a in assignees}
    assignment = triage.assignment
    choice = choice or TriageChoice()
    return (renderer or default_renderer()).render(
        "familyhubs/support/inbox_detail.html",
        **detail_context(
            record,
            section_titles=section_titles,
            status_href=status_href,
            evidence_href=evidence_href,
            person=person,
        ),
        triage={
            "flags": _flag_tags(triage.summary.flags),
            "assignee": (
                names.get(assignment.assignee, assignment.assignee) if assignment else None
            ),
            "current": assignment.assignee if assignment else "",
            "notes": [(note, person(note.author)) for note in triage.notes],
            "assign_action": assign_action,
            "note_action": note_action,
            "csrf_field": csrf_field,
            "csrf_token": _csrf(csrf_token, csrf_exempt),
            "assignees": list(assignees),
            "unassigned": UNASSIGNED,
            "note_max": INTERNAL_NOTE_MAX_LENGTH,
            "note": choice.note if choice.errors else "",
            "errors": list(choice.errors),
        },
        done=done.removesuffix(REASON_NOT_KEPT) if done in DONE_CODES else None,
        reason_not_kept=bool(done and done.endswith(REASON_NOT_KEPT)),
    )
