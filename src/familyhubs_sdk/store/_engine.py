"""Engine factory for the SDK's own database, with safe defaults for each dialect.

>>> engine = create_engine("sqlite://")
>>> with engine.connect() as conn:
...     conn.exec_driver_sql("PRAGMA foreign_keys").scalar()
1
"""

from __future__ import annotations

import os
import weakref
from pathlib import Path
from typing import Any

import sqlalchemy as sa
from sqlalchemy.engine import URL, Engine, make_url

from familyhubs_sdk.errors import ConfigurationError

__all__ = ["SQLITE_BUSY_TIMEOUT_MS", "create_engine", "normalise_url"]

#: How long a SQLite writer waits for another writer before giving up.
SQLITE_BUSY_TIMEOUT_MS = 5_000

# Every engine this module made, so a forked child can drop the connections it inherited.
_ENGINES: weakref.WeakSet[Engine] = weakref.WeakSet()


def _forget_inherited_connections() -> None:
    """In a forked child (gunicorn ``--preload`` workers, multiprocessing): a pooled connection
    is a socket shared with the parent, and two processes talking on one socket corrupt each
    other's sessions. ``dispose(close=False)`` gives the child an empty pool without closing the
    parent's connections (SQLAlchemy's "using connection pools with multiprocessing")."""
    for engine in list(_ENGINES):
        engine.dispose(close=False)


if hasattr(os, "register_at_fork"):  # POSIX; Windows has no fork
    os.register_at_fork(after_in_child=_forget_inherited_connections)

# A bare dialect name picks the driver the matching extra installs.
_DEFAULT_DRIVERS = {"postgresql": "psycopg", "mysql": "pymysql", "mariadb": "pymysql"}


def normalise_url(url: str | URL) -> URL:
    """Parse ``url`` and fill in the driver our extras install when none is named.

    ``postgresql://`` becomes ``postgresql+psycopg://`` and ``mysql://`` or ``mariadb://`` become
    ``+pymysql``; a URL that names its driver is left alone.
    """
    try:
        parsed = make_url(url)
    except (sa.exc.ArgumentError, ValueError):
        raise ConfigurationError(
            "database URL is not a valid SQLAlchemy URL (expected e.g. sqlite:///file.db)"
        ) from None
    driver = _DEFAULT_DRIVERS.get(parsed.drivername)
    if driver is not None:
        parsed = parsed.set(drivername=f"{parsed.drivername}+{driver}")
    return parsed


def create_engine(url: str | URL, **engine_options: Any) -> Engine:
    """Create an :class:`~sqlalchemy.engine.Engine` tuned for the SDK's tables.

    * SQLite: WAL journal (file databases), foreign keys enforced, a busy timeout so concurrent
      writers wait instead of failing; the database file's folder is created if missing.
    * PostgreSQL, MySQL and MariaDB: ``pool_pre_ping`` so a connection dropped by a failover or an
      idle timeout is replaced instead of failing a request; MySQL connections are recycled hourly.
    * Every database: ``hide_parameters``, so bound values (names, identifiers, token hashes) never
      appear in an exception's text or in SQL echo logs.
    * Fork-safe: a process forked after the engine connected (gunicorn ``--preload`` workers)
      starts with an empty pool of its own and never uses the parent's connections.

    Any ``engine_options`` are passed to :func:`sqlalchemy.create_engine` and win over these.
    """
    parsed = normalise_url(url)
    options: dict[str, Any] = {"hide_parameters": True}
    backend = parsed.get_backend_name()
    if backend == "sqlite":
        database = parsed.database or ""
        in_memory = database in ("", ":memory:") or database.startswith("file::memory:")
        if not in_memory:
            Path(database).expanduser().parent.mkdir(parents=True, exist_ok=True)
        options["connect_args"] = {"timeout": SQLITE_BUSY_TIMEOUT_MS / 1000}
    else:
        options["pool_pre_ping"] = True
        if backend in ("mysql", "mariadb"):
            options["pool_recycle"] = 3600
    options.update(engine_options)
    engine = sa.create_engine(parsed, **options)
    _ENGINES.add(engine)
    if backend == "sqlite":
        _tune_sqlite(engine, wal=not in_memory)
    return engine


def _tune_sqlite(engine: Engine, *, wal: bool) -> None:
    @sa.event.listens_for(engine, "connect")
    def _on_connect(dbapi_connection: Any, _record: Any) -> None:
        cursor = dbapi_connection.cursor()
        try:
            cursor.execute("PRAGMA foreign_keys = ON")
            cursor.execute(f"PRAGMA busy_timeout = {SQLITE_BUSY_TIMEOUT_MS:d}")
            if wal:
                cursor.execute("PRAGMA journal_mode = WAL")
                cursor.execute("PRAGMA synchronous = NORMAL")
        finally:
            cursor.close()
