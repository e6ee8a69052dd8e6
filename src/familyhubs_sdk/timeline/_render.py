"""Render the timeline screens to ``Markup``.

>>> from datetime import date
>>> page = TimelinePage(person=PersonHeader(subject_id="p1", name="Alex Example"))
>>> html = render_timeline_page(page, action="/timeline/p1")
>>> "Alex Example" in html and "No interactions match these filters." in html
True
"""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Callable, Iterable, Mapping, Sequence
from datetime import date, datetime
from functools import cache
from itertools import groupby
from typing import Any

from markupsafe import Markup

from familyhubs_sdk.rendering import Renderer
from familyhubs_sdk.rendering._formatting import govuk_month
from familyhubs_sdk.rendering._spreadsheet import formula_safe
from familyhubs_sdk.timeline._audit import AuditEvent
from familyhubs_sdk.timeline._display import (
    ContactCard,
    ContactPoint,
    FamilyMember,
    PersonHeader,
    SearchResult,
    TimelineEntry,
    TimelinePage,
)

__all__ = [
    "DENIAL_MESSAGES",
    "render_access_denied",
    "render_contacts",
    "render_contacts_page",
    "render_family",
    "render_reason_form",
    "render_search_form",
    "render_search_results",
    "render_timeline_page",
    "render_viewed_by",
    "timeline_csv",
]

_EMAIL = re.compile(r"^[^@\s<>\"']+@[^@\s<>\"']+\.[^@\s<>\"']+$")

#: What a viewer is told for each access decision reason.
DENIAL_MESSAGES: dict[str, tuple[str, str]] = {
    "no_rule_for_role": (
        "Your role does not give you access to these records.",
        "If you need access, ask your manager to request it from the service owner.",
    ),
    "view_not_permitted": (
        "Your role does not give you access to this part of the record.",
        "If you need it, ask your manager to request access from the service owner.",
    ),
    "no_relationship": (
        "You are not recorded as working with this person or their family.",
        "If you are, ask their lead professional to add you.",
    ),
    "break_glass_not_permitted": (
        "Your role cannot use emergency access.",
        "If a child is at risk now, contact the children's services front door.",
    ),
    "justification_required": (
        "Emergency access needs a reason.",
        "Go back and say why you need to see this record now.",
    ),
    "unknown_subject": (
        "We could not find this record.",
        "Search for the child again; the link you followed may be out of date.",
    ),
    "age_limit": (
        "This record is outside the ages your role can see.",
        "Contact the service that holds them.",
    ),
}


@cache
def _default_renderer() -> Renderer:
    # One per process, so its compiled templates are kept (a new Renderer compiles them again).
    return Renderer()


def _renderer(renderer: Renderer | None) -> Renderer:
    return renderer or _default_renderer()


def _sort_key(moment: datetime | date) -> tuple[date, str]:
    day = moment.date() if isinstance(moment, datetime) else moment
    return (day, moment.isoformat())


def month_groups(entries: Iterable[TimelineEntry]) -> list[tuple[str, list[TimelineEntry]]]:
    """Entries newest first, grouped under "March 2026"-style headings."""
    ordered = sorted(entries, key=lambda entry: _sort_key(entry.start), reverse=True)
    return [
        (month, list(group)) for month, group in groupby(ordered, lambda e: govuk_month(e.start))
    ]


def year_groups(
    entries: Iterable[TimelineEntry],
) -> list[tuple[int, int, list[tuple[str, list[TimelineEntry]]]]]:
    """Entries newest first as ``(year, how many, month groups)``, the newest year first."""
    years: list[tuple[int, int, list[tuple[str, list[TimelineEntry]]]]] = []
    for month, group in month_groups(entries):
        year = group[0].start.year
        if years and years[-1][0] == year:
            years[-1][2].append((month, group))
            years[-1] = (year, years[-1][1] + len(group), years[-1][2])
        else:
            years.append((year, len(group), [(month, group)]))
    return years


