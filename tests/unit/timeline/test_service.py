"""TimelineService over the synthetic warehouse: audit completeness, policy, failing sources."""

from __future__ import annotations

import logging
from collections.abc import Sequence
from datetime import UTC, datetime
from pathlib import Path

import pytest
import sqlalchemy as sa

from familyhubs_sdk.connectors import SQLViewConnector
from familyhubs_sdk.errors import ConnectorError
from familyhubs_sdk.store import create_engine, upgrade
from familyhubs_sdk.store._schema import audit_events
from familyhubs_sdk.synthetic import WarehouseSummary, build_warehouse, connectors
from familyhubs_sdk.timeline import (
    AccessPolicy,
    AccessRules,
    AuditLog,
    DeterministicResolver,
    Viewer,
    render_timeline_page,
)
from familyhubs_sdk.timeline._display import SourceState, TimelineFilters
from familyhubs_sdk.timeline._service import AccessReason, SearchQuery, TimelineService
from familyhubs_sdk.views import IdentifierType, Person, TimelineEvent

RULES = AccessRules.from_yaml(
    """
roles:
  social_worker:
    views: [search, timeline, contacts, family, export]
    event_kinds: ["*"]
    sensitivities: [standard, sensitive, restricted]
    contact_fields: [work_phone, duty_phone, secure_email, work_email]
    requires_relationship: true
    may_break_glass: true
  family_support:
    views: [search, timeline, contacts]
    event_kinds: ["early_help.*", "education.*", "health.*", "social_care.*"]
    sensitivities: [standard]
    contact_fields: [duty_phone]
    requires_relationship: false
    search: all
  information_governance:
    audit: true
"""
)
NOW = datetime(2026, 11, 1, 9, 30, tzinfo=UTC)


class World:
    def __init__(self, tmp_path: Path) -> None:
        self.warehouse = create_engine(f"sqlite:///{tmp_path / 'warehouse.db'}")
        self.summary: WarehouseSummary = build_warehouse(self.warehouse, children=120, seed=11)
        self.store = create_engine(f"sqlite:///{tmp_path / 'store.db'}")
        upgrade(self.store)
        self.sources: list[SQLViewConnector] = connectors(self.warehouse)
        self.people = self.sources[0].all_people()
        self.resolver = DeterministicResolver(self.people, key=b"m" * 32)
        self.audit = AuditLog(self.store, key=b"k" * 32)
        self.allocated: set[tuple[str, str]] = set()

    def service(self, sources: Sequence[object] | None = None) -> TimelineService:
        return TimelineService(
            sources or self.sources,  # type: ignore[arg-type]
            resolver=self.resolver,
            policy=AccessPolicy(RULES, relationship=lambda v, s: (v.id, s) in self.allocated),
            audit=self.audit,
            source_labels={
                "lcs": "Children's social care",
                "health": "Health",
                "education": "Education",
                "police": "Police",
                "housing": "Housing",
            },
            people=self.people,
            clock=lambda: NOW,
        )

    def subject(self, events: int) -> str:
        child = self.summary.subject_near(events)
        resolved = self.resolver.resolve("source_id", f"lcs:{child.la_person_id}")
        assert resolved is not None
        return resolved.master_id

    def person(self, subject: str) -> Person:
        resolved = self.resolver.subject(subject)
        assert resolved is not None
        [key] = resolved.keys_for("lcs", IdentifierType.SOURCE_ID)
        return next(p for p in self.people if p.person_key == key)

    def audit_rows(self) -> list[dict[str, object]]:
        with self.store.connect() as conn:
            return [dict(r) for r in conn.execute(sa.select(audit_events)).mappings()]


@pytest.fixture(scope="module")
def world(tmp_path_factory: pytest.TempPathFactory) -> World:
    return World(tmp_path_factory.mktemp("service"))


SW = Viewer(id="sw1", name="Sam Worker", role="social_worker", organisation="Children's Services")
FS = Viewer(id="fs1", name="Flo Support", role="family_support", organisation="Family hub")
REASON = AccessReason(reason="assessment", basis="public_task")


