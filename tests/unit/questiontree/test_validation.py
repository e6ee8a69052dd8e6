"""Coercion and GOV.UK-style messages for every question kind."""

from __future__ import annotations

from datetime import date

import pytest

from familyhubs_sdk.questiontree import FieldError, Question
from familyhubs_sdk.questiontree._validation import coerce, nhs_number_is_valid

TODAY = date(2026, 6, 1)


def ask(kind: str, raw: object, **extra: object) -> object:
    question = Question(id="q", kind=kind, label="Your answer", **extra)  # type: ignore[arg-type]
    return coerce(question, raw, TODAY)  # type: ignore[arg-type]


def code(result: object) -> str:
    assert isinstance(result, FieldError), result
    return result.code


@pytest.mark.parametrize(
    ("kind", "raw", "stored"),
    [
        ("email", " sam@example.org ", "sam@example.org"),
        ("uk_phone", "+44 7700 900 982", "07700900982"),
        ("uk_phone", "(01632) 960-001", "01632960001"),
        ("postcode", "sw1a1aa", "SW1A 1AA"),
        ("postcode", "m1  1ae", "M1 1AE"),
        ("nhs_number", "943 476 5919", "9434765919"),
        ("number", "1,200", 1200),
        ("number", "2.5", 2.5),
        ("short_text", ["first", "second"], "first"),
        ("date", {"day": "01", "month": "02", "year": "2020"}, "2020-02-01"),
    ],
)
def test_valid_answers_are_stored_normalised(kind: str, raw: object, stored: object) -> None:
    assert ask(kind, raw) == stored


@pytest.mark.parametrize(
    ("kind", "raw", "expected", "extra"),
    [
        ("email", "not-an-email", "email_invalid", {}),
        ("uk_phone", "12345", "phone_invalid", {}),
        ("postcode", "NOTAPOSTCODE", "postcode_invalid", {}),
        ("nhs_number", "943 476 5918", "nhs_number_invalid", {}),
        ("number", "twelve", "not_a_number", {}),
        ("number", "nan", "not_a_number", {}),
        ("number", "-1", "too_small", {"minimum": 0}),
        ("number", "200", "too_large", {"maximum": 120}),
        ("short_text", "x" * 201, "too_long", {}),
        (
            "multiple_choice",
            ["a", "zzz"],
            "invalid_option",
            {"options": [{"value": "a", "label": "A"}]},
        ),
        (
            "multiple_choice",
            ["a", "a"],
            "invalid_option",
            {"options": [{"value": "a", "label": "A"}]},
        ),
        ("multiple_choice", [], "required", {"options": [{"value": "a", "label": "A"}]}),
        (
            "date",
            {"day": "1", "month": "1", "year": "2020"},
            "date_not_future",
            {"date_rule": "future"},
        ),
    ],
)
def test_invalid_answers_get_a_coded_message(
    kind: str, raw: object, expected: str, extra: dict
) -> None:
    assert code(ask(kind, raw, **extra)) == expected


def test_optional_questions_accept_nothing() -> None:
    assert ask("short_text", "", required=False) is None
    assert ask("date", {"day": "", "month": "", "year": ""}, required=False) is None
    assert ask("multiple_choice", [], required=False, options=[{"value": "a", "label": "A"}]) == []


def test_custom_messages_win() -> None:
    result = ask("email", "", messages={"required": "Enter your work email address"})
    assert isinstance(result, FieldError)
    assert result.message == "Enter your work email address"


def test_dates_in_the_future_are_allowed_from_today() -> None:
    assert (
        ask("date", {"day": "1", "month": "6", "year": "2026"}, date_rule="future") == "2026-06-01"
    )


def test_odd_input_shapes_are_refused_not_crashed() -> None:
    assert code(ask("date", "2020-01-01")) == "required"
    assert (
        code(ask("multiple_choice", {"x": "y"}, options=[{"value": "a", "label": "A"}]))
        == "required"
    )
    assert ask("multiple_choice", "a", options=[{"value": "a", "label": "A"}]) == ["a"]
    assert code(ask("short_text", None)) == "required"


def test_numbers_too_large_for_the_machine_are_refused_not_crashed() -> None:
    huge = "9" * 30
    assert code(ask("date", {"day": huge, "month": "1", "year": "2020"})) == "date_invalid"
    assert code(ask("date", {"day": "1", "month": huge, "year": "2020"})) == "date_invalid"
    assert code(ask("number", 10**400)) == "not_a_number"
    assert ask("number", 12) == 12


@pytest.mark.parametrize(
    ("digits", "valid"),
    [
        ("9434765919", True),
        ("9434765870", True),
        ("9434765918", False),
        ("123", False),
        ("1000000010", False),
    ],
)
def test_nhs_number_modulus_11(digits: str, valid: bool) -> None:
    assert nhs_number_is_valid(digits) is valid


@pytest.mark.parametrize(
    ("kind", "raw"),
    [
        # Shows as "jo@attacker.examplenhs.net": a right-to-left override reverses the end.
        ("email", "jo@attacker.example\u202eten.shn"),
        ("email", "jo@nhs\u200b.net"),
        ("email", "\u2067jo@nhs.net"),
        ("short_text", "Sam\u202ePatel"),
        ("short_text", "Sam\u200dPatel"),
        ("short_text", "Sam\u200fPatel"),
        ("short_text", "Sam\u2060Patel"),
        ("short_text", "\ufeffSam Patel"),
        ("uk_phone", "07700\u202e900982"),
        ("postcode", "SW1A\u200b1AA"),
        ("nhs_number", "943\u2066 476 5919"),
    ],
)
def test_bidi_and_zero_width_characters_are_refused_in_emails_names_and_phones(
    kind: str, raw: str
) -> None:
    result = ask(kind, raw)
    assert code(result) == "invalid_characters"
    assert isinstance(result, FieldError)
    assert "punctuation you can see" in result.message


@pytest.mark.parametrize(
    ("kind", "raw"),
    [
        ("short_text", "Sam\x00"),
        ("long_text", "notes\x00"),
        ("long_text", "bell\x07"),
        ("long_text", "lone \ud800 surrogate"),
        ("email", "sam@example.org\x00"),
        ("number", "12\x00"),
        ("short_text", "two\nlines"),
        ("short_text", "tab\tinside"),
        ("single_choice", "a\x00"),
    ],
)
def test_nul_and_control_characters_are_refused_in_every_answer(kind: str, raw: str) -> None:
    extra = {"options": [{"value": "a", "label": "A"}]} if kind == "single_choice" else {}
    assert code(ask(kind, raw, **extra)) == "invalid_characters"


def test_long_text_keeps_line_breaks_tabs_and_right_to_left_text() -> None:
    text = "First line\r\nsecond\tline: \u0633\u0627\u0645 \u200fok"
    assert ask("long_text", text) == text


def test_a_custom_message_replaces_the_invalid_characters_message() -> None:
    result = ask("short_text", "x\x00", messages={"invalid_characters": "Retype the name"})
    assert isinstance(result, FieldError)
    assert result.message == "Retype the name"
