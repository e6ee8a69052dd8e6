"""Declarative view definitions: map an LA's table onto a canonical view, in YAML or Python.

A catalog file holds code maps and one definition per source table::

    source_system: lcs
    code_maps:
      contact_source:
        "1A": Contact from an individual
    definitions:
      - name: ssd_contacts
        view: timeline_event
        table: ssd_contacts
        identifier: la_person_id
        columns:
          source_ref: cont_contact_id
          person_key: cont_person_id
          period_start: cont_contact_date
          kind: {const: social_care.contact}
          label: {column: cont_contact_source_code, map: contact_source}

Column values are a column name, ``{const: value}``, or ``{column: name, map: code_map}`` with an
optional ``default`` for codes the map does not list (rows whose code is unmapped and that have no
default are left out when the field is required). ``{column: name, cast: date}`` converts a column
in the warehouse (``date``, ``datetime``, ``integer``, ``text``). A definition's ``lookups`` join
other tables by key (``how: left`` or ``inner``); their columns are named ``lookup.column``::

    lookups:
      - {name: hr, table: hr_staff, keys: {worker_key: worker_key}}
    columns:
      professional_id: hr.staff_id

Names are identifiers, never SQL; only ``select`` takes SQL, written by the LA and read from its own
configuration. Display text (labels, services, teams, names) comes from constants, code maps or
vocabularies; a plain column whose name looks like free text (``OUTCOME_COMMENTS``, ``CASE_NOTE``…)
is refused unless the definition says why it is safe in ``free_text_reviewed``.

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
>>> catalog.definitions[0].lookup_column, catalog.definitions[0].time_column
('cont_person_id', 'cont_contact_date')
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from datetime import date, datetime
from functools import cached_property
from pathlib import Path
from typing import Annotated, Any, Literal

from pydantic import (
    BaseModel,
    ConfigDict,
    Field,
    StringConstraints,
    TypeAdapter,
    ValidationError,
    model_validator,
)

from familyhubs_sdk._documents import DocumentError, parse_document, read_document
from familyhubs_sdk.errors import ViewDefinitionError
from familyhubs_sdk.views._canonical import CANONICAL_VIEWS, CanonicalRecord
from familyhubs_sdk.views._vocab import IdentifierType

__all__ = [
    "DISPLAY_TEXT_FIELDS",
    "ColumnSpec",
    "Filter",
    "Lookup",
    "ViewCatalog",
    "ViewDefinition",
    "looks_like_free_text",
]

Identifier = Annotated[str, StringConstraints(pattern=r"^[A-Za-z_][A-Za-z0-9_]{0,62}$")]
#: A column of the definition's table, or ``lookup.column`` for a column of one of its lookups.
ColumnRef = Annotated[
    str,
    StringConstraints(pattern=r"^[A-Za-z_][A-Za-z0-9_]{0,62}(\.[A-Za-z_][A-Za-z0-9_]{0,62})?$"),
]
CastType = Literal["date", "datetime", "integer", "text"]
#: Canonical fields shown as text on a screen: they must not carry a case record's prose.
DISPLAY_TEXT_FIELDS = frozenset({"label", "service", "team", "job_title", "organisation", "name"})
# Word stems of column names that usually hold prose written about a person.
_FREE_TEXT_STEMS = (
    "COMMENT",
    "NOTE",
    "NARRAT",
    "SUMMAR",
    "DIAGNOS",
    "DESCRI",
    "DETAIL",
    "REASON",
    "TEXT",
    "FREE",
    "REMARK",
    "OBSERV",
    "MEMO",
    "CONCERN",
)
_WORDS = re.compile(r"[A-Z]?[a-z]+|[A-Z]+(?![a-z])|\d+")
Scalar = str | int | float | bool | date | datetime
ViewName = Literal[
    "person",
    "person_link",
    "family_membership",
    "timeline_event",
    "involvement",
    "professional",
    "professional_contact_point",
    "source_coverage",
]


class _Strict(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")


class ColumnSpec(_Strict):
    """Where a canonical field comes from: a column, a constant, or a column through a code map."""

    column: ColumnRef | None = None
    const: Scalar | None = None
    map: Identifier | None = None
    default: Scalar | None = None
    #: Convert the column in the warehouse, e.g. a date-time held as text to a date.
    cast: CastType | None = None

    @model_validator(mode="before")
    @classmethod
    def _shorthand(cls, value: Any) -> Any:
        return {"column": value} if isinstance(value, str) else value

    @model_validator(mode="after")
    def _one_source(self) -> ColumnSpec:
        if (self.column is None) == (self.const is None):
            raise ValueError("give exactly one of 'column' and 'const'")
        if self.map is None and self.default is not None:
            raise ValueError("'default' only goes with 'map'")
        if self.map is not None and self.column is None:
            raise ValueError("'map' needs a 'column'")
        if self.cast is not None and (self.column is None or self.map is not None):
            raise ValueError("'cast' goes with a plain 'column' (not 'const' or 'map')")
        return self

    @property
    def lookup_name(self) -> str | None:
        """The lookup a ``lookup.column`` reference reads, or ``None`` for the table's own."""
        if self.column is None or "." not in self.column:
            return None
        return self.column.split(".", 1)[0]