def test_timeline_reads_every_source_newest_first_and_audits_once(world: World) -> None:
    subject = world.subject(30)
    world.allocated.add(("sw1", subject))
    before = len(world.audit_rows())
    result = world.service().timeline(SW, subject, REASON)
    assert result.allowed
    assert result.page is not None
    child = world.summary.subjects[world.person(subject).person_key]
    assert len(result.page.entries) == child.events
    starts = [e.start for e in result.page.entries]
    assert starts == sorted(starts, reverse=True)
    assert result.page.person.name != "Name not recorded"
    assert {n.source_name for n in result.page.sources if n.state is SourceState.NOT_CONNECTED} == {
        "Housing"
    }
    rows = world.audit_rows()[before:]
    assert len(rows) == 1
    assert rows[0]["action"] == "timeline_view"
    assert rows[0]["outcome"] == "allowed"
    assert rows[0]["reason"] == "assessment"
    assert rows[0]["subject_ref"] == world.audit.subject_ref(subject)


def test_every_read_path_writes_exactly_one_audit_row_with_no_record_data(
    world: World, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG)
    service = world.service()
    subject = world.subject(12)
    header = service.timeline(
        SW, subject, AccessReason(reason="r", break_glass_justification="risk of harm now")
    )
    assert header.page is not None
    person = world.person(subject)
    assert person.nhs_number
    assert person.given_name
    assert person.family_name
    canaries = [person.given_name, person.family_name, person.nhs_number, person.person_key]
    paths = {
        "search_nhs": lambda: service.search(FS, SearchQuery(nhs_number=person.nhs_number)),
        "search_name": lambda: service.search(
            FS, SearchQuery(family_name=person.family_name, birth_date=person.birth_date)
        ),
        "timeline": lambda: service.timeline(FS, subject, REASON),
        "contacts": lambda: service.contacts(FS, subject, REASON),
        "family": lambda: service.family(
            SW, subject, AccessReason(reason="r", break_glass_justification="urgent")
        ),
        "export": lambda: service.export(
            SW, subject, AccessReason(reason="r", break_glass_justification="urgent")
        ),
        "denied": lambda: service.family(FS, subject, REASON),
        "no_relationship": lambda: service.timeline(SW, subject, REASON),
        "break_glass": lambda: service.timeline(
            SW, subject, AccessReason(reason="r", break_glass_justification="urgent")
        ),
    }
    expected = {
        "search_nhs": ("search", "allowed", False),
        "search_name": ("search", "allowed", False),
        "timeline": ("timeline_view", "allowed", False),
        "contacts": ("contacts_view", "allowed", False),
        "family": ("family_view", "allowed", True),
        "denied": ("family_view", "denied", False),
        "export": ("export", "allowed", True),
        "no_relationship": ("timeline_view", "denied", False),
        "break_glass": ("timeline_view", "allowed", True),
    }
    for name, call in paths.items():
        before = len(world.audit_rows())
        found = call()
        rows = world.audit_rows()[before:]
        # A search writes one row per child it returns (one request id), every other read one.
        assert len(rows) == (len(found) if isinstance(found, list) else 1), name
        assert len({r["request_id"] for r in rows}) == 1, name
        row = rows[0]
        assert (row["action"], row["outcome"], row["break_glass"]) == expected[name], name
        for field in ("occurred_at", "request_id", "actor_id", "actor_role", "actor_organisation"):
            assert row[field], (name, field)
        text = repr(row)
        for canary in canaries:
            assert canary not in text, (name, canary)
    assert service.search(FS, SearchQuery(nhs_number=person.nhs_number))[0].subject_id == subject
    # Social workers need a relationship to open a record, not to search for one.
    assert service.search(SW, SearchQuery(nhs_number=person.nhs_number))[0].subject_id == subject
    outsider = Viewer(id="x", name="X", role="volunteer", organisation="Charity")
    before = len(world.audit_rows())
    assert service.search(outsider, SearchQuery(nhs_number=person.nhs_number)) == []
    assert [(r["action"], r["outcome"]) for r in world.audit_rows()[before:]] == [
        ("search", "denied")
    ]
    for canary in canaries:
        assert canary not in caplog.text