def _contact_rows(points: Sequence[ContactPoint]) -> list[tuple[str, str, str | None, bool]]:
    rows: list[tuple[str, str, str | None, bool]] = []
    for point in points:
        href: str | None = None
        if point.system == "phone":
            digits = re.sub(r"[^\d+]", "", point.value)
            href = f"tel:{digits}" if len(digits) >= 3 else None
        elif point.system in ("email", "secure_email") and _EMAIL.match(point.value):
            href = f"mailto:{point.value}"
        rows.append((point.label, point.value, href, point.system == "secure_email"))
    return rows


def _cards(contacts: Sequence[ContactCard]) -> list[tuple[str, ContactCard, list[Any]]]:
    ordered = sorted(
        contacts,
        key=lambda card: (not card.current, -(card.last_involved or date.min).toordinal()),
    )
    return [
        (f"familyhubs-contact-{index}", card, _contact_rows(card.contact_points))
        for index, card in enumerate(ordered, start=1)
    ]


def _kind_items(page: TimelinePage) -> list[dict[str, Any]]:
    return [
        {"value": kind, "text": f"{label} ({count})", "checked": kind in page.filters.kinds}
        for kind, label, count in page.kind_counts
    ]


#: Links between the parts of one record: ``(href, text, is_current_page)``.
RecordNav = Sequence[tuple[str, str, bool]]


def render_timeline_page(
    page: TimelinePage,
    *,
    action: str,
    nav: RecordNav = (),
    filter_errors: Sequence[dict[str, str]] = (),
    filter_values: Mapping[str, str] | None = None,
    contacts_href: str = "#familyhubs-contacts-heading",
    renderer: Renderer | None = None,
) -> Markup:
    """The timeline screen: person, a summary (who works with them now and how to reach them,
    what each source covers), source notices, filters, the timeline by year (newest first,
    the newest year open) and who to contact.

    :param action: the URL the filter form submits to (by GET), usually the current page; the
        "Clear filters" link goes there too.
    :param nav: links to the record's other screens, shown under the person's name.
    :param filter_errors: ``{text, href}`` for filter dates that are not real dates
        (``#filter-from-day``) or are the wrong way round (``#filter-to-day``); see
        :func:`~familyhubs_sdk.timeline._screens.filter_errors`.
    :param filter_values: what was typed in the date fields (``from-day``…), shown back.
    :param contacts_href: where the summary's "Who to contact" link goes.
    """
    cards = _cards(page.contacts)
    anchors = {card.id: anchor for anchor, card, _ in cards}
    return _renderer(renderer).render(
        "familyhubs/timeline/page.html",
        person=page.person,
        nav=nav,
        sources=page.sources,
        ask_points=_ask_points(page),
        leads=[entry for entry in cards if entry[1].current],
        contacts_href=contacts_href,
        filters=page.filters,
        filter_errors=list(filter_errors),
        filter_values=dict(filter_values or {}),
        kind_items=_kind_items(page),
        action=action,
        years=year_groups(page.entries),
        contact_anchor=anchors,
        cards=cards,
    )


def _ask_points(page: TimelinePage) -> dict[str, list[tuple[str, str, str | None, bool]]]:
    """Each source's duty contact, as contact rows, by the source's name on screen."""
    return {
        notice.source_name: _contact_rows(notice.ask.contact_points)
        for notice in page.sources
        if notice.ask is not None
    }


def render_emergency_banner(*, subject_label: str, renderer: Renderer | None = None) -> Markup:
    """The banner on every screen of a record opened with emergency access."""
    return _renderer(renderer).render(
        "familyhubs/timeline/emergency_banner.html", subject_label=subject_label
    )


def render_contacts(contacts: Sequence[ContactCard], *, renderer: Renderer | None = None) -> Markup:
    """Only the "who to contact" panel."""
    return _renderer(renderer).render("familyhubs/timeline/contacts.html", cards=_cards(contacts))