class Lookup(_Strict):
    """Another table joined by key, e.g. ``{name: hr, table: hr_staff, keys: {worker_key: key}}``:
    ``keys`` pairs the definition's columns with the lookup's; ``how`` is ``left`` (rows without a
    match keep NULLs) or ``inner`` (rows without a match are left out)."""

    name: Identifier
    schema_name: Identifier | None = Field(default=None, alias="schema")
    table: Identifier
    keys: dict[Identifier, Identifier] = Field(min_length=1)
    how: Literal["left", "inner"] = "left"


def looks_like_free_text(column: str) -> bool:
    """Whether a column's name suggests prose (``OUTCOME_COMMENTS``, ``caseNote``, ``FREE_TXT``).

    >>> looks_like_free_text("OUTCOME_COMMENTS"), looks_like_free_text("site_name")
    (True, False)
    """
    name = column.rsplit(".", 1)[-1]
    return any(word.upper().startswith(_FREE_TEXT_STEMS) for word in _WORDS.findall(name))


class Filter(_Strict):
    """A condition every source row must meet, e.g. ``{column: deleted, op: "=", value: 0}``."""

    column: Identifier
    op: Literal["=", "!=", "<", "<=", ">", ">=", "in", "not_in", "is_null", "not_null"]
    value: Scalar | list[Scalar] | None = None

    @model_validator(mode="after")
    def _value_fits(self) -> Filter:
        if self.op in ("is_null", "not_null"):
            if self.value is not None:
                raise ValueError(f"'{self.op}' takes no value")
        elif self.op in ("in", "not_in"):
            if not isinstance(self.value, list) or not self.value:
                raise ValueError(f"'{self.op}' needs a non-empty list")
        elif self.value is None or isinstance(self.value, list):
            raise ValueError(f"'{self.op}' needs one value")
        return self


