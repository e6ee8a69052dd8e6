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
from familyhubs_sdk.questiontree._model import END, EXIT_PREFIX, Group, Question, QuestionTree

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
        self._inner: dict[tuple[str, str], Bounds | None] = {}

    def target(self, target: str) -> Bounds | None:
        """From ``target`` (a question or group id, ``end`` or an exit) to the end of the form;
        ``None`` when every way on leaves by an exit."""
        if target in self._top:
            return self._top[target]
        with self._lock:
            return self._target(target, set())

    def item(self, group: Group, qid: str) -> Bounds | None:
        """From ``qid`` to the end of one repetition of ``group``."""
        key = (group.id, qid)
        if key in self._inner:
            return self._inner[key]
        with self._lock:
            return self._item(group, qid, set())

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
            return None if after is None else (after[0] + 1, after[1] + 1)
        group = tree.group_index[target]
        item = self._item(group, group.questions[0].id, set())
        after = self._target(group.next or END, active)
        if after is None or item is None:
            return None
        return (
            group.min_repeats * item[0] + after[0],
            group.max_repeats * item[1] + after[1],
        )

    def _item(self, group: Group, qid: str, active: set[str]) -> Bounds | None:
        key = (group.id, qid)
        if key not in self._inner:
            if qid in active:
                raise TreeDefinitionError(f"routes in group {group.id!r} loop back to {qid!r}")
            active.add(qid)
            question: Question = next(q for q in group.questions if q.id == qid)
            options: list[Bounds | None] = []
            for t in self._tree.targets(question, group.questions):
                options.append(
                    (0, 0)
                    if t == END
                    else None
                    if t.startswith(EXIT_PREFIX)
                    else self._item(group, t, active)
                )
            after = _combine(options)
            self._inner[key] = None if after is None else (after[0] + 1, after[1] + 1)
            active.discard(qid)
        return self._inner[key]


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
    after = bounds.target(group.next or END) or (0, 0)
    item_all = bounds.item(group, group.questions[0].id) or (0, 0)
    if current.kind == "add_another":
        more_min = max(0, group.min_repeats - count) * item_all[0]
        return (more_min + after[0], (group.max_repeats - count) * item_all[1] + after[1])
    qid = current.question.id if current.question is not None else group.questions[0].id
    here = bounds.item(group, qid) or (1, 1)
    return (
        here[0] + (count - index - 1) * item_all[0] + after[0],
        here[1] + (group.max_repeats - index - 1) * item_all[1] + after[1],
    )


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