def render_family(
    person: PersonHeader,
    family: Sequence[FamilyMember],
    *,
    member_href: Callable[[FamilyMember], str] | None = None,
    nav: RecordNav = (),
    renderer: Renderer | None = None,
) -> Markup:
    """The family view: the person header and their family members."""
    r = _renderer(renderer)
    header = r.render("familyhubs/timeline/person_header.html", person=person, nav=nav)
    table = r.render("familyhubs/timeline/family.html", family=family, member_href=member_href)
    return header + table


def render_contacts_page(
    person: PersonHeader,
    contacts: Sequence[ContactCard],
    *,
    nav: RecordNav = (),
    renderer: Renderer | None = None,
) -> Markup:
    """The "who to contact" screen: the person header and the contacts panel."""
    r = _renderer(renderer)
    header = r.render("familyhubs/timeline/person_header.html", person=person, nav=nav)
    return header + render_contacts(contacts, renderer=r)


def render_reason_form(
    *,
    action: str,
    csrf_token: str,
    subject_label: str,
    reasons: Sequence[tuple[str, str]],
    csrf_field: str = "csrf_token",
    chosen: str | None = None,
    allow_break_glass: bool = False,
    justification: str = "",
    errors: Sequence[dict[str, str]] = (),
    emergency_open: bool = False,
    renderer: Renderer | None = None,
) -> Markup:
    """The reason-for-access question, asked before any record is shown.

    :param subject_label: whose record, as the question says it: ``"this child"``, ``"this
        person"``.
    :param emergency_open: show the emergency access question open (the viewer came from
        "Use emergency access").
    """
    items = [{"value": value, "text": text, "checked": value == chosen} for value, text in reasons]
    return _renderer(renderer).render(
        "familyhubs/timeline/reason_form.html",
        action=action,
        csrf_field=csrf_field,
        csrf_token=csrf_token,
        subject_label=subject_label,
        reason_items=items,
        allow_break_glass=allow_break_glass,
        justification=justification,
        errors=list(errors),
        emergency_open=emergency_open,
    )


_ACTION_TEXT = {
    "search": "Search",
    "timeline_view": "Timeline",
    "contacts_view": "Contacts",
    "family_view": "Family",
    "export": "Export",
    "viewed_by": "Who has viewed",
    "access_review": "Emergency access reviewed",
}


def render_viewed_by(
    events: Iterable[AuditEvent],
    *,
    reason_text: Callable[[str], str] = lambda code: code.replace("_", " ").capitalize(),
    renderer: Renderer | None = None,
) -> Markup:
    """ "Who has viewed this record": audit events about one subject, one row per professional
    and day (UTC) — name, role and organisation, the times of their first and last look, what
    they opened and why — newest first. Reading the same record again (a filter changed) adds
    to its row's count, never a row.
    """
    rows = [
        {
            "day": group[0].occurred_at.date(),
            "first": group[-1].occurred_at,
            "last": group[0].occurred_at,
            "name": group[0].actor_name or group[0].actor_id,
            "role": group[0].actor_role.replace("_", " ").capitalize(),
            "organisation": group[0].actor_organisation,
            "actions": _action_counts(group),
            "reasons": list(
                dict.fromkeys(reason_text(e.reason) if e.reason else "Not given" for e in group)
            ),
            "break_glass": any(e.break_glass for e in group),
            "refused": any(e.outcome.value == "denied" for e in group),
        }
        for group in viewer_days(events)
    ]
    return _renderer(renderer).render("familyhubs/timeline/viewed_by.html", rows=rows)


def viewer_days(events: Iterable[AuditEvent]) -> list[list[AuditEvent]]:
    """Audit events grouped per professional and UTC day, newest group first, each group
    newest first."""
    ordered = sorted(events, key=lambda e: e.occurred_at, reverse=True)
    groups: dict[tuple[str, date], list[AuditEvent]] = {}
    for event in ordered:
        groups.setdefault((event.actor_id, event.occurred_at.date()), []).append(event)
    return list(groups.values())


def _action_counts(group: Sequence[AuditEvent]) -> list[tuple[str, int]]:
    counts: dict[str, int] = {}
    for event in reversed(group):
        text = _ACTION_TEXT.get(event.action.value, event.action.value)
        counts[text] = counts.get(text, 0) + 1
    return list(counts.items())


