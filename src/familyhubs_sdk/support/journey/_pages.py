"""Build the GOV.UK component parameters and page models for each journey step (pure functions)."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from familyhubs_sdk.questiontree import Answer, FieldError, Progress, Question

__all__ = ["FIELD", "component_for", "field_values", "progress_view"]

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
    """``{"kind": ..., "params": ...}`` for the question page template."""
    heading = {
        "text": question.label,
        "isPageHeading": True,
        "classes": "govuk-fieldset__legend--l",
    }
    if question.kind in ("single_choice", "yes_no", "multiple_choice"):
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
            "fieldset": {"legend": heading},
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
    if question.kind == "date":
        parts = value if isinstance(value, Mapping) else _date_parts(value)
        at_fault = error.parts if error else ()
        return {
            "kind": "date",
            "params": {
                "id": FIELD,
                "namePrefix": FIELD,
                "fieldset": {"legend": heading},
                "hint": _hint(question),
                "errorMessage": _error(error),
                "errorItems": list(at_fault),
                "items": [
                    {
                        "name": "day",
                        "label": "Day",
                        "classes": "govuk-input--width-2",
                        "value": parts.get("day"),
                    },
                    {
                        "name": "month",
                        "label": "Month",
                        "classes": "govuk-input--width-2",
                        "value": parts.get("month"),
                    },
                    {
                        "name": "year",
                        "label": "Year",
                        "classes": "govuk-input--width-4",
                        "value": parts.get("year"),
                    },
                ],
            },
        }
    label = {"text": question.label, "isPageHeading": True, "classes": "govuk-label--l"}
    text = "" if value is None else str(value)
    if question.kind == "long_text":
        return {
            "kind": "textarea",
            "params": {
                "id": FIELD,
                "name": FIELD,
                "label": label,
                "hint": _hint(question),
                "errorMessage": _error(error),
                "value": text,
                "maxlength": question.max_length,
                "rows": 8,
            },
        }
    settings = dict(_INPUTS[question.kind])
    return {
        "kind": "input",
        "params": {
            "id": FIELD,
            "name": FIELD,
            "label": label,
            "hint": _hint(question),
            "errorMessage": _error(error),
            "value": text,
            **settings,
        },
    }


def _date_parts(value: Any) -> dict[str, str]:
    if isinstance(value, str) and len(value) == 10:
        year, month, day = value.split("-")
        return {"day": str(int(day)), "month": str(int(month)), "year": year}
    return {}


def progress_view(progress: Progress) -> dict[str, Any]:
    """The progress indicator's visible text and its accessible ``<progress>`` values."""
    maximum = max(progress.answered + progress.max_remaining, 1)
    return {
        "text": progress.text,
        "value": progress.answered,
        "max": maximum,
        "percent": round(100 * progress.fraction),
    }
