"""Repeating groups that branch: routes after a group, routes out of a group, end_repeat/end_form."""

from __future__ import annotations

import re
from datetime import date

import pytest
import yaml

from familyhubs_sdk.errors import TreeDefinitionError
from familyhubs_sdk.questiontree import (
    QuestionTree,
    add_another,
    answer,
    check_tree,
    load_tree,
    mermaid,
    outcomes,
    progress,
    start,
    walk,
)
from familyhubs_sdk.questiontree._conditions import parse_condition
from familyhubs_sdk.questiontree._mermaid import condition_text
from familyhubs_sdk.questiontree._progress import bounds_by_node

TODAY = date(2026, 6, 1)

# "Is any child 8 or over?" decides what follows the children: the group branches on an
# aggregate once every child has been added.
TREE = load_tree(
    """
id: branching
version: "1"
title: Branching
start: children
questions:
  - {id: school_worries, kind: yes_no, label: "Are there worries about school?"}
  - {id: family_view, kind: long_text, label: "What does the family say?", next: end}
  - {id: unborn_support, kind: long_text, label: "What support is planned for the birth?"}
groups:
  - id: children
    label: Children
    item_label: child
    min_repeats: 1
    max_repeats: 3
    questions:
      - {id: name, kind: short_text, label: "Name"}
      - id: born
        kind: yes_no
        label: "Born yet?"
        routes: [{when: {equals: [born, "no"]}, goto: unborn_support}]
      - {id: age, kind: number, label: "Age", whole_number: true, minimum: 0, maximum: 18}
    routes:
      - when: {any_repeat: {group: children, when: {number: [age, ">=", 8]}}}
        goto: school_worries
    next: family_view
outcomes:
  - id: older
    label: Older children
    when: {any_repeat: {group: children, when: {all: [{answered: age}, {number: [age, ">=", 8]}]}}}
"""
)


def child(state, index: int, name: str, age: int | None):  # type: ignore[no-untyped-def]
    state = answer(TREE, state, f"children[{index}].name", name, TODAY).state
    state = answer(TREE, state, f"children[{index}].born", "no" if age is None else "yes", TODAY)
    state = state.state
    if age is not None:
        state = answer(TREE, state, f"children[{index}].age", age, TODAY).state
    return state


def test_a_group_route_reads_an_aggregate_once_the_group_is_finished() -> None:
    state = child(start(TREE), 0, "Sam", 3)
    assert walk(TREE, state, TODAY).current.address == "children[+]"
    state = add_another(TREE, state, "children", True, TODAY)
    state = child(state, 1, "Alex", 9)
    # The route is not tried while "add another?" is still to come.
    assert walk(TREE, state, TODAY).current.address == "children[+]"
    state = add_another(TREE, state, "children", False, TODAY)
    assert walk(TREE, state, TODAY).current.address == "school_worries"


def test_when_no_group_route_holds_the_group_goes_to_next() -> None:
    state = child(start(TREE), 0, "Sam", 3)
    state = add_another(TREE, state, "children", False, TODAY)
    assert walk(TREE, state, TODAY).current.address == "family_view"


def test_a_route_out_of_a_group_leaves_it_without_another_repetition() -> None:
    state = child(start(TREE), 0, "Sam", None)
    route = walk(TREE, state, TODAY)
    assert route.current.address == "unborn_support"
    assert "children[+]" not in [s.address for s in route.steps]
    assert progress(TREE, state, TODAY).text == "Question 3 of 3"


def test_outcomes_read_the_repetitions_on_the_path() -> None:
    state = child(start(TREE), 0, "Sam", 9)
    state = add_another(TREE, state, "children", False, TODAY)
    state = answer(TREE, state, "school_worries", "no", TODAY).state
    state = answer(TREE, state, "family_view", "Fine", TODAY).state
    assert [o.id for o in outcomes(TREE, state, TODAY)] == ["older"]


