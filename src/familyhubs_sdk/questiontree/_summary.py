"""What check-your-answers shows: the answers, the support types they indicate, and the
declaration that applies."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from familyhubs_sdk.errors import UnansweredQuestionError
from familyhubs_sdk.questiontree._conditions import Answer, Condition, Context
from familyhubs_sdk.questiontree._copy import Declaration
from familyhubs_sdk.questiontree._dates import spoken
from familyhubs_sdk.questiontree._dynamic import live_question
from familyhubs_sdk.questiontree._engine import (
    JourneyState,
    is_complete,
    path_answers,
    path_context,
    walk,
)
from familyhubs_sdk.questiontree._model import Question, QuestionTree

__all__ = [
    "IndicatedOutcome",
    "SummaryRow",
    "declaration",
    "display_value",
    "outcomes",
    "summary",
]


@dataclass(frozen=True)
class SummaryRow:
    """One answered question on the path."""

    address: str
    question_id: str
    label: str
    value: str
    section: str | None
    #: "Child 1" for answers inside a repeating group.
    repeat_label: str | None


@dataclass(frozen=True)
class IndicatedOutcome:
    """A support type the answers point to, and the answers that point to it."""

    id: str
    label: str
    reasons: tuple[tuple[str, str], ...]


def display_value(question: Question, value: Answer) -> str:
    """An answer as a person reads it: option labels, "4 March 2026", "Not answered"."""
    if value is None or value == []:
        return "Not answered"
    if isinstance(value, list):
        return ", ".join(question.option_label(v) for v in value)
    if question.kind in ("single_choice", "yes_no"):
        return question.option_label(str(value))
    if question.kind == "date":
        return spoken(date.fromisoformat(str(value)))
    return str(value)


def summary(tree: QuestionTree, state: JourneyState, today: date) -> list[SummaryRow]:
    """Every answered question on the path, in order; answers off the path are left out."""
    rows = []
    steps = walk(tree, state, today).steps
    for step, value in path_answers(tree, state, today):
        if step.question is None:  # pragma: no cover - path_answers yields questions only
            continue
        group = step.group
        # Options built from answers are labelled as they were offered ("Sam", not "children_1").
        shown = live_question(tree, state, step.question, steps)
        rows.append(
            SummaryRow(
                address=step.address,
                question_id=step.question.id,
                label=step.question.label,
                value=display_value(shown, value),
                section=(group.section if group else step.question.section),
                repeat_label=(
                    f"{group.item_label.capitalize()} {(step.index or 0) + 1}" if group else None
                ),
            )
        )
    return rows


def _reasons(tree: QuestionTree, ctx: Context, condition: Condition) -> tuple[tuple[str, str], ...]:
    found = []
    for qid in dict.fromkeys(condition.questions(tree.named_conditions)):
        question = tree.question_index.get(qid)
        value = ctx.lookup(qid) if question is not None else None
        if question is not None and value is not None:
            found.append((question.label, display_value(question, value)))
    return tuple(found)


def outcomes(tree: QuestionTree, state: JourneyState, today: date) -> list[IndicatedOutcome]:
    """Support types indicated by the answers on the path (answers off it are not read).

    Before the journey is complete, an outcome whose questions are not answered yet is not
    indicated. Once it is complete, a condition that cannot be decided raises
    :class:`~familyhubs_sdk.errors.ConditionError`, never reads as "no" (:func:`check_tree`
    reports such a condition before the tree is used).
    """
    ctx = path_context(tree, state, today)
    complete = is_complete(tree, state, today)
    indicated = []
    for outcome in tree.outcomes:
        try:
            if not outcome.condition.evaluate(ctx):
                continue
        except UnansweredQuestionError:
            if complete:
                raise
            continue
        indicated.append(
            IndicatedOutcome(outcome.id, outcome.label, _reasons(tree, ctx, outcome.condition))
        )
    return indicated


def declaration(tree: QuestionTree, state: JourneyState, today: date) -> Declaration | None:
    """The declaration check your answers shows for ``state``: the first in
    ``copy.declarations`` whose condition holds on the current path, or ``None`` when none does
    (or the tree has none: the host's template then has its own).

    >>> from familyhubs_sdk.questiontree import answer, load_tree, start
    >>> tree = load_tree('''
    ... id: tiny
    ... version: "1"
    ... title: Tiny
    ... start: consent
    ... questions:
    ...   - {id: consent, kind: yes_no, label: "Has the family agreed?"}
    ... conditions:
    ...   agreed: {equals: [consent, "yes"]}
    ... copy:
    ...   declarations:
    ...     - {when: agreed, text: The family has agreed to this request.}
    ...     - {text: The family has not agreed to this request.}
    ... ''')
    >>> today = date(2026, 1, 1)
    >>> declaration(tree, answer(tree, start(tree), "consent", "no", today).state, today).text
    'The family has not agreed to this request.'

    A condition that cannot be decided raises :class:`~familyhubs_sdk.errors.ConditionError`;
    :func:`check_tree` reports one that reads a question not answered on every path to the end.
    """
    ctx = path_context(tree, state, today)
    for item in tree.form_copy.declarations:
        if item.condition is None or item.condition.evaluate(ctx):
            return item
    return None
