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
import sys
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
        #: Per tuple of fields (one per statement, so few): the row function, or ``None``.
        self._plans: dict[tuple[str, ...], Callable[[Sequence[Any]], R | None] | None] = {}

    def __call__(self, data: Mapping[str, Any]) -> R:
        """The record for ``data``: built directly when the cheap checks pass, else validated
        (raising :class:`pydantic.ValidationError` as ``model_validate`` does)."""
        record = self.fast(data)
        return record if record is not None else self.model.model_validate(data)

    def for_fields(self, fields: tuple[str, ...]) -> Callable[[Sequence[Any]], R | None] | None:
        """:meth:`fast` for rows of values in the order of ``fields`` (extra trailing values are
        ignored), worked out once for a whole result: the reader's path, without building a
        mapping per row. ``None`` when every row needs full validation (a field without a cheap
        check, a required field missing)."""
        build = self._plans.get(fields)
        if build is None and fields not in self._plans:
            build = self._plans[fields] = self._plan(fields)
        return build

    def _plan(self, fields: tuple[str, ...]) -> Callable[[Sequence[Any]], R | None] | None:
        if any(f not in self._checks for f in fields) or not self._required.issubset(fields):
            return None
        return _row_function(
            [(f, self._checks[f], f in self._defaulted, f in self._required) for f in fields],
            self.model._derive,
            self._construct,
        )

    def fast(self, data: Mapping[str, Any]) -> R | None:
        """The record built without validation, or ``None`` when a value needs full validation."""
        # As the model's before-validator does: a NULL in a defaulted field means the default.
        values = {k: v for k, v in data.items() if v is not None or k not in self._defaulted}
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
        record = self.model.__new__(self.model)
        _set(record, "__dict__", {**self._defaults, **values})
        _set(record, "__pydantic_fields_set__", set(values))
        _set(record, "__pydantic_extra__", None)
        _set(record, "__pydantic_private__", None)
        return record


def _row_function(
    plan: list[tuple[str, _Check, bool, bool]],
    derive: Callable[[dict[str, Any]], None],
    construct: Callable[[dict[str, Any]], Any],
) -> Callable[[Sequence[Any]], Any]:
    """One function for rows of ``plan``'s fields, written out field by field (as dataclasses
    write ``__init__``): a loop over the plan, and a call per check, cost more than the checks
    themselves. Only field positions, the plan's own names and the checks' bounds go into the
    code; values stay arguments."""
    lines = ["def build(row):", "    values = {}"]
    scope: dict[str, Any] = {"_UNSURE": _UNSURE, "derive": derive, "construct": construct}
    for index, (name, check, defaulted, required) in enumerate(plan):
        scope[f"check_{index}"] = check
        lines.append(f"    value = row[{index}]")
        if required:
            lines.append("    if value is None:")
            lines.append("        return None")
            indent = "    "
        else:
            if not defaulted:  # a NULL is kept as None; a defaulted field keeps its default
                lines.append("    if value is None:")
                lines.append(f"        values[{name!r}] = None")
                lines.append("    else:")
            else:
                lines.append("    if value is not None:")
            indent = "        "
        if isinstance(check, _ExactType):  # the check itself, written in place
            scope[f"type_{index}"] = check.exact
            lines.append(f"{indent}if type(value) is not type_{index}:")
            lines.append(f"{indent}    return None")
        elif isinstance(check, _PlainString):
            lines.append(
                f"{indent}if type(value) is not str or not "
                f"{check.low:d} <= len(value) <= {check.high:d}:"
            )
            lines.append(f"{indent}    return None")
            if check.strip:
                lines.append(f"{indent}if value.strip() is not value:")
                lines.append(f"{indent}    return None")
        else:
            lines.append(f"{indent}value = check_{index}(value)")
            lines.append(f"{indent}if value is _UNSURE:")
            lines.append(f"{indent}    return None")
        lines.append(f"{indent}values[{name!r}] = value")
    lines += ["    derive(values)", "    return construct(values)"]
    exec(compile("\n".join(lines), "<row function>", "exec"), scope)  # noqa: S102 - see above
    return scope["build"]  # type: ignore[no-any-return]


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
        return _ExactType(annotation)
    return None


class _ExactType:
    """The check for a value the driver gives as the field's own type (a date, a bool)."""

    __slots__ = ("exact",)

    def __init__(self, exact: type) -> None:
        self.exact = exact

    def __call__(self, value: Any) -> Any:
        return value if type(value) is self.exact else _UNSURE


class _PlainString:
    """The check for a string field with only lengths and stripping (keys, codes): its type,
    surrounding space and length."""

    __slots__ = ("high", "low", "strip")

    def __init__(self, low: int, high: int, strip: bool) -> None:
        self.low, self.high, self.strip = low, high, strip

    def __call__(self, value: Any) -> Any:
        if type(value) is not str or not self.low <= len(value) <= self.high:
            return _UNSURE
        # str.strip() returns the very same object when there is nothing to strip.
        if self.strip and value.strip() is not value:
            return _UNSURE  # pydantic would strip it: let it
        return value


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

    if pattern is None and not after:
        return _PlainString(low, high if high is not None else sys.maxsize, strip)

    def check(value: Any) -> Any:
        if type(value) is not str:
            return _UNSURE
        if strip and value.strip() is not value:
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