def test_policy_keeps_restricted_events_and_personal_lines_from_family_support(
    world: World,
) -> None:
    subject = world.subject(40)
    world.allocated.add(("sw1", subject))
    sw = world.service().timeline(SW, subject, REASON)
    fs = world.service().timeline(FS, subject, REASON)
    assert sw.page is not None
    assert fs.page is not None
    assert {e.kind for e in fs.page.entries} <= {e.kind for e in sw.page.entries}
    assert all(e.sensitivity == "standard" for e in fs.page.entries)
    assert not any(e.kind.startswith("police.") for e in fs.page.entries)
    html = render_timeline_page(fs.page, action="/t")
    for entry in sw.page.entries:
        if entry.sensitivity != "standard":
            assert entry.id not in html
    fields = {p.field for card in fs.page.contacts for p in card.contact_points}
    assert fields <= {"duty_phone"}


def test_family_events_join_when_asked_and_filters_narrow_entries_not_counts(
    world: World,
) -> None:
    children = world.summary.subjects
    siblings = next(
        busy
        for family in world.summary.families
        if len(busy := [p for p in family if p in children and children[p].events]) >= 2
    )
    found = world.resolver.resolve("source_id", f"lcs:{siblings[0]}")
    assert found is not None
    subject = found.master_id
    world.allocated.add(("sw1", subject))
    service = world.service()
    alone = service.timeline(SW, subject, REASON)
    together = service.timeline(SW, subject, REASON, include_family=True)
    assert alone.page is not None
    assert together.page is not None
    assert not alone.page.family
    assert together.page.family
    assert {e.id for e in alone.page.entries} < {e.id for e in together.page.entries}
    only = TimelineFilters(significant_only=True)
    significant = service.timeline(SW, subject, REASON, filters=only)
    assert significant.page is not None
    assert significant.page.entries == [e for e in alone.page.entries if e.significant]
    assert significant.page.kind_counts == alone.page.kind_counts
    assert significant.page.filters == only


class Down(SQLViewConnector):
    def read_timeline(self, *args: object, **kwargs: object) -> list[TimelineEvent]:
        raise ConnectorError("warehouse down")


def test_a_source_down_shows_its_notice_beside_the_others(world: World) -> None:
    subject = world.subject(30)
    world.allocated.add(("sw1", subject))
    health = world.sources[1]
    broken = Down(world.warehouse, health.catalog)
    sources = [world.sources[0], broken, *world.sources[2:]]
    result = world.service(sources).timeline(SW, subject, REASON)
    assert result.page is not None
    notices = {n.source_name: n.state for n in result.page.sources}
    assert notices["Health"] is SourceState.UNAVAILABLE
    assert notices["Children's social care"] is SourceState.OK
    assert result.page.entries
    assert not any(e.kind.startswith("health.") for e in result.page.entries)
    assert "Health" in render_timeline_page(result.page, action="/t")


def test_unknown_subject_is_denied_and_audited(world: World) -> None:
    before = len(world.audit_rows())
    result = world.service().timeline(FS, "m_0000000000000000", REASON)
    assert not result.allowed
    assert result.decision.reason == "unknown_subject"
    assert [r["outcome"] for r in world.audit_rows()[before:]] == ["denied"]


def test_export_is_the_permitted_timeline_as_formula_safe_csv(world: World) -> None:
    import csv
    import io

    from familyhubs_sdk.timeline import timeline_csv

    service = world.service()
    subject = world.subject(20)
    urgent = AccessReason(reason="assessment", break_glass_justification="strategy meeting today")
    result = service.export(SW, subject, urgent)
    assert result.audit_event.action.value == "export"
    assert result.page is not None
    rows = list(csv.reader(io.StringIO(timeline_csv(result.page))))
    assert rows[0] == [
        "date",
        "end",
        "kind",
        "what",
        "service",
        "professional",
        "source",
        "significant",
    ]
    assert len(rows) - 1 == len(result.page.entries) > 0
    assert [r[0] for r in rows[1:]] == sorted((r[0] for r in rows[1:]), reverse=True)
    # A role without the export view is refused, and the refusal is audited.
    refused = service.export(FS, subject, REASON)
    assert (refused.allowed, refused.decision.reason, refused.audit_event.outcome.value) == (
        False, "view_not_permitted", "denied",
    )  # fmt: skip


def test_timeline_csv_cells_never_start_a_formula() -> None:
    import csv
    import io

    from tests.helpers.timeline_samples import sample_page

    from familyhubs_sdk.timeline import timeline_csv

    page = sample_page("Alex Example")
    hostile = page.entries[0].model_copy(
        update={"label": '=HYPERLINK("http://x")', "service": "+1"}
    )
    page = page.model_copy(update={"entries": [hostile, *page.entries[1:]]})
    cells = [cell for row in csv.reader(io.StringIO(timeline_csv(page))) for cell in row]
    assert '\'=HYPERLINK("http://x")' in cells
    assert "'+1" in cells
    assert not any(cell.startswith(("=", "+", "@")) for cell in cells)


