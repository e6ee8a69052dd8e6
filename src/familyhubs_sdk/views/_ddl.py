"""``CREATE VIEW`` statements and recommended indexes for a catalog, in any SQL dialect.

>>> catalog = ViewCatalog.from_yaml('''
... source_system: lcs
... definitions:
...   - {name: contacts, view: timeline_event, table: ssd_contacts,
...      columns: {source_ref: cont_contact_id, person_key: cont_person_id,
...                period_start: cont_contact_date, kind: {const: social_care.contact}}}
... ''')
>>> index = recommended_indexes(catalog, "postgresql")[0]
>>> index.split(" ON ")[0]
'CREATE INDEX ix_fh_ssd_contacts_cont_person_id'
>>> index.split(" ON ")[1]
'ssd_contacts (cont_person_id, cont_contact_date DESC) INCLUDE (cont_contact_id)'
"""

from __future__ import annotations

import re

import sqlalchemy as sa
from sqlalchemy.engine import Dialect
from sqlalchemy.schema import CreateIndex

from familyhubs_sdk.errors import ConfigurationError
from familyhubs_sdk.views._compile import CompiledCatalog
from familyhubs_sdk.views._definition import ViewCatalog

__all__ = ["DIALECTS", "create_views", "recommended_indexes", "view_name"]

#: Dialects the DDL can be written for.
DIALECTS = ("postgresql", "mssql", "mysql", "sqlite")
_INCLUDE = {"postgresql": "postgresql_include", "mssql": "mssql_include"}
_NOT_IDENTIFIER = re.compile(r"[^a-z0-9_]+")


def view_name(catalog: ViewCatalog, view: str) -> str:
    """The name the database view gets: ``fh_<source system>_<canonical view>``."""
    source = _NOT_IDENTIFIER.sub("_", (catalog.source_system or "source").lower()).strip("_")
    return f"fh_{source}_{view}"[:63]


def create_views(catalog: ViewCatalog, dialect: str) -> list[str]:
    """One ``CREATE VIEW`` per canonical view the catalog defines, constants written inline."""
    target = _dialect(dialect)
    compiled = CompiledCatalog(catalog)
    statements = []
    for view in compiled.views:
        body = compiled.union(view).compile(dialect=target, compile_kwargs={"literal_binds": True})
        name = target.identifier_preparer.quote(view_name(catalog, view))
        statements.append(f"CREATE VIEW {name} AS\n{body}")
    return statements


def recommended_indexes(catalog: ViewCatalog, dialect: str) -> list[str]:
    """Indexes serving each definition's lookup: key, then time newest first, with the shown
    columns included where the dialect can (PostgreSQL, SQL Server)."""
    target = _dialect(dialect)
    statements: list[str] = []
    seen: set[tuple[str | None, str, tuple[str, ...]]] = set()
    for definition in catalog.definitions:
        lookup = definition.lookup_column
        if lookup is None or definition.table is None:
            continue
        keyed = [lookup] + ([definition.time_column] if definition.time_column else [])
        signature = (definition.schema_name, definition.table, tuple(keyed))
        if signature in seen:
            continue
        seen.add(signature)
        shown = [c for c in definition.source_columns if c not in keyed]
        metadata = sa.MetaData()
        table = sa.Table(
            definition.table,
            metadata,
            *(sa.Column(name) for name in dict.fromkeys([*keyed, *shown])),
            schema=definition.schema_name,
        )
        parts: list[sa.ColumnElement[object]] = [table.c[lookup]]
        if definition.time_column:
            parts.append(table.c[definition.time_column].desc())
        options = {_INCLUDE[dialect]: shown} if dialect in _INCLUDE and shown else {}
        index = sa.Index(f"ix_fh_{definition.table}_{lookup}"[:63], *parts, **options)  # type: ignore[arg-type]
        statements.append(str(CreateIndex(index).compile(dialect=target)).strip())
    return statements


def _dialect(name: str) -> Dialect:
    if name not in DIALECTS:
        raise ConfigurationError(f"unknown dialect {name!r}; choose one of {', '.join(DIALECTS)}")
    module = __import__(f"sqlalchemy.dialects.{name}", fromlist=["dialect"])
    dialect: Dialect = module.dialect()
    return dialect
