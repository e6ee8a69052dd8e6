"""Honest progress: "Question 4 of 9" when the rest is certain, "of about 9 to 12" when it is not.

The fewest and most questions left from every question are computed once per tree (the routes
form a graph without cycles), so each step costs no more than walking the path. Exit pages are
not the end of a form, so routes to them are left out of the counts, as long as another way on
exists. ``answered + most remaining`` can only shrink as answers are added, so the fraction shown
never goes backwards.
"""

from __future__ import annotations

import threading
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date

from familyhubs_sdk.errors import TreeDefinitionError
from familyhubs_sdk.questiontree._engine import JourneyState, Walk, walk
from familyhubs_sdk.questiontree._model import (
    END,
    END_REPEAT,
    EXIT_PREFIX,
    Group,
    Question,
    QuestionTree,
)

__all__ = ["Progress", "ProgressBounds", "progress", "remaining_bounds"]

Bounds = tuple[int, int]


@dataclass(frozen=True)
class Progress:
    """Where the journey stands."""

    answered: int
    min_remaining: int
    max_remaining: int

    @property
    def fraction(self) -> float:
        total = self.answered + self.max_remaining
        return 1.0 if total == 0 else self.answered / total

    @property
    def text(self) -> str:
        if self.max_remaining == 0:
            return "All questions answered"
        position = self.answered + 1
        low = self.answered + max(self.min_remaining, 1)
        high = self.answered + self.max_remaining
        if low == high:
            return f"Question {position} of {high}"
        return f"Question {position} of about {low} to {high}"


def _combine(options: list[Bounds | None]) -> Bounds | None:
    reachable = [b for b in options if b is not None]
    if not reachable:
        return None
    return min(b[0] for b in reachable), max(b[1] for b in reachable)


def _plus(*parts: Bounds | None, times: tuple[int, int] = (1, 1)) -> Bounds | None:
    """The sum of ``parts``, the first counted ``times`` (fewest, most) over; ``None`` when
    any part is."""
    if any(p is None for p in parts):
        return None
    first, *rest = parts
    assert first is not None  # noqa: S101 - checked just above; narrows for mypy
    low, high = first[0] * times[0], first[1] * times[1]
    for part in rest:
        assert part is not None  # noqa: S101 - as above
        low, high = low + part[0], high + part[1]
    return low, high


#: Inside a group, from one question: the counts to the end of its repetition (``stay``), and
#: to the end of the form by a route out of the group (``leave``); ``None`` where there is none.
Item = tuple[Bounds | None, Bounds | None]


class ProgressBounds:
    """Fewest/most questions from each node of one tree to the end of the form.

    A node's bounds are worked out on first use, under a lock, and never change, so a thread that
    finds them known reads them without waiting. The nodes being worked out belong to that one
    computation: a thread never takes another thread's search in progress for a loop.
    """

    def __init__(self, tree: QuestionTree) -> None:
        self._tree = tree
        self._lock = threading.Lock()
        self._top: dict[str, Bounds | None] = {}
        self._inner: dict[tuple[str, str], Item] = {}

    def target(self, target: str) -> Bounds | None:
        """From ``target`` (a question or group id, ``end`` or an exit) to the end of the form;
        ``None`` when every way on leaves by an exit."""
        if target in self._top:
            return self._top[target]
        with self._lock:
            return self._target(target, set())

    def item(self, group: Group, qid: str) -> Item:
        """From ``qid`` to the end of one repetition of ``group``, and out of the group."""
        key = (group.id, qid)
        if key in self._inner:
            return self._inner[key]
        with self._lock:
            return self._item(group, qid, set(), set())

    def after(self, group: Group) -> Bounds | None:
        """From the end of ``group`` (its routes and ``next``) to the end of the form."""
        return _combine([self.target(t) for t in self._tree.group_targets(group)])

    def _target(self, target: str, active: set[str]) -> Bounds | None:
        if target == END:
            return (0, 0)
        if target.startswith(EXIT_PREFIX):
            return None
        if target not in self._top:
            if target in active:
                raise TreeDefinitionError(f"routes loop back to {target!r}")
            active.add(target)
            self._top[target] = self._node(target, active)
            active.discard(target)
        return self._top[target]

    def _node(self, target: str, active: set[str]) -> Bounds | None:
        tree = self._tree
        question = tree.question_index.get(target)
        if question is not None:
            after = _combine(
                [self._target(t, active) for t in tree.targets(question, tree.questions)]
            )
            return _plus(after, (1, 1))
        group = tree.group_index[target]
        stay, leave = self._item(group, group.questions[0].id, set(), active)
        after = _combine([self._target(t, active) for t in tree.group_targets(group)])
        return _repeats(group, 0, stay, leave, after)

    def _item(self, group: Group, qid: str, active: set[str], top: set[str]) -> Item:
        key = (group.id, qid)
        if key not in self._inner:
            if qid in active:
                raise TreeDefinitionError(f"routes in group {group.id!r} loop back to {qid!r}")
            active.add(qid)
            question: Question = next(q for q in group.questions if q.id == qid)
            inner = {q.id for q in group.questions}
            stays: list[Bounds | None] = []
            leaves: list[Bounds | None] = []
            for t in self._tree.targets(question, group.questions):
                if t == END_REPEAT:
                    stays.append((0, 0))
                elif t in inner:
                    stay, leave = self._item(group, t, active, top)
                    stays.append(stay)
                    leaves.append(leave)
                else:
                    leaves.append(self._target(t, top))
            self._inner[key] = (
                _plus(_combine(stays), (1, 1)),
                _plus(_combine(leaves), (1, 1)),
            )
            active.discard(qid)
        return self._inner[key]


