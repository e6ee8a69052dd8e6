"""The star-schema mapping end to end on SQLite: three children's timelines and contacts."""

from __future__ import annotations

from datetime import UTC, date, datetime
from pathlib import Path

import pytest
import sqlalchemy as sa
from examples.star_schema_warehouse.warehouse import NHS_NUMBERS, build, timeline_service

from familyhubs_sdk.cli import main
from familyhubs_sdk.store import create_engine, upgrade
from familyhubs_sdk.timeline import (
    AccessReason,
    AccessRules,
    TimelineService,
    Viewer,
    render_timeline_page,
)

RULES = AccessRules.from_yaml(
    """
roles:
  social_worker:
    views: [timeline, contacts]
    event_kinds: ["*"]
    sensitivities: [standard, sensitive, restricted]
    contact_fields: [work_phone, duty_phone, mobile, secure_email, work_email]
    requires_relationship: false
"""
)
NOW = datetime(2026, 11, 1, 9, 30, tzinfo=UTC)
VIEWER = Viewer(id="u1", name="Sam", role="social_worker", organisation="Children's services")
REASON = AccessReason(reason="assessment")


@pytest.fixture
def warehouse(tmp_path: Path) -> sa.Engine:
    engine = sa.create_engine(f"sqlite:///{tmp_path / 'warehouse.db'}")
    build(engine)
    return engine


@pytest.fixture
def service(warehouse: sa.Engine, tmp_path: Path) -> TimelineService:
    store = create_engine(f"sqlite:///{tmp_path / 'store.db'}")
    upgrade(store)
    return timeline_service(warehouse, store, RULES, clock=lambda: NOW)


def _read(service: TimelineService, la_id: str):  # type: ignore[no-untyped-def]
    subject = service.resolver.resolve("la_person_id", la_id)
    assert subject is not None
    result = service.timeline(VIEWER, subject.master_id, REASON)
    assert result.allowed
    assert result.page is not None
    return result


def test_one_card_for_staff_named_by_two_sources(service: TimelineService) -> None:
    page = _read(service, "P-1001").page
    assert [(e.kind, e.source_name) for e in page.entries] == [
        ("health.ae_attendance", "Health"),
        ("social_care.contact", "Children's social care"),
        ("social_care.assessment", "Children's social care"),
        ("social_care.contact", "Children's social care"),
    ]
    assert [e.label for e in page.entries if e.kind == "social_care.contact"] == [
        "Contact from the police",
        "Contact from a school",
    ]
    # The worker key reached the HR staff number through the lookup; both sources name S0003.
    assert [(c.id, c.name, c.role, c.team) for c in page.contacts] == [
        ("hr:S0003", "Sam Patel", "Social worker", "Assessment team")
    ]
    assert {e.professional_name for e in page.entries} == {"Sam Patel"}
    assert page.entries[2].end == datetime(2026, 4, 16, 17, 0)  # a text date-time, cast
    assert "free text" not in str(render_timeline_page(page, action="/t"))


def test_staff_who_left_show_the_duty_line(service: TimelineService) -> None:
    page = _read(service, "P-1002").page
    (card,) = page.contacts
    assert (card.name, card.left_on, card.current) == ("Jo Reid", date(2026, 8, 31), False)
    assert [(p.label, p.value) for p in card.contact_points] == [("Duty phone", "01632 960100")]
    html = str(render_timeline_page(page, action="/t"))
    assert "Left on 31 August 2026" in html
    assert "07700 900007" not in html


def test_a_bad_row_is_skipped_and_counted_beside_the_rest(
    service: TimelineService, caplog: pytest.LogCaptureFixture
) -> None:
    with caplog.at_level("WARNING", logger="familyhubs_sdk.connectors"):
        result = _read(service, "P-1003")
    page = result.page
    assert [(e.kind, e.label) for e in page.entries] == [
        ("health.ae_attendance", "A&E attendance"),
        ("social_care.contact", "Contact"),
    ]
    health = next(o for o in result.outcomes if o.source == "health")
    assert [(f.definition, f.reason, f.count) for f in health.row_faults] == [
        ("ae", "service:string_pattern_mismatch", 1)
    ]
    notice = next(n for n in page.sources if n.source_name == "Health")
    assert (notice.state.value, notice.skipped_count) == ("ok", 1)
    assert "1 record from Health could not be shown." in str(
        render_timeline_page(page, action="/t")
    )
    # The allocation ending before it starts lost its end: Kim Lee is current.
    (card,) = page.contacts
    assert (card.name, card.current) == ("Kim Lee", True)
    lines = [r.getMessage() for r in caplog.records]
    assert "source health definition ae: 1 rows skipped (service:string_pattern_mismatch)" in lines
    assert not any("Minor Injuries" in line or NHS_NUMBERS["P-1003"] in line for line in lines)


def test_views_check_passes_with_warnings_for_text_dates(
    warehouse: sa.Engine, capsys: pytest.CaptureFixture[str]
) -> None:
    url = warehouse.url.render_as_string(hide_password=False)
    views = Path(__file__).parents[1] / "views"
    assert main(["views", "check", str(views / "lcs.yaml"), "--url", url]) == 0
    out = capsys.readouterr().out
    assert "warning: contacts: column 'contact_dt' holds period_start as text" in out
    assert "problem:" not in out
    assert "contacts: lookup uses an index" in out
    # One site name with a line break is a row the screen skips, not a definition at fault.
    assert main(["views", "check", str(views / "health.yaml"), "--url", url]) == 0
    out = capsys.readouterr().out
    skipped = "1 of 3 sampled rows would be skipped (service:string_pattern_mismatch)"
    assert f"warning: ae: {skipped}" in out
