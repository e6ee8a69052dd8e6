"""Benchmark databases: each benchmark gets its own PostgreSQL database, created when missing, or
its own DuckDB file."""

from __future__ import annotations

import tempfile
from pathlib import Path

import sqlalchemy as sa

DEFAULT_URL = "postgresql+psycopg://postgres@127.0.0.1:5432/familyhubs_bench"

#: The engines the timeline benchmark runs on, with their default URLs.
ENGINES = {
    "postgresql": DEFAULT_URL,
    "duckdb": f"duckdb:///{Path(tempfile.gettempdir()) / 'familyhubs_bench.duckdb'}",
}


def ensure_database(url: str) -> str:
    """Create the database ``url`` names if it does not exist (a PostgreSQL database, or a DuckDB
    file's folder); returns ``url``."""
    parsed = sa.make_url(url)
    if parsed.get_backend_name() == "duckdb":
        if parsed.database and parsed.database != ":memory:":
            Path(parsed.database).parent.mkdir(parents=True, exist_ok=True)
        return url
    base, name = url.rsplit("/", 1)
    admin = sa.create_engine(base + "/postgres", isolation_level="AUTOCOMMIT")
    try:
        with admin.connect() as conn:
            exists = conn.execute(
                sa.text("SELECT 1 FROM pg_database WHERE datname = :n"), {"n": name}
            ).first()
            if not exists:
                conn.exec_driver_sql(f'CREATE DATABASE "{name}"')
    finally:
        admin.dispose()
    return url
