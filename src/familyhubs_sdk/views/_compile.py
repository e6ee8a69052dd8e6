"""View definitions compiled to SQLAlchemy Core: once, cached, with bind parameters.

Each definition becomes one ``SELECT`` whose columns carry the canonical field names; the
definitions of one canonical view are joined with ``UNION ALL``. Lookups put the key and time
filters, ordering and limit inside every branch, so each source table is read through its own
index and a heavy person's first page never reads their whole history.

>>> catalog = ViewCatalog.from_yaml('''
... source_system: lcs
... definitions:
...   - name: contacts
...     view: timeline_event
...     table: ssd_contacts
...     columns:
...       source_ref: cont_contact_id
...       person_key: cont_person_id
...       period_start: cont_contact_date
...       kind: {const: social_care.contact}
... ''')
>>> compiled = CompiledCatalog(catalog)
>>> statement = compiled.lookup("timeline_event", since=True, until=False, limit=True)
>>> {"keys", "since", "limit"} <= set(statement.compile().params)
True
"""

from __future__ import annotations

from functools import cache
from typing import Any

import sqlalchemy as sa
from sqlalchemy.engine import Dialect

from familyhubs_sdk.views._canonical import CANONICAL_VIEWS, view_columns
from familyhubs_sdk.views._cast import cast_to
from familyhubs_sdk.views._definition import ColumnSpec, Filter, ViewCatalog, ViewDefinition

__all__ = ["DEFINITION_COLUMN", "CompiledCatalog", "source_table"]

#: The last column of every lookup statement: which definition a row came from, so a row that
#: does not fit its view is counted against the definition that produced it.
DEFINITION_COLUMN = "fh_definition"

# Fields holding keys; cast to text so branches over integer and text keys can be joined.
_KEY_FIELDS = frozenset(
    {
        "source_ref",
        "person_key",
        "professional_id",
        "related_person_key",
        "master_id",
        "la_person_id",
    }
)
_KEY_TYPE = sa.String(64)


def source_table(definition: ViewDefinition) -> sa.FromClause:
    """The table (or the LA's own select, as a subquery) a definition reads."""
    columns: list[sa.ColumnClause[Any]] = [sa.column(name) for name in definition.source_columns]
    if definition.select is not None:
        return sa.text(definition.select).columns(*columns).subquery(definition.name)
    return sa.table(definition.table or "", *columns, schema=definition.schema_name)


def _joined(
    definition: ViewDefinition, table: sa.FromClause
) -> tuple[sa.FromClause, dict[str, sa.ColumnElement[Any]]]:
    """The definition's table with its lookups joined, and every readable column by reference
    (``column`` for the table's own, ``lookup.column`` for a lookup's)."""
    columns: dict[str, sa.ColumnElement[Any]] = {name: table.c[name] for name in table.c.keys()}  # noqa: SIM118 - ColumnCollection
    joined: sa.FromClause = table
    for lookup in definition.lookups:
        other = sa.table(
            lookup.table,
            *(sa.column(name) for name in definition.lookup_columns(lookup)),
            schema=lookup.schema_name,
        ).alias(lookup.name)
        condition = sa.and_(
            *(table.c[mine] == other.c[theirs] for mine, theirs in lookup.keys.items())
        )
        joined = joined.join(other, condition, isouter=lookup.how == "left")
        columns.update({f"{lookup.name}.{name}": other.c[name] for name in other.c.keys()})  # noqa: SIM118 - ColumnCollection
    return joined, columns