class ViewDefinition(_Strict):
    """One source table (or select) mapped onto one canonical view."""

    name: Identifier
    view: ViewName
    source_system: Annotated[str, StringConstraints(min_length=1, max_length=64)] | None = None
    schema_name: Identifier | None = Field(default=None, alias="schema")
    table: Identifier | None = None
    #: SQL of the LA's own, used as a subquery; the columns it names must be selected by it.
    select: Annotated[str, StringConstraints(min_length=1)] | None = None
    #: What the lookup column holds, so identity resolution can pick this source's keys.
    identifier: IdentifierType = IdentifierType.SOURCE_ID
    columns: dict[str, ColumnSpec]
    filters: tuple[Filter, ...] = ()
    #: Tables joined by key; their columns are mapped as ``lookup.column``.
    lookups: tuple[Lookup, ...] = ()
    #: Why plain columns whose names look like free text are safe to show (who reviewed them and
    #: what they hold); without it such columns are refused.
    free_text_reviewed: Annotated[str, StringConstraints(min_length=3, max_length=500)] | None = (
        None
    )

    @model_validator(mode="after")
    def _shape(self) -> ViewDefinition:
        if (self.table is None) == (self.select is None):
            raise ValueError("give exactly one of 'table' and 'select'")
        if self.select is not None and self.schema_name is not None:
            raise ValueError("'schema' goes with 'table', not 'select'")
        model = self.model
        unknown = sorted(set(self.columns) - set(model.model_fields))
        if unknown:
            raise ValueError(f"{self.view} has no field {unknown[0]!r}")
        self._check_lookups()
        for field in (model.lookup, model.time_field):
            if field is None:
                continue
            spec = self.columns.get(field)
            if spec is None or spec.column is None or spec.map is not None or spec.lookup_name:
                raise ValueError(f"'{field}' must be mapped to a plain column of the table")
            if field == model.lookup and spec.cast is not None:
                raise ValueError(f"'{field}' is looked up by index: it cannot be cast")
        self._refuse_free_text()
        return self

    def _check_lookups(self) -> None:
        names = [lookup.name for lookup in self.lookups]
        for name in names:
            if names.count(name) > 1 or name in (self.table, self.name):
                raise ValueError(f"lookup name {name!r} is used twice")
        for field, spec in self.columns.items():
            if spec.lookup_name is not None and spec.lookup_name not in names:
                raise ValueError(f"columns.{field}: no lookup named {spec.lookup_name!r}")

    def _refuse_free_text(self) -> None:
        if self.free_text_reviewed is not None:
            return
        for field, spec in self.columns.items():
            if (
                field in DISPLAY_TEXT_FIELDS
                and spec.column is not None
                and spec.map is None
                and looks_like_free_text(spec.column)
            ):
                raise ValueError(
                    f"column {spec.column!r} mapped to {self.view}.{field} looks like free text; "
                    "map it through a code map or a constant, or say why it is safe in "
                    "'free_text_reviewed'"
                )

    @property
    def model(self) -> type[CanonicalRecord]:
        return CANONICAL_VIEWS[self.view]

    @property
    def lookup_column(self) -> str | None:
        """The source column lookups filter on (the person key or professional id)."""
        field = self.model.lookup
        return None if field is None else self.columns[field].column

    @property
    def time_column(self) -> str | None:
        """The source column reads are ordered and bounded by."""
        field = self.model.time_field
        return None if field is None else self.columns[field].column

    @cached_property
    def source_columns(self) -> tuple[str, ...]:
        """Every column of the definition's own table it reads, in first-use order."""
        names = [
            spec.column
            for spec in self.columns.values()
            if spec.column is not None and spec.lookup_name is None
        ]
        names += [f.column for f in self.filters]
        names += [column for lookup in self.lookups for column in lookup.keys]
        return tuple(dict.fromkeys(names))

    def lookup_columns(self, lookup: Lookup) -> tuple[str, ...]:
        """The columns of ``lookup``'s table the definition reads: its keys, then mapped ones."""
        names = list(lookup.keys.values())
        names += [
            (spec.column or "").split(".", 1)[1]
            for spec in self.columns.values()
            if spec.lookup_name == lookup.name
        ]
        return tuple(dict.fromkeys(names))


