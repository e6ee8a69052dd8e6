"""What check-your-answers shows, and the support types the answers indicate."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from familyhubs_sdk.errors import UnansweredQuestionError
from familyhubs_sdk.questiontree._conditions import Answer, Condition
from familyhubs_sdk.questiontree._engine import JourneyState, lookups, path_answers
from familyhubs_sdk.questiontree._model import Question, QuestionTree

__all__ = ["IndicatedOutcome", "SummaryRow", "display_value", "outcomes", "summary"]


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
        day = date.fromisoformat(str(value))
        return f"{day.day} {day:%B %Y}"
    return str(value)


def summary(tree: QuestionTree, state: JourneyState, today: date) -> list[SummaryRow]:
    """Every answered question on the path, in order; answers off the path are left out."""
    rows = []
    for step, value in path_answers(tree, state, today):
        if step.question is None:  # pragma: no cover - path_answers yields questions only
            continue
        group = step.group
        rows.append(
            SummaryRow(
                address=step.address,
                question_id=step.question.id,
                label=step.question.label,
                value=display_value(step.question, value),
                section=(group.section if group else step.question.section),
                repeat_label=(
                    f"{group.item_label.capitalize()} {(step.index or 0) + 1}" if group else None
                ),
            )
        )
    return rows


def _reasons(
    tree: QuestionTree, state: JourneyState, condition: Condition
) -> tuple[tuple[str, str], ...]:
    found = []
    for qid in dict.fromkeys(condition.questions()):
        question = tree.question_index.get(qid)
        if question is not None and qid in state.answers:
            found.append((question.label, display_value(question, state.answers[qid])))
    return tuple(found)


def outcomes(tree: QuestionTree, state: JourneyState, today: date) -> list[IndicatedOutcome]:
    """Support types indicated so far. An outcome whose questions are not answered yet is not
    indicated; any other evaluation error is raised, never read as "no"."""
    on_path = {step.address for step, _ in path_answers(tree, state, today)}
    visible = state.model_copy(
        update={"answers": {k: v for k, v in state.answers.items() if k in on_path}}
    )
    _top, ctx = lookups(tree, visible, today)
    indicated = []
    for outcome in tree.outcomes:
        try:
            if not outcome.condition.evaluate(ctx):
                continue
        except UnansweredQuestionError:
            continue
        indicated.append(
            IndicatedOutcome(outcome.id, outcome.label, _reasons(tree, visible, outcome.condition))
        )
    return indicated
