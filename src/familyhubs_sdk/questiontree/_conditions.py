"""The condition language: data, not code, evaluated against answers with an injected today.

A condition is one mapping with a single key:

* ``all: [c, ...]``, ``any: [c, ...]``, ``not: c``
* ``equals: [q, v]``, ``not_equals: [q, v]``, ``in: [q, [v, ...]]``, ``not_in: [q, [v, ...]]``
* ``contains: [q, v]``, ``contains_any: [q, [v, ...]]``, ``contains_all: [q, [v, ...]]``
* ``answered: q``, ``not_answered: q``
* ``count: [q, op, n]`` (options selected, or repeats of a group), ``number: [q, op, n]``
* ``date: [q, op, offset]`` compares a date answer with today plus ``offset`` (``-5y``, ``+3m``,
  ``-14d``): ``date: [child_birth_date, after, -5y]`` is "born in the last five years".
* ``any_repeat: {group: g, when: c}``, ``all_repeats: {group: g, when: c}``: ``c`` evaluated in
  each repetition of group ``g`` (question ids inside ``c`` refer to that repetition).

``op`` is one of ``<``, ``<=``, ``==``, ``!=``, ``>=``, ``>`` (``before``/``after`` for dates).
Evaluation errors raise :class:`ConditionError`; they never turn into "false".
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any, TypeAlias

from familyhubs_sdk.errors import ConditionError, TreeDefinitionError, UnansweredQuestionError

Answer: TypeAlias = str | list[str] | int | float | None
#: Looks an answer up by question id in the current scope; raises KeyError for unknown ids.
Lookup = Callable[[str], Answer]

_OPS: Mapping[str, Callable[[Any, Any], bool]] = {
    "<": lambda a, b: a < b,
    "<=": lambda a, b: a <= b,
    "==": lambda a, b: a == b,
    "!=": lambda a, b: a != b,
    ">=": lambda a, b: a >= b,
    ">": lambda a, b: a > b,
    "before": lambda a, b: a < b,
    "after": lambda a, b: a > b,
}
_OFFSET = re.compile(r"^([+-])(\d{1,3})([ymd])$")


@dataclass(frozen=True)
class Context:
    """What a condition is evaluated against."""

    lookup: Lookup
    today: date
    #: Repetitions of each group: a list of lookups, one per repetition.
    repeats: Callable[[str], Sequence[Lookup]]
    #: Number of repetitions of a group, for ``count``.
    repeat_count: Callable[[str], int | None]


@dataclass(frozen=True)
class Condition:
    """A parsed condition; ``data`` is the form it was written in (for dumping back)."""

    op: str
    args: tuple[Any, ...]
    data: Any

    def questions(self) -> Iterator[str]:
        """Question ids this condition reads directly (not inside repeat scopes)."""
        if self.op in ("all", "any"):
            for child in self.args:
                yield from child.questions()
        elif self.op == "not":
            yield from self.args[0].questions()
        elif self.op in ("any_repeat", "all_repeats"):
            return
        else:
            yield self.args[0]

    def groups(self) -> Iterator[tuple[str, Condition]]:
        """(group id, inner condition) for every repeat aggregate."""
        if self.op in ("all", "any"):
            for child in self.args:
                yield from child.groups()
        elif self.op == "not":
            yield from self.args[0].groups()
        elif self.op in ("any_repeat", "all_repeats"):
            yield self.args[0], self.args[1]

    def evaluate(self, ctx: Context) -> bool:
        """True or false; :class:`ConditionError` when it cannot be decided."""
        handler = _EVALUATORS[self.op]
        return handler(self, ctx)


def parse_condition(data: Any, path: str) -> Condition:
    """Parse the written form of a condition; errors name ``path``."""
    if not isinstance(data, Mapping) or len(data) != 1:
        raise TreeDefinitionError(f"{path}: a condition is a mapping with exactly one key")
    ((op, raw),) = data.items()
    parser = _PARSERS.get(op)
    if parser is None:
        raise TreeDefinitionError(f"{path}: unknown condition {op!r}")
    return Condition(op, parser(raw, f"{path}.{op}"), data)


def _qid(value: Any, path: str) -> str:
    if not isinstance(value, str) or not value:
        raise TreeDefinitionError(f"{path}: expected a question id")
    return value


def _pair(raw: Any, path: str) -> tuple[Any, ...]:
    if not isinstance(raw, list) or len(raw) != 2:
        raise TreeDefinitionError(f"{path}: expected [question, value]")
    return (_qid(raw[0], path), raw[1])


def _pair_list(raw: Any, path: str) -> tuple[Any, ...]:
    qid, values = _pair(raw, path)
    if not isinstance(values, list) or not values:
        raise TreeDefinitionError(f"{path}: expected [question, [value, ...]]")
    return (qid, tuple(values))


def _compare(raw: Any, path: str, ops: Sequence[str]) -> tuple[Any, ...]:
    if not isinstance(raw, list) or len(raw) != 3:
        raise TreeDefinitionError(f"{path}: expected [question, operator, value]")
    qid, op, value = _qid(raw[0], path), raw[1], raw[2]
    if op not in ops:
        raise TreeDefinitionError(f"{path}: operator must be one of {', '.join(ops)}")
    return (qid, op, value)


def _number_compare(raw: Any, path: str) -> tuple[Any, ...]:
    qid, op, value = _compare(raw, path, ("<", "<=", "==", "!=", ">=", ">"))
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise TreeDefinitionError(f"{path}: expected a number to compare with")
    return (qid, op, value)


def _date_compare(raw: Any, path: str) -> tuple[Any, ...]:
    qid, op, offset = _compare(raw, path, ("before", "after", "<", "<=", "==", "!=", ">=", ">"))
    match = _OFFSET.match(str(offset))
    if match is None:
        raise TreeDefinitionError(f"{path}: offset must look like -5y, +3m or -14d")
    sign, amount, unit = match.groups()
    return (qid, op, (-1 if sign == "-" else 1) * int(amount), unit)


def _children(raw: Any, path: str) -> tuple[Any, ...]:
    if not isinstance(raw, list) or not raw:
        raise TreeDefinitionError(f"{path}: expected a list of conditions")
    return tuple(parse_condition(item, f"{path}[{i}]") for i, item in enumerate(raw))


def _repeat(raw: Any, path: str) -> tuple[Any, ...]:
    if not isinstance(raw, Mapping) or set(raw) != {"group", "when"}:
        raise TreeDefinitionError(f"{path}: expected {{group: ..., when: ...}}")
    return (_qid(raw["group"], path), parse_condition(raw["when"], f"{path}.when"))


_PARSERS: Mapping[str, Callable[[Any, str], tuple[Any, ...]]] = {
    "all": _children,
    "any": _children,
    "not": lambda raw, path: (parse_condition(raw, path),),
    "equals": _pair,
    "not_equals": _pair,
    "in": _pair_list,
    "not_in": _pair_list,
    "contains": _pair,
    "contains_any": _pair_list,
    "contains_all": _pair_list,
    "answered": lambda raw, path: (_qid(raw, path),),
    "not_answered": lambda raw, path: (_qid(raw, path),),
    "count": _number_compare,
    "number": _number_compare,
    "date": _date_compare,
    "any_repeat": _repeat,
    "all_repeats": _repeat,
}


def _answer(ctx: Context, qid: str) -> Answer:
    try:
        return ctx.lookup(qid)
    except KeyError:
        raise ConditionError(f"condition refers to {qid!r}, which is not in scope") from None


def _required(ctx: Context, qid: str) -> Answer:
    value = _answer(ctx, qid)
    if value is None:
        raise UnansweredQuestionError(f"condition reads {qid!r}, which has not been answered")
    return value


def _selected(ctx: Context, qid: str) -> list[str]:
    value = _required(ctx, qid)
    if not isinstance(value, list):
        raise ConditionError(f"{qid!r} is not a multiple-choice answer")
    return value


def _shift(today: date, amount: int, unit: str) -> date:
    if unit == "d":
        return date.fromordinal(today.toordinal() + amount)
    months = today.year * 12 + today.month - 1 + (amount * 12 if unit == "y" else amount)
    year, month = divmod(months, 12)
    day = min(
        today.day, [31, 29 if _leap(year) else 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31][month]
    )
    return date(year, month + 1, day)


def _leap(year: int) -> bool:
    return year % 4 == 0 and (year % 100 != 0 or year % 400 == 0)


def _eval_date(c: Condition, ctx: Context) -> bool:
    qid, op, amount, unit = c.args
    value = _required(ctx, qid)
    try:
        answered = date.fromisoformat(str(value))
    except ValueError:
        raise ConditionError(f"{qid!r} is not a date answer") from None
    return _OPS[op](answered, _shift(ctx.today, amount, unit))


def _eval_number(c: Condition, ctx: Context) -> bool:
    qid, op, value = c.args
    answer = _required(ctx, qid)
    if isinstance(answer, bool) or not isinstance(answer, int | float):
        raise ConditionError(f"{qid!r} is not a number answer")
    return _OPS[op](answer, value)


def _eval_count(c: Condition, ctx: Context) -> bool:
    qid, op, value = c.args
    repeats = ctx.repeat_count(qid)
    count = repeats if repeats is not None else len(_selected(ctx, qid))
    return _OPS[op](count, value)


def _eval_repeats(c: Condition, ctx: Context, combine: Callable[[Iterator[bool]], bool]) -> bool:
    group, inner = c.args
    return combine(
        inner.evaluate(Context(lookup, ctx.today, ctx.repeats, ctx.repeat_count))
        for lookup in ctx.repeats(group)
    )


_EVALUATORS: Mapping[str, Callable[[Condition, Context], bool]] = {
    "all": lambda c, ctx: all(child.evaluate(ctx) for child in c.args),
    "any": lambda c, ctx: any(child.evaluate(ctx) for child in c.args),
    "not": lambda c, ctx: not c.args[0].evaluate(ctx),
    "equals": lambda c, ctx: _required(ctx, c.args[0]) == c.args[1],
    "not_equals": lambda c, ctx: _required(ctx, c.args[0]) != c.args[1],
    "in": lambda c, ctx: _required(ctx, c.args[0]) in c.args[1],
    "not_in": lambda c, ctx: _required(ctx, c.args[0]) not in c.args[1],
    "contains": lambda c, ctx: c.args[1] in _selected(ctx, c.args[0]),
    "contains_any": lambda c, ctx: any(v in _selected(ctx, c.args[0]) for v in c.args[1]),
    "contains_all": lambda c, ctx: all(v in _selected(ctx, c.args[0]) for v in c.args[1]),
    "answered": lambda c, ctx: _answer(ctx, c.args[0]) is not None,
    "not_answered": lambda c, ctx: _answer(ctx, c.args[0]) is None,
    "count": _eval_count,
    "number": _eval_number,
    "date": _eval_date,
    "any_repeat": lambda c, ctx: _eval_repeats(c, ctx, any),
    "all_repeats": lambda c, ctx: _eval_repeats(c, ctx, all),
}
