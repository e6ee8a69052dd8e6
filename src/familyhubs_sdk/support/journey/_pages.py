"""View models of the journey's steps (pure functions): a question page with its GOV.UK
component's parameters, and a repeating group's "add another?" page.

Each builder returns the ``page`` dict its template under ``familyhubs/support/`` takes; the
frame every step shares (back link, progress, section caption, form target) comes first.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any

from familyhubs_sdk.questiontree import (
    Answer,
    FieldError,
    Group,
    JourneyState,
    Question,
    QuestionTree,
    Step,
    back,
    progress,
    question_options,
)
from familyhubs_sdk.support.journey._paths import step_href
from familyhubs_sdk.support.journey._progress_view import ProgressStyle, progress_view

__all__ = [
    "FIELD",
    "FormTarget",
    "StepView",
    "add_another_error",
    "add_another_page",
    "component_for",
    "field_values",
    "question_page",
    "remove_error",
    "remove_page",
    "step_frame",
]

#: The form field a question page posts its answer in (dates post FIELD-day, -month, -year).
FIELD = "answer"

_INPUTS: Mapping[str, dict[str, Any]] = {
    "short_text": {"type": "text", "spellcheck": None},
    "email": {"type": "email", "autocomplete": "email", "spellcheck": False},
    "uk_phone": {"type": "tel", "autocomplete": "tel", "classes": "govuk-input--width-20"},
    "postcode": {"type": "text", "autocomplete": "postal-code", "classes": "govuk-input--width-10"},
    "nhs_number": {
        "type": "text",
        "inputmode": "numeric",
        "spellcheck": False,
        "classes": "govuk-input--width-10",
    },
    "number": {"type": "text", "inputmode": "decimal", "classes": "govuk-input--width-10"},
}


def _hint(question: Question) -> dict[str, str] | None:
    return {"text": question.hint} if question.hint else None


def _error(error: FieldError | None) -> dict[str, str] | None:
    return {"text": error.message} if error else None


def field_values(form: Mapping[str, Sequence[str]], question: Question) -> Any:
    """What a question page posted, in the shape the engine's coercion expects."""
    if question.kind == "date":
        return {part: (form.get(f"{FIELD}-{part}") or [""])[0] for part in ("day", "month", "year")}
    values = list(form.get(FIELD) or [])
    return values if question.kind == "multiple_choice" else (values[0] if values else "")


def component_for(
    question: Question, value: Answer | Any, error: FieldError | None
) -> dict[str, Any]:
    """``{"kind": ..., "params": ...}`` for the question page template: the GOV.UK component
    for the question's kind, showing ``value`` and ``error``."""
    if question.kind in ("single_choice", "yes_no", "multiple_choice"):
        return _choices(question, value, error)
    if question.kind == "date":
        return _date(question, value, error)
    return _text(question, value, error)


def _legend(question: Question) -> dict[str, Any]:
    """The question as the page heading, in a fieldset's legend."""
    return {"text": question.label, "isPageHeading": True, "classes": "govuk-fieldset__legend--l"}


def _choices(question: Question, value: Any, error: FieldError | None) -> dict[str, Any]:
    selected = value if isinstance(value, list) else [value]
    items: list[dict[str, Any]] = []
    for option in question.options:
        if option.exclusive:
            items.append({"divider": "or"})
        item: dict[str, Any] = {
            "value": option.value,
            "text": option.label,
            "checked": option.value in selected,
        }
        if option.hint:
            item["hint"] = {"text": option.hint}
        if option.exclusive:
            item["behaviour"] = "exclusive"
        items.append(item)
    params = {
        "idPrefix": FIELD,
        "name": FIELD,
        "fieldset": {"legend": _legend(question)},
        "hint": _hint(question),
        "errorMessage": _error(error),
        "items": items,
    }
    if question.kind == "yes_no":
        params["classes"] = "govuk-radios--inline"
    return {
        "kind": "checkboxes" if question.kind == "multiple_choice" else "radios",
        "params": params,
    }


