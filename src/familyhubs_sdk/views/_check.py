"""Check view definitions against a live warehouse: columns, types, sampled rows, index use.

:func:`check_warehouse` sorts what it finds into **problems** (the definitions cannot be read as
written: a missing column, a wrong type, text that reads as prose) and **warnings** (they read, but
look at this: dates held as text, rows a screen would skip, a lookup without an index). ``select``
definitions are checked too: their columns and types come from running the statement for no rows,
their values from a sample. Every line names the definition and column, e.g.
``ssd_contacts: table 'ssd_contacts' has no column 'cont_date'``; the database's own messages, which
can carry SQL, are never repeated, and sampled values are never printed.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import sqlalchemy as sa
from sqlalchemy.engine import Connection, Engine

from familyhubs_sdk._lake import warehouse_inspector
from familyhubs_sdk.views._canonical import END_BEFORE_START, view_columns
from familyhubs_sdk.views._compile import CompiledCatalog
from familyhubs_sdk.views._definition import ViewCatalog, ViewDefinition
from familyhubs_sdk.views._sample import Sample, sample_rows
from familyhubs_sdk.views._warehouse import described_types, explain, lookup_advice

__all__ = ["IndexUse", "WarehouseCheck", "check_catalog", "check_warehouse", "explain_lookups"]

_TIME_TYPES = (sa.Date, sa.DateTime)
_TEXT_OR_NUMBER = (sa.String, sa.Integer, sa.Numeric)
#: Rows read per definition to check values.
SAMPLE_ROWS = 500


@dataclass(frozen=True, slots=True)
class IndexUse:
    """Whether the key lookup of one definition can be served by an index."""

    definition: str
    #: ``True`` or ``False``; ``None`` where this dialect is not checked.
    uses_index: bool | None
    detail: str


@dataclass(frozen=True, slots=True)
class WarehouseCheck:
    """What :func:`check_warehouse` found. ``ok`` when there is no problem and every checked
    lookup uses an index; warnings never fail a check."""

    problems: tuple[str, ...]
    warnings: tuple[str, ...]
    #: One per table definition with a key lookup (empty when there were problems).
    index_uses: tuple[IndexUse, ...] = ()
    #: Indexes that would serve lookups (joined tables) which have none.
    advice: tuple[str, ...] = ()

    @property
    def ok(self) -> bool:
        return not self.problems and all(use.uses_index is not False for use in self.index_uses)


def check_catalog(engine: Engine, catalog: ViewCatalog) -> list[str]:
    """Problems found comparing the definitions with the database; empty when all is well (see
    :func:`check_warehouse` for warnings and index use)."""
    problems, _warnings, _advice = _check(engine, catalog)
    return problems


def check_warehouse(engine: Engine, catalog: ViewCatalog) -> WarehouseCheck:
    """Check every definition of ``catalog`` against the warehouse behind ``engine``: columns and
    types, a sample of rows, and — when there is no problem — whether each lookup uses an index.

    >>> import sqlalchemy as sa
    >>> engine = sa.create_engine("sqlite://")
    >>> with engine.begin() as conn:
    ...     _ = conn.exec_driver_sql("CREATE TABLE c (id TEXT, person TEXT, at TEXT)")
    ...     _ = conn.exec_driver_sql("CREATE INDEX ix_c ON c (person, at)")
    ...     _ = conn.exec_driver_sql("INSERT INTO c VALUES ('c1', 'P1', '2026-01-05 09:30:00')")
    >>> catalog = ViewCatalog.from_yaml('''
    ... source_system: lcs
    ... definitions:
    ...   - {name: contacts, view: timeline_event, table: c,
    ...      columns: {source_ref: id, person_key: person, period_start: at,
    ...                kind: {const: social_care.contact}}}
    ... ''')
    >>> found = check_warehouse(engine, catalog)
    >>> found.ok, found.problems
    (True, ())
    >>> found.warnings[0]
    "contacts: column 'at' holds period_start as text (1 of 1 sampled values parse as ISO 8601 \
dates); they are read correctly"
    """
    problems, warnings, advice = _check(engine, catalog)
    uses = () if problems else tuple(explain_lookups(engine, catalog))
    return WarehouseCheck(tuple(problems), tuple(warnings), uses, tuple(advice))


def _check(engine: Engine, catalog: ViewCatalog) -> tuple[list[str], list[str], list[str]]:
    problems: list[str] = []
    warnings: list[str] = []
    advice: list[str] = []
    compiled = CompiledCatalog(catalog, dialect=engine.dialect)
    sqlite = engine.dialect.name == "sqlite"
    try:
        with engine.connect() as conn:
            inspector = warehouse_inspector(conn)
            for definition in catalog.definitions:
                found = _columns(conn, inspector, definition, problems)
                if found is None:
                    continue
                missing = [c for c in definition.source_columns if c.lower() not in found]
                problems += [
                    f"{definition.name}: {_describe_source(definition)} has no column {c!r}"
                    for c in missing
                ]
                looked_up = _lookup_columns(inspector, definition, problems)
                if missing or looked_up is None:
                    continue
                found.update(looked_up)
                advice += lookup_advice(inspector, definition)
                problems += _type_problems(definition, found)
                try:
                    rows = conn.execute(compiled.branch(definition).limit(SAMPLE_ROWS))
                    sampled = sample_rows(definition, rows.mappings().all())
                except sa.exc.DBAPIError as exc:
                    conn.rollback()
                    problems.append(
                        f"{definition.name}: the mapped select fails ({type(exc.orig).__name__})"
                    )
                    continue
                _judge(
                    definition, sampled, found, sqlite=sqlite, problems=problems, warnings=warnings
                )
    except sa.exc.OperationalError:
        where = engine.url.render_as_string(hide_password=True)
        return [f"the database at {where} is unreachable"], [], []
    return problems, warnings, advice


def explain_lookups(engine: Engine, catalog: ViewCatalog) -> list[IndexUse]:
    """For each table definition, whether the database can find a person's rows by index.

    PostgreSQL is asked with sequential scans disabled, so a small table still shows whether an
    index *can* serve the lookup; SQLite and MariaDB/MySQL report their plans as they are (SQLite's
    rowid and ``INTEGER PRIMARY KEY`` searches count as indexed). Other dialects are not checked.
    """
    compiled = CompiledCatalog(catalog)
    results: list[IndexUse] = []
    with engine.connect() as conn:
        for definition in catalog.definitions:
            lookup = definition.lookup_column
            if lookup is None or definition.table is None:
                continue
            table = compiled.table(definition)
            statement = compiled.branch(definition).where(table.c[lookup] == "probe")
            time = compiled.time_expression(definition)
            if time is not None:
                statement = statement.order_by(time.desc()).limit(50)
            sql = str(
                statement.compile(dialect=engine.dialect, compile_kwargs={"literal_binds": True})
            )
            uses, detail = explain(conn, sql, definition.table)
            results.append(IndexUse(definition.name, uses, detail))
    return results


def _judge(
    definition: ViewDefinition,
    sampled: Sample,
    found: dict[str, sa.types.TypeEngine[Any]],
    *,
    sqlite: bool,
    problems: list[str],
    warnings: list[str],
) -> None:
    """Sort what the sample showed into problems and warnings."""
    name = definition.name
    unfit: set[str] = set()
    for field, (text, parsed) in sampled.text_dates.items():
        column = definition.columns[field].column
        if parsed < text:
            unfit.add(field)
            problems.append(
                f"{name}: column {column!r} mapped to {definition.view}.{field} holds values that "
                f"are not dates ({text - parsed} of {text} sampled)"
            )
        elif isinstance(found.get((column or "").lower()), _TIME_TYPES):
            continue  # declared as dates; SQLite hands every date over as text
        elif sqlite:
            warnings.append(
                f"{name}: column {column!r} holds {field} as text ({parsed} of {text} sampled "
                "values parse as ISO 8601 dates); they are read correctly"
            )
        else:
            unfit.add(field)
            problems.append(
                f"{name}: column {column!r} holds {field} as text; this database cannot compare "
                "it with a date: add 'cast: datetime' (or date) to its column"
            )
    for field, (count, prose) in sampled.prose.items():
        column = definition.columns[field].column
        if prose and definition.free_text_reviewed is None:
            problems.append(
                f"{name}: column {column!r} mapped to {definition.view}.{field} holds text that "
                f"reads as prose ({prose} of {count} sampled values); map it through a code map"
            )
    for field in definition.columns:
        reason = sampled.wholly_unfit(field)
        if reason is not None and field not in unfit:
            unfit.add(field)
            problems.append(
                f"{name}: no sampled row fits {definition.view}.{field} ({reason}); "
                f"check the column mapped to it"
            )
    for reason, count in sorted(sampled.skipped.items()):
        if reason.split(":", 1)[0] not in unfit:
            warnings.append(
                f"{name}: {count} of {sampled.rows} sampled rows would be skipped ({reason})"
            )
    if sampled.ends_dropped:
        warnings.append(
            f"{name}: {sampled.ends_dropped} of {sampled.rows} sampled rows end before they start "
            f"and would lose their end ({END_BEFORE_START})"
        )
    if definition.select is not None and not sampled.rows:
        warnings.append(f"{name}: its select returned no rows, so its values were not checked")


def _describe_source(definition: ViewDefinition) -> str:
    if definition.table is None:
        return "its select"
    table = (
        definition.table
        if definition.schema_name is None
        else (f"{definition.schema_name}.{definition.table}")
    )
    return f"table {table!r}"


def _columns(
    conn: Connection, inspector: Any, definition: ViewDefinition, problems: list[str]
) -> dict[str, sa.types.TypeEngine[Any]] | None:
    if definition.table is None:
        try:
            result = conn.execute(
                sa.select(sa.text("*"))
                .select_from(sa.text(definition.select or "").columns().subquery("probe"))
                .limit(0)
            )
            types = described_types(conn.dialect, result)
            result.close()
        except sa.exc.DBAPIError as exc:
            conn.rollback()
            problems.append(f"{definition.name}: its select fails ({type(exc.orig).__name__})")
            return None
        return types
    if not inspector.has_table(definition.table, schema=definition.schema_name):
        problems.append(f"{definition.name}: {_describe_source(definition)} does not exist")
        return None
    return {
        column["name"].lower(): column["type"]
        for column in inspector.get_columns(definition.table, schema=definition.schema_name)
    }


def _lookup_columns(
    inspector: Any, definition: ViewDefinition, problems: list[str]
) -> dict[str, sa.types.TypeEngine[Any]] | None:
    """The lookups' columns as ``lookup.column`` → type; ``None`` after a problem."""
    found: dict[str, sa.types.TypeEngine[Any]] = {}
    fine = True
    for lookup in definition.lookups:
        if not inspector.has_table(lookup.table, schema=lookup.schema_name):
            problems.append(
                f"{definition.name}: lookup {lookup.name!r} table {lookup.table!r} does not exist"
            )
            fine = False
            continue
        columns = {
            c["name"].lower(): c["type"]
            for c in inspector.get_columns(lookup.table, schema=lookup.schema_name)
        }
        for column in definition.lookup_columns(lookup):
            if column.lower() not in columns:
                problems.append(
                    f"{definition.name}: lookup {lookup.name!r} table {lookup.table!r} has no "
                    f"column {column!r}"
                )
                fine = False
            else:
                found[f"{lookup.name}.{column}".lower()] = columns[column.lower()]
    return found if fine else None


