"""The condition language: data, not code, evaluated against answers with an injected today.

A condition is one mapping with a single key:

* ``all: [c, ...]``, ``any: [c, ...]``, ``not: c``
* ``equals: [q, v]``, ``not_equals: [q, v]``, ``in: [q, [v, ...]]``, ``not_in: [q, [v, ...]]``
* ``contains: [q, v]``, ``contains_any: [q, [v, ...]]``, ``contains_all: [q, [v, ...]]``
* ``answered: q``, ``not_answered: q``
* ``count: [q, op, n]`` (options selected, or repeats of a group), ``number: [q, op, n]``
* ``date: [q, op, offset]`` compares a date answer with today plus ``offset`` (``-5y``, ``+3m``,
  ``-2w``, ``-14d``): ``date: [child_birth_date, after, -5y]`` is "born in the last five years".
* ``any_repeat: {group: g, when: c}``, ``all_repeats: {group: g, when: c}``: ``c`` evaluated in
  each repetition of group ``g`` (question ids inside ``c`` refer to that repetition).
* a plain string, ``domestic_abuse_now``: the tree's named condition of that name, evaluated where
  it is used (inside a group, its question ids may refer to the repetition).

``op`` is one of ``<``, ``<=``, ``==``, ``!=``, ``>=``, ``>`` (``before``/``after`` for dates).
Evaluation errors raise :class:`ConditionError`; they never turn into "false".
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field, replace
from datetime import date
from typing import Any, TypeAlias

from familyhubs_sdk.errors import ConditionError, TreeDefinitionError, UnansweredQuestionError
from familyhubs_sdk.questiontree._dates import OFFSET_FORMS, parse_offset, shift

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
_NAME = re.compile(r"^[a-z][a-z0-9_]{0,63}$")
#: Named conditions of a tree, parsed; what a reference (``"ref"``) reads.
Named = Mapping[str, "Condition"]


@dataclass(frozen=True)
class Context:
    """What a condition is evaluated against."""

    lookup: Lookup
    today: date
    #: Repetitions of each group: a list of lookups, one per repetition.
    repeats: Callable[[str], Sequence[Lookup]]
    #: Number of repetitions of a group, for ``count``.
    repeat_count: Callable[[str], int | None]
    #: The tree's named conditions.
    named: Named = field(default_factory=dict)


@dataclass(frozen=True)
class Condition:
    """A parsed condition; ``data`` is the form it was written in (for dumping back)."""

    op: str
    args: tuple[Any, ...]
    data: Any

    def children(self, named: Named) -> tuple[Condition, ...]:
        """The conditions this one combines (``all``, ``any``, ``not``), or the named condition it
        refers to (when ``named`` has it); none for the others."""
        if self.op in ("all", "any"):
            return self.args
        if self.op == "not":
            return (self.args[0],)
        found = named.get(self.args[0]) if self.op == "ref" else None
        return () if found is None else (found,)

    def leaves(self, named: Named | None = None) -> Iterator[Condition]:
        """Every condition that reads answers (or aggregates over a group), with combinations and
        named conditions (from ``named``) looked through."""
        if self.op in ("all", "any", "not", "ref"):
            for child in self.children(named or {}):
                yield from child.leaves(named)
        else:
            yield self

    def questions(self, named: Named | None = None) -> Iterator[str]:
        """Question ids this condition reads directly (not inside repeat scopes)."""
        for leaf in self.leaves(named):
            if leaf.op not in ("any_repeat", "all_repeats"):
                yield leaf.args[0]

    def groups(self, named: Named | None = None) -> Iterator[tuple[str, Condition]]:
        """(group id, inner condition) for every repeat aggregate."""
        for leaf in self.leaves(named):
            if leaf.op in ("any_repeat", "all_repeats"):
                yield leaf.args[0], leaf.args[1]

    def references(self) -> Iterator[str]:
        """Names of the named conditions used here, in repeat scopes too (not looked through)."""
        if self.op == "ref":
            yield self.args[0]
        elif self.op in ("all", "any"):
            for child in self.args:
                yield from child.references()
        elif self.op == "not":
            yield from self.args[0].references()
        elif self.op in ("any_repeat", "all_repeats"):
            yield from self.args[1].references()

    def evaluate(self, ctx: Context) -> bool:
        """True or false; :class:`ConditionError` when it cannot be decided."""
        handler = _EVALUATORS[self.op]
        return handler(self, ctx)


def parse_condition(data: Any, path: str) -> Condition:
    """Parse the written form of a condition; errors name ``path``."""
    if isinstance(data, str):
        if not _NAME.match(data):
            raise TreeDefinitionError(f"{path}: {data!r} is not the name of a condition")
        return Condition("ref", (data,), data)
    if not isinstance(data, Mapping) or len(data) != 1:
        raise TreeDefinitionError(
            f"{path}: a condition is a mapping with exactly one key, or a condition's name"
        )
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
    qid, op, text = _compare(raw, path, ("before", "after", "<", "<=", "==", "!=", ">=", ">"))
    offset = parse_offset(text)
    if offset is None:
        raise TreeDefinitionError(f"{path}: offset must look like {OFFSET_FORMS}")
    return (qid, op, *offset)


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


def _eval_date(c: Condition, ctx: Context) -> bool:
    qid, op, amount, unit = c.args
    value = _required(ctx, qid)
    try:
        answered = date.fromisoformat(str(value))
    except ValueError:
        raise ConditionError(f"{qid!r} is not a date answer") from None
    return _OPS[op](answered, shift(ctx.today, amount, unit))


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
    return combine(inner.evaluate(replace(ctx, lookup=lookup)) for lookup in ctx.repeats(group))


def _eval_ref(c: Condition, ctx: Context) -> bool:
    named = ctx.named.get(c.args[0])
    if named is None:
        raise ConditionError(f"no condition named {c.args[0]!r}")
    return named.evaluate(ctx)


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
    "ref": _eval_ref,
}
