"""The inbox's HTML fragments: the list of requests and one request.

Each returns :class:`~markupsafe.Markup` for the host's layout; links and form actions come from
the host, so the inbox mounts wherever it likes. The filter and the pages are plain GET links
(:class:`InboxQuery` reads them back), so the inbox works without JavaScript. The form that
changes a request's status is in :mod:`familyhubs_sdk.support.inbox._status_form`.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from functools import cache
from typing import Any
from urllib.parse import urlencode

from markupsafe import Markup

from familyhubs_sdk.rendering import Renderer
from familyhubs_sdk.support.inbox._filters import InboxQuery
from familyhubs_sdk.support.inbox._inbox import InboxPage, InboxRow
from familyhubs_sdk.support.inbox._lifecycle import RequestRecord, RequestStatus
from familyhubs_sdk.support.requests._request import EvidenceSummary, request_sections, size_text

__all__ = [
    "STATUS_TAG_COLOURS",
    "InboxQuery",
    "render_inbox_list",
    "render_request_detail",
]

#: GOV.UK tag colour of each status: final statuses stand out from those still being worked on.
STATUS_TAG_COLOURS: Mapping[RequestStatus, str] = {
    RequestStatus.NEW: "blue",
    RequestStatus.OPENED: "light-blue",
    RequestStatus.ACCEPTED: "green",
    RequestStatus.DECLINED: "red",
    RequestStatus.WITHDRAWN: "grey",
}


@cache
def default_renderer() -> Renderer:
    # One per process, so its compiled templates are kept.
    return Renderer()


def _href(action: str, params: Mapping[str, str]) -> str:
    if not params:
        return action
    return f"{action}{'&' if '?' in action else '?'}{urlencode(params)}"


def _pagination_items(
    current: int, last: int, href: Callable[[int], str], label: str
) -> dict[str, Any] | None:
    """``govukPagination`` params for the page links, or none when there is one page."""
    if current == 1 and last == 1:
        return None
    # First, last and the neighbours of this page; a gap between any two becomes an ellipsis.
    shown = sorted({1, last, current - 1, current, current + 1} & set(range(1, last + 1)))
    items: list[dict[str, Any]] = []
    for before, number in zip([0, *shown], shown, strict=False):
        if number - before > 1:
            items.append({"ellipsis": True})
        items.append({"number": number, "href": href(number), "current": number == current})
    return {
        "previous": {"href": href(min(current - 1, last))} if current > 1 else None,
        "next": {"href": href(current + 1)} if current < last else None,
        "items": items,
        "landmarkLabel": label,
    }


def _pagination(page: InboxPage, action: str) -> dict[str, Any] | None:
    filtered = f"{page.status.label.lower()} " if page.status else ""
    return _pagination_items(
        page.page_number,
        page.page_count,
        lambda number: _href(action, InboxQuery(page.status, number).params()),
        f"Pages of {filtered}requests",
    )


def render_inbox_list(
    page: InboxPage,
    *,
    action: str,
    request_href: Callable[[InboxRow], str],
    renderer: Renderer | None = None,
) -> Markup:
    """The inbox: a status filter with the count in each, one page of requests, and page links.

    :param action: the inbox's own URL; filter and page links add ``?status=...&page=...``.
    :param request_href: where each request's reference links to (its detail page).
    """
    tabs = [
        {
            "text": f"{status.label if status else 'All'} ({count})",
            "href": _href(action, InboxQuery(status).params()),
            "current": status == page.status,
        }
        for status, count in [
            (None, sum(page.counts.values())),
            *((status, page.counts.get(status, 0)) for status in RequestStatus),
        ]
    ]
    return (renderer or default_renderer()).render(
        "familyhubs/support/inbox_list.html",
        page=page,
        tabs=tabs,
        rows=[(row, request_href(row)) for row in page.rows],
        colours=STATUS_TAG_COLOURS,
        pagination=_pagination(page, action),
    )


def render_request_detail(
    record: RequestRecord,
    *,
    section_titles: Mapping[str, str] = {},
    status_href: str | None = None,
    evidence_href: Callable[[EvidenceSummary], str] | None = None,
    person: Callable[[str], str] = str,
    renderer: Renderer | None = None,
) -> Markup:
    """One request: its status, every answer by section, the support it points to, its evidence
    and its history (newest first).

    :param section_titles: section id to heading (a tree's ``section_index`` titles); answers of
        an unknown section go under "Your answers", as on the referrer's copy.
    :param status_href: the status form's URL; shown as a "Change" link while a move is allowed.
    :param evidence_href: the download URL of each supporting file, if the host serves them.
    :param person: turns the user id on each history row into what the team should read (a name
        from the host's user directory); the id itself by default.
    """
    return (renderer or default_renderer()).render(
        "familyhubs/support/inbox_detail.html",
        **detail_context(
            record,
            section_titles=section_titles,
            status_href=status_href,
            evidence_href=evidence_href,
            person=person,
        ),
        triage=None,
        done=None,
        reason_not_kept=False,
    )


def detail_context(
    record: RequestRecord,
    *,
    section_titles: Mapping[str, str],
    status_href: str | None,
    evidence_href: Callable[[EvidenceSummary], str] | None,
    person: Callable[[str], str],
) -> dict[str, Any]:
    """What ``inbox_detail.html`` shows of any request: the same for the plain and triage views."""
    return {
        "record": record,
        "colours": STATUS_TAG_COLOURS,
        "status_href": status_href if record.allowed_moves else None,
        "sections": request_sections(record.request, section_titles),
        "evidence": [
            (e.display_name, size_text(e.size_bytes), evidence_href(e) if evidence_href else None)
            for e in record.request.evidence
        ],
        "history": [(change, person(change.changed_by)) for change in reversed(record.history)],
    }
