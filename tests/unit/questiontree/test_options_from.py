"""Options built from answers: one per repetition of a group asked earlier."""

from __future__ import annotations

import re
from datetime import date

import pytest
import yaml

from familyhubs_sdk.errors import StepNotOnPathError, TreeDefinitionError
from familyhubs_sdk.questiontree import (
    add_another,
    answer,
    check_tree,
    load_tree,
    migrate_state,
    question_options,
    remove_repeat,
    start,
    summary,
    walk,
)
from familyhubs_sdk.questiontree._dynamic import renumber

TODAY = date(2026, 6, 1)
TREE = load_tree(
    """
id: affected
version: "1"
title: Affected
start: children
questions:
  - id: affected
    kind: multiple_choice
    label: "Who else in the household is affected?"
    options_from: [children, adults]
    options:
      - {value: wider_family, label: Wider family}
      - {value: nobody, label: Nobody else, exclusive: true}
    routes: [{when: {contains: [affected, children_2]}, goto: end}]
  - {id: main_child, kind: single_choice, label: "Which child is the main concern?", options_from: [children], options: [{value: unsure, label: Not sure}]}
groups:
  - id: children
    label: Children
    item_label: child
    min_repeats: 1
    max_repeats: 4
    title_question: name
    next: adults
    questions: [{id: name, kind: short_text, label: "Name", required: false}]
  - id: adults
    label: Adults
    item_label: adult
    next: affected
    questions: [{id: adult_name, kind: short_text, label: "Name"}]
"""
)


def with_children(*names: str):  # type: ignore[no-untyped-def]
    state = start(TREE)
    for i, name in enumerate(names):
        if i:
            state = add_another(TREE, state, "children", True, TODAY)
        state = answer(TREE, state, f"children[{i}].name", name, TODAY).state
    state = add_another(TREE, state, "children", False, TODAY)
    return add_another(TREE, state, "adults", False, TODAY)


def test_options_name_the_repetitions_asked_before() -> None:
    state = with_children("Sam", "")
    options = question_options(TREE, state, "affected", TODAY)
    assert [(o.value, o.label) for o in options] == [
        ("children_1", "Sam"),
        ("children_2", "Child 2"),
        ("wider_family", "Wider family"),
        ("nobody", "Nobody else"),
    ]
    state = answer(TREE, state, "affected", ["children_1", "wider_family"], TODAY).state
    assert [row.value for row in summary(TREE, state, TODAY)][-1] == "Sam, Wider family"
    assert answer(TREE, state, "affected", ["adults_1"], TODAY).error.code == "invalid_option"


def test_removing_a_repetition_renumbers_the_answers_naming_them() -> None:
    state = with_children("Sam", "Alex", "Kit")
    state = answer(TREE, state, "affected", ["children_1", "children_3"], TODAY).state
    state = answer(TREE, state, "main_child", "children_1", TODAY).state
    state = remove_repeat(TREE, state, "children", 0)
    assert state.answers["affected"] == ["children_2"]
    assert "main_child" not in state.answers  # Sam was the answer: asked again
    assert walk(TREE, state, TODAY).current.address == "children[+]"


def test_answers_naming_repetitions_survive_a_new_version() -> None:
    state = with_children("Sam", "Alex")
    state = answer(TREE, state, "affected", ["children_2"], TODAY).state
    migrated = migrate_state(TREE.model_copy(update={"version": "2"}), state, TODAY)
    assert migrated.dropped == ()
    assert migrated.state.answers["affected"] == ["children_2"]


def test_the_checker_knows_the_values_options_from_can_offer() -> None:
    assert check_tree(TREE).ok, check_tree(TREE).problems  # children_2 can be offered
    route = (
        TREE.questions[0]
        .routes[0]
        .model_copy(update={"when": {"contains": ["affected", "children_5"]}})
    )
    beyond = TREE.model_copy(
        update={
            "questions": (
                TREE.questions[0].model_copy(update={"routes": (route,)}),
                *TREE.questions[1:],
            )
        }
    )
    assert [(p.code, p.message) for p in check_tree(beyond).problems] == [
        ("option_unknown", "'affected' has no option 'children_5'")
    ]


def test_an_address_off_the_path_has_no_options() -> None:
    with pytest.raises(StepNotOnPathError):
        question_options(TREE, start(TREE), "affected", TODAY)
    named = answer(TREE, start(TREE), "children[0].name", "Sam", TODAY).state
    with pytest.raises(StepNotOnPathError, match="is not a question"):
        question_options(TREE, named, "children[+]", TODAY)


def build(question: dict, group_question: dict | None = None) -> None:
    load_tree(
        yaml.safe_dump(
            {
                "id": "t",
                "version": "1",
                "title": "T",
                "start": "g",
                "questions": [{"id": "q", "label": "Q", **question}],
                "groups": [
                    {
                        "id": "g",
                        "label": "G",
                        "item_label": "i",
                        "next": "q",
                        "questions": [
                            group_question or {"id": "x", "kind": "yes_no", "label": "X"}
                        ],
                    }
                ],
            }
        )
    )


@pytest.mark.parametrize(
    ("question", "group_question", "message"),
    [
        (
            {
                "kind": "multiple_choice",
                "options_from": ["nope"],
                "options": [{"value": "n", "label": "N"}],
            },
            None,
            "questions[0] (q).options_from: unknown group 'nope'",
        ),
        (
            {"kind": "multiple_choice", "options_from": ["g"]},
            None,
            "questions[0] (q): options_from needs a fixed option too",
        ),
        (
            {"kind": "short_text", "options_from": ["g"]},
            None,
            "questions[0] (q): options_from does not apply to a short_text question",
        ),
        (
            {"kind": "yes_no"},
            {
                "id": "x",
                "kind": "single_choice",
                "label": "X",
                "options_from": ["g"],
                "options": [{"value": "n", "label": "N"}],
            },
            "groups[0] (g).questions[0] (x).options_from: only questions outside groups",
        ),
        (
            {
                "kind": "single_choice",
                "options_from": ["g"],
                "options": [{"value": "n", "label": "N"}],
                "routes": [{"when": {"equals": ["q", "g_9"]}, "goto": "end"}],
            },
            None,
            None,
        ),
    ],
)
def test_invalid_options_from(
    question: dict, group_question: dict | None, message: str | None
) -> None:
    if message is None:  # g has at most 10 repetitions: g_9 can be offered
        build(question, group_question)
        return
    with pytest.raises(TreeDefinitionError, match=re.escape(message)):
        build(question, group_question)


def test_other_questions_offer_their_own_options() -> None:
    state = with_children("Sam")
    state = answer(TREE, state, "affected", ["wider_family"], TODAY).state
    assert question_options(TREE, state, "main_child", TODAY)[0].label == "Sam"
    plain = load_tree(
        "id: p\nversion: '1'\ntitle: P\nstart: q\nquestions: [{id: q, kind: yes_no, label: Q}]\n"
    )
    assert [o.value for o in question_options(plain, start(plain), "q", TODAY)] == ["yes", "no"]


def test_renumbering_keeps_what_names_no_removed_repetition() -> None:
    assert renumber(["wider_family", "children_1", "adults_3"], "children", 0) == [
        "wider_family",
        "adults_3",
    ]
    assert renumber("children_3", "children", 1) == "children_2"
    assert renumber("children_1", "children", 1) == "children_1"
    assert renumber(None, "children", 0) is None
