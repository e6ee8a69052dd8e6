"""The inbox's filters and search, as links and the filter form carry them in the query string.

The search (a reference or part of a name) is posted, never put in a link: names stay out of
URLs, browser history and server logs. Read leniently where a value can only be mistyped in a
link (an unknown status or area shows every request), strictly where a person typed it: a date
received that is not a real date gives a GOV.UK error message for its field, and the filter is
not applied until it is put right.

>>> query = InboxQuery.from_query({"status": ["declined"], "page": ["3"], "q": [" k7qd "]})
>>> query.status, query.offset(50), query.search
(<RequestStatus.DECLINED: 'declined'>, 100, 'k7qd')
>>> InboxQuery.from_query({"from-day": ["31"], "from-month": ["2"], "from-year": ["2026"]}).errors
({'text': 'Received from must be a real date', 'href': '#from-day'},)
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field, replace
from datetime import date

from familyhubs_sdk.support.inbox._lifecycle import RequestStatus

__all__ = ["PAGE_SIZE", "UNASSIGNED", "InboxQuery"]

#: Requests on one page of the inbox, unless the host asks for another number.
PAGE_SIZE = 50

#: The assignee filter's value for requests nobody is dealing with yet.
UNASSIGNED = "unassigned"
#: The longest search the inbox reads; a reference is 8 characters, a name rarely 60.
SEARCH_MAX_LENGTH = 100

_PAGE_NUMBER = re.compile(r"[0-9]{1,7}")
_ID = re.compile(r"[A-Za-z0-9_.:@-]{1,200}")
_DATE_FIELDS = (("from", "Received from"), ("to", "Received to"))


def _first(query: Mapping[str, Sequence[str]], name: str) -> str:
    values = query.get(name) or ()
    return values[0].strip() if values else ""


def _read_date(
    query: Mapping[str, Sequence[str]], name: str, label: str
) -> tuple[date | None, tuple[str, str, str], dict[str, str] | None]:
    """The date in ``name-day``, ``name-month``, ``name-year``; its parts as typed; an error."""
    parts = (
        _first(query, f"{name}-day"),
        _first(query, f"{name}-month"),
        _first(query, f"{name}-year"),
    )
    if not any(parts):
        return None, parts, None
    missing = [unit for unit, part in zip(("day", "month", "year"), parts, strict=True) if not part]
    if missing:
        first = missing[0]
        text = f"{label} must include a {' and a '.join(missing)}"
        return None, parts, {"text": text, "href": f"#{name}-{first}"}
    if not all(part.isdigit() and len(part) <= 4 for part in parts) or len(parts[2]) != 4:
        return None, parts, {"text": f"{label} must be a real date", "href": f"#{name}-day"}
    try:
        return date(int(parts[2]), int(parts[1]), int(parts[0])), parts, None
    except ValueError:
        return None, parts, {"text": f"{label} must be a real date", "href": f"#{name}-day"}


@dataclass(frozen=True, slots=True)
class InboxQuery:
    """The inbox's filters, search and page (``?status=new&area=housing&q=K7QD&page=2``).

    ``errors`` holds GOV.UK error summary items for dates that are not real dates; such a date
    is left out of the filter (``received_from``/``received_to`` are ``None``) and its parts
    are kept in ``typed`` to show again.
    """

    status: RequestStatus | None = None
    page: int = 1
    #: An area of need (option value of the tree's needs question).
    area: str | None = None
    #: A triage flag id (:class:`~familyhubs_sdk.support.inbox.TriageFlag`).
    flag: str | None = None
    #: An assignee id, or :data:`UNASSIGNED`.
    assignee: str | None = None
    #: Received on or after this day (UTC).
    received_from: date | None = None
    #: Received on or before this day (UTC).
    received_to: date | None = None
    #: A reference, or part of a child's or the lead contact's name; case does not matter.
    #: Posted by the search form (read from the form fields), never carried in links.
    search: str = ""
    #: Date parts as typed, by field name (``from``/``to``): (day, month, year).
    typed: Mapping[str, tuple[str, str, str]] = field(default_factory=dict)
    errors: tuple[Mapping[str, str], ...] = ()

    @classmethod
    def from_query(cls, query: Mapping[str, Sequence[str]]) -> InboxQuery:
        """Read the query string fields, each a list of values."""
        # Links carry these exactly: a padded page number is a mistyped link, read as page 1.
        status, page = (next(iter(query.get(name) or ()), "") for name in ("status", "page"))
        dates: dict[str, date | None] = {}
        typed: dict[str, tuple[str, str, str]] = {}
        errors: list[Mapping[str, str]] = []
        for name, label in _DATE_FIELDS:
            value, parts, error = _read_date(query, name, label)
            dates[name] = value
            if any(parts):
                typed[name] = parts
            if error:
                errors.append(error)
        start, end = dates["from"], dates["to"]
        if start and end and end < start:
            errors.append(
                {
                    "text": "Received to must be the same as or after received from",
                    "href": "#to-day",
                }
            )
            dates["to"] = None

        def ident(name: str) -> str | None:
            value = _first(query, name)
            return value if _ID.fullmatch(value) else None

        return cls(
            status=RequestStatus(status) if status in set(RequestStatus) else None,
            page=max(1, int(page)) if _PAGE_NUMBER.fullmatch(page) else 1,
            area=ident("area"),
            flag=ident("flag"),
            assignee=ident("assignee"),
            received_from=dates["from"],
            received_to=dates["to"],
            search=_first(query, "q")[:SEARCH_MAX_LENGTH],
            typed=typed,
            errors=tuple(errors),
        )

    def offset(self, limit: int = PAGE_SIZE) -> int:
        """Where this page starts."""
        return (self.page - 1) * limit

    def with_page(self, page: int) -> InboxQuery:
        return replace(self, page=page)

    def with_status(self, status: RequestStatus | None) -> InboxQuery:
        """The same filters on another status tab, first page."""
        return replace(self, status=status, page=1)

    @property
    def filtered(self) -> bool:
        """Whether anything but the status and page narrows the list."""
        return bool(
            self.area or self.flag or self.assignee or self.search
            or self.received_from or self.received_to
        )  # fmt: skip

    def params(self) -> dict[str, str]:
        """The query string fields that lead back here; empty for every request, first page."""
        params: dict[str, str] = {}
        if self.status:
            params["status"] = self.status.value
        for name in ("area", "flag", "assignee"):
            value = getattr(self, name)
            if value:
                params[name] = value
        for name, value in (("from", self.received_from), ("to", self.received_to)):
            if value:
                params |= {f"{name}-day": str(value.day), f"{name}-month": str(value.month),
                           f"{name}-year": str(value.year)}  # fmt: skip
        # The search is left out on purpose: it can hold a child's name, and names never go
        # into a URL (browser history, server logs). The search form posts it instead.
        if self.page > 1:
            params["page"] = str(self.page)
        return params
