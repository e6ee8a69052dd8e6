"""Date bounds (absolute or from today), whole numbers and number ranges, with GOV.UK wording."""

from __future__ import annotations

import re
from datetime import date

import pytest
import yaml

from familyhubs_sdk.errors import TreeDefinitionError
from familyhubs_sdk.questiontree import FieldError, Question, dump_tree, load_tree
from familyhubs_sdk.questiontree._dates import parse_bound, parse_offset, shift
from familyhubs_sdk.questiontree._validation import coerce

TODAY = date(2026, 6, 1)


def ask(raw: object, kind: str = "date", **extra: object) -> object:
    question = Question(id="q", kind=kind, label="When?", **extra)  # type: ignore[arg-type]
    return coerce(question, raw, TODAY)  # type: ignore[arg-type]


def day(d: int, m: int, y: int) -> dict[str, str]:
    return {"day": str(d), "month": str(m), "year": str(y)}


def error(result: object) -> tuple[str, str]:
    assert isinstance(result, FieldError), result
    return result.code, result.message


@pytest.mark.parametrize(
    ("bounds", "raw", "expected"),
    [
        # "Past, or up to 9 months ahead for an unborn child".
        ({"maximum": "+9m"}, day(1, 3, 2027), "2027-03-01"),
        (
            {"maximum": "+9m"},
            day(2, 3, 2027),
            ("date_too_late", "The date must be the same as or before 1 March 2027"),
        ),
        ({"minimum": "-25y"}, day(1, 6, 2001), "2001-06-01"),
        (
            {"minimum": "-25y"},
            day(31, 5, 2001),
            ("date_too_early", "The date must be the same as or after 1 June 2001"),
        ),
        (
            {"minimum": "-25y", "maximum": "+9m", "short_label": "the child’s date of birth"},
            day(31, 5, 2001),
            (
                "date_too_early",
                "The child’s date of birth must be between 1 June 2001 and 1 March 2027",
            ),
        ),
        (
            {"minimum": "-25y", "maximum": "+9m"},
            day(1, 4, 2027),
            ("date_too_late", "The date must be between 1 June 2001 and 1 March 2027"),
        ),
        ({"maximum": "today"}, day(1, 6, 2026), "2026-06-01"),
        (
            {"maximum": "today"},
            day(2, 6, 2026),
            ("date_too_late", "The date must be today or in the past"),
        ),
        (
            {"minimum": "today"},
            day(31, 5, 2026),
            ("date_too_early", "The date must be today or in the future"),
        ),
        ({"maximum": "-1d"}, day(1, 6, 2026), ("date_too_late", "The date must be in the past")),
        ({"minimum": "+1d"}, day(1, 6, 2026), ("date_too_early", "The date must be in the future")),
        ({"minimum": "-2w"}, day(18, 5, 2026), "2026-05-18"),
        (
            {"minimum": "2020-09-01"},
            day(31, 8, 2020),
            ("date_too_early", "The date must be the same as or after 1 September 2020"),
        ),
        (
            {"maximum": "2020-09-01", "messages": {"date_too_late": "Enter a date before term"}},
            day(2, 9, 2020),
            ("date_too_late", "Enter a date before term"),
        ),
    ],
)
def test_date_bounds(bounds: dict, raw: dict, expected: object) -> None:
    result = ask(raw, **bounds)
    if isinstance(expected, tuple):
        assert error(result) == expected
    else:
        assert result == expected


def test_a_date_bound_written_as_a_yaml_date_dumps_back_equal() -> None:
    tree = load_tree(
        """
id: t
version: "1"
title: T
start: d
questions:
  - {id: d, kind: date, label: "When?", minimum: 2020-09-01, maximum: +9m}
"""
    )
    assert tree.questions[0].minimum == "2020-09-01"
    assert load_tree(dump_tree(tree)) == tree
    assert load_tree(dump_tree(tree, "json"), "json") == tree


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        (
            {"day": "1", "month": "1", "year": "26"},
            ("date_year_format", "Year must include 4 numbers"),
        ),
        (
            {"day": "1", "month": "", "year": "2026"},
            ("date_incomplete", "The date must include a month"),
        ),
        (
            {"day": "", "month": "", "year": "2026"},
            ("date_incomplete", "The date must include a day and month"),
        ),
        (
            {"day": "1st", "month": "1", "year": "2026"},
            ("date_invalid", "The date must be a real date"),
        ),
        (
            {"day": "30", "month": "2", "year": "2026"},
            ("date_invalid", "The date must be a real date"),
        ),
        ({}, ("required", "Enter a date")),
    ],
)
def test_date_part_messages_follow_govuk(raw: dict, expected: tuple[str, str]) -> None:
    assert error(ask(raw)) == expected


def test_date_parts_may_be_posted_as_numbers_from_python() -> None:
    assert ask({"day": 4, "month": 3, "year": 2024}) == "2024-03-04"


