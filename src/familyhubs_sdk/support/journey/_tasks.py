"""The task list view of a journey: each section with its status, as the GOV.UK task list
pattern shows long forms — an optional overview beside the question-by-question pages.

Statuses follow the pattern: "Completed", "In progress", "Not yet started" (a link) and "Cannot
start yet" (no link, until the sections before it are done). "Check answers and send" comes last.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from familyhubs_sdk.questiontree import JourneyState, QuestionTree, walk
from familyhubs_sdk.questiontree._engine import Step
from familyhubs_sdk.questiontree._model import END

__all__ = ["Task", "tasks"]


@dataclass(frozen=True, slots=True)
class Task:
    """One line of the task list. ``address`` is where its link goes (``None``: no link yet);
    ``title`` is ``None`` for the last task, "check your answers and send", worded by the
    template."""

    title: str | None
    status: str  # completed, in_progress, not_started, cannot_start
    address: str | None


def _section(tree: QuestionTree, step: Step) -> str | None:
    if step.group is not None and step.group.section:
        return step.group.section
    return step.question.section if step.question else None


def tasks(tree: QuestionTree, state: JourneyState, today: date) -> list[Task]:
    """The sections of ``tree`` in order, each with its status on ``state``'s path; then the
    "check answers" task, which starts once every question on the path is answered."""
    route = walk(tree, state, today)
    first: dict[str, str] = {}
    answered = route.steps[:-1] if route.current is not None else route.steps
    for step in answered:  # the walk's steps end with the current, unanswered one
        section_id = _section(tree, step)
        if section_id is not None:
            first.setdefault(section_id, step.address)
    current = _section(tree, route.current) if route.current is not None else None
    items: list[Task] = []
    reached_current = False
    for section in tree.sections:
        if route.current is not None and section.id == current:
            reached_current = True
            status = "in_progress" if section.id in first else "not_started"
            items.append(Task(section.title, status, first.get(section.id, route.current.address)))
        elif not reached_current:
            if section.id in first:  # else the answers so far skip this section: leave it out
                items.append(Task(section.title, "completed", first[section.id]))
        else:
            items.append(Task(section.title, "cannot_start", None))
    done = route.ending == END
    items.append(Task(None, "not_started" if done else "cannot_start",
                      "check" if done else None))  # fmt: skip
    return items