IG = Viewer(id="ig1", name="Ida Gov", role="information_governance", organisation="The LA")


def test_search_by_a_caseload_role_finds_only_its_caseload_or_an_exact_nhs_number(
    world: World,
) -> None:
    # Finding: search returned the names and dates of birth of every match (children and adults)
    # to a caseload-only role, and audited the search without naming who it returned.
    service = world.service()
    subject = world.subject(21)
    person = world.person(subject)
    assert person.family_name
    assert person.birth_date
    assert person.nhs_number
    resolved = world.resolver.subject(subject)
    assert resolved is not None
    upns = sorted(resolved.upns)
    by_name = SearchQuery(family_name=person.family_name, birth_date=person.birth_date)
    world.allocated.discard(("sw1", subject))
    before = len(world.audit_rows())
    assert subject not in {r.subject_id for r in service.search(SW, by_name)}
    for upn in upns:
        assert service.search(SW, SearchQuery(upn=upn)) == []
    rows = world.audit_rows()[before:]
    assert [(r["action"], r["outcome"], r["subject_ref"]) for r in rows] == [
        ("search", "allowed", None)
    ] * (1 + len(upns))
    # An exact NHS number finds the child; opening the record still needs a relationship.
    [found] = service.search(SW, SearchQuery(nhs_number=person.nhs_number))
    assert found.subject_id == subject
    assert not service.timeline(SW, subject, REASON).allowed
    # On the caseload: found by name, and the audit names the subject, by reference only.
    world.allocated.add(("sw1", subject))
    before = len(world.audit_rows())
    assert subject in {r.subject_id for r in service.search(SW, by_name)}
    rows = world.audit_rows()[before:]
    assert world.audit.subject_ref(subject) in {r["subject_ref"] for r in rows}
    for row in rows:
        text = repr(row)
        for canary in (person.given_name, person.family_name, person.nhs_number, *upns):
            assert str(canary) not in text
    # Adults are never found by a role limited to children.
    adult = next(p for p in world.people if p.birth_date and p.birth_date.year < 1995)
    hv_rules = AccessRules.from_yaml(
        "roles: {hv: {views: [search], search: all, max_subject_age: 19}}"
    )
    hv_service = TimelineService(
        world.sources,
        resolver=world.resolver,
        policy=AccessPolicy(hv_rules, clock=lambda: NOW),
        audit=world.audit,
        people=world.people,
        clock=lambda: NOW,
    )
    hv = Viewer(id="hv1", name="H", role="hv", organisation="NHS")
    assert adult.family_name
    assert (
        hv_service.search(
            hv, SearchQuery(family_name=adult.family_name, birth_date=adult.birth_date)
        )
        == []
    )


def test_search_returns_at_most_the_cap_and_audits_each_subject_returned(tmp_path: Path) -> None:
    from datetime import date

    from familyhubs_sdk.testing import InMemoryConnector
    from familyhubs_sdk.timeline._service import SEARCH_LIMIT

    born = date(2020, 2, 2)
    people = [
        Person(source_system="lcs", person_key=f"P{n:03}", given_name=f"Child{n:03}",
               family_name="Green", birth_date=born)
        for n in range(60)
    ]  # fmt: skip
    lcs = InMemoryConnector("lcs", people=people)
    store = create_engine(f"sqlite:///{tmp_path / 'store.db'}")
    upgrade(store)
    audit = AuditLog(store, key=b"k" * 32)
    service = TimelineService(
        [lcs],
        resolver=DeterministicResolver(people, key=b"m" * 32),
        policy=AccessPolicy(RULES, clock=lambda: NOW),
        audit=audit,
        people=people,
        clock=lambda: NOW,
    )
    results = service.search(FS, SearchQuery(family_name="green", birth_date=born))
    assert len(results) == SEARCH_LIMIT < len(people)
    with store.connect() as conn:
        rows = list(conn.execute(sa.select(audit_events)).mappings())
    assert len(rows) == SEARCH_LIMIT
    assert {r["subject_ref"] for r in rows} == {audit.subject_ref(r.subject_id) for r in results}
    assert {(r["action"], r["outcome"]) for r in rows} == {("search", "allowed")}
    assert len({r["request_id"] for r in rows}) == 1
    assert not any("Green" in repr(dict(r)) or "Child" in repr(dict(r)) for r in rows)
    # A caseload role with nobody on its caseload finds none of them.
    assert service.search(SW, SearchQuery(family_name="green", birth_date=born)) == []


