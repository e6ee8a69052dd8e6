"""Casts a definition asks for, written in each warehouse's own words.

``CAST(x AS DATE)`` is standard SQL, but SQLite gives a type name only an *affinity*: a text date
cast to ``DATE`` becomes the number 2026. There the date functions do the work (``date(x)``,
``datetime(x)``), which read ISO text and return it normalised.

>>> import sqlalchemy as sa
>>> from sqlalchemy.dialects import postgresql, sqlite
>>> expression = cast_to(sa.column("at"), "date")
>>> str(expression.compile(dialect=sqlite.dialect()))
'date(at)'
>>> str(expression.compile(dialect=postgresql.dialect()))
'CAST(at AS DATE)'
"""

from __future__ import annotations

from typing import Any

import sqlalchemy as sa
from sqlalchemy.ext.compiler import compiles
from sqlalchemy.sql.compiler import SQLCompiler
from sqlalchemy.sql.elements import ColumnElement
from sqlalchemy.sql.visitors import InternalTraversal

__all__ = ["CAST_TYPES", "cast_to"]

#: The SQL type each cast produces.
CAST_TYPES: dict[str, sa.types.TypeEngine[Any]] = {
    # Upper case: SQL Server renders the generic Date as DATETIME for old servers.
    "date": sa.DATE(),
    "datetime": sa.DateTime(),
    "integer": sa.Integer(),
    "text": sa.String(254),
}


class _CastTo(ColumnElement[Any]):
    """``CAST(clause AS target)``, compiled per dialect."""

    inherit_cache = True
    _traverse_internals = [  # noqa: RUF012 - SQLAlchemy's own declaration
        ("clause", InternalTraversal.dp_clauseelement),
        ("target", InternalTraversal.dp_string),
    ]

    def __init__(self, clause: ColumnElement[Any], target: str) -> None:
        self.clause = clause
        self.target = target
        self.type = CAST_TYPES[target]


def cast_to(clause: ColumnElement[Any], target: str) -> ColumnElement[Any]:
    """``clause`` converted to ``target`` (``date``, ``datetime``, ``integer`` or ``text``)."""
    return _CastTo(clause, target)


@compiles(_CastTo)
def _standard(element: _CastTo, compiler: SQLCompiler, **kw: Any) -> str:
    return compiler.process(sa.cast(element.clause, CAST_TYPES[element.target]), **kw)


@compiles(_CastTo, "sqlite")
def _sqlite(element: _CastTo, compiler: SQLCompiler, **kw: Any) -> str:
    inner = compiler.process(element.clause, **kw)
    if element.target == "date":
        return f"date({inner})"
    if element.target == "datetime":
        return f"datetime({inner})"
    return f"CAST({inner} AS {'INTEGER' if element.target == 'integer' else 'TEXT'})"
