"""Canonical records from warehouse rows without a full validation per row.

Validating every row through pydantic costs more than the round trip that fetched it. A
:class:`RowBuilder` instead checks each value with the cheap test its field needs (its Python
type, None where required, length, surrounding space, control characters, code lists and enums)
and builds the record directly. Any row the cheap test is not sure of — a wrong type, a value
pydantic would change (strip, coerce), a period ending before it starts — goes through
``model_validate``, so a bad row is refused, and counted, exactly as before: the fast path only
ever builds records that full validation would build the same.

>>> from datetime import datetime
>>> from familyhubs_sdk.views._canonical import TimelineEvent
>>> build = RowBuilder(TimelineEvent)
>>> row = {"source_system": "lcs", "source_ref": "c1", "person_key": "P1",
...        "kind": "social_care.contact", "period_start": datetime(2026, 1, 5), "status": None}
>>> build(row) == TimelineEvent.model_validate(row)
True
>>> build.fast(dict(row, kind="no.such.kind")) is None  # left to model_validate
True
"""

from __future__ import annotations

import re
import types
import typing
from collections.abc import Callable, Mapping, Sequence
from datetime import date, datetime
from enum import Enum
from typing import Any, Generic, TypeVar

from annotated_types import MaxLen, MinLen
from pydantic import AfterValidator, StringConstraints
from pydantic_core import PydanticUndefined

from familyhubs_sdk.views._canonical import CanonicalRecord

__all__ = ["RowBuilder"]

R = TypeVar("R", bound=CanonicalRecord)

#: What a field check returns when the cheap test cannot vouch for a value.
_UNSURE: Any = object()

_Check = Callable[[Any], Any]
_set = object.__setattr__


class RowBuilder(Generic[R]):
    """Builds ``model`` records from mappings of field → value; see the module's docstring."""

    def __init__(self, model: type[R]) -> None:
        self.model = model
        self._checks: dict[str, _Check] = {}
        self._defaults: dict[str, Any] = {}
        for name, field in model.model_fields.items():
            check = _field_check(field.annotation, list(field.metadata))
            if check is None:
                continue  # an unknown shape: every row with this field goes the slow way
            self._checks[name] = check
            if not field.is_required():
                self._defaults[name] = field.get_default(call_default_factory=True)
        self._required = frozenset(
            name for name, field in model.model_fields.items() if field.is_required()
        )
        self._defaulted = model._defaulted_fields()
        self._periods = "period_start" in model.model_fields and "period_end" in model.model_fields
        self._plans: dict[tuple[str, ...], tuple[tuple[str, _Check, bool, bool], ...]] = {}

    def __call__(self, data: Mapping[str, Any]) -> R:
        """The record for ``data``: built directly when the cheap checks pass, else validated
        (raising :class:`pydantic.ValidationError` as ``model_validate`` does)."""
        record = self.fast(data)
        return record if record is not None else self.model.model_validate(data)

    def fast_row(self, fields: tuple[str, ...], row: Sequence[Any]) -> R | None:
        """:meth:`fast` for a row of values in the order of ``fields`` (extra trailing values
        are ignored): the reader's path, without building a mapping first."""
        plan = self._plans.get(fields)
        if plan is None:
            plan = self._plans[fields] = self._plan(fields)
        if not plan:
            return None
        values: dict[str, Any] = {}
        for (name, check, defaulted, required), value in zip(plan, row, strict=False):
            if value is None:
                if required:
                    return None
                if not defaulted:
                    values[name] = None
                continue
            checked = check(value)
            if checked is _UNSURE:
                return None
            values[name] = checked
        self.model._derive(values)
        return self._construct(values)

    def _plan(self, fields: tuple[str, ...]) -> tuple[tuple[str, _Check, bool, bool], ...]:
        """Each field's check, in ``fields``' order; empty when a field has none or a required
        field is missing (every such row goes the slow way)."""
        if any(f not in self._checks for f in fields) or not self._required.issubset(fields):
            return ()
        return tuple(
            (f, self._checks[f], f in self._defaulted, f in self._required) for f in fields
        )

    def fast(self, data: Mapping[str, Any]) -> R | None:
        """The record built without validation, or ``None`` when a value needs full validation."""
        # As the model's before-validator does: a NULL in a defaulted field means the default.
        values = {
            k: v for k, v in data.items() if v is not None or k not in self._defaulted
        }
        self.model._derive(values)
        checks = self._checks
        for name, value in values.items():
            check = checks.get(name)
            if check is None:
                return None
            if value is None:
                if name in self._required:
                    return None
                continue
            checked = check(value)
            if checked is _UNSURE:
                return None
            if checked is not value:
                values[name] = checked
        if not self._required.issubset(values):
            return None
        return self._construct(values)

    def _construct(self, values: dict[str, Any]) -> R | None:
        if self._periods:
            end = values.get("period_end")
            if end is not None and end < values["period_start"]:
                return None  # full validation drops the end, and the reader counts it
        full = dict(self._defaults)
        full.update(values)
        record = self.model.__new__(self.model)
        _set(record, "__dict__", full)
        _set(record, "__pydantic_fields_set__", set(values))
        _set(record, "__pydantic_extra__", None)
        _set(record, "__pydantic_private__", None)
        return record