def _type_problems(
    definition: ViewDefinition, found: dict[str, sa.types.TypeEngine[Any]]
) -> list[str]:
    problems = []
    shape = view_columns(definition.view)
    for field, spec in definition.columns.items():
        if spec.column is None or spec.map is not None or spec.cast is not None:
            continue
        actual = found.get(spec.column.lower(), sa.types.NullType())
        if isinstance(actual, sa.types.NullType):
            continue
        wanted = shape[field][0]
        if isinstance(wanted, _TIME_TYPES):
            # Text may hold ISO dates: the sample decides (see _judge).
            ok = isinstance(actual, (*_TIME_TYPES, sa.String))
        elif isinstance(wanted, sa.Boolean):
            ok = isinstance(actual, sa.Boolean | sa.Integer)
        else:
            ok = isinstance(actual, _TEXT_OR_NUMBER)
        if not ok:
            problems.append(
                f"{definition.name}: column {spec.column!r} is {actual} but "
                f"{definition.view}.{field} needs {_kind(wanted)}"
            )
    return problems


def _kind(sql_type: sa.types.TypeEngine[Any]) -> str:
    if isinstance(sql_type, _TIME_TYPES):
        return "a date or timestamp"
    if isinstance(sql_type, sa.Boolean):
        return "a boolean or integer"
    return "text or a number"
