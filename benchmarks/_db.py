"""Benchmark databases: each benchmark gets its own PostgreSQL database, created when missing."""

from __future__ import annotations

import sqlalchemy as sa

DEFAULT_URL = "postgresql+psycopg://postgres@127.0.0.1:5432/familyhubs_bench"


def ensure_database(url: str) -> str:
    """Create the PostgreSQL database ``url`` names if it does not exist; returns ``url``."""
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