_DATE_PARTS = (("day", "Day", 2), ("month", "Month", 2), ("year", "Year", 4))


def _date(question: Question, value: Any, error: FieldError | None) -> dict[str, Any]:
    parts = value if isinstance(value, Mapping) else _date_parts(value)
    return {
        "kind": "date",
        "params": {
            "id": FIELD,
            "namePrefix": FIELD,
            "fieldset": {"legend": _legend(question)},
            "hint": _hint(question),
            "errorMessage": _error(error),
            "errorItems": list(error.parts if error else ()),
            "items": [
                {
                    "name": name,
                    "label": label,
                    "classes": f"govuk-input--width-{width}",
                    "value": parts.get(name),
                }
                for name, label, width in _DATE_PARTS
            ],
        },
    }


def _text(question: Question, value: Any, error: FieldError | None) -> dict[str, Any]:
    params: dict[str, Any] = {
        "id": FIELD,
        "name": FIELD,
        "label": {"text": question.label, "isPageHeading": True, "classes": "govuk-label--l"},
        "hint": _hint(question),
        "errorMessage": _error(error),
        "value": "" if value is None else str(value),
    }
    if question.kind == "long_text":
        return {
            "kind": "textarea",
            "params": {**params, "maxlength": question.max_length, "rows": 8},
        }
    return {"kind": "input", "params": {**params, **_INPUTS[question.kind]}}


def _date_parts(value: Any) -> dict[str, str]:
    if isinstance(value, str) and len(value) == 10:
        year, month, day = value.split("-")
        return {"day": str(int(day)), "month": str(int(month)), "year": year}
    return {}


@dataclass(frozen=True, slots=True)
class FormTarget:
    """Where a page's form posts, and the host's CSRF field and token to post with it."""

    action: str
    csrf_field: str
    csrf_token: str

    def fields(self) -> dict[str, str]:
        """The ``action``, ``csrf_field`` and ``csrf_token`` the page templates read."""
        return {
            "action": self.action,
            "csrf_field": self.csrf_field,
            "csrf_token": self.csrf_token,
        }


@dataclass(frozen=True, slots=True)
class StepView:
    """One step on the journey's path, as its page sees it: the tree and the journey's state on
    ``today``, where the journey is mounted (``base``, no trailing slash), and whether the step
    is being changed from check your answers."""

    tree: QuestionTree
    state: JourneyState
    step: Step
    today: date
    base: str
    change: bool = False
    #: How the form shows progress, and the highest percentage the bar has shown so far.
    progress_style: ProgressStyle = "section"
    progress_shown: int = 0


def step_frame(view: StepView, form: FormTarget, *, can_save: bool) -> dict[str, Any]:
    """What every step page shows around its question: the back link (to check your answers
    when changing), progress, the section's title as a caption, and the form's target."""
    step = view.step
    previous = back(view.tree, view.state, step.address, view.today)
    if view.change:
        back_href: str | None = f"{view.base}/check"
    else:
        back_href = step_href(view.base, previous) if previous is not None else None
    section_id = (step.group.section if step.group else None) or (
        step.question.section if step.question else None
    )
    section = view.tree.section_index.get(section_id) if section_id else None
    shown = progress_view(
        view.tree,
        progress(view.tree, view.state, view.today),
        section_id=section_id,
        style=view.progress_style,
        shown=view.progress_shown,
    )
    return {
        "back_href": back_href,
        "progress": shown,
        # "Section 3 of 6: The family" names the section already: no caption to repeat it.
        "caption": section.title if section and shown["style"] != "section" else None,
        **form.fields(),
        "can_save": can_save,
    }


def _error_href(question: Question, error: FieldError) -> str:
    """Where the error summary links: the part at fault, or a date's first box."""
    if error.parts:
        return f"#{FIELD}-{error.parts[0]}"
    return f"#{FIELD}-day" if question.kind == "date" else f"#{FIELD}"


