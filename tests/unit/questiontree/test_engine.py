"""The engine: routing, repeating groups, answers off the path, back, versions, outcomes."""

from __future__ import annotations

from datetime import date

import pytest

from familyhubs_sdk.errors import ConditionError, StepNotOnPathError
from familyhubs_sdk.questiontree import (
    add_another,
    answer,
    back,
    current_step,
    is_complete,
    load_tree,
    migrate_state,
    outcomes,
    progress,
    remove_repeat,
    start,
    summary,
    walk,
)

TODAY = date(2026, 6, 1)
TREE = load_tree(
    """
id: family
version: "1"
title: Family
start: worried
sections: [{id: start, title: Before you start}, {id: kids, title: The children}]
questions:
  - id: worried
    kind: single_choice
    label: "How worried are you?"
    section: start
    options: [{value: low, label: A little}, {value: high, label: Very}, {value: danger, label: In danger}]
    routes:
      - {when: {equals: [worried, danger]}, goto: "exit:call999"}
      - {when: {equals: [worried, high]}, goto: urgent}
    next: children
  - {id: urgent, kind: long_text, label: "Why now?", max_length: 50, next: children}
  - id: needs
    kind: multiple_choice
    label: "Which areas?"
    options: [{value: housing, label: Housing}, {value: money, label: Money}, {value: none, label: None of these, exclusive: true}]
  - {id: notes, kind: short_text, label: "Anything else?", required: false}
groups:
  - id: children
    label: Children
    item_label: child
    section: kids
    min_repeats: 1
    max_repeats: 2
    next: needs
    title_question: name
    questions:
      - {id: name, kind: short_text, label: "Name"}
      - {id: born, kind: yes_no, label: "Born yet?", routes: [{when: {equals: [born, "no"]}, goto: end_repeat}]}
      - {id: dob, kind: date, label: "Date of birth", date_rule: past, short_label: date of birth}
exits: [{id: call999, title: Call 999}]
outcomes:
  - {id: early_years, label: Early years, when: {any_repeat: {group: children, when: {all: [{answered: dob}, {date: [dob, after, -5y]}]}}}}
  - {id: housing, label: Housing advice, when: {contains: [needs, housing]}}
  - {id: big_family, label: Large family, when: {count: [children, ">=", 2]}}
"""
)


def run(*steps: tuple[str, object]):  # type: ignore[no-untyped-def]
    state = start(TREE)
    for address, value in steps:
        if address.endswith("[+]"):
            state = add_another(TREE, state, address[:-3], bool(value), TODAY)
        else:
            result = answer(TREE, state, address, value, TODAY)
            assert result.error is None, (address, result.error)
            state = result.state
    return state


FULL = (
    ("worried", "high"),
    ("urgent", "Eviction notice"),
    ("children[0].name", "Sam"),
    ("children[0].born", "yes"),
    ("children[0].dob", {"day": "4", "month": "3", "year": "2023"}),
    ("children[+]", True),
    ("children[1].name", "Bump"),
    ("children[1].born", "no"),
    ("needs", ["housing"]),
    ("notes", ""),
)


def test_a_whole_journey_with_a_repeating_group() -> None:
    state = run(*FULL)
    assert is_complete(TREE, state, TODAY)
    rows = summary(TREE, state, TODAY)
    assert [(r.repeat_label, r.label, r.value) for r in rows] == [
        (None, "How worried are you?", "Very"),
        (None, "Why now?", "Eviction notice"),
        ("Child 1", "Name", "Sam"),
        ("Child 1", "Born yet?", "Yes"),
        ("Child 1", "Date of birth", "4 March 2023"),
        ("Child 2", "Name", "Bump"),
        ("Child 2", "Born yet?", "No"),
        (None, "Which areas?", "Housing"),
        (None, "Anything else?", "Not answered"),
    ]
    found = {o.id: o.reasons for o in outcomes(TREE, state, TODAY)}
    assert set(found) == {"early_years", "housing", "big_family"}
    assert found["housing"] == (("Which areas?", "Housing"),)


def test_group_stops_at_its_maximum() -> None:
    state = run(*FULL[:7], ("children[1].born", "no"))
    assert (
        current_step(TREE, state, TODAY).address == "needs"
    )  # 2 is the maximum: no "add another?"


def test_changing_an_answer_drops_what_falls_off_the_path() -> None:
    state = run(*FULL)
    changed = answer(TREE, state, "worried", "low", TODAY).state
    addresses = [row.address for row in summary(TREE, changed, TODAY)]
    assert "urgent" not in addresses
    assert "children[0].name" in addresses
    assert is_complete(TREE, changed, TODAY)


def test_exit_ends_the_journey() -> None:
    route = walk(TREE, run(("worried", "danger")), TODAY)
    assert (route.current, route.ending) == (None, "exit:call999")


def test_answers_for_steps_off_the_path_are_refused() -> None:
    state = run(("worried", "low"))
    with pytest.raises(StepNotOnPathError):
        answer(TREE, state, "urgent", "sneaky", TODAY)
    with pytest.raises(StepNotOnPathError):
        answer(TREE, state, "children[5].name", "x", TODAY)
    with pytest.raises(StepNotOnPathError):
        answer(TREE, state, "children[+]", "yes", TODAY)


def test_back_goes_to_the_previous_step() -> None:
    state = run(*FULL)
    assert back(TREE, state, "children[0].name", TODAY) == "urgent"
    assert back(TREE, state, "needs", TODAY) == "children[1].born"
    assert back(TREE, state, "worried", TODAY) is None


