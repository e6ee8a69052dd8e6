"""Every error code: documented, given by its kinds, worded by GOV.UK's patterns, rewordable."""

from __future__ import annotations

import re
from datetime import date
from pathlib import Path
from typing import Any

import pytest

from familyhubs_sdk.questiontree import FieldError, Question
from familyhubs_sdk.questiontree._messages import ERROR_CODES, codes_for
from familyhubs_sdk.questiontree._validation import coerce

TODAY = date(2026, 6, 1)
DOCS = Path(__file__).resolve().parents[3] / "docs" / "question-trees.md"
OPTIONS = [{"value": "a", "label": "A"}, {"value": "none", "label": "None", "exclusive": True}]

# code: (question settings, what to post)
TRIGGERS: dict[str, tuple[dict[str, Any], Any]] = {
    "required": ({"kind": "short_text"}, ""),
    "invalid_characters": ({"kind": "short_text"}, "a\x00"),
    "invalid_option": ({"kind": "single_choice", "options": OPTIONS[:1]}, "zzz"),
    "exclusive_conflict": ({"kind": "multiple_choice", "options": OPTIONS}, ["a", "none"]),
    "too_long": ({"kind": "short_text", "max_length": 3}, "abcd"),
    "not_a_number": ({"kind": "number"}, "x"),
    "not_whole_number": ({"kind": "number", "whole_number": True}, "1.5"),
    "too_small": ({"kind": "number", "minimum": 5}, "1"),
    "too_large": ({"kind": "number", "maximum": 5}, "9"),
    "date_incomplete": ({"kind": "date"}, {"day": "1", "month": "", "year": "2020"}),
    "date_invalid": ({"kind": "date"}, {"day": "31", "month": "2", "year": "2020"}),
    "date_year_format": ({"kind": "date"}, {"day": "1", "month": "2", "year": "20"}),
    "date_not_past": (
        {"kind": "date", "date_rule": "past"},
        {"day": "1", "month": "1", "year": "2030"},
    ),
    "date_not_future": (
        {"kind": "date", "date_rule": "future"},
        {"day": "1", "month": "1", "year": "2020"},
    ),
    "date_too_early": (
        {"kind": "date", "minimum": "today"},
        {"day": "1", "month": "1", "year": "2020"},
    ),
    "date_too_late": (
        {"kind": "date", "maximum": "today"},
        {"day": "1", "month": "1", "year": "2030"},
    ),
    "email_invalid": ({"kind": "email"}, "nope"),
    "phone_invalid": ({"kind": "uk_phone"}, "123"),
    "postcode_invalid": ({"kind": "postcode"}, "nope"),
    "nhs_number_invalid": ({"kind": "nhs_number"}, "943 476 5918"),
}


def documented_codes() -> list[str]:
    text = DOCS.read_text(encoding="utf-8").split("## Error messages", 1)[1]
    section = re.split(r"\n##+ ", text, maxsplit=1)[0]
    return re.findall(r"^\| `([a-z_]+)` \|", section, re.MULTILINE)


def test_the_docs_list_every_error_code_in_order() -> None:
    assert documented_codes() == list(ERROR_CODES)


def test_every_code_has_a_trigger_here() -> None:
    assert set(TRIGGERS) == set(ERROR_CODES)


def ask(settings: dict[str, Any], raw: Any, **extra: Any) -> FieldError:
    question = Question(
        id="q", label="Why has the parent or carer not agreed?", **settings, **extra
    )
    result = coerce(question, raw, TODAY)
    assert isinstance(result, FieldError), result
    return result


@pytest.mark.parametrize("code", list(ERROR_CODES))
def test_each_code_is_given_and_can_be_reworded(code: str) -> None:
    settings, raw = TRIGGERS[code]
    assert code in codes_for(settings["kind"])
    default = ask(settings, raw)
    assert default.code == code
    # Defaults never fit the label into a sentence: it is a question.
    assert "why has" not in default.message.lower()
    reworded = ask(settings, raw, messages={code: "Your own words"})
    assert (reworded.code, reworded.message) == (code, "Your own words")


@pytest.mark.parametrize(
    ("settings", "raw", "message"),
    [
        ({"kind": "long_text"}, "", "Enter an answer"),
        (
            {"kind": "long_text", "short_label": "why they have not agreed"},
            "",
            "Enter why they have not agreed",
        ),
        ({"kind": "yes_no"}, "", "Select an answer"),
        ({"kind": "multiple_choice", "options": OPTIONS}, [], "Select all that apply"),
        ({"kind": "email"}, "", "Enter an email address"),
        (
            {"kind": "nhs_number", "short_label": "the child’s NHS number"},
            "",
            "Enter the child’s NHS number",
        ),
        (
            {"kind": "short_text", "short_label": "the family’s name", "max_length": 3},
            "abcd",
            "The family’s name must be 3 characters or fewer",
        ),
        ({"kind": "long_text"}, "x" * 5001, "The answer must be 5,000 characters or fewer"),
        (
            {"kind": "short_text", "short_label": "NHS number"},
            "a\x00",
            "NHS number must only include letters, numbers, spaces and punctuation you can see",
        ),
        ({"kind": "date", "short_label": "date of birth"}, {}, "Enter date of birth"),
        (
            {"kind": "date", "short_label": "date of birth"},
            {"day": "", "month": "3", "year": ""},
            "Date of birth must include a day and year",
        ),
    ],
)
def test_default_wording(settings: dict[str, Any], raw: Any, message: str) -> None:
    assert ask(settings, raw).message == message


def test_single_value_questions_ignore_odd_shapes() -> None:
    question = Question(id="q", kind="short_text", label="Q")
    assert coerce(question, {"day": "1"}, TODAY) == FieldError("required", "Enter an answer")
    assert coerce(question, [], TODAY) == FieldError("required", "Enter an answer")
    assert coerce(question, 42, TODAY) == "42"
    choices = Question(id="q", kind="multiple_choice", label="Q", options=OPTIONS)  # type: ignore[arg-type]
    assert isinstance(coerce(choices, 5, TODAY), FieldError)