class CompiledCatalog:
    """The statements for one catalog, built on first use and kept."""

    def __init__(self, catalog: ViewCatalog, *, dialect: Dialect | None = None) -> None:
        self.catalog = catalog
        self._constant = _Constants(dialect)
        self._views: dict[str, list[ViewDefinition]] = {}
        self._tables: dict[str, sa.FromClause] = {}
        self._froms: dict[str, tuple[sa.FromClause, dict[str, sa.ColumnElement[Any]]]] = {}
        for definition in catalog.definitions:
            self._views.setdefault(definition.view, []).append(definition)
            table = source_table(definition)
            self._tables[definition.name] = table
            self._froms[definition.name] = _joined(definition, table)
        self._lookup = cache(self._build_lookup)
        self._all = cache(self._build_all)

    @property
    def views(self) -> tuple[str, ...]:
        """The canonical views this catalog defines, in the order first defined."""
        return tuple(self._views)

    def definitions(self, view: str) -> list[ViewDefinition]:
        return list(self._views.get(view, ()))

    def table(self, definition: ViewDefinition) -> sa.FromClause:
        """The source a definition reads (one object per definition, shared by its statements)."""
        return self._tables[definition.name]

    def time_expression(self, definition: ViewDefinition) -> sa.ColumnElement[Any] | None:
        """What reads are bounded and ordered by: the time column, cast if the definition says."""
        field = definition.model.time_field
        if field is None:
            return None
        spec = definition.columns[field]
        column = self.table(definition).c[spec.column or ""]
        return column if spec.cast is None else cast_to(column, spec.cast)

    def branch(self, definition: ViewDefinition) -> sa.Select[Any]:
        """The ``SELECT`` of one definition, columns named as the canonical view's fields."""
        table = self.table(definition)
        joined, columns = self._froms[definition.name]
        shape = view_columns(definition.view)
        selected: list[sa.ColumnElement[Any]] = []
        where: list[sa.ColumnElement[bool]] = [
            _filter(table, f, self._constant) for f in definition.filters
        ]
        for field, (sql_type, required) in shape.items():
            if field == "source_system":
                value = self.catalog.source_for(definition)
                selected.append(self._constant(value, sa.String(64)).label(field))
                continue
            spec = definition.columns.get(field)
            if spec is None and isinstance(sql_type, sa.Boolean | sa.Float):
                # MySQL cannot CAST a NULL to these; the field's default is what a NULL means.
                default = definition.model.model_fields[field].default
                spec = ColumnSpec(const=default)
            expression, condition = self._expression(
                columns, spec, field, sql_type, required=required
            )
            if condition is not None:
                where.append(condition)
            selected.append(expression.label(field))
        return sa.select(*selected).select_from(joined).where(*where)

    def union(self, view: str) -> sa.CompoundSelect[Any] | sa.Select[Any]:
        """Every definition of ``view`` joined with ``UNION ALL`` (a ``CREATE VIEW`` body)."""
        branches = [self.branch(d) for d in self._views[view]]
        return branches[0] if len(branches) == 1 else sa.union_all(*branches)

    def lookup(self, view: str, *, since: bool, until: bool, limit: bool) -> sa.Select[Any]:
        """Rows of ``view`` for the keys in ``:keys``; optionally ``:since`` ≤ time < ``:until``,
        newest first, at most ``:limit``. The same statement object is returned every time, so
        SQLAlchemy's compiled cache serves it."""
        return self._lookup(view, since, until, limit)

    def everything(self, view: str) -> sa.Select[Any]:
        """All rows of an unkeyed view (``source_coverage``)."""
        return self._all(view)

    def _build_lookup(self, view: str, since: bool, until: bool, limit: bool) -> sa.Select[Any]:
        model = CANONICAL_VIEWS[view]
        keys = sa.bindparam("keys", expanding=True, type_=sa.types.NullType())
        branches: list[sa.Select[Any]] = []
        for definition in self._views[view]:
            table = self.table(definition)
            statement = self.branch(definition)
            lookup = definition.lookup_column
            if lookup is None:  # pragma: no cover - every keyed view has one (checked on load)
                raise ValueError(f"{definition.name}: no lookup column")
            statement = statement.where(table.c[lookup].in_(keys)).add_columns(
                self._constant(definition.name, sa.String(64)).label(DEFINITION_COLUMN)
            )
            column = self.time_expression(definition)
            if column is not None:
                if since:
                    statement = statement.where(column >= sa.bindparam("since"))
                if until:
                    statement = statement.where(column < sa.bindparam("until"))
                if limit:
                    statement = statement.order_by(column.desc()).limit(sa.bindparam("limit"))
            branches.append(statement)
        if len(branches) == 1:
            inner = branches[0].subquery("canonical")
        else:
            inner = sa.union_all(*(b.subquery().select() for b in branches)).subquery("canonical")
        outer = sa.select(*inner.c)
        if model.time_field is not None:
            outer = outer.order_by(inner.c[model.time_field].desc(), inner.c.source_system)
            if "source_ref" in inner.c:
                outer = outer.order_by(inner.c.source_ref)
            if limit:
                outer = outer.limit(sa.bindparam("limit"))
        return outer

    def _build_all(self, view: str) -> sa.Select[Any]:
        branches = [
            self.branch(d).add_columns(
                self._constant(d.name, sa.String(64)).label(DEFINITION_COLUMN)
            )
            for d in self._views[view]
        ]
        union = branches[0] if len(branches) == 1 else sa.union_all(*branches)
        inner = union.subquery("canonical")
        return sa.select(*inner.c)

    def _expression(
        self,
        columns: dict[str, sa.ColumnElement[Any]],
        spec: ColumnSpec | None,
        field: str,
        sql_type: sa.types.TypeEngine[Any],
        *,
        required: bool,
    ) -> tuple[sa.ColumnElement[Any], sa.ColumnElement[bool] | None]:
        wanted = _KEY_TYPE if field in _KEY_FIELDS else sql_type
        if spec is None:
            return sa.cast(sa.null(), wanted), None
        if spec.const is not None:
            return self._constant(spec.const, wanted), None
        column = columns[spec.column or ""]
        if spec.cast is not None:
            column = cast_to(column, spec.cast)
        if spec.map is None:
            return (sa.cast(column, _KEY_TYPE) if field in _KEY_FIELDS else column), None
        mapping = self.catalog.code_maps[spec.map]
        whens = [
            (column == self._constant(code), self._constant(value, wanted))
            for code, value in mapping.items()
        ]
        default = self._constant(spec.default, wanted) if spec.default is not None else None
        expression = sa.case(*whens, else_=default)
        condition = None
        if required and spec.default is None:
            condition = column.in_(self._constant.many(list(mapping)))
        return expression, condition


