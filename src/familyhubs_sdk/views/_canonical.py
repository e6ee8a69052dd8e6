"""The canonical views every source is mapped onto: one model and one table shape each.

Field names follow FHIR UK Core where one fits (``period_start``/``period_end`` for
``Encounter.period``, ``system``/``value``/``use`` for ``ContactPoint``). Nothing here holds free
text from a case record: labels are short, single-line coded descriptions; notes are never read.

>>> event = TimelineEvent(source_system="lcs", source_ref="c1", person_key="P1",
...                       kind="social_care.contact", period_start=datetime(2026, 1, 5, 9, 30))
>>> event.display_label
"Contact with children's social care"
>>> sorted(CANONICAL_VIEWS)[:3]
['family_membership', 'involvement', 'person']
"""

from __future__ import annotations

import types
from collections.abc import Mapping
from datetime import date, datetime
from functools import cache
from typing import Annotated, Any, ClassVar, TypeVar, Union, get_args, get_origin

import sqlalchemy as sa
from pydantic import (
    AfterValidator,
    BaseModel,
    ConfigDict,
    Field,
    StringConstraints,
    ValidationError,
    ValidationInfo,
    field_validator,
    model_validator,
)

from familyhubs_sdk.views._identifiers import normalise_nhs_number, normalise_upn
from familyhubs_sdk.views._vocab import (
    EVENT_KINDS,
    INVOLVEMENT_ROLES,
    RELATIONSHIPS,
    ContactSystem,
    ContactUse,
    EventStatus,
    LinkMethod,
    Sensitivity,
)

__all__ = [
    "CANONICAL_VIEWS",
    "END_BEFORE_START",
    "CanonicalRecord",
    "FamilyMembership",
    "Involvement",
    "Person",
    "PersonLink",
    "Professional",
    "ProfessionalContactPoint",
    "SourceCoverage",
    "TimelineEvent",
    "fault_reason",
    "view_columns",
]

_T = TypeVar("_T", date, datetime)

#: An identifier or key: short, one line.
Key = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=64)]
#: A short coded description or a name: one line, no control characters.
Short = Annotated[
    str,
    StringConstraints(
        strip_whitespace=True, min_length=1, max_length=120, pattern=r"^[^\x00-\x1f\x7f]*$"
    ),
]


def _code_in(vocabulary: dict[str, Any], what: str) -> AfterValidator:
    def check(value: str) -> str:
        if value not in vocabulary:
            raise ValueError(f"unknown {what} {value!r}")
        return value

    return AfterValidator(check)


class CanonicalRecord(BaseModel):
    """Base of every canonical row: frozen, no unknown fields (free text cannot slip in)."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    #: The canonical view's name, e.g. ``timeline_event``.
    view: ClassVar[str]
    #: The field a lookup filters on (``person_key``, ``professional_id``), if any.
    lookup: ClassVar[str | None] = None
    #: The field ordered and bounded by time, if any.
    time_field: ClassVar[str | None] = None

    source_system: Key

    @model_validator(mode="before")
    @classmethod
    def _fill_defaults(cls, data: Any) -> Any:
        # A source's NULL in a field that has a default means "use the default".
        if isinstance(data, Mapping):
            data = {
                key: value
                for key, value in data.items()
                if value is not None or key not in cls._defaulted_fields()
            }
            cls._derive(data)
        return data

    @classmethod
    def _derive(cls, data: dict[str, Any]) -> None:
        """Fill fields whose default depends on others (subclasses override)."""

    @classmethod
    @cache
    def _defaulted_fields(cls) -> frozenset[str]:
        return frozenset(
            name
            for name, field in cls.model_fields.items()
            if not field.is_required() and field.default is not None
        )


class Person(CanonicalRecord):
    """A person as one source knows them (FHIR ``Patient``)."""

    view = "person"
    lookup = "person_key"

    person_key: Key
    given_name: Short | None = None
    family_name: Short | None = None
    birth_date: date | None = None
    gender: Annotated[str, StringConstraints(max_length=32)] | None = None
    nhs_number: Annotated[str, AfterValidator(normalise_nhs_number)] | None = None
    upn: Annotated[str, AfterValidator(normalise_upn)] | None = None
    la_person_id: Key | None = None


class PersonLink(CanonicalRecord):
    """The crosswalk: which source person is which master person, and how we know."""

    view = "person_link"
    lookup = "person_key"

    master_id: Key
    person_key: Key
    method: LinkMethod
    confidence: float = Field(default=1.0, ge=0.0, le=1.0)


class FamilyMembership(CanonicalRecord):
    """A relationship between two people, from the first person's point of view."""

    view = "family_membership"
    lookup = "person_key"

    person_key: Key
    related_person_key: Key
    relationship: Annotated[str, _code_in(RELATIONSHIPS, "relationship")]
    same_household: bool = True