def _repeats(
    group: Group, done: int, stay: Bounds | None, leave: Bounds | None, after: Bounds | None
) -> Bounds | None:
    """From the start of a group's next repetition (``done`` already finished, "add another?"
    not yet answered) to the end of the form: stop now, repeat to the maximum and go on, or
    leave the group by a route from inside a later repetition."""
    more_low = max(0, group.min_repeats - done)
    more_high = group.max_repeats - done
    options = [_plus(stay, after, times=(more_low, more_high)) if more_low else None]
    if not more_low:
        options.append(_plus(stay, after, times=(0, more_high)) if stay else after)
    if more_high > 0:
        options.append(_plus(stay, leave, times=(0, more_high - 1)) if stay else leave)
    return _combine(options)


def remaining_bounds(tree: QuestionTree) -> ProgressBounds:
    """The per-node bounds of ``tree``, built on first use and then kept with the tree."""
    return tree._cache.bounds.get(lambda: ProgressBounds(tree))


def _remaining(tree: QuestionTree, state: JourneyState, route: Walk) -> Bounds:
    current = route.current
    if current is None:
        return (0, 0)
    bounds = remaining_bounds(tree)
    if current.group is None:
        found = bounds.target(current.address)
        return found or (1, 1)
    group = current.group
    index = current.index or 0
    count = max(state.repeats.get(group.id, 0), group.min_repeats)
    after = bounds.after(group)
    stay, leave = bounds.item(group, group.questions[0].id)
    if current.kind == "add_another":
        return _repeats(group, count, stay, leave, after) or (0, 0)
    qid = current.question.id if current.question is not None else group.questions[0].id
    here_stay, here_leave = bounds.item(group, qid)
    # The repetitions already added after this one are asked unless one leaves the group; then
    # "add another?".
    rest = _repeats(group, count, stay, leave, after)
    for _later in range(count - index - 1):
        rest = _combine([_plus(stay, rest), leave])
    return _combine([_plus(here_stay, rest), here_leave]) or (1, 1)


def progress(tree: QuestionTree, state: JourneyState, today: date) -> Progress:
    """How far through the journey ``state`` is."""
    route = walk(tree, state, today)
    answered = sum(
        1 for step in route.steps if step.kind == "question" and step.address in state.answers
    )
    low, high = _remaining(tree, state, route)
    return Progress(answered, low, high)


def bounds_by_node(tree: QuestionTree) -> Mapping[str, Bounds | None]:
    """Fewest/most questions left from every top-level node (for the checker and tests)."""
    bounds = remaining_bounds(tree)
    return {node: bounds.target(node) for node in [*tree.question_index, *tree.group_index]}
