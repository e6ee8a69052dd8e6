"""A row that does not fit its canonical view is skipped and counted; the source still answers."""

from __future__ import annotations

from datetime import date, datetime
from pathlib import Path

import pytest
import sqlalchemy as sa

from familyhubs_sdk.connectors import (
    FederatedSource,
    OutcomeState,
    RowFault,
    SQLViewConnector,
    collect_row_faults,
)
from familyhubs_sdk.views import Involvement, TimelineEvent, ViewCatalog

CATALOG = ViewCatalog.from_yaml(
    """
source_system: health
definitions:
  - name: ae
    view: timeline_event
    table: ae
    columns:
      source_ref: id
      person_key: nhs
      period_start: arrived
      period_end: left_at
      kind: {const: health.ae_attendance}
      service: site
  - name: visits
    view: timeline_event
    table: visits
    columns:
      source_ref: id
      person_key: nhs
      period_start: at
      kind: {const: health.health_visiting_contact}
  - name: involvements
    view: involvement
    table: inv
    columns:
      source_ref: id
      person_key: nhs
      professional_id: who
      role: {const: health_visitor}
      period_start: started
      period_end: ended
"""
)


@pytest.fixture
def connector(tmp_path: Path) -> SQLViewConnector:
    # A file: the federated read runs in its own thread, which an in-memory database would not see.
    engine = sa.create_engine(f"sqlite:///{tmp_path / 'health.db'}")
    with engine.begin() as conn:
        for statement in (
            "CREATE TABLE ae (id TEXT, nhs TEXT, arrived TEXT, left_at TEXT, site TEXT)",
            "CREATE TABLE visits (id TEXT, nhs TEXT, at TEXT)",
            "CREATE TABLE inv (id TEXT, nhs TEXT, who TEXT, started TEXT, ended TEXT)",
            "INSERT INTO ae VALUES ('a1', 'N1', '2026-01-05 09:30:00', NULL, 'Harbour Road')",
            "INSERT INTO ae VALUES ('a2', 'N1', '2026-01-06 09:30:00', NULL, 'Minor Injuries\nUnit')",
            "INSERT INTO ae VALUES ('a3', 'N1', '2026-01-07 09:30:00', '2026-01-07 08:00:00', "
            "'Harbour Road')",
            "INSERT INTO ae VALUES ('a4', 'N1', 'yesterday', NULL, 'Harbour Road')",
            "INSERT INTO visits VALUES ('v1', 'N1', '2026-01-08 10:00:00')",
            "INSERT INTO inv VALUES ('i1', 'N1', 'HV1', '2026-01-05 09:30:00', NULL)",
            "INSERT INTO inv VALUES ('i2', 'N1', 'HV2', '2026-01-05', '2025-12-01')",
        ):
            conn.exec_driver_sql(statement)
    return SQLViewConnector(engine, CATALOG)


def test_bad_rows_are_skipped_and_counted_by_definition_and_reason(
    connector: SQLViewConnector, caplog: pytest.LogCaptureFixture
) -> None:
    with caplog.at_level("WARNING"), collect_row_faults() as faults:
        events = connector.read_timeline(["N1"])
    assert [e.source_ref for e in events] == ["v1", "a3", "a1"]
    repaired = next(e for e in events if e.source_ref == "a3")
    assert repaired.period_end is None  # ended before it started: shown without its end
    assert faults == [
        RowFault("health", "ae", "period_end:before_start", 1, skipped=False),
        RowFault("health", "ae", "period_start:datetime_from_date_parsing", 1),
        RowFault("health", "ae", "service:string_pattern_mismatch", 1),
    ]
    logged = "\n".join(r.getMessage() for r in caplog.records)
    assert "source health definition ae: 1 rows skipped (service:string_pattern_mismatch)" in logged
    for value in ("Minor", "yesterday", "N1"):
        assert value not in logged


def test_involvement_with_a_time_on_a_date_field_is_one_skipped_row(
    connector: SQLViewConnector,
) -> None:
    with collect_row_faults() as faults:
        found = connector.read_involvements(["N1"])
    assert found == [
        Involvement(
            source_system="health",
            source_ref="i2",
            person_key="N1",
            professional_id="HV2",
            role="health_visitor",
            period_start=date(2026, 1, 5),
        )
    ]
    assert [(f.definition, f.reason, f.skipped) for f in faults] == [
        ("involvements", "period_end:before_start", False),
        ("involvements", "period_start:date_from_datetime_inexact", True),
    ]


def test_federated_outcome_carries_the_counts(connector: SQLViewConnector) -> None:
    result = FederatedSource([connector]).read_timeline({"health": ["N1"]})
    (outcome,) = result.outcomes
    assert (outcome.state, outcome.records, outcome.skipped_rows) == (OutcomeState.OK, 3, 2)
    assert {f.definition for f in outcome.row_faults} == {"ae"}


def test_end_before_start_loses_its_end_in_the_model() -> None:
    event = TimelineEvent(
        source_system="s",
        source_ref="r",
        person_key="p",
        kind="social_care.contact",
        period_start=datetime(2026, 1, 5),
        period_end=datetime(2026, 1, 4),
    )
    assert event.period_end is None
