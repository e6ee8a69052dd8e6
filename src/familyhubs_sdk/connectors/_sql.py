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

import contextlib
import threading
from collections.abc import Iterator, Mapping, Sequence
from datetime import date, datetime
from functools import cache
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
from familyhubs_sdk.connectors._faults import RowFault, report_row_faults
from familyhubs_sdk.errors import ConnectorError
from familyhubs_sdk.store._engine import create_engine
from familyhubs_sdk.views._canonical import (
    END_BEFORE_START,
    CanonicalRecord,
    FamilyMembership,
    Involvement,
    Person,
    Professional,
    ProfessionalContactPoint,
    SourceCoverage,
    TimelineEvent,
    fault_reason,
)
from familyhubs_sdk.views._check import check_catalog
from familyhubs_sdk.views._compile import CompiledCatalog
from familyhubs_sdk.views._definition import ViewCatalog
from familyhubs_sdk.views._rows import RowBuilder
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
        # DuckDB has no isolation levels to switch (its SQLAlchemy dialect refuses AUTOCOMMIT).
        self.engine = (
            engine
            if engine.dialect.name == "duckdb"
            else engine.execution_options(isolation_level="AUTOCOMMIT")
        )
        self.catalog = catalog
        #: The connection :meth:`session` pins for this thread's reads, if any.
        self._local = threading.local()
        self.compiled = CompiledCatalog(catalog, dialect=engine.dialect)
        #: psycopg: statements compiled once to run on the driver (see :meth:`_fetch`).
        self._direct: _DirectStatements | None = (
            _DirectStatements(engine.dialect) if engine.dialect.driver == "psycopg" else None
        )
        self._driver_error: type[Exception] = (
            engine.dialect.loaded_dbapi.Error if self._direct is not None else Exception
        )
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

    @contextlib.contextmanager
    def session(self) -> Iterator[None]:
        """Within the block, this thread's reads share one pooled connection, taken at the first
        read and returned at the end: one checkout per federated read, not one per statement."""
        if getattr(self._local, "active", False):
            yield
            return
        self._local.active, self._local.conn = True, None
        try:
            yield
        finally:
            conn, self._local.active, self._local.conn = self._local.conn, False, None
            if conn is not None:
                conn.close()

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
            if getattr(self._local, "active", False):
                conn = self._local.conn
                if conn is None:
                    conn = self._local.conn = self.engine.connect()
                names, rows = self._fetch(conn, statement, params)
            else:
                with self.engine.connect() as conn:
                    names, rows = self._fetch(conn, statement, params)
        except sa.exc.DBAPIError as exc:
            # The driver's message can carry SQL and data: name the failure's kind only.
            raise ConnectorError(
                f"source {self.name!r}: the database refused the {model.view} read "
                f"({type(exc.orig).__name__})"
            ) from None
        return _validated(self.name, model, names, rows)

    def _fetch(
        self, conn: sa.Connection, statement: sa.Select[Any], params: Mapping[str, Any]
    ) -> tuple[tuple[str, ...], Sequence[Any]]:
        """The statement's column names and rows. On psycopg, a statement whose parameters
        need no conversion runs on the driver directly, as a prepared statement: SQLAlchemy's
        per-execution work costs more than the round trip of a short indexed read."""
        direct = self._direct.get(statement) if self._direct is not None else None
        if direct is None:
            result = conn.execute(statement, params)
            return tuple(result.keys()), result.all()
        compiled, names = direct
        state = compiled.construct_expanded_state(dict(params))
        try:
            cursor = conn.connection.driver_connection.cursor()  # type: ignore[union-attr]
            try:
                cursor.execute(state.statement, state.parameters, prepare=True)
                return names, cursor.fetchall()
            finally:
                cursor.close()
        except self._driver_error as exc:
            if getattr(exc, "sqlstate", None) is None:  # the connection itself failed
                conn.invalidate()
            # As SQLAlchemy would: the caller names the failure's kind only.
            raise sa.exc.DBAPIError(None, None, exc) from None



def _validated(source: str, model: type[R], names: tuple[str, ...], rows: Sequence[Any]) -> list[R]:
    """Rows as canonical records, each validated once. The last column names the definition a
    row came from; a row that does not fit is skipped and counted under it (with the reason,
    never the value), and a period ending before it starts is shown without its end, counted."""
    # zip() stops at the shorter: the definition column, last, is left out of every record.
    fields = names[:-1]
    repairs_end = "period_end" in fields
    records: list[R] = []
    faults: dict[tuple[str, str, bool], int] = {}
    build = _builder(model)
    for row in rows:
        # Built directly when the cheap per-field checks pass (its end, if any, is kept).
        fast = build.fast_row(fields, row)
        if fast is not None:
            records.append(fast)
            continue
        data = dict(zip(fields, row, strict=False))
        try:
            record = model.model_validate(data)
        except ValidationError as exc:
            key = (row[-1], fault_reason(exc), True)
            faults[key] = faults.get(key, 0) + 1
            continue
        if repairs_end and data["period_end"] is not None and record.period_end is None:  # type: ignore[attr-defined]
            key = (row[-1], END_BEFORE_START, False)
            faults[key] = faults.get(key, 0) + 1
        records.append(record)
    if faults:
        report_row_faults(
            RowFault(source, definition, reason, count, skipped)
            for (definition, reason, skipped), count in sorted(faults.items())
        )
    return records


#: A statement compiled for the driver, and its column names.
_Direct = tuple[Any, tuple[str, ...]]


class _DirectStatements:
    """Statements compiled once for the driver with their column names, or ``None`` for one
    whose parameters need SQLAlchemy's conversions (those go through SQLAlchemy)."""

    def __init__(self, dialect: Dialect) -> None:
        self._dialect = dialect
        self._compiled: dict[int, tuple[sa.Select[Any], _Direct | None]] = {}

    def get(self, statement: sa.Select[Any]) -> _Direct | None:
        found = self._compiled.get(id(statement))
        if found is not None and found[0] is statement:
            return found[1]
        compiled = statement.compile(dialect=self._dialect)
        # The column names, read once (the driver's description costs a column object each).
        names = tuple(statement.selected_columns.keys())
        direct: _Direct | None = None if compiled._bind_processors else (compiled, names)
        self._compiled[id(statement)] = (statement, direct)  # keeps the statement alive
        return direct


@cache
def _builder(model: type[R]) -> RowBuilder[R]:
    return RowBuilder(model)


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
