"""Check view definitions against a live warehouse: columns, types, and index use.

Every problem is one line naming the definition and column, e.g.
``ssd_contacts: table 'ssd_contacts' has no column 'cont_date'``; the database's own messages, which
can carry SQL, are never repeated.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import sqlalchemy as sa
from sqlalchemy.engine import Connection, Engine

from familyhubs_sdk.views._canonical import view_columns
from familyhubs_sdk.views._compile import CompiledCatalog
from familyhubs_sdk.views._definition import ViewCatalog, ViewDefinition

__all__ = ["IndexUse", "check_catalog", "explain_lookups"]

_TIME_TYPES = (sa.Date, sa.DateTime)
_TEXT_OR_NUMBER = (sa.String, sa.Integer, sa.Numeric)


@dataclass(frozen=True, slots=True)
class IndexUse:
    """Whether the key lookup of one definition can be served by an index."""

    definition: str
    #: ``True`` or ``False``; ``None`` where this dialect is not checked.
    uses_index: bool | None
    detail: str


def check_catalog(engine: Engine, catalog: ViewCatalog) -> list[str]:
    """Problems found comparing the definitions with the database; empty when all is well."""
    problems: list[str] = []
    compiled = CompiledCatalog(catalog)
    try:
        with engine.connect() as conn:
            inspector = sa.inspect(conn)
            for definition in catalog.definitions:
                found = _columns(conn, inspector, definition, problems)
                if found is None:
                    continue
                missing = [c for c in definition.source_columns if c.lower() not in found]
                problems += [
                    f"{definition.name}: {_describe_source(definition)} has no column {c!r}"
                    for c in missing
                ]
                if missing:
                    continue
                problems += _type_problems(definition, found)
                try:
                    conn.execute(compiled.branch(definition).limit(0)).all()
                except sa.exc.DBAPIError as exc:
                    conn.rollback()
                    problems.append(
                        f"{definition.name}: the mapped select fails ({type(exc.orig).__name__})"
                    )
    except sa.exc.OperationalError:
        return [f"the database at {engine.url.render_as_string(hide_password=True)} is unreachable"]
    return problems


def explain_lookups(engine: Engine, catalog: ViewCatalog) -> list[IndexUse]:
    """For each table definition, whether the database can find a person's rows by index.

    PostgreSQL is asked with sequential scans disabled, so a small table still shows whether an
    index *can* serve the lookup; SQLite reports its plan as is. Other dialects are not checked.
    """
    compiled = CompiledCatalog(catalog)
    results: list[IndexUse] = []
    backend = engine.url.get_backend_name()
    with engine.connect() as conn:
        for definition in catalog.definitions:
            lookup = definition.lookup_column
            if lookup is None or definition.table is None:
                continue
            table = compiled.table(definition)
            statement = compiled.branch(definition).where(table.c[lookup] == "probe")
            if definition.time_column is not None:
                statement = statement.order_by(table.c[definition.time_column].desc()).limit(50)
            sql = str(
                statement.compile(dialect=engine.dialect, compile_kwargs={"literal_binds": True})
            )
            if backend == "postgresql":
                with conn.begin():
                    conn.exec_driver_sql("SET LOCAL enable_seqscan = off")
                    plan = conn.exec_driver_sql("EXPLAIN " + sql).scalars().all()
                text = " / ".join(str(line).strip() for line in plan)
                uses = "Index" in text
            elif backend == "sqlite":
                rows = conn.exec_driver_sql("EXPLAIN QUERY PLAN " + sql).all()
                text = " / ".join(str(row[-1]) for row in rows)
                uses = "USING INDEX" in text or "USING COVERING INDEX" in text
            else:
                results.append(IndexUse(definition.name, None, f"not checked on {backend}"))
                continue
            results.append(IndexUse(definition.name, uses, text))
    return results


def _describe_source(definition: ViewDefinition) -> str:
    if definition.table is None:
        return "its select"
    table = (
        definition.table
        if definition.schema_name is None
        else (f"{definition.schema_name}.{definition.table}")
    )
    return f"table {table!r}"


def _columns(
    conn: Connection, inspector: Any, definition: ViewDefinition, problems: list[str]
) -> dict[str, sa.types.TypeEngine[Any]] | None:
    if definition.table is None:
        try:
            result = conn.execute(
                sa.select(sa.text("*"))
                .select_from(sa.text(definition.select or "").columns().subquery("probe"))
                .limit(0)
            )
        except sa.exc.DBAPIError as exc:
            conn.rollback()
            problems.append(f"{definition.name}: its select fails ({type(exc.orig).__name__})")
            return None
        return {name.lower(): sa.types.NullType() for name in result.keys()}  # noqa: SIM118 - Result, not a dict
    if not inspector.has_table(definition.table, schema=definition.schema_name):
        problems.append(f"{definition.name}: {_describe_source(definition)} does not exist")
        return None
    return {
        column["name"].lower(): column["type"]
        for column in inspector.get_columns(definition.table, schema=definition.schema_name)
    }


def _type_problems(
    definition: ViewDefinition, found: dict[str, sa.types.TypeEngine[Any]]
) -> list[str]:
    problems = []
    shape = view_columns(definition.view)
    for field, spec in definition.columns.items():
        if spec.column is None or spec.map is not None:
            continue
        actual = found[spec.column.lower()]
        if isinstance(actual, sa.types.NullType):
            continue
        wanted = shape[field][0]
        if isinstance(wanted, _TIME_TYPES):
            ok = isinstance(actual, _TIME_TYPES)
        elif isinstance(wanted, sa.Boolean):
            ok = isinstance(actual, sa.Boolean | sa.Integer)
        else:
            ok = isinstance(actual, _TEXT_OR_NUMBER)
        if not ok:
            problems.append(
                f"{definition.name}: column {spec.column!r} is {actual} but "
                f"{definition.view}.{field} needs {_kind(wanted)}"
            )
    return problems


def _kind(sql_type: sa.types.TypeEngine[Any]) -> str:
    if isinstance(sql_type, _TIME_TYPES):
        return "a date or timestamp"
    if isinstance(sql_type, sa.Boolean):
        return "a boolean or integer"
    return "text or a number"
