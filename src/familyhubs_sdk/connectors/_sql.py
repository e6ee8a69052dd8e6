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
from familyhubs_sdk.store._engine import create_engine, normalise_url
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
        #: What the driver raises when it runs a statement itself (psycopg, without SQLAlchemy
        #: wrapping it in DBAPIError); nothing else is taken for a refused read.
        self._driver_error: type[Exception] | tuple[()] = (
            engine.dialect.loaded_dbapi.Error if self._direct is not None else ()
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
        # pool is renewed, where a ping would cost a round trip on every read. Last in, first
        # out: reads go to the few connections (and server processes) already warm, with their
        # prepared statements, instead of turning through every connection the pool holds.
        url = config.url.get_secret_value()
        options: dict[str, Any] = {"pool_pre_ping": False, "pool_use_lifo": True}
        if normalise_url(url).get_backend_name() == "postgresql":
            # This engine only reads: its connections stay in autocommit, so no read switches
            # them in and out of it (see _Checkout).
            options["isolation_level"] = "AUTOCOMMIT"
        engine = create_engine(url, **options)
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
        local = self._local
        if getattr(local, "active", False):
            yield
            return
        local.active, local.conn, local.direct = True, None, None
        try:
            yield
        finally:
            conn, direct = local.conn, local.direct
            local.active, local.conn, local.direct = False, None, None
            if conn is not None:
                conn.close()
            if direct is not None:
                direct.close()

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
            direct = self._direct.get(statement) if self._direct is not None else None
            if direct is not None:
                names, rows = self._fetch_direct(direct, params)
            else:
                names, rows = self._fetch(statement, params)
        except sa.exc.DBAPIError as exc:
            failure = type(exc.orig).__name__
        except self._driver_error as exc:
            failure = type(exc).__name__
        else:
            return _validated(self.name, model, names, rows)
        # The driver's message can carry SQL and data: name the failure's kind only.
        raise ConnectorError(
            f"source {self.name!r}: the database refused the {model.view} read ({failure})"
        ) from None

    def _fetch(
        self, statement: sa.Select[Any], params: Mapping[str, Any]
    ) -> tuple[tuple[str, ...], Sequence[Any]]:
        """The statement's column names and rows, through SQLAlchemy."""
        if getattr(self._local, "active", False):
            conn = self._local.conn
            if conn is None:
                conn = self._local.conn = self.engine.connect()
            result = conn.execute(statement, params)
            return tuple(result.keys()), result.all()
        with self.engine.connect() as conn:
            result = conn.execute(statement, params)
            return tuple(result.keys()), result.all()

    def _fetch_direct(
        self, direct: _DirectStatement, params: Mapping[str, Any]
    ) -> tuple[tuple[str, ...], Sequence[Any]]:
        """The statement's column names and rows, run on psycopg directly as a prepared
        statement: SQLAlchemy's per-execution work (a ``Connection``, switching the isolation
        level, expanding ``IN``) costs more than the round trip of a short indexed read. The
        parameters stay bound; only the SQL text for this number of keys is kept."""
        sql, values = direct.expand(params)
        local = self._local
        if getattr(local, "active", False):
            checkout = local.direct
            if checkout is None:
                checkout = local.direct = _Checkout(self.engine)
            return direct.names, checkout.run(sql, values, self._driver_error)
        checkout = _Checkout(self.engine)
        try:
            return direct.names, checkout.run(sql, values, self._driver_error)
        finally:
            checkout.close()


class _Checkout:
    """One pooled psycopg connection, in autocommit while held (a read needs no transaction, and
    autocommit saves the ``ROLLBACK`` the pool would send on return), with one cursor reused for
    every statement."""

    __slots__ = ("_cursor", "_driver", "_fairy", "_was_autocommit")

    def __init__(self, engine: Engine) -> None:
        self._fairy: Any = engine.raw_connection()
        try:
            driver: Any = self._fairy.driver_connection
            self._was_autocommit: bool = driver.autocommit
            if not self._was_autocommit:
                driver.autocommit = True
            self._driver = driver
            self._cursor: Any = driver.cursor()
        except BaseException:
            self._fairy.invalidate()
            self._fairy.close()
            raise

    def run(
        self, sql: str, values: Mapping[str, Any], error: type[Exception] | tuple[()]
    ) -> list[Any]:
        try:
            self._cursor.execute(sql, values, prepare=True)
            return self._cursor.fetchall()  # type: ignore[no-any-return]
        except error as exc:
            # The connection itself failed (no SQLSTATE), or the server ended the session
            # (terminated, shut down, idle timeout): never hand it out again.
            if getattr(exc, "sqlstate", None) is None or self._driver.closed or self._driver.broken:
                self._fairy.invalidate()
            raise

    def close(self) -> None:
        """Back to the pool as it came, or dropped if that fails."""
        fairy = self._fairy
        try:
            if fairy.is_valid:
                self._cursor.close()
                if not self._was_autocommit:
                    self._driver.autocommit = False
        except Exception:
            fairy.invalidate()
        finally:
            fairy.close()


def _validated(source: str, model: type[R], names: tuple[str, ...], rows: Sequence[Any]) -> list[R]:
    """Rows as canonical records, each validated once. The last column names the definition a
    row came from; a row that does not fit is skipped and counted under it (with the reason,
    never the value), and a period ending before it starts is shown without its end, counted."""
    # zip() stops at the shorter: the definition column, last, is left out of every record.
    fields = names[:-1]
    repairs_end = "period_end" in fields
    records: list[R] = []
    faults: dict[tuple[str, str, bool], int] = {}
    build = _builder(model).for_fields(fields)
    for row in rows:
        # Built directly when the cheap per-field checks pass (its end, if any, is kept).
        fast = build(row) if build is not None else None
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


class _Slot:
    """Stands for one parameter value (or one key of ``:keys``) while the SQL text for a
    number of keys is worked out, so each bound name can be traced back to its value."""

    __slots__ = ("index", "name")

    def __init__(self, name: str, index: int | None) -> None:
        self.name, self.index = name, index


class _DirectStatement:
    """A statement compiled once for the driver: its column names, and its SQL text with the
    order of its bound values for each number of keys (at most ``MAX_KEYS`` texts)."""

    __slots__ = ("_compiled", "_texts", "names")

    def __init__(self, compiled: Any, names: tuple[str, ...]) -> None:
        self._compiled = compiled
        self.names = names
        self._texts: dict[tuple[int, tuple[str, ...]], _Text] = {}

    def expand(self, params: Mapping[str, Any]) -> tuple[str, dict[str, Any]]:
        """The SQL text and its bound values for ``params`` (``:keys`` expanded)."""
        keys = params.get("keys", ())
        shape = (len(keys), tuple(params))
        text = self._texts.get(shape)
        if text is None:
            text = self._texts[shape] = self._text(params)
        sql, order = text
        return sql, {
            bound: (params[name] if index is None else params[name][index])
            for bound, name, index in order
        }

    def _text(self, params: Mapping[str, Any]) -> _Text:
        slots = {
            name: (
                [_Slot(name, i) for i in range(len(value))] if name == "keys" else _Slot(name, None)
            )
            for name, value in params.items()
        }
        state = self._compiled.construct_expanded_state(slots)
        order = []
        for bound, slot in state.parameters.items():
            if not isinstance(slot, _Slot):  # pragma: no cover - every value is a caller's
                raise TypeError(f"unexpected parameter {bound!r}")
            order.append((bound, slot.name, slot.index))
        return state.statement, tuple(order)


#: SQL text, and each bound name with the parameter (and key index) its value comes from.
_Text = tuple[str, tuple[tuple[str, str, int | None], ...]]


class _DirectStatements:
    """Statements compiled once for the driver, or ``None`` for one whose parameters need
    SQLAlchemy's conversions (those go through SQLAlchemy)."""

    def __init__(self, dialect: Dialect) -> None:
        self._dialect = dialect
        self._compiled: dict[int, tuple[sa.Select[Any], _DirectStatement | None]] = {}

    def get(self, statement: sa.Select[Any]) -> _DirectStatement | None:
        found = self._compiled.get(id(statement))
        if found is not None and found[0] is statement:
            return found[1]
        compiled = statement.compile(dialect=self._dialect)
        # The column names, read once (the driver's description costs a column object each).
        names = tuple(statement.selected_columns.keys())
        direct = None if compiled._bind_processors else _DirectStatement(compiled, names)
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