def test_who_has_viewed_is_only_for_the_audit_permission_or_a_relationship(world: World) -> None:
    service = world.service()
    subject = world.subject(17)
    service.timeline(FS, subject, REASON)
    world.allocated.discard(("sw1", subject))
    before = len(world.audit_rows())
    # Family support opened the record with a reason; that does not show who else looked.
    refused = service.viewed_by(FS, subject, REASON)
    assert (refused.allowed, refused.events) == (False, ())
    # Nor does emergency access.
    glass = AccessReason(reason="r", break_glass_justification="urgent")
    assert service.timeline(SW, subject, glass).allowed
    assert not service.viewed_by(SW, subject, glass).allowed
    rows = world.audit_rows()[before:]
    assert [(r["action"], r["outcome"]) for r in rows] == [
        ("viewed_by", "denied"),
        ("timeline_view", "allowed"),
        ("viewed_by", "denied"),
    ]
    assert rows[0]["subject_ref"] == world.audit.subject_ref(subject)
    world.allocated.add(("sw1", subject))
    mine = service.viewed_by(SW, subject, REASON)
    assert (mine.allowed, mine.decision.reason) == (True, "relationship")
    assert {e.actor_id for e in mine.events} >= {"fs1", "sw1"}
    audit = service.viewed_by(IG, subject, AccessReason(reason="audit_review"))
    assert (audit.allowed, audit.decision.reason) == (True, "audit_permission")
    assert audit.audit_event.action.value == "viewed_by"
    assert service.viewed_by_decision(IG, "m_unknown").reason == "unknown_subject"


def test_name_search_tolerates_misspellings_needs_the_birth_date_and_keeps_the_cap(
    tmp_path: Path,
) -> None:
    from datetime import date

    from familyhubs_sdk.testing import InMemoryConnector
    from familyhubs_sdk.timeline._search import SEARCH_LIMIT, name_similarity

    born, other_day = date(2020, 2, 2), date(2020, 2, 3)
    people = [
        Person(source_system="lcs", person_key="LILY", given_name="Lily", family_name="Nkagi",
               birth_date=born),
        Person(source_system="lcs", person_key="JONES", given_name="Lily", family_name="Jones",
               birth_date=born),
        Person(source_system="lcs", person_key="LATER", given_name="Lily", family_name="Nkagi",
               birth_date=other_day),
        *(Person(source_system="lcs", person_key=f"S{n:02}", given_name=f"Sam{n:02}",
                 family_name="Smyth", birth_date=born) for n in range(30)),
    ]  # fmt: skip
    lcs = InMemoryConnector("lcs", people=people)
    store = create_engine(f"sqlite:///{tmp_path / 'store.db'}")
    upgrade(store)
    service = TimelineService(
        [lcs], resolver=DeterministicResolver(people, key=b"m" * 32),
        policy=AccessPolicy(RULES, clock=lambda: NOW), audit=AuditLog(store, key=b"k" * 32),
        people=people, clock=lambda: NOW,
    )  # fmt: skip

    def names(query: SearchQuery) -> list[str]:
        return [r.name for r in service.search(FS, query)]

    # "Lilly" finds "Lily"; swapped letters in the family name too; born that day only.
    assert names(SearchQuery(given_name="Lilly", family_name="Nagki", birth_date=born)) == [
        "Lily Nkagi"
    ]
    assert names(SearchQuery(given_name="Lily", family_name="nkagi")) == []  # no date of birth
    assert names(SearchQuery(family_name="Jones", birth_date=born)) == ["Lily Jones"]
    # A misspelt search among many close names never returns more than the cap.
    assert len(names(SearchQuery(family_name="Smith", birth_date=born))) == SEARCH_LIMIT
    assert name_similarity("Lilly", "Lily") > name_similarity("Lilly", "Jones")
