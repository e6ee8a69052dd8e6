"""What the timeline screens show: a display model, already filtered by the access policy.

The service builds these from the canonical views; the fragments render them. Nothing here is
free text from a case record: labels are short coded descriptions and contact details.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, datetime
from enum import StrEnum

from pydantic import BaseModel, ConfigDict, Field

__all__ = [
    "ContactCard",
    "ContactPoint",
    "FamilyMember",
    "PersonHeader",
    "SearchResult",
    "SourceNotice",
    "SourceState",
    "TimelineEntry",
    "TimelineFilters",
    "TimelinePage",
]


class _Frozen(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")


class PersonHeader(_Frozen):
    """Who the record is about, with identifiers partly masked."""

    subject_id: str
    name: str
    birth_date: date | None = None
    age_text: str | None = None
    #: e.g. ``[("NHS number", "*** *** 5919")]``
    identifiers: tuple[tuple[str, str], ...] = ()


class SearchResult(_Frozen):
    """One child found by a search: only what confirms it is the right child."""

    subject_id: str
    name: str
    birth_date: date | None = None
    #: Masked, e.g. ``[("NHS number", "*** *** 5919")]``.
    identifiers: tuple[tuple[str, str], ...] = ()


class TimelineEntry(_Frozen):
    """One interaction with a service."""

    id: str
    kind: str
    kind_label: str
    start: datetime | date
    end: datetime | date | None = None
    status: str | None = None
    service: str | None = None
    label: str
    professional_id: str | None = None
    professional_name: str | None = None
    significant: bool = False
    sensitivity: str = "standard"
    source_name: str


class ContactPoint(_Frozen):
    """One way to reach a professional or team."""

    system: str  # phone, email, secure_email
    value: str
    use: str = "work"  # work, duty, mobile
    label: str

    @property
    def field(self) -> str:
        """The access-rule field name: ``work_phone``, ``duty_phone``, ``mobile``,
        ``work_email``, ``duty_email`` or ``secure_email``."""
        if self.system == "secure_email":
            return "secure_email"
        if self.system == "phone" and self.use == "mobile":
            return "mobile"
        return f"{self.use}_{self.system}"


class ContactCard(_Frozen):
    """A professional or team who has worked with the child."""

    id: str
    name: str
    role: str | None = None
    team: str | None = None
    organisation: str | None = None
    current: bool = False
    last_involved: date | None = None
    contact_points: tuple[ContactPoint, ...] = ()
    #: The day they left; their card then carries their team's duty contact, not their own.
    left_on: date | None = None
    #: The source whose record named them (the first, if several did); its duty contact stands
    #: in when the viewer may see none of theirs. Not the id's prefix: that may be a directory
    #: namespace.
    source_system: str | None = None


class FamilyMember(_Frozen):
    """Someone in the child's family, with their relationship."""

    subject_id: str
    name: str
    relationship: str
    birth_date: date | None = None


class SourceState(StrEnum):
    """How one source answered."""

    OK = "ok"
    UNAVAILABLE = "unavailable"
    NOT_CONNECTED = "not_connected"


class SourceNotice(_Frozen):
    """What a source said, so "no records" is never confused with "not asked"."""

    source_name: str
    state: SourceState
    coverage_from: date | None = None
    record_count: int = 0
    #: Records this source holds that the viewer cannot see (counted only where the access
    #: rules let their existence be shown).
    hidden_count: int = 0
    #: The source may hold records the viewer's role cannot see, and the rules do not let the
    #: screen say whether it does: said whatever the source holds, so it reveals nothing.
    may_hold_hidden: bool = False
    #: Whom to ask about what is hidden: the source's duty contact, if the rules name one.
    ask: ContactCard | None = None
    #: Records this source holds for the child that did not fit their canonical view and could
    #: not be shown (the rest of the source is).
    skipped_count: int = 0

    @property
    def hides_records(self) -> bool:
        """Whether the screen must say records may be hidden: never "no records" then."""
        return self.hidden_count > 0 or self.may_hold_hidden


class TimelineFilters(_Frozen):
    """The filters applied, as the filter form shows them."""

    kinds: frozenset[str] = frozenset()
    period: str = "all"  # 6m, 1y, 5y, all, custom
    date_from: date | None = None
    date_to: date | None = None
    significant_only: bool = False


class TimelinePage(_Frozen):
    """Everything one timeline screen shows."""

    person: PersonHeader
    entries: Sequence[TimelineEntry] = ()
    contacts: Sequence[ContactCard] = ()
    family: Sequence[FamilyMember] = ()
    sources: Sequence[SourceNotice] = ()
    filters: TimelineFilters = Field(default_factory=TimelineFilters)
    #: Every kind in the unfiltered timeline with its count, for the filter form.
    kind_counts: Sequence[tuple[str, str, int]] = ()
