"""``InMemoryConnector``: a connector over lists of canonical records, for tests and prototypes.

>>> from datetime import datetime
>>> connector = InMemoryConnector("demo", events=[
...     TimelineEvent(source_system="demo", source_ref="e1", person_key="P1",
...                   kind="health.ae_attendance", period_start=datetime(2026, 2, 1)),
... ])
>>> [event.source_ref for event in connector.read_timeline(["P1"])]
['e1']
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import date, datetime

from familyhubs_sdk.connectors._base import (
    Capability,
    CheckResult,
    ProfessionalContacts,
    SourceConnector,
    as_naive,
    validate_read_args,
)
from familyhubs_sdk.views._canonical import (
    FamilyMembership,
    Involvement,
    Person,
    Professional,
    ProfessionalContactPoint,
    SourceCoverage,
    TimelineEvent,
)
from familyhubs_sdk.views._vocab import IdentifierType

__all__ = ["InMemoryConnector"]


class InMemoryConnector(SourceConnector):
    """Holds canonical records in memory; supports every read, or those in ``capabilities``."""

    def __init__(
        self,
        name: str,
        *,
        people: Iterable[Person] = (),
        events: Iterable[TimelineEvent] = (),
        involvements: Iterable[Involvement] = (),
        professionals: Iterable[Professional] = (),
        contact_points: Iterable[ProfessionalContactPoint] = (),
        family: Iterable[FamilyMembership] = (),
        coverage: SourceCoverage | None = None,
        identifier: IdentifierType = IdentifierType.SOURCE_ID,
        capabilities: Iterable[Capability] | None = None,
        timeout_s: float = 3.0,
    ) -> None:
        super().__init__(name, timeout_s=timeout_s)
        self.people = list(people)
        self.events = sorted(events, key=lambda e: (e.period_start, e.source_ref), reverse=True)
        self.involvements = sorted(involvements, key=lambda i: i.period_start, reverse=True)
        self.professionals = list(professionals)
        self.contact_points = list(contact_points)
        self.family = list(family)
        self._coverage = coverage
        self.identifier = identifier
        self.capabilities = (
            frozenset(capabilities) if capabilities is not None else frozenset(Capability)
        )

    def check(self) -> CheckResult:
        return CheckResult(ok=True)

    def coverage(self) -> SourceCoverage | None:
        self._require(Capability.COVERAGE)
        return self._coverage

    def read_people(self, person_keys: Sequence[str]) -> list[Person]:
        keys = set(self._keys(Capability.PEOPLE, person_keys))
        return [person for person in self.people if person.person_key in keys]

    def read_timeline(
        self,
        person_keys: Sequence[str],
        *,
        since: date | datetime | None = None,
        until: date | datetime | None = None,
        limit: int = 500,
    ) -> list[TimelineEvent]:
        self._require(Capability.TIMELINE)
        keys = set(validate_read_args(person_keys, limit))
        low, high = as_naive(since), as_naive(until)
        found = [
            event
            for event in self.events
            if event.person_key in keys
            and (low is None or event.period_start >= low)
            and (high is None or event.period_start < high)
        ]
        return found[:limit]

    def read_involvements(self, person_keys: Sequence[str]) -> list[Involvement]:
        keys = set(self._keys(Capability.INVOLVEMENTS, person_keys))
        return [item for item in self.involvements if item.person_key in keys]

    def professional_contacts(self, professional_ids: Sequence[str]) -> list[ProfessionalContacts]:
        ids = set(self._keys(Capability.CONTACTS, professional_ids))
        return [
            ProfessionalContacts(
                professional=professional,
                contact_points=tuple(
                    point
                    for point in self.contact_points
                    if point.professional_id == professional.professional_id
                ),
            )
            for professional in self.professionals
            if professional.professional_id in ids
        ]

    def read_family(self, person_keys: Sequence[str]) -> list[FamilyMembership]:
        keys = set(self._keys(Capability.FAMILY, person_keys))
        return [member for member in self.family if member.person_key in keys]

    def _keys(self, capability: Capability, keys: Sequence[str]) -> list[str]:
        self._require(capability)
        return validate_read_args(keys)

    def _require(self, capability: Capability) -> None:
        if capability not in self.capabilities:
            raise self._unsupported(capability)