class TimelineEvent(CanonicalRecord):
    """One interaction with a service. Coded, dated, attributed — never a case note."""

    view = "timeline_event"
    lookup = "person_key"
    time_field = "period_start"

    source_ref: Key
    person_key: Key
    kind: Annotated[str, _code_in(EVENT_KINDS, "event kind")]
    period_start: datetime
    period_end: datetime | None = None
    status: EventStatus | None = None
    service: Short | None = None
    professional_id: Key | None = None
    label: Short | None = None
    #: When the source gives none, the kind's own default (police notifications are restricted).
    sensitivity: Sensitivity = Sensitivity.STANDARD

    @classmethod
    def _derive(cls, data: dict[str, Any]) -> None:
        kind = EVENT_KINDS.get(data.get("kind"))  # type: ignore[arg-type]
        if "sensitivity" not in data and kind is not None:
            data["sensitivity"] = kind.default_sensitivity

    @field_validator("period_end")
    @classmethod
    def _end_after_start(cls, value: datetime | None, info: ValidationInfo) -> datetime | None:
        return _period_end(value, info)

    @property
    def display_label(self) -> str:
        """The label, or the kind's own label when the source gives none."""
        return self.label or EVENT_KINDS[self.kind].label


class Involvement(CanonicalRecord):
    """A professional's involvement with a person, in a role, over a period."""

    view = "involvement"
    lookup = "person_key"
    time_field = "period_start"

    source_ref: Key
    person_key: Key
    professional_id: Key
    role: Annotated[str, _code_in(INVOLVEMENT_ROLES, "involvement role")]
    team: Short | None = None
    period_start: date
    period_end: date | None = None

    @field_validator("period_end")
    @classmethod
    def _end_after_start(cls, value: date | None, info: ValidationInfo) -> date | None:
        return _period_end(value, info)


class ProfessionalContactPoint(CanonicalRecord):
    """One way to reach a professional (FHIR ``ContactPoint``)."""

    view = "professional_contact_point"
    lookup = "professional_id"

    professional_id: Key
    system: ContactSystem
    value: Annotated[str, StringConstraints(strip_whitespace=True, min_length=3, max_length=254)]
    use: ContactUse = ContactUse.WORK


class Professional(CanonicalRecord):
    """A professional or team (FHIR ``Practitioner`` with its role)."""

    view = "professional"
    lookup = "professional_id"

    professional_id: Key
    name: Short
    job_title: Short | None = None
    team: Short | None = None
    organisation: Short | None = None
    #: The day they left; from then on their card shows the team's duty contact instead of theirs.
    period_end: date | None = None


class SourceCoverage(CanonicalRecord):
    """What a source holds, so a screen can say "not covered" rather than "no record"."""

    view = "source_coverage"

    last_synchronised: datetime | None = None
    coverage_start: date | None = None
    coverage_end: date | None = None
    note: Short | None = None


def _period_end(value: _T | None, info: ValidationInfo) -> _T | None:
    """A period that ends before it starts loses its end (the start is what the timeline
    orders by); readers count such rows, see :data:`END_BEFORE_START`."""
    start = info.data.get("period_start")
    if value is not None and start is not None and value < start:
        return None
    return value


def fault_reason(error: ValidationError) -> str:
    """The reason code a row that does not fit its view is counted under: the first field at
    fault and the error's type (``label:string_pattern_mismatch``), never the value."""
    first = error.errors(include_input=False, include_url=False, include_context=False)[0]
    field = ".".join(str(part) for part in first["loc"]) or "row"
    return f"{field}:{first['type']}"


#: The reason code a row whose period ended before it started is counted under.
END_BEFORE_START = "period_end:before_start"

#: Every canonical view by name.
CANONICAL_VIEWS: dict[str, type[CanonicalRecord]] = {
    model.view: model
    for model in (
        Person,
        PersonLink,
        FamilyMembership,
        TimelineEvent,
        Involvement,
        Professional,
        ProfessionalContactPoint,
        SourceCoverage,
    )
}


def view_columns(view: str) -> dict[str, tuple[sa.types.TypeEngine[Any], bool]]:
    """The table shape of a canonical view: field → (SQL type, required)."""
    model = CANONICAL_VIEWS[view]
    return {
        name: (_sql_type(field.annotation), field.is_required())
        for name, field in model.model_fields.items()
    }


def _sql_type(annotation: Any) -> sa.types.TypeEngine[Any]:
    base = _strip_optional(annotation)
    if get_origin(base) is Annotated:
        base = get_args(base)[0]
    if isinstance(base, type):
        if issubclass(base, bool):
            return sa.Boolean()
        if issubclass(base, float):
            return sa.Float()
        if issubclass(base, datetime):
            return sa.DateTime()
        if issubclass(base, date):
            return sa.Date()
        if issubclass(base, str):  # str and the StrEnums
            return sa.String(254)
    raise TypeError(f"no SQL type for {annotation!r}")  # pragma: no cover - guarded by tests


def _strip_optional(annotation: Any) -> Any:
    if get_origin(annotation) in (Union, types.UnionType):
        args = [arg for arg in get_args(annotation) if arg is not type(None)]
        if len(args) == 1:
            return args[0]
    return annotation
