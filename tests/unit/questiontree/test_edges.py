"""The less travelled branches: group loops and conditions, nested conditions, odd files."""

from __future__ import annotations

import re
from datetime import date
from pathlib import Path

import pytest
import yaml
from pydantic import ValidationError

from familyhubs_sdk.errors import StepNotOnPathError, TreeDefinitionError
from familyhubs_sdk.questiontree import (
    Question,
    QuestionTree,
    answer,
    check_tree,
    load_tree,
    load_tree_file,
    migrate_state,
    progress,
    remove_repeat,
    start,
    walk,
)
from familyhubs_sdk.questiontree._engine import lookups
from familyhubs_sdk.questiontree._progress import bounds_by_node

TODAY = date(2026, 6, 1)
BASE = {"id": "t", "version": "1", "title": "T", "start": "a"}


def q(qid: str, kind: str = "yes_no", **extra: object) -> dict:
    return {"id": qid, "kind": kind, "label": qid.upper(), **extra}


def group(gid: str, questions: list[dict], **extra: object) -> dict:
    return {
        "id": gid,
        "label": gid,
        "item_label": "item",
        "questions": questions,
        "min_repeats": 1,
        **extra,
    }


def build(questions: list[dict], **extra: object) -> QuestionTree:
    return load_tree(yaml.safe_dump({**BASE, "questions": questions, **extra}))


def test_loops_inside_a_group_are_reported_and_refused_at_run_time() -> None:
    tree = build([q("a", next="g")], groups=[group("g", [q("x", next="y"), q("y", next="x")])])
    report = check_tree(tree)
    assert [(p.code, p.path) for p in report.problems] == [
        ("cycle", "groups[0] (g).questions[0] (x)")
    ]
    state = answer(tree, start(tree), "a", "yes", TODAY).state
    state = answer(tree, state, "g[0].x", "yes", TODAY).state
    state = answer(tree, state, "g[0].y", "yes", TODAY).state
    with pytest.raises(TreeDefinitionError, match="loop back"):
        walk(tree, state, TODAY)


def test_top_level_loops_are_refused_at_run_time() -> None:
    tree = build([q("a", next="b"), q("b", next="a")])
    state = answer(tree, start(tree), "a", "yes", TODAY).state
    state = answer(tree, state, "b", "yes", TODAY).state
    with pytest.raises(TreeDefinitionError, match="loop back to 'a'"):
        walk(tree, state, TODAY)
    with pytest.raises(TreeDefinitionError, match="loop back"):
        progress(tree, start(tree), TODAY)


def test_group_conditions_are_checked_against_their_own_and_outer_questions() -> None:
    inner = [
        q("x", routes=[{"when": {"equals": ["x", "yes"]}, "goto": "z"}]),
        q("y"),
        q(
            "z",
            routes=[
                {
                    "when": {"all": [{"equals": ["y", "yes"]}, {"not": {"equals": ["b", "no"]}}]},
                    "goto": "end_repeat",
                }
            ],
        ),
    ]
    tree = build(
        [q("a", routes=[{"when": {"equals": ["a", "yes"]}, "goto": "g"}]), q("b", next="g")],
        groups=[group("g", inner)],
    )
    messages = sorted(p.message for p in check_tree(tree).problems)
    assert messages == [
        "reads 'b', which is not answered on every path to 'g'",
        "reads 'y', which is not answered on every path to 'z'",
    ]


def test_nested_conditions_with_unknown_options() -> None:
    tree = build(
        [q("a", routes=[{"when": {"any": [{"not": {"equals": ["a", "perhaps"]}}]}, "goto": "end"}])]
    )
    assert [p.code for p in check_tree(tree).problems] == ["option_unknown"]


def test_an_exit_inside_a_group_ends_the_journey() -> None:
    tree = build(
        [q("a", next="g")],
        groups=[
            group("g", [q("x", routes=[{"when": {"equals": ["x", "no"]}, "goto": "exit:stop"}])])
        ],
        exits=[{"id": "stop", "title": "Stop"}],
    )
    state = answer(tree, start(tree), "a", "yes", TODAY).state
    state = answer(tree, state, "g[0].x", "no", TODAY).state
    assert walk(tree, state, TODAY).ending == "exit:stop"
    assert progress(tree, state, TODAY).text == "All questions answered"


def test_group_conditions_can_read_outer_answers_and_aggregates_count_repeats() -> None:
    tree = build(
        [
            q("a", next="g"),
            q("b", routes=[{"when": {"count": ["g", ">=", 2]}, "goto": "end"}]),
            q("c"),
        ],
        groups=[
            group(
                "g",
                [q("x", routes=[{"when": {"equals": ["a", "no"]}, "goto": "end_repeat"}]), q("y")],
                next="b",
                min_repeats=2,
            )
        ],
    )
    state = answer(tree, start(tree), "a", "no", TODAY).state
    state = answer(tree, state, "g[0].x", "yes", TODAY).state
    assert walk(tree, state, TODAY).current.address == "g[1].x"  # "a" was no: y is skipped
    top, _ctx = lookups(tree, state, TODAY)
    with pytest.raises(KeyError):
        top("x")


def test_add_another_is_not_a_question() -> None:
    tree = build([q("a", next="g")], groups=[group("g", [q("x")])])
    state = answer(tree, start(tree), "a", "yes", TODAY).state
    state = answer(tree, state, "g[0].x", "yes", TODAY).state
    with pytest.raises(StepNotOnPathError, match="not a question"):
        answer(tree, state, "g[+]", "yes", TODAY)