def test_the_checker_and_progress_follow_group_routes() -> None:
    report = check_tree(TREE)
    assert report.ok, report.problems
    assert ("children", "school_worries", "family_view", "end") in report.paths
    assert ("children", "unborn_support", "end") in report.paths
    # Fewest: one unborn child (2 questions) then unborn_support; most: three children of
    # three questions, school_worries, family_view.
    assert bounds_by_node(TREE)["children"] == (3, 11)


def test_mermaid_labels_group_routes_and_routes_out() -> None:
    text = mermaid(TREE)
    assert 'children -->|"any children: (age #gt;= 8)"| school_worries' in text
    assert 'children -->|"born: born = no"| unborn_support' in text
    assert "children --> family_view" in text


def build(group: dict, questions: list[dict] | None = None, **extra: object) -> QuestionTree:
    data = {
        "id": "t",
        "version": "1",
        "title": "T",
        "start": "g",
        "questions": questions or [{"id": "after", "kind": "yes_no", "label": "After?"}],
        "groups": [
            {"id": "g", "label": "G", "item_label": "person", "next": "after", **group},
        ],
        **extra,
    }
    return load_tree(yaml.safe_dump(data))


def inner(**extra: object) -> list[dict]:
    return [{"id": "x", "kind": "yes_no", "label": "X?", **extra}]


def test_end_repeat_ends_the_repetition_and_end_form_ends_the_form() -> None:
    repeat = build(
        {"questions": [*inner(next="end_repeat"), {"id": "y", "kind": "yes_no", "label": "Y"}]}
    )
    state = answer(
        repeat, add_another(repeat, start(repeat), "g", True, TODAY), "g[0].x", "no", TODAY
    )
    assert walk(repeat, state.state, TODAY).current.address == "g[+]"
    form = build(
        {"questions": inner(routes=[{"when": {"equals": ["x", "no"]}, "goto": "end_form"}])}
    )
    state = answer(form, add_another(form, start(form), "g", True, TODAY), "g[0].x", "no", TODAY)
    route = walk(form, state.state, TODAY)
    assert (route.current, route.ending) == (None, "end")


@pytest.mark.parametrize(
    ("group", "message"),
    [
        (
            {"questions": inner(next="end")},
            "groups[0] (g).questions[0] (x).next: in a group, write 'end_repeat' to end this "
            "person (\"add another?\" comes next) or 'end_form' to leave the group and end the form",
        ),
        (
            {"questions": inner(next="g")},
            "groups[0] (g).questions[0] (x).next: a question in group 'g' cannot route to the "
            "group itself",
        ),
        (
            {"questions": inner(routes=[{"when": {"equals": ["x", "no"]}, "goto": "nowhere"}])},
            "groups[0] (g).questions[0] (x).routes[0].goto: unknown target 'nowhere'",
        ),
        (
            {"questions": inner(), "routes": [{"when": {"equals": ["x", "no"]}, "goto": "after"}]},
            "groups[0] (g).routes[0].when: 'x' is asked in each repetition of 'g': read it with "
            "any_repeat or all_repeats",
        ),
        (
            {"questions": inner(), "routes": [{"when": {"answered": "after"}, "goto": "nope"}]},
            "groups[0] (g).routes[0].goto: unknown target 'nope'",
        ),
        (
            {
                "questions": inner(),
                "routes": [{"when": {"answered": "after"}, "goto": "end_repeat"}],
            },
            "groups[0] (g).routes[0].goto: 'end_repeat' is only for questions in a group",
        ),
        (
            {"questions": inner(), "routes": [{"goto": "after"}]},
            "groups[0] (g).routes[0].when: Field required",
        ),
        (
            {"questions": inner(), "branches": []},
            "groups[0] (g): unknown key 'branches'",
        ),
    ],
)
def test_invalid_group_routes_are_refused_naming_the_element(group: dict, message: str) -> None:
    with pytest.raises(TreeDefinitionError, match=re.escape(message)):
        build(group)


