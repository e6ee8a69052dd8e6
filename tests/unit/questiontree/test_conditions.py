"""The condition language: every operator, and errors that raise instead of reading as false."""

from __future__ import annotations

from datetime import date

import pytest

from familyhubs_sdk.errors import ConditionError, TreeDefinitionError, UnansweredQuestionError
from familyhubs_sdk.questiontree._conditions import Context, parse_condition

TODAY = date(2026, 6, 1)
ANSWERS = {"colour": "red", "pets": ["cat", "dog"], "age": 7, "dob": "2022-01-15", "empty": None}
REPEATS = [{"dob": "2024-01-01"}, {"dob": "2010-01-01"}]


def lookup(qid: str) -> object:
    if qid in ANSWERS:
        return ANSWERS[qid]
    raise KeyError(qid)


def item(answers: dict) -> object:
    def inner(qid: str) -> object:
        return answers[qid] if qid in answers else lookup(qid)

    return inner


CTX = Context(
    lookup,  # type: ignore[arg-type]
    TODAY,
    lambda group: [item(a) for a in REPEATS],  # type: ignore[arg-type,misc]
    lambda qid: len(REPEATS) if qid == "kids" else None,
)


@pytest.mark.parametrize(
    ("data", "expected"),
    [
        ({"equals": ["colour", "red"]}, True),
        ({"not_equals": ["colour", "red"]}, False),
        ({"in": ["colour", ["red", "blue"]]}, True),
        ({"not_in": ["colour", ["red", "blue"]]}, False),
        ({"contains": ["pets", "cat"]}, True),
        ({"contains_any": ["pets", ["fish", "dog"]]}, True),
        ({"contains_all": ["pets", ["cat", "fish"]]}, False),
        ({"answered": "colour"}, True),
        ({"answered": "empty"}, False),
        ({"not_answered": "empty"}, True),
        ({"count": ["pets", ">=", 2]}, True),
        ({"count": ["kids", "==", 2]}, True),
        ({"number": ["age", "<", 5]}, False),
        ({"date": ["dob", "after", "-5y"]}, True),
        ({"date": ["dob", "before", "-6m"]}, True),
        ({"date": ["dob", ">=", "+1d"]}, False),
        ({"all": [{"equals": ["colour", "red"]}, {"number": ["age", ">", 5]}]}, True),
        ({"any": [{"equals": ["colour", "blue"]}, {"number": ["age", ">", 5]}]}, True),
        ({"not": {"equals": ["colour", "red"]}}, False),
        ({"any_repeat": {"group": "kids", "when": {"date": ["dob", "after", "-5y"]}}}, True),
        ({"all_repeats": {"group": "kids", "when": {"date": ["dob", "after", "-5y"]}}}, False),
    ],
)
def test_operators(data: dict, expected: bool) -> None:
    assert parse_condition(data, "when").evaluate(CTX) is expected


@pytest.mark.parametrize(
    ("data", "error", "message"),
    [
        ({"equals": ["empty", "x"]}, UnansweredQuestionError, "has not been answered"),
        ({"equals": ["nobody", "x"]}, ConditionError, "not in scope"),
        ({"contains": ["colour", "r"]}, ConditionError, "not a multiple-choice answer"),
        ({"number": ["colour", ">", 1]}, ConditionError, "not a number answer"),
        ({"date": ["colour", "after", "-1y"]}, ConditionError, "not a date answer"),
    ],
)
def test_errors_raise_instead_of_reading_as_false(data: dict, error: type, message: str) -> None:
    with pytest.raises(error, match=message):
        parse_condition(data, "when").evaluate(CTX)


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ("Not a name", "not the name of a condition"),
        (5, "exactly one key"),
        ({"a": 1, "b": 2}, "exactly one key"),
        ({"all": []}, "expected a list of conditions"),
        ({"in": ["colour", "red"]}, r"expected \[question, \[value, ...\]\]"),
        ({"count": ["pets", ">"]}, r"expected \[question, operator, value\]"),
        ({"number": ["age", ">", "five"]}, "expected a number"),
        ({"number": ["age", ">", True]}, "expected a number"),
        ({"answered": 5}, "expected a question id"),
        ({"any_repeat": {"group": "kids"}}, "expected {group: ..., when: ...}"),
    ],
)
def test_malformed_conditions_name_the_path(data: object, message: str) -> None:
    with pytest.raises(TreeDefinitionError, match=message):
        parse_condition(data, "questions[0].routes[0].when")


def test_month_offsets_clamp_to_the_end_of_the_month() -> None:
    ctx = Context(lambda q: "2024-02-29", date(2024, 3, 31), lambda g: [], lambda q: None)  # type: ignore[arg-type]
    assert parse_condition({"date": ["d", "==", "-1m"]}, "w").evaluate(ctx)
    leap = Context(lambda q: "2023-02-28", date(2024, 2, 29), lambda g: [], lambda q: None)  # type: ignore[arg-type]
    assert parse_condition({"date": ["d", "==", "-1y"]}, "w").evaluate(leap)


def test_condition_lists_what_it_reads() -> None:
    condition = parse_condition(
        {
            "all": [
                {"equals": ["a", 1]},
                {"not": {"answered": "b"}},
                {"any_repeat": {"group": "g", "when": {"answered": "c"}}},
            ]
        },
        "w",
    )
    assert list(condition.questions()) == ["a", "b"]
    assert [group for group, _ in condition.groups()] == ["g"]
