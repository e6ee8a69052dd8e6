"""``SQLViewConnector``: reads canonical views from an LA warehouse through view definitions.

One statement per canonical view and read shape, compiled once; each read is one round trip,
whatever the number of people or source tables (``UNION ALL`` inside the statement).

>>> import sqlalchemy as sa
>>> engine = sa.create_engine("sqlite://")
>>> with engine.begin() as conn:
...     _ = conn.exec_driver_sql("CREATE TABLE contacts (id TEXT, person TEXT, at TIMESTAMP)")
...     _ = conn.exec_driver_sql("INSERT INTO contacts VALUES ('c1', 'P1', '2026-01-05 09:30:00')")
>>> catalog = ViewCatalog.from_yaml('''
... source_system: lcs
... definitions:
...   - {name: contacts, view: timeline_event, table: contacts,
...      columns: {source_ref: id, person_key: person, period_start: at,
...                kind: {const: social_care.contact}}}
... ''')
>>> connector = SQLViewConnector(engine, catalog)
>>> [(e.source_ref, e.kind, e.period_start.isoformat()) for e in connector.read_timeline(["P1"])]
[('c1', 'social_care.contact', '2026-01-05T09:30:00')]
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import date, datetime
from pathlib import Path
from typing import Any, TypeVar

import sqlalchemy as sa
from pydantic import SecretStr, ValidationError
from sqlalchemy.engine import Dialect, Engine

from familyhubs_sdk.connectors._base import (
    Capability,
    CheckResult,
    ConnectorConfig,
    ProfessionalContacts,
    SourceConnector,
    as_naive,
    validate_read_args,
)
from familyhubs_sdk.errors import ConnectorError
from familyhubs_sdk.store._engine import create_engine
from familyhubs_sdk.views._canonical import (
    CanonicalRecord,
    FamilyMembership,
    Involvement,
    Person,
    Professional,
    ProfessionalContactPoint,
    SourceCoverage,
    TimelineEvent,
)
from familyhubs_sdk.views._check import check_catalog
from familyhubs_sdk.views._compile import CompiledCatalog
from familyhubs_sdk.views._definition import ViewCatalog
from familyhubs_sdk.views._vocab import IdentifierType

__all__ = ["SQLViewConnector", "SQLViewConnectorConfig"]

_VIEW_CAPABILITY = {
    "person": Capability.PEOPLE,
    "timeline_event": Capability.TIMELINE,
    "involvement": Capability.INVOLVEMENTS,
    "professional": Capability.CONTACTS,
    "family_membership": Capability.FAMILY,
    "source_coverage": Capability.COVERAGE,
}

R = TypeVar("R", bound=CanonicalRecord)


class SQLViewConnectorConfig(ConnectorConfig):
    """Settings for a warehouse read through view definitions."""

    url: SecretStr
    views: Path
    #: Server-side limit per statement, in milliseconds: PostgreSQL, MariaDB and MySQL (whose
    #: limit covers only ``SELECT``); none is set on SQLite or SQL Server.
    statement_timeout_ms: int = 5_000


class SQLViewConnector(SourceConnector):
    """Reads the canonical views a :class:`ViewCatalog` defines over any SQLAlchemy engine."""

    Config = SQLViewConnectorConfig

    def __init__(
        self,
        engine: Engine,
        catalog: ViewCatalog,
        *,
        name: str | None = None,
        timeout_s: float = 3.0,
    ) -> None:
        super().__init__(name or catalog.source_system or "warehouse", timeout_s=timeout_s)
        # Reads need no transaction: autocommit saves the ROLLBACK round trip on every return.
        self.engine = engine.execution_options(isolation_level="AUTOCOMMIT")
        self.catalog = catalog
        self.compiled = CompiledCatalog(catalog, dialect=engine.dialect)
        self.capabilities = frozenset(
            capability
            for view, capability in _VIEW_CAPABILITY.items()
            if view in self.compiled.views
        )
        identifiers = {
            d.identifier for d in catalog.definitions if d.view in ("person", "timeline_event")
        }
        self.identifier = identifiers.pop() if len(identifiers) == 1 else IdentifierType.SOURCE_ID

    @classmethod
    def from_config(cls, config: ConnectorConfig) -> SQLViewConnector:
        if not isinstance(config, SQLViewConnectorConfig):
            raise TypeError("SQLViewConnector.from_config needs a SQLViewConnectorConfig")
        # No pre-ping: a dropped connection fails one read (shown as "source unavailable") and the
        # pool is renewed, where a ping would cost a round trip on every read.
        engine = create_engine(config.url.get_secret_value(), pool_pre_ping=False)
        _limit_statements(engine, config.statement_timeout_ms)
        return cls(
            engine, ViewCatalog.load(config.views), name=config.name, timeout_s=config.timeout_s
        )

    def check(self) -> CheckResult:
        problems = check_catalog(self.engine, self.catalog)
        return CheckResult(ok=not problems, problems=tuple(problems))

    def coverage(self) -> SourceCoverage | None:
        if Capability.COVERAGE not in self.capabilities:
            raise self._unsupported(Capability.COVERAGE)
        rows = self._rows(SourceCoverage, self.compiled.everything("source_coverage"), {})
        return rows[0] if rows else None

    def read_people(self, person_keys: Sequence[str]) -> list[Person]:
        return self._lookup(Person, Capability.PEOPLE, person_keys)

    def all_people(self) -> list[Person]:
        """Every person in the person view: for building an identity index or a search index,
        not for screens."""
        if Capability.PEOPLE not in self.capabilities:
            raise self._unsupported(Capability.PEOPLE)
        return self._rows(Person, self.compiled.everything("person"), {})

    def read_timeline(
        self,
        person_keys: Sequence[str],
        *,
        since: date | datetime | None = None,
        until: date | datetime | None = None,
        limit: int = 500,
    ) -> list[TimelineEvent]:
        if Capability.TIMELINE not in self.capabilities:
            raise self._unsupported(Capability.TIMELINE)
        keys = validate_read_args(person_keys, limit)
        if not keys:
            return []
        statement = self.compiled.lookup(
            "timeline_event", since=since is not None, until=until is not None, limit=True
        )
        params: dict[str, Any] = {"keys": keys, "limit": limit}
        if since is not None:
            params["since"] = as_naive(since)
        if until is not None:
            params["until"] = as_naive(until)
        return self._rows(TimelineEvent, statement, params)

    def read_involvements(self, person_keys: Sequence[str]) -> list[Involvement]:
        return self._lookup(Involvement, Capability.INVOLVEMENTS, person_keys)

    def professional_contacts(self, professional_ids: Sequence[str]) -> list[ProfessionalContacts]:
        professionals = self._lookup(Professional, Capability.CONTACTS, professional_ids)
        points: dict[str, list[ProfessionalContactPoint]] = {}
        if "professional_contact_point" in self.compiled.views and professionals:
            for point in self._lookup(
                ProfessionalContactPoint,
                Capability.CONTACTS,
                [p.professional_id for p in professionals],
            ):
                points.setdefault(point.professional_id, []).append(point)
        return [
            ProfessionalContacts(
                professional=p, contact_points=tuple(points.get(p.professional_id, ()))
            )
            for p in professionals
        ]

    def read_family(self, person_keys: Sequence[str]) -> list[FamilyMembership]:
        return self._lookup(FamilyMembership, Capability.FAMILY, person_keys)

    def close(self) -> None:
        self.engine.dispose()

    def _lookup(self, model: type[R], capability: Capability, keys: Sequence[str]) -> list[R]:
        if capability not in self.capabilities:
            raise self._unsupported(capability)
        checked = validate_read_args(keys)
        if not checked:
            return []
        statement = self.compiled.lookup(model.view, since=False, until=False, limit=False)
        return self._rows(model, statement, {"keys": checked})

    def _rows(
        self, model: type[R], statement: sa.Select[Any], params: Mapping[str, Any]
    ) -> list[R]:
        try:
            with self.engine.connect() as conn:
                rows = conn.execute(statement, params).mappings().all()
        except sa.exc.DBAPIError as exc:
            # The driver's message can carry SQL and data: name the failure's kind only.
            raise ConnectorError(
                f"source {self.name!r}: the database refused the {model.view} read "
                f"({type(exc.orig).__name__})"
            ) from None
        try:
            return [model.model_validate(row) for row in rows]
        except ValidationError as exc:
            error = exc.errors(include_input=False, include_url=False)[0]
            field = ".".join(str(part) for part in error["loc"])
            raise ConnectorError(
                f"source {self.name!r}: a {model.view} row does not fit the canonical view "
                f"({field}: {error['msg']}); fix the view definition"
            ) from None


def _limit_statements(engine: Engine, milliseconds: int) -> None:
    """Limit every statement on ``engine``'s new connections to ``milliseconds``, set once per
    connection in the server's own words (as a dialect's ``on_connect`` would)."""

    @sa.event.listens_for(engine, "connect")
    def _on_connect(dbapi_connection: Any, _record: Any) -> None:
        # Chosen here, not when listening: a mysql:// URL learns it reached MariaDB on connecting.
        statement = _statement_timeout(engine.dialect, milliseconds)
        if statement is None:
            return
        cursor = dbapi_connection.cursor()
        try:
            cursor.execute(statement)
        finally:
            cursor.close()
        # End the implicit transaction the SET opened, so the pool can switch the connection to
        # autocommit.
        dbapi_connection.commit()


def _statement_timeout(dialect: Dialect, milliseconds: int) -> str | None:
    """The statement that limits a session's statements to ``milliseconds`` on this dialect's
    server, or ``None`` where the SDK sets no limit (SQLite, SQL Server, others)."""
    limit = int(milliseconds)
    if dialect.name == "postgresql":
        return f"SET statement_timeout = {limit:d}"
    if dialect.name in ("mysql", "mariadb"):
        if getattr(dialect, "is_mariadb", False):
            return f"SET SESSION max_statement_time = {limit / 1000:.3f}"  # seconds
        return f"SET SESSION max_execution_time = {limit:d}"  # milliseconds, SELECT only
    return None