def test_top_level_questions_cannot_use_group_targets() -> None:
    with pytest.raises(
        TreeDefinitionError, match=re.escape("questions[0] (after).next: 'end_form'")
    ):
        build(
            {"questions": inner()},
            [{"id": "after", "kind": "yes_no", "label": "A", "next": "end_form"}],
        )


def test_the_checker_reports_unsafe_reads_around_groups() -> None:
    # After the group, 'later' may not have been asked; inside it, 'y' is skipped when x is no.
    tree = build(
        {
            "questions": [
                *inner(routes=[{"when": {"equals": ["x", "no"]}, "goto": "end_repeat"}]),
                {"id": "y", "kind": "yes_no", "label": "Y"},
            ],
            "routes": [
                {
                    "when": {"any_repeat": {"group": "g", "when": {"equals": ["y", "yes"]}}},
                    "goto": "later",
                }
            ],
        },
        [
            {"id": "after", "kind": "yes_no", "label": "After?"},
            {"id": "later", "kind": "yes_no", "label": "Later?"},
        ],
    )
    messages = {(p.path, p.message) for p in check_tree(tree).problems}
    assert messages == {
        (
            "groups[0] (g).routes[0].when",
            "reads 'y', which is not answered on every path to the end of each repetition of 'g'",
        )
    }


def test_reading_a_group_that_is_not_always_asked_is_unsafe() -> None:
    tree = load_tree(
        yaml.safe_dump(
            {
                "id": "t",
                "version": "1",
                "title": "T",
                "start": "a",
                "questions": [
                    {
                        "id": "a",
                        "kind": "yes_no",
                        "label": "A",
                        "routes": [{"when": {"equals": ["a", "no"]}, "goto": "b"}],
                        "next": "g",
                    },
                    {
                        "id": "b",
                        "kind": "yes_no",
                        "label": "B",
                        "routes": [{"when": {"count": ["g", ">", 1]}, "goto": "end"}],
                    },
                ],
                "groups": [
                    {
                        "id": "g",
                        "label": "G",
                        "item_label": "person",
                        "min_repeats": 1,
                        "next": "b",
                        "questions": inner(),
                    }
                ],
            }
        )
    )
    problems = [(p.code, p.message) for p in check_tree(tree).problems]
    assert problems == [
        ("condition_unsafe", "reads group 'g', which is not asked on every path to 'b'")
    ]


def test_an_aggregate_inside_its_own_group_reads_the_current_repetition_so_far() -> None:
    tree = build(
        {
            "questions": [
                *inner(),
                {
                    "id": "y",
                    "kind": "yes_no",
                    "label": "Y",
                    "routes": [
                        {
                            "when": {
                                "all_repeats": {"group": "g", "when": {"equals": ["x", "yes"]}}
                            },
                            "goto": "after",
                        }
                    ],
                },
                {
                    "id": "z",
                    "kind": "yes_no",
                    "label": "Z",
                    "routes": [
                        {
                            "when": {
                                "any_repeat": {"group": "g", "when": {"equals": ["w", "yes"]}}
                            },
                            "goto": "end_repeat",
                        }
                    ],
                },
                {"id": "w", "kind": "yes_no", "label": "W"},
            ],
        }
    )
    problems = [(p.path, p.message) for p in check_tree(tree).problems]
    assert problems == [
        (
            "groups[0] (g).questions[2] (z).routes[0].when",
            "reads 'w', which is not answered on every path to 'z'",
        )
    ]


def test_leaving_from_a_later_repetition_is_counted_in_progress() -> None:
    tree = build(
        {
            "min_repeats": 2,
            "max_repeats": 3,
            "questions": [
                *inner(routes=[{"when": {"equals": ["x", "no"]}, "goto": "after"}]),
                {"id": "y", "kind": "yes_no", "label": "Y"},
            ],
        }
    )
    state = answer(tree, start(tree), "g[0].x", "yes", TODAY).state
    # Fewest: y, leave at the second x, then "after"; most: three people of two, then "after".
    assert progress(tree, state, TODAY).text == "Question 2 of about 4 to 7"
    state = answer(tree, state, "g[0].y", "yes", TODAY).state
    state = answer(tree, state, "g[1].x", "no", TODAY).state
    assert walk(tree, state, TODAY).current.address == "after"
    assert progress(tree, state, TODAY).text == "Question 4 of 4"
    at_add = answer(tree, answer(tree, state, "g[1].x", "yes", TODAY).state, "g[1].y", "no", TODAY)
    assert progress(tree, at_add.state, TODAY).text == "Question 5 of about 5 to 7"


