"""Which conditions can be decided wherever they are evaluated: each question a condition reads
must be answered on every path to it (an undecidable condition raises, never reads as false),
and each option value it compares with must exist.

A read is safe when it is ``answered``/``not_answered``, or guarded in the same ``all``
(``all: [{answered: q}, {equals: [q, x]}]``) or ``any`` (``any: [{not_answered: q}, ...]``):
evaluation stops at the guard. Named conditions are looked through where they are used.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from dataclasses import dataclass, replace

from familyhubs_sdk.questiontree._conditions import Condition, Named
from familyhubs_sdk.questiontree._dynamic import all_values
from familyhubs_sdk.questiontree._model import CHOICE_KINDS, Group, Question, QuestionTree
from familyhubs_sdk.questiontree._references import ConditionSite

__all__ = ["Problem", "Where", "read_problems"]

#: Conditions that read a question safely even when it was never asked.
_SAFE_OPS = frozenset({"answered", "not_answered"})
#: Conditions that compare a question's answer with option values.
_OPTION_OPS = frozenset(
    {"equals", "not_equals", "in", "not_in", "contains", "contains_any", "contains_all"}
)
_REPEAT_OPS = frozenset({"any_repeat", "all_repeats"})


@dataclass(frozen=True)
class Problem:
    """One thing wrong with a tree, named by its path in the tree file."""

    code: str
    path: str
    message: str

    def __str__(self) -> str:
        return f"{self.path}: {self.message} [{self.code}]"


@dataclass(frozen=True)
class Where:
    """What is known to be answered where a condition is evaluated.

    ``top`` holds the top-level questions and groups on every path there; ``inner`` the
    current repetition's questions (in a group); ``done`` the inner questions answered in every
    finished repetition, by group. ``place`` says where, for messages.
    """

    top: frozenset[str]
    place: str
    group: Group | None = None
    inner: frozenset[str] = frozenset()
    #: Groups whose repetitions are counted by what is on the path, so need not be on every
    #: path (outcomes and declarations, evaluated over the path's answers only).
    path_counted: bool = False
    #: Where top-level reads must be answered by: the group, for a condition inside one.
    top_place: str = ""


def read_problems(
    tree: QuestionTree,
    site: ConditionSite,
    condition: Condition,
    where: Where,
    done: Mapping[str, frozenset[str]],
) -> Iterator[Problem]:
    """Unsafe reads and unknown option values in ``condition``, evaluated at ``where``;
    ``done`` gives each group's questions answered in every finished repetition."""
    walker = _Walker(tree, tree.named_conditions, site.path, done)
    seen: set[tuple[str, str]] = set()
    for problem in walker.walk(condition, where, frozenset()):
        if (problem.code, problem.message) not in seen:
            seen.add((problem.code, problem.message))
            yield problem


@dataclass(frozen=True)
class _Walker:
    tree: QuestionTree
    named: Named
    path: str
    done: Mapping[str, frozenset[str]]

    def walk(self, c: Condition, where: Where, safe: frozenset[str]) -> Iterator[Problem]:
        if c.op == "ref":
            yield from self.walk(self.named[c.args[0]], where, safe)
        elif c.op in ("all", "any"):
            guard = "answered" if c.op == "all" else "not_answered"
            for child in c.args:
                yield from self.walk(child, where, safe)
                if child.op == guard:
                    safe = safe | {child.args[0]}
        elif c.op == "not":
            yield from self.walk(c.args[0], where, safe)
        elif c.op in _REPEAT_OPS:
            yield from self._aggregate(c.args[0], where)
            group = self.tree.group_index[c.args[0]]
            inner = self.done.get(group.id, frozenset())
            place = f"the end of each repetition of {group.id!r}"
            if where.group is not None and where.group.id == group.id:
                inner = inner & where.inner  # this repetition too, as far as it has got
                place = where.place
            inside = replace(where, group=group, inner=inner, place=place)
            yield from self.walk(c.args[1], inside, safe)
        elif c.op == "count" and c.args[0] in self.tree.group_index:
            yield from self._aggregate(c.args[0], where)
        else:
            yield from self._read(c, where, safe)

    def _aggregate(self, group_id: str, where: Where) -> Iterator[Problem]:
        """A group read across its repetitions must have been asked on every path here (or be
        counted by the path), unless the condition is evaluated inside that group."""
        inside = where.group is not None and where.group.id == group_id
        if not (inside or where.path_counted or group_id in where.top):
            yield Problem(
                "condition_unsafe",
                self.path,
                f"reads group {group_id!r}, which is not asked on every path to {where.place}",
            )

    def _read(self, c: Condition, where: Where, safe: frozenset[str]) -> Iterator[Problem]:
        qid = c.args[0]
        question = self._question(qid, where.group)
        if c.op not in _SAFE_OPS and qid not in safe:
            inner = where.group is not None and any(q.id == qid for q in where.group.questions)
            known = where.inner if inner else where.top
            if qid not in known:
                place = where.place if inner else (where.top_place or where.place)
                yield Problem(
                    "condition_unsafe",
                    self.path,
                    f"reads {qid!r}, which is not answered on every path to {place}",
                )
        if c.op in _OPTION_OPS and question is not None and question.kind in CHOICE_KINDS:
            values = c.args[1] if isinstance(c.args[1], tuple) else (c.args[1],)
            known_values = all_values(self.tree, question)
            for value in values:
                if value not in known_values:
                    yield Problem("option_unknown", self.path, f"{qid!r} has no option {value!r}")

    def _question(self, qid: str, group: Group | None) -> Question | None:
        if group is not None:
            found = next((q for q in group.questions if q.id == qid), None)
            if found is not None:
                return found
        return self.tree.question_index.get(qid)
