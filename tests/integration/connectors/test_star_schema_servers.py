"""The star-schema mapping (lookups, casts, one directory, row faults) on every supported database."""

from __future__ import annotations

from datetime import UTC, date, datetime
from pathlib import Path

import sqlalchemy as sa
from examples.star_schema_warehouse.warehouse import build, catalogs, timeline_service

from familyhubs_sdk.store import create_engine, upgrade
from familyhubs_sdk.timeline import (
    AccessReason,
    AccessRules,
    Viewer,
)
from familyhubs_sdk.views import check_warehouse

RULES = AccessRules.from_yaml(
    """
roles:
  social_worker:
    views: [timeline, contacts]
    event_kinds: ["*"]
    sensitivities: [standard, sensitive, restricted]
    contact_fields: [work_phone, duty_phone, mobile]
    requires_relationship: false
"""
)


def test_three_children_read_the_same_on_every_database(engine: sa.Engine, tmp_path: Path) -> None:
    build(engine)
    store = create_engine(f"sqlite:///{tmp_path / 'store.db'}")
    upgrade(store)
    service = timeline_service(
        engine, store, RULES, clock=lambda: datetime(2026, 11, 1, tzinfo=UTC)
    )
    viewer = Viewer(id="u1", name="Sam", role="social_worker", organisation="LA")
    seen = {}
    for la_id in ("P-1001", "P-1002", "P-1003"):
        subject = service.resolver.resolve("la_person_id", la_id)
        assert subject is not None
        result = service.timeline(viewer, subject.master_id, AccessReason(reason="assessment"))
        page = result.page
        assert page is not None
        seen[la_id] = (
            [(e.kind, e.label, e.professional_name) for e in page.entries],
            [(c.id, c.name, c.left_on, c.current) for c in page.contacts],
            {n.source_name: n.skipped_count for n in page.sources},
        )
    assert seen["P-1001"][1] == [("hr:S0003", "Sam Patel", None, True)]
    assert len(seen["P-1001"][0]) == 4
    assert seen["P-1002"][1] == [("hr:S0007", "Jo Reid", date(2026, 8, 31), False)]
    assert seen["P-1003"][2] == {"Children's social care": 0, "Health": 1}
    assert seen["P-1003"][1] == [("hr:S0009", "Kim Lee", None, True)]


def test_checks_on_every_database(engine: sa.Engine) -> None:
    build(engine)
    found = {name: check_warehouse(engine, catalog) for name, catalog in catalogs().items()}
    assert found["hr"].ok, found["hr"]
    text_dates = [p for p in found["lcs"].problems + found["lcs"].warnings if "as text" in p]
    assert any("'contact_dt' holds period_start as text" in line for line in text_dates)
    if engine.dialect.name == "sqlite":
        assert found["lcs"].ok
    else:
        # Elsewhere a text column cannot be compared with a date bound: the check says to cast.
        assert any("add 'cast: datetime'" in problem for problem in found["lcs"].problems)
