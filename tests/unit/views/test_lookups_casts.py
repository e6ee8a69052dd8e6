"""Lookups (joins by key) and casts in view definitions, and free text refused on loading."""

from __future__ import annotations

from datetime import date, datetime

import pytest
import sqlalchemy as sa

from familyhubs_sdk.connectors import SQLViewConnector
from familyhubs_sdk.errors import ViewDefinitionError
from familyhubs_sdk.views import ViewCatalog, create_views
from familyhubs_sdk.views._definition import looks_like_free_text

CATALOG = """
source_system: lcs
definitions:
  - name: contacts
    view: timeline_event
    table: fact_contact
    lookups:
      - {name: w, table: dim_worker, keys: {worker_sk: worker_sk}, how: %(how)s}
    columns:
      source_ref: {column: contact_sk, cast: text}
      person_key: person
      period_start: at
      period_end: {column: ended, cast: datetime}
      kind: {const: social_care.contact}
      professional_id: w.staff_no
  - name: allocations
    view: involvement
    table: fact_allocation
    columns:
      source_ref: id
      person_key: person
      professional_id: {column: worker_no, cast: text}
      role: {const: social_worker}
      period_start: {column: started, cast: date}
"""


@pytest.fixture
def engine() -> sa.Engine:
    engine = sa.create_engine("sqlite://")
    with engine.begin() as conn:
        for statement in (
            "CREATE TABLE dim_worker (worker_sk INTEGER PRIMARY KEY, staff_no TEXT)",
            "CREATE TABLE fact_contact (contact_sk INTEGER, person TEXT, worker_sk INTEGER, "
            "at TEXT, ended TEXT)",
            "CREATE TABLE fact_allocation (id TEXT, person TEXT, worker_no INTEGER, started TEXT)",
            "INSERT INTO dim_worker VALUES (10, 'S0003')",
            "INSERT INTO fact_contact VALUES (1, 'P1', 10, '2026-01-05 09:30:00', "
            "'2026-01-05T11:00:00')",
            "INSERT INTO fact_contact VALUES (2, 'P1', 99, '2026-02-01 10:00:00', NULL)",
            "INSERT INTO fact_allocation VALUES ('a1', 'P1', 3, '2026-01-05 09:30:00')",
        ):
            conn.exec_driver_sql(statement)
    return engine


@pytest.mark.parametrize(("how", "refs"), [("left", ["2", "1"]), ("inner", ["1"])])
def test_lookup_maps_a_worker_key_to_a_staff_id(
    engine: sa.Engine, how: str, refs: list[str]
) -> None:
    connector = SQLViewConnector(engine, ViewCatalog.from_yaml(CATALOG % {"how": how}))
    events = connector.read_timeline(["P1"])
    assert [e.source_ref for e in events] == refs
    assert events[-1].professional_id == "S0003"
    assert events[-1].period_end == datetime(2026, 1, 5, 11, 0)
    if how == "left":
        assert events[0].professional_id is None  # no match: NULL, row kept


def test_casts_turn_text_and_numbers_into_the_fields_types(engine: sa.Engine) -> None:
    connector = SQLViewConnector(engine, ViewCatalog.from_yaml(CATALOG % {"how": "left"}))
    (allocation,) = connector.read_involvements(["P1"])
    assert (allocation.period_start, allocation.professional_id) == (date(2026, 1, 5), "3")


@pytest.mark.parametrize("dialect", ["postgresql", "mysql", "mssql", "sqlite"])
def test_lookups_and_casts_reach_the_ddl(dialect: str) -> None:
    (contacts, allocations) = create_views(
        ViewCatalog.from_yaml(CATALOG % {"how": "inner"}), dialect
    )
    assert "JOIN dim_worker AS w ON fact_contact.worker_sk = w.worker_sk" in contacts
    assert "LEFT OUTER JOIN" not in contacts
    cast = (
        "date(fact_allocation.started)"
        if dialect == "sqlite"
        else "CAST(fact_allocation.started AS DATE)"
    )
    assert cast in allocations


@pytest.mark.parametrize(
    ("columns", "message"),
    [
        ({"professional_id": "x.staff_no"}, "no lookup named 'x'"),
        (
            {"person_key": {"column": "person", "cast": "text"}},
            "'person_key' is looked up by index",
        ),
        ({"person_key": "w.person"}, "'person_key' must be mapped to a plain column of the table"),
        ({"kind": {"const": "social_care.contact", "cast": "text"}}, "'cast' goes with a plain"),
    ],
)
def test_lookup_and_cast_mistakes_are_named(columns: dict[str, object], message: str) -> None:
    data = ViewCatalog.from_yaml(CATALOG % {"how": "left"}).model_dump(by_alias=True)
    data["definitions"][0]["columns"].update(columns)
    with pytest.raises(ViewDefinitionError, match=message):
        ViewCatalog.from_data(data)


def test_a_free_text_column_is_refused_naming_definition_and_column() -> None:
    text = CATALOG % {"how": "left"}
    with pytest.raises(ViewDefinitionError) as caught:
        ViewCatalog.from_yaml(
            text.replace("professional_id: w.staff_no", "label: OUTCOME_COMMENTS")
        )
    message = str(caught.value)
    assert "definitions[0] (contacts)" in message
    assert (
        "column 'OUTCOME_COMMENTS' mapped to timeline_event.label looks like free text" in message
    )
    reviewed = text.replace(
        "professional_id: w.staff_no",
        "label: OUTCOME_COMMENTS\n    free_text_reviewed: holds only the outcome's short name",
    )
    assert ViewCatalog.from_yaml(reviewed).definitions[0].free_text_reviewed


@pytest.mark.parametrize(
    ("name", "free"),
    [
        ("OUTCOME_COMMENTS", True),
        ("caseNote", True),
        ("contact_narrative", True),
        ("DIAGNOSIS_DESC", True),
        ("referral_reason", True),
        ("FREE_TXT", True),
        ("w.summary", True),
        ("site_name", False),
        ("team_name", False),
        ("notification_type", False),
        ("service", False),
    ],
)
def test_free_text_names(name: str, free: bool) -> None:
    assert looks_like_free_text(name) is free