def question_page(
    view: StepView,
    form: FormTarget,
    *,
    value: Any,
    error: FieldError | None,
    can_save: bool,
) -> dict[str, Any]:
    """The page model of ``familyhubs/support/question.html`` for a question step, showing
    ``value`` (the stored answer, or what was just posted) and ``error``."""
    question = view.step.question
    if question is None:
        raise ValueError(f"{view.step.address!r} is not a question")
    if question.options_from:  # "Who else is affected?": the people named earlier, by name
        live = question_options(view.tree, view.state, view.step.address, view.today)
        question = question.model_copy(update={"options": live})
    return {
        **step_frame(view, form, can_save=can_save),
        "errors": [{"text": error.message, "href": _error_href(question, error)}] if error else [],
        "guidance": question.guidance,
        "component": component_for(question, value, error),
        "title": question.label,
    }


def add_another_error(group: Group) -> FieldError:
    """The error when neither yes nor no is chosen on a group's "add another?" page (its words
    are the template's: ``add_another.html``)."""
    return FieldError("required", "")


def remove_error() -> FieldError:
    """The error when neither yes nor no is chosen on a "remove?" page (worded in
    ``remove.html``)."""
    return FieldError("required", "")


def _entry_title(view: StepView, group: Group, index: int) -> str:
    """What the person typed that names repetition ``index``: "Sam Example", or ``""``."""
    if not group.title_question:
        return ""
    title = view.state.answers.get(f"{group.id}[{index}].{group.title_question}")
    return str(title) if title else ""


def _entries(view: StepView, group: Group, count: int) -> list[dict[str, Any]]:
    return [
        {
            "number": index + 1,
            "summary": _entry_title(view, group, index),
            "change_href": f"{view.base}/{group.id}/{index + 1}/{group.questions[0].id}",
            # A link to its own page that asks first: no submit button here removes anything.
            "remove_href": f"{view.base}/{group.id}/remove/{index + 1}"
            if count > group.min_repeats
            else None,
        }
        for index in range(count)
    ]


def _group_words(group: Group) -> dict[str, str]:
    """The names the templates word a group's pages with: "child", "children"."""
    return {"item_label": group.item_label, "plural": group.plural}


def add_another_page(
    view: StepView, form: FormTarget, *, error: FieldError | None, can_save: bool
) -> dict[str, Any]:
    """The page model of ``familyhubs/support/add_another.html``: the repetitions so far, each
    with change and (above the group's minimum) a link to remove it, then "add another?" with
    Continue, the form's only submit button (so Enter continues)."""
    group = view.step.group
    if group is None:
        raise ValueError(f"{view.step.address!r} is not an add-another step")
    count = view.step.index or 0
    return {
        **step_frame(view, form, can_save=can_save),
        "errors": [{"href": "#add"}] if error else [],
        "error": error is not None,
        "count": count,
        "group": _group_words(group),
        "max_repeats": group.max_repeats,
        "entries": _entries(view, group, count),
        "can_add": count < group.max_repeats,
    }


def remove_page(
    view: StepView, form: FormTarget, *, number: int, error: FieldError | None
) -> dict[str, Any]:
    """The page model of ``familyhubs/support/remove.html``: "Are you sure you want to remove
    Child 1?" with yes/no radios; nothing is removed until "yes" is posted."""
    group = view.step.group
    if group is None:
        raise ValueError(f"{view.step.address!r} is not an add-another step")
    return {
        "back_href": step_href(view.base, view.step.address, change=view.change),
        "progress": None,
        "caption": None,
        **form.fields(),
        "errors": [{"href": "#remove"}] if error else [],
        "error": error is not None,
        "group": _group_words(group),
        "number": number,
        "summary": _entry_title(view, group, number - 1),
    }