def test_a_group_every_repetition_of_which_exits_still_has_bounds_to_its_way_on() -> None:
    tree = build(
        {"min_repeats": 0, "questions": inner(next="exit:stop")},
        exits=[{"id": "stop", "title": "Stop"}],
    )
    assert bounds_by_node(tree)["g"] == (1, 1)
    forced = build(
        {"min_repeats": 1, "questions": inner(next="exit:stop")},
        exits=[{"id": "stop", "title": "Stop"}],
    )
    assert bounds_by_node(forced)["g"] is None


def test_conditions_where_nothing_is_reached_are_left_to_the_unreachable_report() -> None:
    tree = load_tree(
        yaml.safe_dump(
            {
                "id": "t",
                "version": "1",
                "title": "T",
                "start": "a",
                "questions": [
                    {"id": "a", "kind": "yes_no", "label": "A", "next": "end"},
                    {
                        "id": "b",
                        "kind": "yes_no",
                        "label": "B",
                        "routes": [{"when": {"equals": ["c", "yes"]}, "goto": "end"}],
                    },
                    {"id": "c", "kind": "yes_no", "label": "C"},
                ],
                "groups": [
                    {
                        "id": "g",
                        "label": "G",
                        "item_label": "person",
                        "questions": inner(),
                        "routes": [{"when": {"equals": ["c", "yes"]}, "goto": "end"}],
                    }
                ],
            }
        )
    )
    assert [(p.code, p.path) for p in check_tree(tree).problems] == [
        ("unreachable", "groups[0] (g)"),
        ("unreachable", "questions[1] (b)"),
        ("unreachable", "questions[2] (c)"),
    ]


def test_a_group_in_an_unknown_section_is_refused() -> None:
    with pytest.raises(TreeDefinitionError, match=re.escape("groups[0] (g).section: unknown")):
        build({"questions": inner(), "section": "nowhere"})


def test_mermaid_shows_how_a_group_is_left() -> None:
    tree = build(
        {
            "questions": [
                *inner(routes=[{"when": {"equals": ["x", "yes"]}, "goto": "y"}]),
                {"id": "y", "kind": "yes_no", "label": "Y", "next": "after"},
            ],
        }
    )
    text = mermaid(tree)
    assert 'g -->|"after y"| after' in text
    assert "x = yes" not in text  # a route within the group stays inside its node


@pytest.mark.parametrize(
    ("condition", "text"),
    [
        (
            {"all": [{"in": ["a", ["x", "y"]]}, {"any": [{"answered": "b"}, "named"]}]},
            "a in {x, y} and (b answered or named)",
        ),
        ({"not": {"not_in": ["a", ["x"]]}}, "not a not in {x}"),
        ({"not_equals": ["a", "x"]}, "a ≠ x"),
        ({"contains_any": ["a", ["x"]]}, "a has any of {x}"),
        ({"contains_all": ["a", ["x", "y"]]}, "a has all of {x, y}"),
        ({"contains": ["a", "x"]}, "a has x"),
        ({"not_answered": "a"}, "a not answered"),
        ({"count": ["g", ">=", 2]}, "count(g) >= 2"),
        ({"date": ["d", "before", "-5y"]}, "d before today-5y"),
        ({"all_repeats": {"group": "g", "when": {"number": ["n", "<", 3]}}}, "every g: (n < 3)"),
    ],
)
def test_conditions_in_short(condition: object, text: str) -> None:
    assert condition_text(parse_condition(condition, "when")) == text