def test_removing_a_repetition_moves_later_ones_up() -> None:
    state = run(*FULL)
    removed = remove_repeat(TREE, state, "children", 0)
    assert removed.answers["children[0].name"] == "Bump"
    assert "children[1].name" not in removed.answers
    assert current_step(TREE, removed, TODAY).address == "children[+]"
    with pytest.raises(StepNotOnPathError):
        remove_repeat(TREE, removed, "children", 0)  # the minimum is one child
    with pytest.raises(StepNotOnPathError):
        remove_repeat(TREE, removed, "nope", 0)


@pytest.mark.parametrize(
    ("address", "value", "code", "message"),
    [
        ("worried", "", "required", "Select an answer"),
        ("worried", "maybe", "invalid_option", "Select one of the options"),
        ("urgent", "x" * 51, "too_long", "The answer must be 50 characters or fewer"),
        ("urgent", "   ", "required", "Enter an answer"),
    ],
)
def test_validation_messages(address: str, value: object, code: str, message: str) -> None:
    state = run(("worried", "high")) if address == "urgent" else start(TREE)
    result = answer(TREE, state, address, value, TODAY)
    assert result.error is not None
    assert (result.error.code, result.error.message) == (code, message)
    assert result.state == state


@pytest.mark.parametrize(
    ("parts", "code", "message", "at_fault"),
    [
        ({"day": "", "month": "", "year": ""}, "required", "Enter date of birth", ()),
        (
            {"day": "4", "month": "", "year": "2020"},
            "date_incomplete",
            "Date of birth must include a month",
            ("month",),
        ),
        (
            {"day": "31", "month": "2", "year": "2020"},
            "date_invalid",
            "Date of birth must be a real date",
            (),
        ),
        (
            {"day": "1", "month": "1", "year": "20"},
            "date_year_format",
            "Year must include 4 numbers",
            ("year",),
        ),
        (
            {"day": "1", "month": "1", "year": "2030"},
            "date_not_past",
            "Date of birth must be in the past",
            (),
        ),
    ],
)
def test_date_messages(
    parts: dict[str, str], code: str, message: str, at_fault: tuple[str, ...]
) -> None:
    state = run(*FULL[:4])
    error = answer(TREE, state, "children[0].dob", parts, TODAY).error
    assert error is not None
    assert (error.code, error.message, error.parts) == (code, message, at_fault)


def test_exclusive_option_stands_alone() -> None:
    state = run(*FULL[:8])
    error = answer(TREE, state, "needs", ["housing", "none"], TODAY).error
    assert error is not None
    assert error.code == "exclusive_conflict"
    assert answer(TREE, state, "needs", ["none"], TODAY).error is None


def test_progress_is_exact_when_the_rest_is_certain() -> None:
    state = run(*FULL[:8])
    assert progress(TREE, state, TODAY).text == "Question 8 of 9"
    assert progress(TREE, start(TREE), TODAY).text == "Question 1 of about 5 to 10"
    assert progress(TREE, run(*FULL), TODAY).text == "All questions answered"


def test_conditions_never_turn_errors_into_false() -> None:
    broken = load_tree(
        """
id: b
version: "1"
title: B
start: a
questions:
  - {id: a, kind: short_text, label: A, routes: [{when: {number: [a, ">", 3]}, goto: end}]}
  - {id: b, kind: short_text, label: B}
"""
    )
    state = answer(broken, start(broken), "a", "not a number", TODAY).state
    with pytest.raises(ConditionError, match="'a' is not a number answer"):
        walk(broken, state, TODAY)


def test_resuming_on_a_newer_tree_keeps_valid_answers() -> None:
    state = run(*FULL)
    newer = TREE.model_copy(update={"version": "2"})
    data = newer.model_dump(mode="json")
    data["questions"][1]["max_length"] = 5  # "Eviction notice" no longer fits
    data["questions"].pop(3)  # "notes" is gone
    migrated = migrate_state(type(TREE).model_validate(data), state, TODAY)
    assert migrated.state.tree_version == "2"
    assert migrated.dropped == ("notes", "urgent")
    assert migrated.state.answers["children[0].dob"] == "2023-03-04"
    assert migrated.state.answers["needs"] == ["housing"]


def test_group_plurals() -> None:
    group = TREE.group_index["children"]
    assert group.plural == "childs"  # the tree did not say: a plain "s" is added
    assert group.model_copy(update={"item_label_plural": "children"}).plural == "children"


def test_change_returns_to_check_answers_unless_new_questions_appear() -> None:
    from familyhubs_sdk.questiontree import change

    state = run(*FULL)
    same_path = change(TREE, state, "needs", ["housing", "money"], TODAY)
    assert same_path.next_step is None  # straight back to check your answers
    dropped = answer(TREE, state, "worried", "low", TODAY).state  # "urgent" falls off the path
    new_question = change(
        TREE,
        dropped.model_copy(
            update={"answers": {k: v for k, v in dropped.answers.items() if k != "urgent"}}
        ),
        "worried",
        "high",
        TODAY,
    )
    assert new_question.next_step is not None
    assert new_question.next_step.address == "urgent"
    refused = change(TREE, state, "needs", [], TODAY)
    assert refused.result.error is not None
    assert refused.next_step is not None
    assert refused.next_step.address == "needs"