class _Constants:
    """Constants from a definition, written into the SQL text.

    Constants come from validated configuration, never from a request. Given the engine's dialect
    they are rendered once, at build time, by the dialect's own literal quoting; without one (DDL
    for several dialects) they are rendered when the statement runs. Either way the statement's
    parameters are only the keys and bounds, so drivers cache and prepare it (psycopg stops caching
    past 50 parameters) and SQLAlchemy has nothing to rewrite per execution.
    """

    def __init__(self, dialect: Dialect | None) -> None:
        self.dialect = dialect

    def __call__(
        self, value: Any, type_: sa.types.TypeEngine[Any] | None = None
    ) -> sa.ColumnElement[Any]:
        bound = sa.bindparam(None, value, type_=type_, literal_execute=True)
        if self.dialect is None:
            return bound
        rendered = bound.compile(dialect=self.dialect, compile_kwargs={"literal_binds": True})
        return sa.literal_column(str(rendered), type_)

    def many(self, values: list[Any]) -> Any:
        if self.dialect is None:
            return sa.bindparam(None, values, expanding=True, literal_execute=True)
        return [self(value) for value in values]


def _filter(table: sa.FromClause, spec: Filter, constant: _Constants) -> sa.ColumnElement[bool]:
    column = table.c[spec.column]
    value: Any = spec.value
    match spec.op:
        case "=":
            return column == constant(value)
        case "!=":
            return column != constant(value)
        case "<":
            return column < constant(value)
        case "<=":
            return column <= constant(value)
        case ">":
            return column > constant(value)
        case ">=":
            return column >= constant(value)
        case "in":
            return column.in_(constant.many(_as_list(value)))
        case "not_in":
            return column.not_in(constant.many(_as_list(value)))
        case "is_null":
            return column.is_(None)
        case _:
            return column.is_not(None)


def _as_list(value: Any) -> list[Any]:
    return value if isinstance(value, list) else [value]
