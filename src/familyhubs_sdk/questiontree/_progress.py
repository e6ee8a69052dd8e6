"""Honest progress: "Question 4 of 9" when the rest is certain, "of about 9 to 12" when it is not.

The fewest and most questions left from every question are computed once per tree (the routes
form a graph without cycles), so each step costs no more than walking the path. Exit pages are
not the end of a form, so routes to them are left out of the counts, as long as another way on
exists. ``answered + most remaining`` can only shrink as answers are added, so the fraction shown
never goes backwards.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date

from familyhubs_sdk.errors import TreeDefinitionError
from familyhubs_sdk.questiontree._engine import JourneyState, Walk, walk
from familyhubs_sdk.questiontree._model import END, EXIT_PREFIX, Group, Question, QuestionTree

__all__ = ["Progress", "progress", "remaining_bounds"]

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


class _Bounds:
    """Memoised fewest/most questions from each node to the end of the form."""

    def __init__(self, tree: QuestionTree) -> None:
        self.tree = tree
        self.top: dict[str, Bounds | None] = {}
        self.inner: dict[tuple[str, str], Bounds | None] = {}
        self.stack: set[str] = set()

    def target(self, target: str) -> Bounds | None:
        if target == END:
            return (0, 0)
        if target.startswith(EXIT_PREFIX):
            return None
        if target not in self.top:
            if target in self.stack:
                raise TreeDefinitionError(f"routes loop back to {target!r}")
            self.stack.add(target)
            self.top[target] = self._node(target)
            self.stack.discard(target)
        return self.top[target]

    def _node(self, target: str) -> Bounds | None:
        question = self.tree.question_index.get(target)
        if question is not None:
            after = _combine(
                [self.target(t) for t in self.tree.targets(question, self.tree.questions)]
            )
            return None if after is None else (after[0] + 1, after[1] + 1)
        group = self.tree.group_index[target]
        item = self.item(group, group.questions[0].id)
        after = self.target(group.next or END)
        if after is None or item is None:
            return None
        return (
            group.min_repeats * item[0] + after[0],
            group.max_repeats * item[1] + after[1],
        )

    def item(self, group: Group, qid: str) -> Bounds | None:
        """Fewest/most questions from ``qid`` to the end of one repetition."""
        key = (group.id, qid)
        if key not in self.inner:
            question: Question = next(q for q in group.questions if q.id == qid)
            options: list[Bounds | None] = []
            for t in self.tree.targets(question, group.questions):
                options.append(
                    (0, 0)
                    if t == END
                    else None
                    if t.startswith(EXIT_PREFIX)
                    else self.item(group, t)
                )
            after = _combine(options)
            self.inner[key] = None if after is None else (after[0] + 1, after[1] + 1)
        return self.inner[key]


def remaining_bounds(tree: QuestionTree) -> _Bounds:
    """The per-node bounds of ``tree``, computed on first use and then kept with the tree."""
    bounds = tree.memo.get("bounds")
    if bounds is None:
        bounds = tree.memo["bounds"] = _Bounds(tree)
    return bounds


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
    for node in [*tree.question_index, *tree.group_index]:
        bounds.target(node)
    return dict(bounds.top)