#: Fields of the search form, each empty until the viewer types something.
SEARCH_FIELDS = (
    "nhs_number",
    "upn",
    "given_name",
    "family_name",
    "birth_day",
    "birth_month",
    "birth_year",
)


def render_search_form(
    *,
    action: str,
    csrf_token: str,
    by: str | None = None,
    values: Mapping[str, str] | None = None,
    errors: Sequence[dict[str, str]] = (),
    csrf_field: str = "csrf_token",
    renderer: Renderer | None = None,
) -> Markup:
    """Find a child by NHS number, UPN, or name and date of birth (POSTed: no names in URLs).

    ``errors`` link to the fields at fault: ``#by``, ``#nhs-number``, ``#upn``, ``#given-name``,
    ``#family-name`` or ``#birth-day``.
    """
    given = dict(values or {})
    return _renderer(renderer).render(
        "familyhubs/timeline/search_form.html",
        action=action,
        csrf_field=csrf_field,
        csrf_token=csrf_token,
        by=by,
        values={name: given.get(name, "") for name in SEARCH_FIELDS},
        errors=list(errors),
        errors_by_href={error["href"]: {"text": error["text"]} for error in errors},
    )


def render_search_results(
    results: Sequence[SearchResult],
    *,
    record_href: Callable[[SearchResult], str],
    limit: int = 10,
    mode: str = "name",
    renderer: Renderer | None = None,
) -> Markup:
    """At most ``limit`` results, each linking to the record (via the reason question).

    :meth:`~familyhubs_sdk.timeline.TimelineService.search` returns at most
    :data:`~familyhubs_sdk.timeline._service.SEARCH_LIMIT`; when ``limit`` results arrive, the
    page says a narrower search may find others. ``mode`` (``nhs_number``, ``upn`` or ``name``,
    see :attr:`SearchQuery.mode`) chooses what "not found" advises.
    """
    shown = [(result, record_href(result)) for result in results[:limit]]
    return _renderer(renderer).render(
        "familyhubs/timeline/search_results.html",
        results=shown,
        total=len(results),
        limit=limit,
        truncated=len(results) > limit,
        at_limit=len(results) == limit,
        mode=mode,
    )


def render_access_denied(
    reason: str,
    *,
    change_reason_href: str | None = None,
    emergency_href: str | None = None,
    renderer: Renderer | None = None,
) -> Markup:
    """What a viewer sees instead of a record they may not see.

    :param change_reason_href: where to give a different reason for access; with it, the page
        links there ("Give a different reason").
    :param emergency_href: where to ask for emergency access, for a role the rules allow it
        ("Use emergency access").
    """
    message, next_step = DENIAL_MESSAGES.get(
        reason, ("You cannot see this record.", "Contact the service owner if you need access.")
    )
    return _renderer(renderer).render(
        "familyhubs/timeline/access_denied.html",
        heading="You cannot see this record",
        message=message,
        next_step=next_step,
        change_reason_href=change_reason_href,
        emergency_href=emergency_href,
    )


#: The columns of :func:`timeline_csv`.
TIMELINE_CSV_COLUMNS = (
    "date",
    "end",
    "kind",
    "what",
    "service",
    "professional",
    "source",
    "significant",
)


def timeline_csv(page: TimelinePage) -> str:
    """The page's timeline as CSV (newest first), formula-safe for spreadsheets: what
    :meth:`TimelineService.export` permits, and nothing else — never case notes."""
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(TIMELINE_CSV_COLUMNS)
    for _month, entries in month_groups(page.entries):
        for e in entries:
            row = (
                e.start.isoformat(),
                e.end.isoformat() if e.end else "",
                e.kind_label,
                e.label,
                e.service or "",
                e.professional_name or "",
                e.source_name,
                "yes" if e.significant else "no",
            )
            writer.writerow([formula_safe(cell) for cell in row])
    return out.getvalue()
