"""The professional directory: one HR definition, two sources naming the same staff id, one card."""

from __future__ import annotations

from datetime import UTC, date, datetime
from pathlib import Path

import pytest
import sqlalchemy as sa

from familyhubs_sdk.connectors import SQLViewConnector
from familyhubs_sdk.errors import ConfigurationError
from familyhubs_sdk.store import create_engine, upgrade
from familyhubs_sdk.testing import InMemoryConnector
from familyhubs_sdk.timeline import (
    AccessPolicy,
    AccessReason,
    AccessRules,
    AuditLog,
    DeterministicResolver,
    DirectoryNamespace,
    ProfessionalDirectory,
    TimelineService,
    Viewer,
)
from familyhubs_sdk.views import Involvement, Person, TimelineEvent, ViewCatalog

NHS = "9434765919"
HR = ViewCatalog.from_yaml(
    """
source_system: hr
definitions:
  - name: staff
    view: professional
    table: hr_staff
    columns: {professional_id: staff_no, name: full_name, team: team_name,
              period_end: {column: left_on, cast: date}}
  - name: phones
    view: professional_contact_point
    table: hr_phone
    columns: {professional_id: staff_no, system: {const: phone}, value: number, use: line}
"""
)
RULES = AccessRules.from_yaml(
    """
roles:
  social_worker:
    views: [timeline, contacts]
    event_kinds: ["*"]
    sensitivities: [standard]
    contact_fields: [work_phone, duty_phone]
    requires_relationship: false
"""
)


def _event(source: str, ref: str, key: str, kind: str, staff: str) -> TimelineEvent:
    return TimelineEvent(
        source_system=source,
        source_ref=ref,
        person_key=key,
        kind=kind,
        period_start=datetime(2026, 3, int(ref[-1])),
        professional_id=staff,
    )


@pytest.fixture
def service(tmp_path: Path) -> TimelineService:
    warehouse = sa.create_engine(f"sqlite:///{tmp_path / 'hr.db'}")
    with warehouse.begin() as conn:
        for statement in (
            "CREATE TABLE hr_staff (staff_no TEXT PRIMARY KEY, full_name TEXT, team_name TEXT, "
            "left_on TEXT)",
            "CREATE TABLE hr_phone (staff_no TEXT, number TEXT, line TEXT)",
            "INSERT INTO hr_staff VALUES ('S0003', 'Sam Patel', 'Assessment team', NULL)",
            "INSERT INTO hr_staff VALUES ('S0004', 'Jo Reid', 'Early help team', '2026-06-30')",
            "INSERT INTO hr_phone VALUES ('S0003', '01632 960001', 'work')",
            "INSERT INTO hr_phone VALUES ('S0004', '07700 900004', 'work')",
            "INSERT INTO hr_phone VALUES ('S0004', '01632 960100', 'duty')",
        ):
            conn.exec_driver_sql(statement)
    lcs = InMemoryConnector(
        "lcs",
        people=[Person(source_system="lcs", person_key="P1", nhs_number=NHS)],
        events=[_event("lcs", "c1", "P1", "social_care.contact", "S0003")],
        involvements=[
            Involvement(
                source_system="lcs",
                source_ref="i1",
                person_key="P1",
                professional_id="S0004",
                role="family_support_worker",
                period_start=date(2026, 1, 2),
            )
        ],
    )
    health = InMemoryConnector(
        "health",
        identifier="nhs_number",  # type: ignore[arg-type]
        events=[_event("health", "a2", NHS, "health.ae_attendance", "S0003")],
    )
    store = create_engine(f"sqlite:///{tmp_path / 'store.db'}")
    upgrade(store)
    people = lcs.people
    return TimelineService(
        [lcs, health, SQLViewConnector(warehouse, HR, name="hr")],
        resolver=DeterministicResolver(people, key=b"m" * 32),
        policy=AccessPolicy(RULES),
        audit=AuditLog(store, key=b"k" * 32),
        clock=lambda: datetime(2026, 11, 1, tzinfo=UTC),
        directory=ProfessionalDirectory.from_data(
            {"namespace": "hr", "sources": ["lcs", "health"]}
        ),
    )


def test_one_card_for_a_staff_id_two_sources_name(service: TimelineService) -> None:
    subject = service.resolver.resolve("nhs_number", NHS)
    assert subject is not None
    viewer = Viewer(id="u1", name="Sam", role="social_worker", organisation="LA")
    page = service.timeline(viewer, subject.master_id, AccessReason(reason="assessment")).page
    assert page is not None
    cards = {card.id: card for card in page.contacts}
    assert sorted(cards) == ["hr:S0003", "hr:S0004"]
    assert [(p.label, p.value) for p in cards["hr:S0003"].contact_points] == [
        ("Work phone", "01632 960001")
    ]
    assert [e.professional_name for e in page.entries] == ["Sam Patel", "Sam Patel"]
    left = cards["hr:S0004"]
    assert (left.name, left.left_on, left.current) == ("Jo Reid", date(2026, 6, 30), False)
    assert [p.value for p in left.contact_points] == ["01632 960100"]


def test_without_a_namespace_each_source_is_its_own_directory() -> None:
    directory = ProfessionalDirectory()
    assert directory.card_id("lcs", "S0003") != directory.card_id("health", "S0003")


def test_a_source_in_two_namespaces_is_refused() -> None:
    with pytest.raises(ConfigurationError, match="source 'lcs' is in two directory namespaces"):
        ProfessionalDirectory(
            [
                DirectoryNamespace(name="hr", sources=("lcs",)),
                DirectoryNamespace(name="nhs", sources=("lcs",)),
            ]
        )


def test_a_card_with_nothing_to_show_gets_the_duty_contact_of_the_source_that_named_them(
    service: TimelineService,
) -> None:
    # The card's id is in the "hr" namespace; the duty contact is the naming source's.
    service.policy = AccessPolicy(
        AccessRules.from_yaml(
            """
roles:
  social_worker: {views: [timeline, contacts], event_kinds: ["*"], sensitivities: [standard],
                  contact_fields: [secure_email], requires_relationship: false}
sources:
  lcs: {ask: {name: "the duty team", phone: "01632 960999"}}
"""
        )
    )
    subject = service.resolver.resolve("nhs_number", NHS)
    assert subject is not None
    viewer = Viewer(id="u1", name="Sam", role="social_worker", organisation="LA")
    page = service.contacts(viewer, subject.master_id, AccessReason(reason="assessment")).page
    assert page is not None
    cards = {card.id: card for card in page.contacts}
    assert cards["hr:S0004"].source_system == "lcs"
    assert [p.value for p in cards["hr:S0004"].contact_points] == ["01632 960999"]