def _field_check(annotation: Any, metadata: list[Any]) -> _Check | None:
    """The cheap check for a field's annotation: returns the value as the model holds it, or
    :data:`_UNSURE`; ``None`` when this shape has no cheap check."""
    origin = typing.get_origin(annotation)
    if origin in (typing.Union, types.UnionType):
        options = [a for a in typing.get_args(annotation) if a is not type(None)]
        if len(options) != 1:
            return None
        return _field_check(options[0], metadata)
    if origin is typing.Annotated:
        base, *more = typing.get_args(annotation)
        return _field_check(base, [*more, *metadata])
    if annotation is str:
        return _string_check(metadata)
    if metadata:
        return None
    if isinstance(annotation, type) and issubclass(annotation, Enum):
        return _enum_check(annotation)
    if annotation in (datetime, date, bool):
        exact: type = annotation
        return lambda value: value if type(value) is exact else _UNSURE
    return None


def _string_check(metadata: list[Any]) -> _Check | None:
    strip = False
    low, high = 0, None
    pattern: re.Pattern[str] | None = None
    after: list[Callable[[Any], Any]] = []
    for item in metadata:
        if isinstance(item, StringConstraints):
            # ``ascii_only`` is newer than the lowest pydantic supported.
            if item.to_upper or item.to_lower or item.strict or getattr(item, "ascii_only", False):
                return None
            strip = bool(item.strip_whitespace)
            low = item.min_length or 0
            high = item.max_length
            pattern = re.compile(item.pattern) if item.pattern else None
        elif isinstance(item, MinLen):
            low = item.min_length
        elif isinstance(item, MaxLen):
            high = item.max_length
        elif isinstance(item, AfterValidator) and callable(item.func):
            after.append(item.func)  # type: ignore[arg-type]
        elif item is not PydanticUndefined:
            return None

    def check(value: Any) -> Any:
        if type(value) is not str:
            return _UNSURE
        if strip and value and (value[0].isspace() or value[-1].isspace()):
            return _UNSURE  # pydantic would strip it: let it
        if len(value) < low or (high is not None and len(value) > high):
            return _UNSURE
        if pattern is not None and ("\n" in value or pattern.search(value) is None):
            return _UNSURE  # a newline: Python's "$" and pydantic's differ before one
        for func in after:
            try:
                value = func(value)
            except ValueError:
                return _UNSURE
        return value

    return check


def _enum_check(enum: type[Enum]) -> _Check:
    members = {member.value: member for member in enum}

    def check(value: Any) -> Any:
        if type(value) is not str and type(value) is not enum:
            return _UNSURE
        return members.get(value, _UNSURE)

    return check
