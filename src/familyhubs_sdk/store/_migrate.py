"""Bring the SDK's tables to the current schema with the Alembic migrations shipped in the package.

>>> from familyhubs_sdk.store import create_engine
>>> engine = create_engine("sqlite://")
>>> upgrade(engine)
>>> current_revision(engine) == head_revision()
True
"""

from __future__ import annotations

from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy.engine import Engine
from sqlalchemy.exc import DBAPIError, OperationalError

from familyhubs_sdk.errors import MigrationError, StoreUnavailableError

__all__ = ["VERSION_TABLE", "current_revision", "head_revision", "upgrade"]

#: The SDK keeps its own Alembic version table, so a host using Alembic keeps theirs.
VERSION_TABLE = "fh_alembic_version"
_SCRIPT_LOCATION = "familyhubs_sdk.store:migrations"


def _config(engine: Engine | None = None) -> Config:
    config = Config()
    config.set_main_option("script_location", _SCRIPT_LOCATION)
    config.attributes["engine"] = engine
    return config


def head_revision() -> str:
    """The newest migration shipped with this version of the SDK."""
    head = ScriptDirectory.from_config(_config()).get_current_head()
    if head is None:  # pragma: no cover - the package always ships a migration
        raise MigrationError("the package's migrations are missing; reinstall familyhubs-sdk")
    return head


def current_revision(engine: Engine) -> str | None:
    """The migration the database is at, or ``None`` for a database the SDK has not touched."""
    try:
        with engine.connect() as connection:
            context = MigrationContext.configure(connection, opts={"version_table": VERSION_TABLE})
            return context.get_current_revision()
    except OperationalError:
        raise StoreUnavailableError(
            f"cannot reach the {engine.dialect.name} database; check the URL and that it is running"
        ) from None


def upgrade(engine: Engine, revision: str = "head") -> None:
    """Apply every migration up to ``revision`` (default: the newest), one transaction a step."""
    current_revision(engine)  # fails fast, and clearly, when the server is unreachable
    try:
        command.upgrade(_config(engine), revision)
    except DBAPIError as exc:
        raise MigrationError(
            f"migrating the {engine.dialect.name} database to {revision!r} failed "
            f"({type(exc.orig).__name__}); the failed step was rolled back where the database "
            "supports transactional DDL"
        ) from None
