"""Resume a saved journey on a newer version of its tree, keeping every answer still valid."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from familyhubs_sdk.questiontree._dynamic import all_values
from familyhubs_sdk.questiontree._engine import JourneyState
from familyhubs_sdk.questiontree._model import Option, QuestionTree
from familyhubs_sdk.questiontree._validation import FieldError, coerce

__all__ = ["Migration", "migrate_state"]


@dataclass(frozen=True)
class Migration:
    """The state on the new tree and the addresses of the answers that could not be kept."""

    state: JourneyState
    dropped: tuple[str, ...]


def _question(tree: QuestionTree, address: str):  # type: ignore[no-untyped-def]
    if "." not in address:
        return tree.question_index.get(address)
    group_part, qid = address.split(".", 1)
    group = tree.group_index.get(group_part.split("[", 1)[0])
    return None if group is None else next((q for q in group.questions if q.id == qid), None)


def _raw(value: object) -> object:
    if isinstance(value, str) and len(value) == 10 and value[4] == "-" and value[7] == "-":
        year, month, day = value.split("-")
        return {"day": day, "month": month, "year": year}
    return value if not isinstance(value, int | float) else str(value)


def migrate_state(tree: QuestionTree, state: JourneyState, today: date) -> Migration:
    """Re-validate every answer against ``tree``; keep what still fits, report what does not."""
    if state.tree_id != tree.id:
        raise ValueError(f"state belongs to tree {state.tree_id!r}, not {tree.id!r}")
    kept, dropped = {}, []
    for address, value in state.answers.items():
        question = _question(tree, address)
        if question is not None and question.options_from:
            # Which repetitions exist is only known once every answer is in: keep any value
            # the question can ever offer.
            everything = tuple(Option(value=v, label=v) for v in sorted(all_values(tree, question)))
            question = question.model_copy(update={"options": everything})
        checked = None if question is None else coerce(question, _raw(value), today)  # type: ignore[arg-type]
        if question is None or isinstance(checked, FieldError):
            dropped.append(address)
        else:
            kept[address] = checked
    repeats = {g: n for g, n in state.repeats.items() if g in tree.group_index}
    migrated = JourneyState(
        tree_id=tree.id,
        tree_version=tree.version,
        answers=kept,
        repeats=repeats,
        closed=frozenset(g for g in state.closed if g in tree.group_index),
    )
    return Migration(migrated, tuple(sorted(dropped)))
