"""Turn what was posted into an answer, or a GOV.UK-style error message with a stable code.

What may be posted (``RawValue``): a string for most questions; a list of strings for multiple
choice (a single string is one choice); a mapping of ``day``, ``month`` and ``year`` for a date;
and, through the Python API, an ``int`` or ``float`` for a number (``9`` as well as ``"9"``).
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any

from familyhubs_sdk._text import unsafe_character
from familyhubs_sdk.questiontree._conditions import Answer
from familyhubs_sdk.questiontree._dates import DateBound, spoken
from familyhubs_sdk.questiontree._messages import Wording
from familyhubs_sdk.questiontree._model import Question

__all__ = ["FieldError", "RawValue", "coerce", "nhs_number_is_valid"]

_EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")
_POSTCODE = re.compile(r"^([A-Z]{1,2}[0-9][A-Z0-9]?) ?([0-9][A-Z]{2})$")
SHORT_TEXT_MAX = 200
LONG_TEXT_MAX = 5000
#: What a form posts for one question: text, a list of choices, date parts, or (from Python) a
#: number.
RawValue = str | int | float | Sequence[str] | Mapping[str, str | int] | None


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


def _error(question: Question, code: str, default: str, parts: tuple[str, ...] = ()) -> FieldError:
    return FieldError(code, question.messages.get(code, default), parts)


def _wording(question: Question) -> Wording:
    return Wording.of(question.kind, question.short_label)


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
    if kind == "number" and isinstance(raw, int | float) and not isinstance(raw, bool):
        # Through the text path: an int too large for a float reads as not a number, not a crash.
        return _number(question, str(raw))
    text = str(_one(raw)).strip()
    if unsafe_character(text, single_line=kind != "long_text") is not None:
        return _error(
            question,
            "invalid_characters",
            f"{_wording(question).subject} must only include letters, numbers, spaces "
            "and punctuation you can see",
        )
    if not text:
        if not question.required:
            return None
        if kind in ("single_choice", "yes_no"):
            return _error(question, "required", "Select an answer")
        return _error(question, "required", f"Enter {_wording(question).inner}")
    if kind in ("single_choice", "yes_no"):
        if text not in {o.value for o in question.options}:
            return _error(question, "invalid_option", "Select one of the options")
        return text
    handler = _TEXT_KINDS[kind]
    result: Answer | FieldError = handler(question, text)
    return result


def _one(raw: RawValue) -> object:
    """The one value posted for a single-value question (the first, if a list came)."""
    if isinstance(raw, list | tuple):
        return raw[0] if raw else ""
    if isinstance(raw, bool) or raw is None or isinstance(raw, Mapping):
        return ""
    return raw


def _multiple(question: Question, raw: RawValue) -> Answer | FieldError:
    values = [raw] if isinstance(raw, str) else list(raw) if isinstance(raw, list | tuple) else []
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
    words = _wording(question)
    if not (day or month or year):
        if not question.required:
            return None
        return _error(question, "required", f"Enter {words.inner}")
    missing = tuple(k for k, v in (("day", day), ("month", month), ("year", year)) if not v)
    if missing:
        return _error(
            question,
            "date_incomplete",
            f"{words.subject} must include a {' and '.join(missing)}",
            missing,
        )
    if not (day.isdigit() and month.isdigit() and year.isdigit()):
        return _error(question, "date_invalid", f"{words.subject} must be a real date")
    if len(year) != 4:
        return _error(question, "date_year_format", "Year must include 4 numbers", ("year",))
    try:
        value = date(int(year), int(month), int(day))
    except (ValueError, OverflowError):  # e.g. 31 February, or a day of 99999999999
        return _error(question, "date_invalid", f"{words.subject} must be a real date")
    return _date_in_range(question, value, today, words)


def _date_in_range(
    question: Question, value: date, today: date, words: Wording
) -> Answer | FieldError:
    if question.date_rule == "past" and value >= today:
        return _error(question, "date_not_past", f"{words.subject} must be in the past")
    if question.date_rule == "future" and value < today:
        return _error(
            question, "date_not_future", f"{words.subject} must be today or in the future"
        )
    low, high = question.date_bounds
    if low is not None and value < low.on(today):
        return _error(
            question, "date_too_early", _range_message(words, low, high, today, after=True)
        )
    if high is not None and value > high.on(today):
        return _error(
            question, "date_too_late", _range_message(words, high, low, today, after=False)
        )
    return value.isoformat()


def _range_message(
    words: Wording, bound: DateBound, other: DateBound | None, today: date, *, after: bool
) -> str:
    """GOV.UK's wording for a date on the wrong side of ``bound`` (the earliest date when
    ``after``, else the latest): "…must be between 1 June 2001 and 1 March 2027" when ``other``
    bounds it too, "…must be today or in the past", "…must be the same as or after 1 September
    2020"."""
    subject = words.subject
    if other is not None:
        first, last = (bound, other) if after else (other, bound)
        return f"{subject} must be between {spoken(first.on(today))} and {spoken(last.on(today))}"
    if bound.is_today:
        return f"{subject} must be today or in the {'future' if after else 'past'}"
    if bound.fixed is None and (bound.amount, bound.unit) == ((1 if after else -1), "d"):
        return f"{subject} must be in the {'future' if after else 'past'}"
    side = "after" if after else "before"
    return f"{subject} must be the same as or {side} {spoken(bound.on(today))}"


def _text(question: Question, text: str) -> Answer | FieldError:
    limit = question.max_length or (
        LONG_TEXT_MAX if question.kind == "long_text" else SHORT_TEXT_MAX
    )
    if len(text) > limit:
        return _error(
            question,
            "too_long",
            f"{_wording(question).subject} must be {limit:,} characters or fewer",
        )
    return text


def _number(question: Question, text: str) -> Answer | FieldError:
    try:
        value = float(text.replace(",", ""))
    except ValueError:
        value = float("nan")
    return _number_value(question, value)


def _number_value(question: Question, value: float) -> Answer | FieldError:
    subject = _wording(question).subject
    if value != value or value in (float("inf"), float("-inf")):
        return _error(question, "not_a_number", f"{subject} must be a number")
    if question.whole_number and not value.is_integer():
        return _error(question, "not_whole_number", f"{subject} must be a whole number")
    low, high = question.number_bounds
    too_small = low is not None and value < low
    if too_small or (high is not None and value > high):
        if low is not None and high is not None:
            message = f"{subject} must be between {low:g} and {high:g}"
        elif low is not None:
            message = f"{subject} must be {low:g} or more"
        else:
            message = f"{subject} must be {high:g} or less"
        return _error(question, "too_small" if too_small else "too_large", message)
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
