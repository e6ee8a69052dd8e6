"""Every error an answer can get: its stable code, the kinds of question that give it, and its
default wording, following the GOV.UK Design System's error message patterns.

A question rewords any of its codes with ``messages:``. Defaults name the answer by the
question's ``short_label`` ("the child’s date of birth") when it has one, and otherwise by a
neutral name ("the date", "the number", "an answer"): a label is a question ("Why has the parent
or carer not agreed?") and does not fit inside a sentence.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

__all__ = ["ERROR_CODES", "ErrorCode", "Wording", "codes_for"]

_TEXT = frozenset({"short_text", "long_text"})
_TYPED = frozenset({"number", "email", "uk_phone", "postcode", "nhs_number"})
_SINGLE = frozenset({"single_choice", "yes_no"})
_ALL = _TEXT | _TYPED | _SINGLE | {"multiple_choice", "date"}


@dataclass(frozen=True)
class ErrorCode:
    """One error: the kinds of question that can give it and what it means (for the docs)."""

    kinds: frozenset[str]
    meaning: str


#: Every error code, in the order the docs list them.
ERROR_CODES: Mapping[str, ErrorCode] = {
    "required": ErrorCode(_ALL, "a required question was left empty"),
    "invalid_characters": ErrorCode(
        _TEXT | _TYPED | _SINGLE, "a control character, or a hidden one outside long text"
    ),
    "invalid_option": ErrorCode(_SINGLE | {"multiple_choice"}, "a value that is not an option"),
    "exclusive_conflict": ErrorCode(
        frozenset({"multiple_choice"}), "“None of these” selected with another option"
    ),
    "too_long": ErrorCode(_TEXT, "longer than max_length"),
    "not_a_number": ErrorCode(frozenset({"number"}), "not a number"),
    "not_whole_number": ErrorCode(frozenset({"number"}), "a decimal where whole_number is set"),
    "too_small": ErrorCode(frozenset({"number"}), "less than minimum"),
    "too_large": ErrorCode(frozenset({"number"}), "more than maximum"),
    "date_incomplete": ErrorCode(frozenset({"date"}), "a day, month or year is missing"),
    "date_invalid": ErrorCode(frozenset({"date"}), "not a real date (31 February)"),
    "date_year_format": ErrorCode(frozenset({"date"}), "a year without 4 numbers"),
    "date_not_past": ErrorCode(frozenset({"date"}), "today or later, with date_rule: past"),
    "date_not_future": ErrorCode(frozenset({"date"}), "before today, with date_rule: future"),
    "date_too_early": ErrorCode(frozenset({"date"}), "before minimum"),
    "date_too_late": ErrorCode(frozenset({"date"}), "after maximum"),
    "email_invalid": ErrorCode(frozenset({"email"}), "not an email address"),
    "phone_invalid": ErrorCode(frozenset({"uk_phone"}), "not a UK phone number"),
    "postcode_invalid": ErrorCode(frozenset({"postcode"}), "not a UK postcode"),
    "nhs_number_invalid": ErrorCode(frozenset({"nhs_number"}), "fails the NHS number check"),
}


def codes_for(kind: str) -> frozenset[str]:
    """The error codes a question of ``kind`` can give (and so can reword)."""
    return frozenset(code for code, error in ERROR_CODES.items() if kind in error.kinds)


#: What an answer is called without a short label, by kind: (inside a sentence, at its start).
_NEUTRAL: Mapping[str, tuple[str, str]] = {
    "date": ("a date", "The date"),
    "number": ("a number", "The number"),
    "email": ("an email address", "The email address"),
    "uk_phone": ("a phone number", "The phone number"),
    "postcode": ("a postcode", "The postcode"),
    "nhs_number": ("an NHS number", "The NHS number"),
}


@dataclass(frozen=True)
class Wording:
    """How default messages name one question's answer: ``inner`` inside a sentence ("Enter
    the child’s date of birth"), ``subject`` at its start ("The child’s date of birth must…")."""

    inner: str
    subject: str

    @classmethod
    def of(cls, kind: str, short_label: str | None) -> Wording:
        if short_label:
            # Only the first letter changes, and only upwards: "NHS number" stays as written.
            return cls(short_label, short_label[0].upper() + short_label[1:])
        return cls(*_NEUTRAL.get(kind, ("an answer", "The answer")))
