"""The synthetic warehouse and the shipped view definitions, on SQLite, PostgreSQL and MariaDB."""

from __future__ import annotations

import sqlalchemy as sa

from familyhubs_sdk.connectors import FederatedSource, OutcomeState
from familyhubs_sdk.synthetic import build_warehouse, catalogs, connectors
from familyhubs_sdk.synthetic._generate import Generator
from familyhubs_sdk.views import check_catalog, explain_lookups


def test_generation_is_deterministic_and_never_real() -> None:
    def rows(seed: int) -> dict[str, list[tuple[object, ...]]]:
        generator = Generator(seed, children=150)
        merged: dict[str, list[tuple[object, ...]]] = {}
        for batch in [generator.professionals(), *generator.batches(50)]:
            for name, found in batch.rows.items():
                merged.setdefault(name, []).extend(found)
        return merged

    first, again, other = rows(3), rows(3), rows(4)
    assert first == again
    assert first != other
    numbers = [row[3] for row in first["ssd_linked_identifiers"] if row[2] == "NHS Number"]
    assert numbers
    assert all(str(n).startswith("999") for n in numbers)
    assert all(
        str(row[3]).startswith("01632 96")
        for row in first["la_professional_contacts"]
        if row[2] == "phone"
    )
    assert all(
        str(row[3]).endswith(".invalid")
        for row in first["la_professional_contacts"]
        if row[2] == "secure_email"
    )


def test_shipped_views_read_every_event_of_a_child(engine: sa.Engine) -> None:
    summary = build_warehouse(engine, children=300)
    assert summary.events == sum(
        summary.rows[t]
        for t in summary.rows
        if t.startswith(
            (
                "ssd_contacts",
                "ssd_cin",
                "ssd_early",
                "ssd_cla",
                "health_ae",
                "health_visiting",
                "edu_",
                "police_",
            )
        )
    )
    for catalog in catalogs():
        assert check_catalog(engine, catalog) == []
    if engine.url.get_backend_name() in ("postgresql", "sqlite"):
        for catalog in catalogs():
            assert all(use.uses_index for use in explain_lookups(engine, catalog))
    sources = connectors(engine)
    federated = FederatedSource(sources)
    for subject in (summary.subject_near(30), summary.subject_near(3)):
        keys = {
            "lcs": [subject.la_person_id],
            "police": [subject.la_person_id],
            "health": [subject.nhs_number] if subject.nhs_number else [],
            "education": [subject.upn] if subject.upn else [],
        }
        result = federated.read_timeline(keys, limit=5000)
        assert all(o.state is OutcomeState.OK for o in result.outcomes)
        assert len(result.items) == subject.events
        starts = [e.period_start for e in result.items]
        assert starts == sorted(starts, reverse=True)
    lcs = sources[0]
    child = summary.subject_near(10).la_person_id
    [person] = lcs.read_people([child])
    assert person.nhs_number == summary.subjects[child].nhs_number
    family = lcs.read_family([child])
    assert {m.relationship for m in family} >= {"mother"}
    involvements = lcs.read_involvements([s for s in summary.subjects][:200])
    contacts = lcs.professional_contacts(sorted({i.professional_id for i in involvements})[:5])
    assert contacts
    assert all(c.contact_points for c in contacts)
    assert {c.source_system for c in federated.coverage().items} == {
        "lcs",
        "health",
        "education",
        "police",
    }


def test_read_through_the_views_no_event_precedes_a_birth_or_its_source(engine: sa.Engine) -> None:
    """What a practitioner would see: every event of every child, read back through the shipped
    views, is after the child's birth and inside its source's coverage; new birth visits are in
    the first fortnight. (The generator's own rules are the property test's business.)"""
    summary = build_warehouse(engine, children=60, seed=5)
    sources = connectors(engine)
    federated = FederatedSource(sources)
    coverage = {c.source_system: c.coverage_start for c in federated.coverage().items}
    assert set(coverage) == {"lcs", "health", "education", "police"}
    born = {p.person_key: p.birth_date for p in sources[0].all_people()}
    seen = 0
    for subject in summary.subjects.values():
        keys = {
            "lcs": [subject.la_person_id],
            "police": [subject.la_person_id],
            "health": [subject.nhs_number] if subject.nhs_number else [],
            "education": [subject.upn] if subject.upn else [],
        }
        birth = born[subject.la_person_id]
        assert birth is not None
        for event in federated.read_timeline(keys, limit=5000).items:
            seen += 1
            start = event.period_start.date()
            assert start >= birth, (event.kind, start, birth)
            since = coverage[event.source_system]
            assert since is not None
            assert start >= since, (event.source_system, start)
            if event.label == "New birth visit":
                assert 10 <= (start - birth).days <= 14, (start, birth)
    assert seen == summary.events