def test_removing_keeps_other_groups_answers() -> None:
    tree = build(
        [q("a", next="g")],
        groups=[group("g", [q("x")], next="h", max_repeats=3), group("h", [q("y")], min_repeats=1)],
    )
    state = start(tree).model_copy(
        update={
            "answers": {"a": "yes", "g[0].x": "yes", "g[1].x": "no", "h[0].y": "yes"},
            "repeats": {"g": 2},
        }
    )
    removed = remove_repeat(tree, state, "g", 1)
    assert dict(removed.answers) == {"a": "yes", "g[0].x": "yes", "h[0].y": "yes"}


def test_bounds_skip_routes_that_only_exit() -> None:
    tree = build(
        [
            q(
                "a",
                routes=[{"when": {"equals": ["a", "yes"]}, "goto": "exit:stop"}],
                next="exit:stop",
            )
        ],
        exits=[{"id": "stop", "title": "Stop"}],
    )
    assert bounds_by_node(tree) == {"a": None}
    assert progress(tree, start(tree), TODAY).text == "Question 1 of 1"


def test_group_whose_items_only_exit_has_no_bounds() -> None:
    tree = build(
        [q("a", next="g")],
        groups=[group("g", [q("x", next="exit:stop")])],
        exits=[{"id": "stop", "title": "Stop"}],
    )
    assert bounds_by_node(tree)["g"] is None


@pytest.mark.parametrize(
    ("change", "message"),
    [
        (
            {"exits": [{"id": "x", "title": "X"}, {"id": "x", "title": "Y"}]},
            "exits[1] (x).id: duplicate id 'x'",
        ),
        (
            {"groups": [group("g", [q("x")], next="nowhere")]},
            "groups[0] (g).next: unknown target 'nowhere'",
        ),
        (
            {"groups": [group("g", [q("x")], title_question="zz")]},
            "groups[0] (g).title_question: unknown question 'zz'",
        ),
        (
            {"groups": [group("g", [q("x")], min_repeats=3, max_repeats=2)]},
            "min_repeats is more than max_repeats",
        ),
    ],
)
def test_tree_level_defects(change: dict, message: str) -> None:
    with pytest.raises(TreeDefinitionError, match=re.escape(message)):
        build([q("a")], **change)


def test_question_shape_rules() -> None:
    with pytest.raises(ValidationError, match="needs options"):
        Question(id="a", kind="single_choice", label="A")
    with pytest.raises(ValidationError, match="exclusive"):
        Question(
            id="a",
            kind="single_choice",
            label="A",
            options=[{"value": "n", "label": "N", "exclusive": True}],
        )  # type: ignore[list-item]


def test_files_and_bad_text(tmp_path: Path) -> None:
    (tmp_path / "tree.json").write_text(
        '{"id": "t", "version": "1", "title": "T", "start": "a", "questions": [{"id": "a", "kind": "yes_no", "label": "A"}]}'
    )
    assert load_tree_file(tmp_path / "tree.json").start == "a"
    with pytest.raises(TreeDefinitionError, match="not valid JSON"):
        load_tree("{", "json")


def test_migrating_needs_the_same_tree() -> None:
    tree = build([q("a")])
    other = tree.model_copy(update={"id": "other"})
    with pytest.raises(ValueError, match="belongs to tree 't'"):
        migrate_state(other, start(tree), TODAY)


def test_checker_reports_on_groups_and_safe_reads() -> None:
    inner = [
        q(
            "x",
            routes=[
                {
                    "when": {
                        "any": [
                            {"answered": "x"},
                            {"any_repeat": {"group": "g", "when": {"answered": "x"}}},
                        ]
                    },
                    "goto": "end_repeat",
                }
            ],
        ),
        q(
            "t",
            "short_text",
            routes=[{"when": {"equals": ["t", "free text"]}, "goto": "end_repeat"}],
        ),
    ]
    tree = build([q("a", next="end")], groups=[group("g", inner)])
    assert [(p.code, p.path) for p in check_tree(tree).problems] == [
        ("unreachable", "groups[0] (g)")
    ]
    looping = build(
        [q("a", next="g")], groups=[group("g", [q("x", next="y"), q("y", next="x")], next="a")]
    )
    assert {p.code for p in check_tree(looping).problems} == {"cycle"}


def test_outcomes_wait_for_their_questions() -> None:
    from familyhubs_sdk.questiontree import outcomes

    tree = build(
        [q("a"), q("b")], outcomes=[{"id": "o", "label": "O", "when": {"equals": ["b", "yes"]}}]
    )
    early = answer(tree, start(tree), "a", "yes", TODAY).state
    assert outcomes(tree, early, TODAY) == []
    done = answer(tree, early, "b", "yes", TODAY).state
    assert [o.id for o in outcomes(tree, done, TODAY)] == ["o"]


def test_checker_reports_references_of_trees_built_in_code() -> None:
    tree = QuestionTree.model_validate({**BASE, "questions": [q("a", next="nowhere")]})
    report = check_tree(tree)
    assert [(p.code, p.path) for p in report.problems] == [("reference", "questions[0] (a).next")]
    assert not report.ok


def test_outcomes_not_met_are_not_indicated() -> None:
    from familyhubs_sdk.questiontree import outcomes

    tree = build([q("a")], outcomes=[{"id": "o", "label": "O", "when": {"equals": ["a", "yes"]}}])
    assert outcomes(tree, answer(tree, start(tree), "a", "no", TODAY).state, TODAY) == []
