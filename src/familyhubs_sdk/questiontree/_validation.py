"""Turn what was posted into an answer, or a GOV.UK-style error message with a stable code."""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any

from familyhubs_sdk._text import unsafe_character
from familyhubs_sdk.questiontree._conditions import Answer
from familyhubs_sdk.questiontree._model import Question

__all__ = ["FieldError", "coerce", "nhs_number_is_valid"]

_EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")
_POSTCODE = re.compile(r"^([A-Z]{1,2}[0-9][A-Z0-9]?) ?([0-9][A-Z]{2})$")
SHORT_TEXT_MAX = 200
LONG_TEXT_MAX = 5000
RawValue = str | Sequence[str] | Mapping[str, str] | None


@dataclass(frozen=True)
class FieldError:
    """Why an answer was refused: ``code`` for analytics, ``message`` for the page."""

    code: str
    message: str
    #: For dates, the parts at fault ("day", "month", "year"); empty means the whole field.
    parts: tuple[str, ...] = ()


def nhs_number_is_valid(digits: str) -> bool:
    """Modulus 11 check of a 10-digit NHS number."""
    if not re.fullmatch(r"\d{10}", digits):
        return False
    total = sum(int(d) * (10 - i) for i, d in enumerate(digits[:9]))
    check = 11 - total % 11
    check = 0 if check == 11 else check
    return check != 10 and check == int(digits[9])


def _name(question: Question) -> str:
    label = question.label.rstrip("?").strip()
    return label[0].lower() + label[1:] if label[:2] != label[:2].upper() else label


def _error(question: Question, code: str, default: str, parts: tuple[str, ...] = ()) -> FieldError:
    return FieldError(code, question.messages.get(code, default), parts)


def coerce(question: Question, raw: RawValue, today: date) -> Answer | FieldError:
    """The answer to store for ``raw`` (``None``: an optional question left empty), or an error.

    Control characters are refused in every answer (NUL in any); tab, line breaks, bidi controls
    and zero-width characters in every answer but ``long_text`` (names, email addresses, phone
    numbers are one line, and must look like what they are).
    """
    kind = question.kind
    if kind == "multiple_choice":
        return _multiple(question, raw)
    if kind == "date":
        return _date(question, raw, today)
    text = (
        raw if isinstance(raw, str) else (raw[0] if isinstance(raw, list | tuple) and raw else "")
    )
    text = str(text).strip()
    if unsafe_character(text, single_line=kind != "long_text") is not None:
        return _error(
            question,
            "invalid_characters",
            f"{question.label.rstrip('?')} must only include letters, numbers, spaces "
            "and punctuation you can see",
        )
    if not text:
        if not question.required:
            return None
        verb = "Select" if kind in ("single_choice", "yes_no") else "Enter"
        what = "an answer" if verb == "Select" else _name(question)
        return _error(question, "required", f"{verb} {what}")
    if kind in ("single_choice", "yes_no"):
        if text not in {o.value for o in question.options}:
            return _error(question, "invalid_option", "Select one of the options")
        return text
    handler = _TEXT_KINDS[kind]
    result: Answer | FieldError = handler(question, text)
    return result


def _multiple(question: Question, raw: RawValue) -> Answer | FieldError:
    values = (
        [raw] if isinstance(raw, str) else list(raw or []) if not isinstance(raw, Mapping) else []
    )
    values = [str(v) for v in values if str(v).strip()]
    if not values:
        if not question.required:
            return []
        return _error(question, "required", "Select all that apply")
    allowed = {o.value for o in question.options}
    if any(v not in allowed for v in values) or len(set(values)) != len(values):
        return _error(question, "invalid_option", "Select from the options shown")
    exclusive = {o.value for o in question.options if o.exclusive}
    if exclusive & set(values) and len(values) > 1:
        none_label = next(o.label for o in question.options if o.exclusive)
        return _error(
            question,
            "exclusive_conflict",
            f"Select ‘{none_label}’ on its own, or the options that apply",
        )
    order = [o.value for o in question.options]
    return sorted(values, key=order.index)


def _date(question: Question, raw: RawValue, today: date) -> Answer | FieldError:
    parts = {k: str(v).strip() for k, v in raw.items()} if isinstance(raw, Mapping) else {}
    day, month, year = (parts.get(k, "") for k in ("day", "month", "year"))
    name = question.messages.get("name", "The date")
    if not (day or month or year):
        if not question.required:
            return None
        return _error(question, "required", f"Enter {name[0].lower() + name[1:]}")
    missing = tuple(k for k, v in (("day", day), ("month", month), ("year", year)) if not v)
    if missing:
        return _error(
            question, "date_incomplete", f"{name} must include a {' and '.join(missing)}", missing
        )
    try:
        value = date(int(year), int(month), int(day))
    except ValueError:
        return _error(question, "date_invalid", f"{name} must be a real date")
    if len(year) != 4:
        return _error(question, "date_invalid", f"{name} must be a real date", ("year",))
    if question.date_rule == "past" and value >= today:
        return _error(question, "date_not_past", f"{name} must be in the past")
    if question.date_rule == "future" and value < today:
        return _error(question, "date_not_future", f"{name} must be today or in the future")
    return value.isoformat()


def _text(question: Question, text: str) -> Answer | FieldError:
    limit = question.max_length or (
        LONG_TEXT_MAX if question.kind == "long_text" else SHORT_TEXT_MAX
    )
    if len(text) > limit:
        return _error(
            question,
            "too_long",
            f"{question.label.rstrip('?')} must be {limit} characters or fewer",
        )
    return text


def _number(question: Question, text: str) -> Answer | FieldError:
    try:
        value = float(text.replace(",", ""))
    except ValueError:
        return _error(question, "not_a_number", f"Enter {_name(question)} as a number")
    if value != value or value in (float("inf"), float("-inf")):
        return _error(question, "not_a_number", f"Enter {_name(question)} as a number")
    if question.minimum is not None and value < question.minimum:
        return _error(question, "too_small", f"The number must be {question.minimum:g} or more")
    if question.maximum is not None and value > question.maximum:
        return _error(question, "too_large", f"The number must be {question.maximum:g} or less")
    return int(value) if value.is_integer() else value


def _email(question: Question, text: str) -> Answer | FieldError:
    if len(text) > 254 or not _EMAIL.match(text):
        return _error(
            question,
            "email_invalid",
            "Enter an email address in the correct format, like name@example.com",
        )
    return text


def _phone(question: Question, text: str) -> Answer | FieldError:
    digits = re.sub(r"[\s\-()]", "", text)
    if digits.startswith("+44"):
        digits = "0" + digits[3:]
    if not re.fullmatch(r"0\d{9,10}", digits):
        return _error(
            question,
            "phone_invalid",
            "Enter a UK phone number, like 01632 960 001 or 07700 900 982",
        )
    return digits


def _postcode(question: Question, text: str) -> Answer | FieldError:
    match = _POSTCODE.match(re.sub(r"\s+", " ", text.upper()))
    if match is None:
        return _error(question, "postcode_invalid", "Enter a real postcode")
    return f"{match.group(1)} {match.group(2)}"


def _nhs(question: Question, text: str) -> Answer | FieldError:
    digits = re.sub(r"[\s\-]", "", text)
    if not nhs_number_is_valid(digits):
        return _error(question, "nhs_number_invalid", "Enter a valid NHS number, like 943 476 5919")
    return digits


_TEXT_KINDS: dict[str, Any] = {
    "short_text": _text,
    "long_text": _text,
    "number": _number,
    "email": _email,
    "uk_phone": _phone,
    "postcode": _postcode,
    "nhs_number": _nhs,
}
