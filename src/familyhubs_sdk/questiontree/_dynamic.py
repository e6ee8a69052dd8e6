"""Options built from answers: one per repetition of a group asked earlier, so "Who else is
affected?" offers the children and adults already named.

An option's value is the group and the repetition's number, ``children_1``, so answers stay
plain strings; its label is the repetition's title answer ("Sam") or "Child 1".
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from itertools import takewhile
from typing import TYPE_CHECKING

from familyhubs_sdk.questiontree._conditions import Answer
from familyhubs_sdk.questiontree._model import Option, Question, QuestionTree

if TYPE_CHECKING:
    from familyhubs_sdk.questiontree._engine import JourneyState, Step

__all__ = ["all_values", "live_options", "live_question", "renumber", "repeat_value"]

_VALUE = re.compile(r"^(?P<group>[a-z][a-z0-9_]*)_(?P<number>\d+)$")


def repeat_value(group_id: str, index: int) -> str:
    """The option value for repetition ``index`` (from 0) of a group: ``children_1``."""
    return f"{group_id}_{index + 1}"


def live_options(
    tree: QuestionTree, state: JourneyState, question: Question, steps: Iterable[Step]
) -> tuple[Option, ...]:
    """``question``'s options now: one per repetition of its ``options_from`` groups among
    ``steps`` (the path before it), then its fixed options."""
    if not question.options_from:
        return question.options
    walked: dict[str, set[int]] = {}
    for step in takewhile(lambda step: step.address != question.id, steps):
        if step.group is not None and step.kind == "question" and step.address in state.answers:
            walked.setdefault(step.group.id, set()).add(step.index or 0)
    made = []
    for group_id in question.options_from:
        group = tree.group_index[group_id]
        for index in sorted(walked.get(group_id, ())):
            title = (
                state.answers.get(f"{group_id}[{index}].{group.title_question}")
                if group.title_question
                else None
            )
            label = (
                title
                if isinstance(title, str) and title
                else (f"{group.item_label.capitalize()} {index + 1}")
            )
            made.append(Option(value=repeat_value(group_id, index), label=label))
    return (*made, *question.options)


def live_question(
    tree: QuestionTree, state: JourneyState, question: Question, steps: Iterable[Step]
) -> Question:
    """``question`` with its options as they are now (itself, without ``options_from``)."""
    if not question.options_from:
        return question
    return question.model_copy(update={"options": live_options(tree, state, question, steps)})


def all_values(tree: QuestionTree, question: Question) -> set[str]:
    """Every value ``question`` can ever offer (for the checker and for migrating answers)."""
    values = {o.value for o in question.options}
    for group_id in question.options_from:
        group = tree.group_index[group_id]
        values |= {repeat_value(group_id, i) for i in range(group.max_repeats)}
    return values


def renumber(value: Answer, group_id: str, removed: int) -> Answer:
    """An answer naming repetitions of ``group_id`` once repetition ``removed`` is gone: its
    value dropped, later ones moved up."""
    if isinstance(value, list):
        kept = [_renumbered(v, group_id, removed) for v in value]
        return [v for v in kept if v is not None]
    if isinstance(value, str):
        return _renumbered(value, group_id, removed)
    return value


def _renumbered(value: str, group_id: str, removed: int) -> str | None:
    match = _VALUE.match(value)
    if match is None or match["group"] != group_id:
        return value
    index = int(match["number"]) - 1
    if index == removed:
        return None
    return repeat_value(group_id, index - 1) if index > removed else value
