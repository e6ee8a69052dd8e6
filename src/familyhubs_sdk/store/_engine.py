"""Engine factory for the SDK's own database, with safe defaults for each dialect.

>>> engine = create_engine("sqlite://")
>>> with engine.connect() as conn:
...     conn.exec_driver_sql("PRAGMA foreign_keys").scalar()
1
"""

from __future__ import annotations

import os
import time
import weakref
from pathlib import Path
from typing import Any

import sqlalchemy as sa
from sqlalchemy.engine import URL, Engine, make_url

from familyhubs_sdk.errors import ConfigurationError

__all__ = [
    "PING_AFTER_IDLE_S",
    "POOL_SIZE",
    "SQLITE_BUSY_TIMEOUT_MS",
    "create_engine",
    "normalise_url",
]

#: How long a SQLite writer waits for another writer before giving up.
SQLITE_BUSY_TIMEOUT_MS = 5_000

#: Connections a server database's pool keeps open (SQLAlchemy's default is 5, so a worker with
#: 8 threads opened and closed a connection for most requests); up to ``max_overflow`` (10) more
#: are opened at a peak and closed after use. Pass ``pool_size`` to change it.
POOL_SIZE = 16

#: A pooled connection unused for longer than this is tested with a round trip before it is
#: handed out, and replaced if the server dropped it (failover, idle timeout). A connection used
#: more recently is handed out as it is: a ping before every use doubled the round trips of
#: every short transaction. (HikariCP skips its check for 0.5 s the same way.)
PING_AFTER_IDLE_S = 1.0

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
    * PostgreSQL, MySQL and MariaDB: a connection that sat unused for more than
      :data:`PING_AFTER_IDLE_S` is tested before use, so one dropped by an idle timeout or a
      failover while it was idle is replaced instead of failing a request, and the rest of the
      pool with it; a failover in the second after a connection's last use fails that one
      request, after which the pool is renewed (``pool_pre_ping=True`` tests before every use
      instead, ``pool_pre_ping=False`` never); a last-in-first-out pool keeping up to
      :data:`POOL_SIZE` connections open (unless ``poolclass`` or ``pool`` is given); MySQL
      connections are recycled hourly.
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
        chosen = engine_options.get("poolclass", sa.pool.QueuePool)
        if "pool" not in engine_options and issubclass(chosen, sa.pool.QueuePool):
            options.update(pool_size=POOL_SIZE, pool_use_lifo=True)
        if backend in ("mysql", "mariadb"):
            options["pool_recycle"] = 3600
    options.update(engine_options)
    engine = sa.create_engine(parsed, **options)
    _ENGINES.add(engine)
    if backend == "sqlite":
        _tune_sqlite(engine, wal=not in_memory)
    elif "pool_pre_ping" not in engine_options:
        _ping_when_idle(engine)
    return engine


def _ping_when_idle(engine: Engine) -> None:
    """Test a connection before use only when it has been idle for :data:`PING_AFTER_IDLE_S`.

    Raising :class:`~sqlalchemy.exc.InvalidatePoolError` from a ``checkout`` listener makes the
    pool discard the connection, and every connection older than now, and hand out a fresh one
    (SQLAlchemy's pessimistic disconnect handling), as ``pool_pre_ping`` does on a failed ping.
    """
    dialect = engine.dialect  # not the engine: the listener must not keep it alive

    @sa.event.listens_for(engine, "checkin")
    def _on_checkin(_dbapi_connection: Any, record: Any) -> None:
        if record is not None:
            record.info["familyhubs_idle_since"] = time.monotonic()

    @sa.event.listens_for(engine, "checkout")
    def _on_checkout(dbapi_connection: Any, record: Any, _proxy: Any) -> None:
        idle_since = record.info.get("familyhubs_idle_since")
        if idle_since is None or time.monotonic() - idle_since < PING_AFTER_IDLE_S:
            return  # new, or used a moment ago
        try:
            alive = dialect.do_ping(dbapi_connection)
        except dialect.loaded_dbapi.Error as exc:
            raise sa.exc.InvalidatePoolError("the database closed an idle connection") from exc
        if not alive:
            raise sa.exc.InvalidatePoolError("the database closed an idle connection")


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
