"""View definitions: every mistake is refused with the definition and field named."""

from __future__ import annotations

import copy
from typing import Any

import pytest
import sqlalchemy as sa

from familyhubs_sdk.errors import ConfigurationError, ViewDefinitionError
from familyhubs_sdk.synthetic import catalogs
from familyhubs_sdk.views import TimelineEvent, ViewCatalog, create_views, recommended_indexes
from familyhubs_sdk.views._canonical import CANONICAL_VIEWS, view_columns
from familyhubs_sdk.views._ddl import DIALECTS

BASE: dict[str, Any] = {
    "source_system": "lcs",
    "code_maps": {"kinds": {"A": "social_care.contact", "B": "health.ae_attendance"}},
    "definitions": [
        {
            "name": "events",
            "view": "timeline_event",
            "table": "events",
            "columns": {
                "source_ref": "id",
                "person_key": "person",
                "period_start": "at",
                "kind": {"column": "code", "map": "kinds"},
            },
        }
    ],
}


def _with(change: str, value: Any) -> dict[str, Any]:
    data = copy.deepcopy(BASE)
    target: Any = data
    *path, last = change.split(".")
    for part in path:
        target = target[int(part)] if part.isdigit() else target[part]
    if value is ...:
        del target[last]
    else:
        target[last] = value
    return data


@pytest.mark.parametrize(
    ("change", "value", "message"),
    [
        ("definitions.0.view", "timeline", "definitions[0] (events).view"),
        (
            "definitions.0.columns.kind",
            {"column": "code", "map": "nope"},
            "unknown code map 'nope'",
        ),
        ("definitions.0.columns.kind", {"const": "health.unknown"}, "unknown event kind"),
        ("code_maps.kinds.A", "not.a.kind", "'not.a.kind': Value error, unknown event kind"),
        ("definitions.0.columns.source_ref", ..., "required field 'source_ref' is not mapped"),
        ("definitions.0.columns.colour", "c", "timeline_event has no field 'colour'"),
        (
            "definitions.0.columns.person_key",
            {"const": "x"},
            "'person_key' must be mapped to a plain column",
        ),
        ("definitions.0.columns.source_ref", "id; DROP TABLE x", "should match pattern"),
        ("definitions.0.select", "SELECT 1", "give exactly one of 'table' and 'select'"),
        (
            "definitions.0.columns.label",
            {"column": "c", "const": "x"},
            "exactly one of 'column' and 'const'",
        ),
        ("definitions.0.filters", [{"column": "x", "op": "in", "value": []}], "non-empty list"),
        ("source_system", None, "no source_system"),
    ],
)
def test_mistakes_name_the_element(change: str, value: Any, message: str) -> None:
    with pytest.raises(ViewDefinitionError) as caught:
        ViewCatalog.from_data(_with(change, value))
    assert message in str(caught.value)


def test_yaml_errors_are_definition_errors() -> None:
    with pytest.raises(ViewDefinitionError, match="not valid YAML"):
        ViewCatalog.from_yaml("definitions: [")


def test_every_canonical_view_has_a_sql_shape() -> None:
    for view, model in CANONICAL_VIEWS.items():
        assert set(view_columns(view)) == set(model.model_fields)


def test_sensitivity_defaults_to_the_kinds_own() -> None:
    event = TimelineEvent.model_validate(
        {
            "source_system": "p",
            "source_ref": "1",
            "person_key": "k",
            "kind": "police.domestic_abuse_notification",
            "period_start": "2026-01-01T00:00:00",
            "sensitivity": None,
        }
    )
    assert event.sensitivity == "restricted"


def test_free_text_cannot_ride_along() -> None:
    with pytest.raises(ValueError, match="Extra inputs"):
        TimelineEvent.model_validate(
            {
                "source_system": "p",
                "source_ref": "1",
                "person_key": "k",
                "kind": "health.ae_attendance",
                "period_start": "2026-01-01T00:00:00",
                "case_note": "anything",
            }
        )
    with pytest.raises(ValueError, match="pattern"):
        TimelineEvent(
            source_system="p",
            source_ref="1",
            person_key="k",
            kind="health.ae_attendance",
            period_start="2026-01-01T00:00:00",
            label="line one\nline two",
        )  # type: ignore[arg-type]


@pytest.mark.parametrize("dialect", DIALECTS)
def test_ddl_for_every_dialect_and_shipped_catalog(dialect: str) -> None:
    for catalog in catalogs():
        views = create_views(catalog, dialect)
        assert views
        assert all(v.startswith("CREATE VIEW") for v in views)
        assert all("__[POSTCOMPILE" not in v and "%(" not in v and "?" not in v for v in views)
        indexes = recommended_indexes(catalog, dialect)
        assert indexes
        assert all(i.startswith("CREATE INDEX") for i in indexes)
        assert any(" DESC" in i for i in indexes)
        if dialect in ("postgresql", "mssql"):
            assert any("INCLUDE" in i for i in indexes)


def test_ddl_views_run_on_sqlite_and_return_canonical_rows(tmp_path: Any) -> None:
    from familyhubs_sdk.synthetic import build_warehouse

    engine = sa.create_engine(f"sqlite:///{tmp_path / 'w.db'}")
    build_warehouse(engine, children=50)
    with engine.begin() as conn:
        for catalog in catalogs():
            for statement in create_views(catalog, "sqlite"):
                conn.exec_driver_sql(statement)
        rows = conn.exec_driver_sql("SELECT * FROM fh_health_timeline_event").mappings().all()
    assert rows
    for row in rows:
        TimelineEvent.model_validate(dict(row))


def test_unknown_dialect_refused() -> None:
    with pytest.raises(ConfigurationError, match="unknown dialect"):
        create_views(catalogs()[0], "oracle")
