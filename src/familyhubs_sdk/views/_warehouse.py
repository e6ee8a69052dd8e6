"""What the warehouse itself says: result types of a select, query plans, indexes on lookups.

Each database answers in its own words; these functions turn the answer into a type, a yes/no, or
one line of advice, for :mod:`familyhubs_sdk.views._check`.
"""

from __future__ import annotations

from typing import Any

import sqlalchemy as sa
from sqlalchemy.engine import Connection, CursorResult, Dialect

from familyhubs_sdk._lake import duckdb_type
from familyhubs_sdk.views._definition import ViewDefinition

__all__ = ["described_types", "explain", "lookup_advice"]

# PostgreSQL type OIDs (pg_type) of the types a canonical field can take.
_POSTGRES_TYPES: dict[int, sa.types.TypeEngine[Any]] = {
    16: sa.Boolean(),
    20: sa.Integer(),
    21: sa.Integer(),
    23: sa.Integer(),
    25: sa.String(),
    1042: sa.String(),
    1043: sa.String(),
    700: sa.Float(),
    701: sa.Float(),
    1700: sa.Numeric(),
    1082: sa.Date(),
    1114: sa.DateTime(),
    1184: sa.DateTime(),
}
# MySQL/MariaDB protocol field types (FIELD_TYPE in the client libraries).
_MYSQL_TYPES: dict[int, sa.types.TypeEngine[Any]] = {
    **dict.fromkeys((1, 2, 3, 8, 9, 16), sa.Integer()),
    **dict.fromkeys((0, 246), sa.Numeric()),
    **dict.fromkeys((4, 5), sa.Float()),
    10: sa.Date(),
    14: sa.Date(),
    **dict.fromkeys((7, 12), sa.DateTime()),
    **dict.fromkeys((15, 252, 253, 254), sa.String()),
}
_INDEXED_SQLITE = (
    "USING INDEX",
    "USING COVERING INDEX",
    "USING INTEGER PRIMARY KEY",
    "USING PRIMARY KEY",
    "USING ROWID",
)


def described_types(
    dialect: Dialect, result: CursorResult[Any]
) -> dict[str, sa.types.TypeEngine[Any]]:
    """The result columns of an executed statement with their types, as far as the driver says
    (SQLite's says nothing: those are :class:`~sqlalchemy.types.NullType`, checked by sampling)."""
    table = {"postgresql": _POSTGRES_TYPES, "mysql": _MYSQL_TYPES, "mariadb": _MYSQL_TYPES}.get(
        dialect.name, {}
    )
    description = result.cursor.description if result.cursor is not None else None
    types: dict[str, sa.types.TypeEngine[Any]] = {}
    for column in description or ():
        code = column[1]
        if dialect.name == "duckdb":  # DuckDB describes a column by its type's name
            types[str(column[0]).lower()] = duckdb_type(str(code))
            continue
        types[str(column[0]).lower()] = (
            table.get(code, sa.types.NullType()) if isinstance(code, int) else sa.types.NullType()
        )
    return types


def explain(conn: Connection, sql: str, table: str) -> tuple[bool | None, str]:
    """Whether the plan of ``sql`` reads ``table`` through an index, and the plan in one line."""
    backend = conn.dialect.name
    if backend == "postgresql":
        with conn.begin():
            conn.exec_driver_sql("SET LOCAL enable_seqscan = off")
            plan = conn.exec_driver_sql("EXPLAIN " + sql).scalars().all()
        text = " / ".join(str(line).strip() for line in plan)
        return "Index" in text, text
    if backend == "sqlite":
        lines = [str(row[-1]) for row in conn.exec_driver_sql("EXPLAIN QUERY PLAN " + sql)]
        # Joined lookups have their own lines: judge the definition's own table.
        mine = [line for line in lines if line.split(" ")[1:2] == [table]] or lines
        return any(m in line for line in mine for m in _INDEXED_SQLITE), " / ".join(lines)
    if backend in ("mysql", "mariadb"):
        steps = conn.exec_driver_sql("EXPLAIN " + sql).mappings().all()
        own = [row for row in steps if row.get("table") == table] or list(steps)
        text = " / ".join(f"{r.get('table')}: {r.get('type')} {r.get('key')}" for r in steps)
        # A unique key that finds nothing for the probe is read as a constant, with no table row:
        # "Impossible WHERE noticed after reading const tables".
        const = all("const table" in str(r.get("Extra") or "") for r in own)
        return const or all(row.get("key") for row in own), text
    return None, f"not checked on {backend}"


def lookup_advice(inspector: Any, definition: ViewDefinition) -> list[str]:
    """One line per lookup whose key columns no index (or primary key) of its table starts with."""
    advice = []
    for lookup in definition.lookups:
        keys = [c.lower() for c in lookup.keys.values()]
        leads: list[list[str]] = []
        primary = inspector.get_pk_constraint(lookup.table, schema=lookup.schema_name) or {}
        leads.append([str(c).lower() for c in primary.get("constrained_columns") or []])
        for index in inspector.get_indexes(lookup.table, schema=lookup.schema_name):
            leads.append([str(c).lower() for c in index.get("column_names") or [] if c])
        for unique in inspector.get_unique_constraints(lookup.table, schema=lookup.schema_name):
            leads.append([str(c).lower() for c in unique.get("column_names") or []])
        if not any(
            lead[: len(keys)] and sorted(lead[: len(keys)]) == sorted(keys) for lead in leads
        ):
            advice.append(
                f"{definition.name}: lookup {lookup.name!r} would be served by an index on "
                f"{lookup.table} ({', '.join(lookup.keys.values())})"
            )
    return advice
