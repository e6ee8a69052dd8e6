"""Write the synthetic warehouse into any SQLAlchemy database, fast: bulk inserts, ``COPY`` on
PostgreSQL and DuckDB, indexes built after the load (the ones the shipped view definitions
recommend; none on DuckDB, whose column store scans by zone maps and whose indexes would only slow
the load). :func:`export_lake` writes the same tables as a lake folder of Parquet files."""

from __future__ import annotations

import csv
import tempfile
import time
from dataclasses import dataclass, field
from importlib.resources import files
from pathlib import Path
from typing import Any

import sqlalchemy as sa
from sqlalchemy.engine import Connection, Engine

from familyhubs_sdk.connectors._sql import SQLViewConnector
from familyhubs_sdk.synthetic._generate import Batch, Generator, Subject
from familyhubs_sdk.synthetic._tables import metadata
from familyhubs_sdk.views._ddl import recommended_indexes
from familyhubs_sdk.views._definition import ViewCatalog

__all__ = [
    "SOURCES",
    "WarehouseSummary",
    "build_warehouse",
    "catalogs",
    "connectors",
    "export_lake",
]

#: The synthetic warehouse's source systems, in the order screens list them.
SOURCES = ("lcs", "health", "education", "police")


@dataclass
class WarehouseSummary:
    """What was written, and people worth looking up."""

    seed: int
    children: int
    rows: dict[str, int] = field(default_factory=dict)
    events: int = 0
    seconds: float = 0.0
    subjects: dict[str, Subject] = field(default_factory=dict)
    families: list[list[str]] = field(default_factory=list)

    def subject_near(self, events: int) -> Subject:
        """The child whose event count is closest to ``events`` (first by id on ties)."""
        return min(self.subjects.values(), key=lambda s: (abs(s.events - events), s.la_person_id))

    def heaviest(self) -> Subject:
        return max(self.subjects.values(), key=lambda s: (s.events, s.la_person_id))

    def family_of(self, size: int) -> list[str]:
        """The first family with exactly ``size`` members."""
        return next(f for f in self.families if len(f) == size)


def catalogs() -> list[ViewCatalog]:
    """The shipped view definitions for the synthetic warehouse, one catalog per source."""
    folder = files("familyhubs_sdk.synthetic").joinpath("views")
    return [
        ViewCatalog.from_yaml(
            folder.joinpath(f"{source}.yaml").read_text("utf-8"), origin=f"{source}.yaml"
        )
        for source in SOURCES
    ]


def connectors(engine: Engine, *, timeout_s: float = 3.0) -> list[SQLViewConnector]:
    """One :class:`SQLViewConnector` per source of the synthetic warehouse."""
    return [SQLViewConnector(engine, catalog, timeout_s=timeout_s) for catalog in catalogs()]


def build_warehouse(engine: Engine, *, seed: int = 7, children: int = 2_000) -> WarehouseSummary:
    """Drop and recreate the warehouse tables, then fill them for ``children`` children."""
    started = time.perf_counter()
    generator = Generator(seed, children=children)
    summary = WarehouseSummary(seed=seed, children=children)
    metadata.drop_all(engine)
    metadata.create_all(engine)
    backend = engine.url.get_backend_name()
    with engine.begin() as conn:
        _write(conn, backend, generator.professionals(), summary)
        for batch in generator.batches(families_per_batch=2_000):
            _write(conn, backend, batch, summary)
    with engine.begin() as conn:
        for statement in _indexes(backend):
            conn.exec_driver_sql(statement)
    _analyse(engine, backend)
    summary.subjects = generator.subjects
    summary.families = generator.families
    summary.events = sum(s.events for s in generator.subjects.values())
    summary.seconds = time.perf_counter() - started
    return summary


def _write(conn: Connection, backend: str, batch: Batch, summary: WarehouseSummary) -> None:
    for name, rows in batch.rows.items():
        table = metadata.tables[name]
        summary.rows[name] = summary.rows.get(name, 0) + len(rows)
        if backend == "postgresql":
            _copy(conn, table, rows)
        elif backend == "duckdb":
            _copy_csv(conn, table, rows)
        else:
            columns = [c.name for c in table.columns]
            conn.execute(table.insert(), [dict(zip(columns, row, strict=True)) for row in rows])


def _copy(conn: Connection, table: sa.Table, rows: list[tuple[Any, ...]]) -> None:
    raw: Any = conn.connection.driver_connection
    columns = ", ".join(c.name for c in table.columns)
    with raw.cursor() as cursor, cursor.copy(f"COPY {table.name} ({columns}) FROM STDIN") as copy:
        for row in rows:
            copy.write_row(row)


# Marks NULL in the CSV handed to DuckDB: an empty string stays an empty string.
_NULL = "\\N"


def _copy_csv(conn: Connection, table: sa.Table, rows: list[tuple[Any, ...]]) -> None:
    """DuckDB inserts row by row through its DB-API; its CSV reader loads a batch at once."""
    with tempfile.TemporaryDirectory(prefix="familyhubs-") as folder:
        path = Path(folder) / f"{table.name}.csv"
        with path.open("w", encoding="utf-8", newline="") as out:
            writer = csv.writer(out)
            writer.writerows(tuple(_NULL if v is None else v for v in row) for row in rows)
        conn.exec_driver_sql(
            f"COPY {table.name} FROM {_quoted(str(path))} "
            f"(FORMAT csv, HEADER false, NULLSTR {_quoted(_NULL)})"
        )


def _quoted(text: str) -> str:
    return "'" + text.replace("'", "''") + "'"


def export_lake(engine: Engine, folder: str | Path) -> list[Path]:
    """Write each table of the synthetic warehouse in DuckDB ``engine`` as
    ``folder/<table>.parquet``, a lake folder :func:`~familyhubs_sdk.deployment.lake_engine`
    reads; returns the files."""
    if engine.url.get_backend_name() != "duckdb":
        raise ValueError("export_lake copies from a DuckDB warehouse")
    root = Path(folder)
    root.mkdir(parents=True, exist_ok=True)
    written = []
    with engine.begin() as conn:
        for table in metadata.sorted_tables:
            path = root / f"{table.name}.parquet"
            conn.exec_driver_sql(f"COPY {table.name} TO {_quoted(str(path))} (FORMAT parquet)")
            written.append(path)
    return written


def _indexes(backend: str) -> list[str]:
    if backend == "duckdb":
        return []
    dialect = {"mariadb": "mysql"}.get(backend, backend)
    statements: list[str] = []
    for catalog in catalogs():
        statements += recommended_indexes(catalog, dialect)
    return list(dict.fromkeys(statements))


def _analyse(engine: Engine, backend: str) -> None:
    with engine.begin() as conn:
        if backend in ("postgresql", "sqlite", "duckdb"):
            conn.exec_driver_sql("ANALYZE")
        else:
            for table in metadata.sorted_tables:
                conn.exec_driver_sql(f"ANALYZE TABLE {table.name}")