def test_a_two_digit_year_names_the_year_as_the_part_at_fault() -> None:
    result = ask({"day": "1", "month": "1", "year": "26"})
    assert isinstance(result, FieldError)
    assert result.parts == ("year",)


@pytest.mark.parametrize(
    ("settings", "raw", "expected"),
    [
        ({"whole_number": True}, "9", 9),
        ({"whole_number": True}, 9, 9),
        ({"whole_number": True}, "9.0", 9),
        ({"whole_number": True}, "9.5", ("not_whole_number", "The number must be a whole number")),
        ({"whole_number": True}, 9.5, ("not_whole_number", "The number must be a whole number")),
        ({}, 9.5, 9.5),
        ({}, "nine", ("not_a_number", "The number must be a number")),
        (
            {"short_label": "the DASH score"},
            "nine",
            ("not_a_number", "The DASH score must be a number"),
        ),
        ({}, float("nan"), ("not_a_number", "The number must be a number")),
        ({"minimum": 1, "maximum": 10}, 11, ("too_large", "The number must be between 1 and 10")),
        ({"minimum": 1, "maximum": 10}, "0", ("too_small", "The number must be between 1 and 10")),
        ({"minimum": 1}, "0", ("too_small", "The number must be 1 or more")),
        ({"maximum": 10}, "11", ("too_large", "The number must be 10 or less")),
        ({}, "", ("required", "Enter a number")),
        ({}, True, ("required", "Enter a number")),
    ],
)
def test_numbers(settings: dict, raw: object, expected: object) -> None:
    result = ask(raw, "number", **settings)
    if isinstance(expected, tuple):
        assert error(result) == expected
    else:
        assert result == expected
        assert type(result) is type(expected)


def tree_with(question: dict) -> None:
    load_tree(
        yaml.safe_dump(
            {
                "id": "t",
                "version": "1",
                "title": "T",
                "start": "q",
                "questions": [{"id": "q", "label": "Q", **question}],
            }
        )
    )


@pytest.mark.parametrize(
    ("question", "message"),
    [
        (
            {"kind": "date", "maximum": 270},
            "questions[0] (q): maximum: a date question's bound is a date (2020-09-01) or an "
            "offset from today (-25y, +9m, -2w or +14d, today), not 270",
        ),
        ({"kind": "date", "minimum": "5 years ago"}, "not '5 years ago'"),
        ({"kind": "date", "minimum": "2026-02-30"}, "not '2026-02-30'"),
        ({"kind": "date", "minimum": [1]}, "questions[0] (q).minimum: a bound is a number"),
        ({"kind": "date", "minimum": True}, "questions[0] (q).minimum: a bound is a number"),
        (
            {"kind": "date", "minimum": "+1y", "maximum": "-1y"},
            "questions[0] (q): minimum +1y is later than maximum -1y",
        ),
        (
            {"kind": "date", "minimum": "2026-01-02", "maximum": "2026-01-01"},
            "minimum 2026-01-02 is later than maximum 2026-01-01",
        ),
        (
            {"kind": "date", "date_rule": "past", "maximum": "today"},
            "date_rule and minimum/maximum cannot be used together",
        ),
        (
            {"kind": "number", "minimum": "-5y"},
            "minimum: a number question's bound is a number, not '-5y'",
        ),
        ({"kind": "number", "minimum": 5, "maximum": 1}, "minimum 5 is more than maximum 1"),
        (
            {"kind": "short_text", "whole_number": True},
            "whole_number does not apply to a short_text",
        ),
        ({"kind": "short_text", "minimum": 1}, "minimum does not apply to a short_text question"),
        ({"kind": "number", "max_length": 5}, "max_length does not apply to a number question"),
        ({"kind": "number", "date_rule": "past"}, "date_rule does not apply to a number question"),
        ({"kind": "number", "earliest": "-5y"}, "questions[0] (q): unknown key 'earliest'"),
    ],
)
def test_bounds_that_would_do_nothing_or_cannot_hold_are_refused(
    question: dict, message: str
) -> None:
    with pytest.raises(TreeDefinitionError, match=re.escape(message)):
        tree_with(question)


def test_mixed_bounds_load_whatever_today_is() -> None:
    tree_with({"kind": "date", "minimum": "2020-01-01", "maximum": "+9m"})


def test_offsets_and_shifts() -> None:
    assert parse_offset("today") == (0, "d")
    assert parse_offset(5) is None
    assert parse_offset("+1000y") is None
    assert shift(date(2024, 2, 29), 1, "y") == date(2025, 2, 28)
    assert shift(date(2024, 1, 31), 1, "m") == date(2024, 2, 29)
    assert shift(date(2026, 6, 1), -2, "w") == date(2026, 5, 18)
    assert parse_bound("2020-13-01") is None
    bound = parse_bound("2020-01-01")
    assert bound is not None
    assert bound.approximate_days is None
    assert not bound.is_today