class ViewCatalog(_Strict):
    """Code maps and view definitions, usually one file per source system."""

    source_system: Annotated[str, StringConstraints(min_length=1, max_length=64)] | None = None
    code_maps: dict[Identifier, dict[str, str]] = Field(default_factory=dict)
    definitions: tuple[ViewDefinition, ...]

    @model_validator(mode="after")
    def _consistent(self) -> ViewCatalog:
        names: set[str] = set()
        for index, definition in enumerate(self.definitions):
            where = f"definitions[{index}] ({definition.name})"
            if definition.name in names:
                raise ValueError(f"{where}: duplicate name")
            names.add(definition.name)
            if definition.source_system is None and self.source_system is None:
                raise ValueError(f"{where}: no source_system (set it here or on the catalog)")
            model = definition.model
            missing = [
                name
                for name, field in model.model_fields.items()
                if field.is_required()
                and name not in definition.columns
                and name != "source_system"
            ]
            if missing:
                raise ValueError(f"{where}: required field {missing[0]!r} is not mapped")
            for field, spec in definition.columns.items():
                _check_values(where, field, spec, model, self.code_maps)
        return self

    def source_for(self, definition: ViewDefinition) -> str:
        """The source system a definition's rows carry."""
        source = definition.source_system or self.source_system
        return source or ""  # never empty: the validator requires one or the other

    @classmethod
    def from_yaml(cls, text: str, *, origin: str = "view definitions") -> ViewCatalog:
        """Parse a catalog from YAML; errors name the definition and field at fault. A document
        larger than 5 MB, nested more than 64 deep, or holding more than 500,000 values once
        aliases are expanded is refused with a one-line error before it is built."""
        try:
            data = parse_document(text, "yaml")
        except DocumentError as exc:
            raise ViewDefinitionError(f"{origin}: {exc}") from None
        return cls.from_data(data, origin=origin)

    @classmethod
    def from_data(cls, data: Any, *, origin: str = "view definitions") -> ViewCatalog:
        """Validate a catalog from plain data (as parsed from YAML or JSON)."""
        try:
            return cls.model_validate(data)
        except ValidationError as exc:
            raise ViewDefinitionError(f"{origin}: {_describe(exc, data)}") from None

    @classmethod
    def load(cls, path: str | Path) -> ViewCatalog:
        """Read a catalog from a YAML file (or JSON, which is YAML too)."""
        try:
            text, _format = read_document(path)
        except DocumentError as exc:
            raise ViewDefinitionError(f"{path}: {exc}") from None
        return cls.from_yaml(text, origin=str(path))


def _check_values(
    where: str,
    field: str,
    spec: ColumnSpec,
    model: type[CanonicalRecord],
    code_maps: Mapping[str, Mapping[str, str]],
) -> None:
    """Constants and code-map results must be valid values of the canonical field."""
    candidates: list[Any] = []
    if spec.const is not None:
        candidates.append(spec.const)
    if spec.map is not None:
        if spec.map not in code_maps:
            raise ValueError(f"{where}.columns.{field}: unknown code map {spec.map!r}")
        candidates.extend(code_maps[spec.map].values())
    if spec.default is not None:
        candidates.append(spec.default)
    if not candidates:
        return
    info = model.model_fields[field]
    annotation = Annotated[info.annotation, *info.metadata] if info.metadata else info.annotation
    adapter: TypeAdapter[Any] = TypeAdapter(annotation)  # type: ignore[arg-type]
    for value in candidates:
        try:
            adapter.validate_python(value)
        except ValidationError as exc:
            message = exc.errors(include_url=False)[0]["msg"]
            raise ValueError(f"{where}.columns.{field}: {value!r}: {message}") from None


def _describe(exc: ValidationError, data: Any) -> str:
    problems = []
    for error in exc.errors(include_input=False, include_url=False):
        parts = [str(part) for part in error["loc"]]
        location = ".".join(parts)
        if parts[:1] == ["definitions"] and len(parts) > 1 and isinstance(data, dict):
            try:
                name = data["definitions"][int(parts[1])]["name"]
                location = f"definitions[{parts[1]}] ({name})" + (
                    "." + ".".join(parts[2:]) if parts[2:] else ""
                )
            except (LookupError, TypeError, ValueError):
                pass
        message = error["msg"].removeprefix("Value error, ")
        problems.append(f"{location}: {message}" if location else message)
    return "; ".join(problems)
