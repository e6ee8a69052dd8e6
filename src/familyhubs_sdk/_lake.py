"""A data lake as a database: every Parquet or CSV file in a folder as a DuckDB view.

Each ``name.parquet`` or ``name.csv`` file, and each ``name/`` folder of Parquet files (a
partitioned table), becomes a view ``name`` that reads the files in place
(``CREATE VIEW name AS SELECT * FROM read_parquet(...)``), so the same view definitions that run
on a warehouse run on the lake, pushed down to DuckDB. Views are made on every new connection:
an in-memory DuckDB database is private to its connection, and the pool opens one per thread.
Needs the ``duckdb`` extra (``pip install 'familyhubs-sdk[duckdb]'``).
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import sqlalchemy as sa
from sqlalchemy.engine import Engine

from familyhubs_sdk.errors import ConfigurationError

__all__ = ["DuckDBInspector", "duckdb_type", "lake_engine", "lake_views", "warehouse_inspector"]

_NAME = re.compile(r"^[A-Za-z_][A-Za-z0-9_]{0,62}$")


def lake_views(folder: str | Path) -> dict[str, str]:
    """Each view the lake folder gives, by name, with its ``CREATE VIEW`` statement."""
    root = Path(folder).expanduser().resolve()
    if not root.is_dir():
        raise ConfigurationError(f"the lake folder {str(root)!r} does not exist")
    views: dict[str, str] = {}
    for path in sorted(root.iterdir()):
        if path.is_dir() and any(path.glob("*.parquet")):
            name, reader = path.name, f"read_parquet({_literal(str(path / '*.parquet'))})"
        elif path.suffix.lower() == ".parquet":
            name, reader = path.stem, f"read_parquet({_literal(str(path))})"
        elif path.suffix.lower() == ".csv":
            name, reader = path.stem, f"read_csv({_literal(str(path))}, header = true)"
        else:
            continue
        if not _NAME.match(name):
            raise ConfigurationError(
                f"the lake file {path.name!r} cannot name a view: use letters, digits and _ only"
            )
        if name.lower() in (seen.lower() for seen in views):
            raise ConfigurationError(f"two lake files would both be the view {name!r}")
        # The name matched _NAME and the path is quoted as a literal: nothing here is user SQL.
        views[name] = f'CREATE OR REPLACE VIEW "{name}" AS SELECT * FROM {reader}'  # noqa: S608
    if not views:
        raise ConfigurationError(f"the lake folder {str(root)!r} holds no Parquet or CSV files")
    return views


def lake_engine(folder: str | Path, **engine_options: Any) -> Engine:
    """An engine over an in-memory DuckDB database in which every file of ``folder`` is a view.

    >>> import tempfile, pathlib
    >>> lake = pathlib.Path(tempfile.mkdtemp())
    >>> _ = (lake / "contacts.csv").write_text("id,person,at\\nc1,P1,2026-01-05 09:30:00\\n")
    >>> engine = lake_engine(lake)
    >>> with engine.connect() as conn:
    ...     conn.exec_driver_sql("SELECT id, person FROM contacts").all()
    [('c1', 'P1')]
    """
    try:
        import duckdb_engine  # noqa: F401 - the SQLAlchemy dialect must be installed
    except ImportError:
        raise ConfigurationError(
            "a data lake needs DuckDB: pip install 'familyhubs-sdk[duckdb]'"
        ) from None
    statements = list(lake_views(folder).values())
    engine = sa.create_engine("duckdb:///:memory:", hide_parameters=True, **engine_options)

    @sa.event.listens_for(engine, "connect")
    def _create_views(dbapi_connection: Any, _record: Any) -> None:
        for statement in statements:
            dbapi_connection.execute(statement)

    return engine


def _literal(text: str) -> str:
    return "'" + text.replace("'", "''") + "'"


# DuckDB's own names for the types a canonical field can take; anything else is left untyped.
_DUCKDB_TYPES: dict[str, sa.types.TypeEngine[Any]] = {
    "VARCHAR": sa.String(),
    "DATE": sa.Date(),
    "TIMESTAMP": sa.DateTime(),
    "TIMESTAMP WITH TIME ZONE": sa.DateTime(timezone=True),
    "TIMESTAMP_NS": sa.DateTime(),
    "TIMESTAMP_MS": sa.DateTime(),
    "TIMESTAMP_S": sa.DateTime(),
    "BOOLEAN": sa.Boolean(),
    "TINYINT": sa.Integer(),
    "SMALLINT": sa.Integer(),
    "INTEGER": sa.Integer(),
    "BIGINT": sa.Integer(),
    "HUGEINT": sa.Integer(),
    "FLOAT": sa.Float(),
    "DOUBLE": sa.Float(),
}


def duckdb_type(name: str) -> sa.types.TypeEngine[Any]:
    """The SQLAlchemy type of a DuckDB type name (``DECIMAL(p,s)`` is numeric)."""
    upper = name.upper().strip()
    if upper.startswith("DECIMAL"):
        return sa.Numeric()
    return _DUCKDB_TYPES.get(upper, sa.types.NullType())


class DuckDBInspector:
    """The part of SQLAlchemy's inspector that ``views check`` uses, answered from DuckDB's own
    catalogue (``duckdb_columns()``, ``duckdb_constraints()``, ``duckdb_indexes()``): the
    PostgreSQL-derived reflection of ``duckdb-engine`` queries tables DuckDB does not have."""

    def __init__(self, conn: sa.Connection) -> None:
        self._conn = conn

    def has_table(self, table: str, schema: str | None = None) -> bool:
        return bool(self.get_columns(table, schema=schema))

    def get_columns(self, table: str, schema: str | None = None) -> list[dict[str, Any]]:
        rows = self._conn.execute(
            sa.text(
                "SELECT column_name, data_type, is_nullable FROM duckdb_columns() "
                "WHERE lower(table_name) = lower(:table) AND schema_name = coalesce(:schema, "
                "current_schema()) ORDER BY column_index"
            ),
            {"table": table, "schema": schema},
        ).all()
        return [
            {"name": name, "type": duckdb_type(kind), "nullable": bool(nullable)}
            for name, kind, nullable in rows
        ]

    def get_pk_constraint(self, table: str, schema: str | None = None) -> dict[str, Any]:
        columns = self._constraint_columns(table, schema, "PRIMARY KEY")
        return {"constrained_columns": columns[0] if columns else []}

    def get_unique_constraints(self, table: str, schema: str | None = None) -> list[dict[str, Any]]:
        return [{"column_names": c} for c in self._constraint_columns(table, schema, "UNIQUE")]

    def get_indexes(self, table: str, schema: str | None = None) -> list[dict[str, Any]]:
        rows = self._conn.execute(
            sa.text(
                "SELECT expressions FROM duckdb_indexes() WHERE lower(table_name) = lower(:table) "
                "AND schema_name = coalesce(:schema, current_schema())"
            ),
            {"table": table, "schema": schema},
        ).all()
        # ``expressions`` reads like ``[b, c]``, as a list or its text depending on the version.
        found = []
        for (expressions,) in rows:
            text = expressions if isinstance(expressions, str) else ",".join(expressions or [])
            found.append(
                {"column_names": [e.strip().strip('"') for e in text.strip("[]").split(",") if e]}
            )
        return found

    def _constraint_columns(self, table: str, schema: str | None, kind: str) -> list[list[str]]:
        rows = self._conn.execute(
            sa.text(
                "SELECT constraint_column_names FROM duckdb_constraints() "
                "WHERE lower(table_name) = lower(:table) AND constraint_type = :kind "
                "AND schema_name = coalesce(:schema, current_schema())"
            ),
            {"table": table, "schema": schema, "kind": kind},
        ).all()
        return [list(row[0] or []) for row in rows]


def warehouse_inspector(conn: sa.Connection) -> Any:
    """SQLAlchemy's inspector for ``conn``, or :class:`DuckDBInspector` on DuckDB."""
    return DuckDBInspector(conn) if conn.dialect.name == "duckdb" else sa.inspect(conn)
