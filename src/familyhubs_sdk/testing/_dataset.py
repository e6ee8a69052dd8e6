"""The fixed canonical dataset the conformance kit loads into a connector under test.

Three people in source ``contract``: ``C1`` with 24 events over six years, ``C2`` (C1's sister)
with 6, and ``C3`` with none; three professionals with contact points; involvements; a family
link; coverage. Times are distinct, so "newest first" has one right answer.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta

from familyhubs_sdk.views._canonical import (
    FamilyMembership,
    Involvement,
    Person,
    Professional,
    ProfessionalContactPoint,
    SourceCoverage,
    TimelineEvent,
)
from familyhubs_sdk.views._vocab import EVENT_KINDS, ContactSystem, ContactUse

__all__ = ["CONTRACT_SOURCE", "ContractDataset", "contract_dataset"]

CONTRACT_SOURCE = "contract"


@dataclass(frozen=True)
class ContractDataset:
    """The fixed people, events, involvements and contacts the conformance kit checks a
    connector against (see :func:`contract_dataset`)."""

    people: tuple[Person, ...]
    events: tuple[TimelineEvent, ...]
    involvements: tuple[Involvement, ...]
    professionals: tuple[Professional, ...]
    contact_points: tuple[ProfessionalContactPoint, ...]
    family: tuple[FamilyMembership, ...]
    coverage: SourceCoverage

    def events_for(self, *keys: str) -> list[TimelineEvent]:
        """The events of these people, newest first (the order every connector must return)."""
        chosen = [event for event in self.events if event.person_key in keys]
        return sorted(chosen, key=lambda e: (e.period_start, e.source_ref), reverse=True)


def contract_dataset() -> ContractDataset:
    """The dataset; the same every call."""
    source = CONTRACT_SOURCE
    kinds = sorted(EVENT_KINDS)
    events = []
    start = datetime(2020, 1, 6, 9, 15)
    for index in range(24):
        events.append(
            TimelineEvent(
                source_system=source,
                source_ref=f"E{index:03d}",
                person_key="C1",
                kind=kinds[index % len(kinds)],
                period_start=start + timedelta(days=91 * index, hours=index),
                service="Contract team",
                professional_id=f"PR{index % 3 + 1}",
                label=None if index % 2 else "Coded label",
            )
        )
    for index in range(6):
        events.append(
            TimelineEvent(
                source_system=source,
                source_ref=f"F{index:03d}",
                person_key="C2",
                kind="early_help.episode",
                period_start=start + timedelta(days=200 * index + 3),
                period_end=start + timedelta(days=200 * index + 60),
                professional_id="PR1",
            )
        )
    professionals = tuple(
        Professional(
            source_system=source,
            professional_id=f"PR{n}",
            name=name,
            job_title=title,
            team="Contract team",
            organisation="Contract Council",
        )
        for n, name, title in (
            (1, "Alex Example", "Family support worker"),
            (2, "Sam Sample", "Social worker"),
            (3, "Jo Test", "Health visitor"),
        )
    )
    points = (
        ProfessionalContactPoint(
            source_system=source,
            professional_id="PR1",
            system=ContactSystem.PHONE,
            value="01632 960001",
            use=ContactUse.WORK,
        ),
        ProfessionalContactPoint(
            source_system=source,
            professional_id="PR1",
            system=ContactSystem.SECURE_EMAIL,
            value="alex.example@contract.gov.uk.invalid",
            use=ContactUse.WORK,
        ),
        ProfessionalContactPoint(
            source_system=source,
            professional_id="PR2",
            system=ContactSystem.PHONE,
            value="01632 960002",
            use=ContactUse.DUTY,
        ),
    )
    return ContractDataset(
        people=(
            Person(
                source_system=source,
                person_key="C1",
                given_name="Casey",
                family_name="Contract",
                birth_date=date(2016, 5, 1),
                nhs_number="9434765919",
            ),
            Person(
                source_system=source,
                person_key="C2",
                given_name="Robin",
                family_name="Contract",
                birth_date=date(2018, 9, 2),
            ),
            Person(
                source_system=source,
                person_key="C3",
                given_name="Kit",
                family_name="Other",
                birth_date=date(2019, 1, 3),
            ),
        ),
        events=tuple(events),
        involvements=(
            Involvement(
                source_system=source,
                source_ref="I1",
                person_key="C1",
                professional_id="PR1",
                role="family_support_worker",
                team="Contract team",
                period_start=date(2024, 1, 1),
            ),
            Involvement(
                source_system=source,
                source_ref="I2",
                person_key="C1",
                professional_id="PR2",
                role="social_worker",
                period_start=date(2021, 3, 1),
                period_end=date(2022, 3, 1),
            ),
            Involvement(
                source_system=source,
                source_ref="I3",
                person_key="C2",
                professional_id="PR3",
                role="health_visitor",
                period_start=date(2019, 1, 1),
                period_end=date(2020, 1, 1),
            ),
        ),
        professionals=professionals,
        contact_points=points,
        family=(
            FamilyMembership(
                source_system=source,
                person_key="C1",
                related_person_key="C2",
                relationship="sibling",
            ),
            FamilyMembership(
                source_system=source,
                person_key="C2",
                related_person_key="C1",
                relationship="sibling",
            ),
        ),
        coverage=SourceCoverage(
            source_system=source,
            coverage_start=date(2019, 4, 1),
            last_synchronised=datetime(2026, 11, 1, 2, 0),
        ),
    )
