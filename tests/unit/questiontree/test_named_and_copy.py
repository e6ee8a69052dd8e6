"""Named conditions, the ``copy:`` section and its declarations, and unknown keys anywhere."""

from __future__ import annotations

import re
from datetime import date
from typing import Any

import pytest
import yaml

from familyhubs_sdk.errors import ConditionError, TreeDefinitionError
from familyhubs_sdk.questiontree import (
    FormCopy,
    QuestionTree,
    answer,
    check_tree,
    declaration,
    dump_tree,
    load_tree,
    mermaid,
    outcomes,
    start,
    walk,
)
from familyhubs_sdk.questiontree._conditions import Context, parse_condition

TODAY = date(2026, 6, 1)

TREE = load_tree(
    """
id: named
version: "1"
title: Named
start: consent
conditions:
  agreed: {equals: [consent, "yes"]}
  abuse_now: {contains: [needs, domestic_abuse]}
  urgent_abuse: {all: [abuse_now, {equals: [urgency, high]}]}
questions:
  - {id: consent, kind: yes_no, label: "Has the family agreed?"}
  - id: why_not
    kind: long_text
    label: "Why has the parent or carer not agreed?"
    messages: {required: Say why the family has not agreed}
  - id: needs
    kind: multiple_choice
    label: "Which areas?"
    options: [{value: domestic_abuse, label: Domestic abuse}, {value: money, label: Money}]
    routes: [{when: {not: abuse_now}, goto: end}]
  - id: urgency
    kind: single_choice
    label: "How soon?"
    options: [{value: high, label: Now}, {value: low, label: Later}]
    routes: [{when: urgent_abuse, goto: safe_contact}]
    next: end
  - {id: safe_contact, kind: yes_no, label: "Is it safe to contact the family?"}
outcomes:
  - {id: idva, label: Domestic abuse advocate, when: {any: [{not_answered: needs}, abuse_now]}}
copy:
  service_name: Ask for early help
  title_suffix: GOV.UK
  declarations:
    - {when: agreed, text: The family has agreed to this request.}
    - {text: I am sending this request without the family’s agreement.}
  confirmation:
    title: Request sent
    next_steps: The early help team will read your request.
    response_time: within 5 working days
  exit: {phone: "01632 960 000", emergency: "999"}
"""
)


def run(*steps: tuple[str, object]):  # type: ignore[no-untyped-def]
    state = start(TREE)
    for address, value in steps:
        result = answer(TREE, state, address, value, TODAY)
        assert result.error is None, result.error
        state = result.state
    return state


def test_named_conditions_route_and_indicate() -> None:
    state = run(
        ("consent", "yes"),
        ("why_not", "n/a"),
        ("needs", ["domestic_abuse"]),
        ("urgency", "high"),
    )
    assert walk(TREE, state, TODAY).current.address == "safe_contact"
    assert [o.id for o in outcomes(TREE, state, TODAY)] == ["idva"]
    other = run(("consent", "yes"), ("why_not", "n/a"), ("needs", ["money"]))
    assert walk(TREE, other, TODAY).ending == "end"


def test_the_checker_looks_through_named_conditions() -> None:
    report = check_tree(TREE)
    assert report.ok, report.problems
    assert 'needs -->|"not abuse_now"| END' in mermaid(TREE)


def test_the_first_declaration_that_holds_is_chosen() -> None:
    agreed = run(("consent", "yes"))
    assert declaration(TREE, agreed, TODAY).text == "The family has agreed to this request."
    refused = run(("consent", "no"))
    assert declaration(TREE, refused, TODAY).text.startswith("I am sending")
    bare = TREE.model_copy(update={"form_copy": FormCopy()})
    assert declaration(bare, agreed, TODAY) is None


def test_a_declaration_that_cannot_be_decided_raises() -> None:
    with pytest.raises(ConditionError):
        declaration(TREE, start(TREE), TODAY)


def test_copy_is_typed_and_round_trips() -> None:
    copy = TREE.form_copy
    assert copy.service_name == "Ask for early help"
    assert copy.confirmation.next_steps == ("The early help team will read your request.",)
    assert copy.confirmation.response_time == "within 5 working days"
    assert (copy.exit.phone, copy.exit.emergency) == ("01632 960 000", "999")
    assert "copy" in TREE.model_dump(by_alias=True)
    assert QuestionTree.model_validate(TREE.model_dump()) == TREE
    assert load_tree(dump_tree(TREE)) == TREE


def test_a_messages_override_rewords_the_error() -> None:
    result = answer(TREE, run(("consent", "no")), "why_not", " ", TODAY)
    assert result.error is not None
    assert result.error.message == "Say why the family has not agreed"


BASE: dict[str, Any] = {
    "id": "t",
    "version": "1",
    "title": "T",
    "start": "a",
    "questions": [{"id": "a", "kind": "yes_no", "label": "A"}],
}


def build(**extra: Any) -> QuestionTree:
    return load_tree(yaml.safe_dump({**BASE, **extra}))


def refused(message: str, **extra: Any) -> None:
    with pytest.raises(TreeDefinitionError, match=re.escape(message)):
        build(**extra)


@pytest.mark.parametrize(
    ("extra", "message"),
    [
        (
            {"outcomes": [{"id": "o", "label": "O", "when": "nowhere"}]},
            "outcomes[0] (o).when: unknown condition 'nowhere'",
        ),
        ({"conditions": {"c": "d", "d": "c"}}, "conditions.c: refers to itself: c → d → c"),
        ({"conditions": {"c": {"all": ["c"]}}}, "conditions.c: refers to itself: c → c"),
        ({"conditions": {"c": "missing"}}, "conditions.c: unknown condition 'missing'"),
        ({"conditions": {"c": {"maybe": 1}}}, "conditions.c: unknown condition 'maybe'"),
        ({"conditions": {"Bad Name": {"answered": "a"}}}, "conditions.Bad Name"),
        (
            {
                "conditions": {"c": {"answered": "zz"}},
                "outcomes": [{"id": "o", "label": "O", "when": "c"}],
            },
            "outcomes[0] (o).when: unknown question 'zz' (in condition 'c')",
        ),
        (
            {"copy": {"declarations": [{"when": {"equals": ["zz", "yes"]}, "text": "T"}]}},
            "copy.declarations[0].when: unknown question 'zz'",
        ),
        ({"copy": {"declarations": [{"when": "nope", "text": "T"}]}}, "unknown condition 'nope'"),
        (
            {"copy": {"declarations": [{"when": 5, "text": "T"}]}},
            "copy.declarations[0].when: a condition",
        ),
        ({"copy": {"declarations": [{"text": ""}]}}, "copy.declarations[0].text: String should"),
        ({"copy": {"servicename": "X"}}, "copy: unknown key 'servicename'"),
        ({"copy": {"confirmation": {"steps": []}}}, "copy.confirmation: unknown key 'steps'"),
        ({"copy": {"exit": {"number": "1"}}}, "copy.exit: unknown key 'number'"),
        ({"x-conditions": {}}, "the tree: unknown key 'x-conditions'"),
        (
            {"questions": [{"id": "a", "kind": "yes_no", "label": "A", "maximum": 3}]},
            "questions[0] (a): maximum does not apply to a yes_no question",
        ),
        (
            {"questions": [{"id": "a", "kind": "yes_no", "label": "A", "colour": "red"}]},
            "questions[0] (a): unknown key 'colour'",
        ),
        (
            {
                "questions": [
                    {
                        "id": "a",
                        "kind": "yes_no",
                        "label": "A",
                        "options": [{"value": "y", "label": "Y", "x": 1}],
                    }
                ]
            },
            "questions[0] (a).options[0]: unknown key 'x'",
        ),
        (
            {
                "questions": [
                    {
                        "id": "a",
                        "kind": "yes_no",
                        "label": "A",
                        "routes": [{"when": {"answered": "a"}, "goto": "end", "note": "n"}],
                    }
                ]
            },
            "questions[0] (a).routes[0]: unknown key 'note'",
        ),
        (
            {"questions": [{"id": "a", "kind": "yes_no", "label": "A", "messages": {"name": "A"}}]},
            "questions[0] (a): messages: a yes_no question has no error 'name' (see the error codes",
        ),
        (
            {
                "questions": [
                    {"id": "a", "kind": "yes_no", "label": "A", "messages": {"too_long": "A"}}
                ]
            },
            "questions[0] (a): messages: a yes_no question has no error 'too_long'",
        ),
        ({"exits": [{"id": "e", "title": "E", "phone": "1"}]}, "exits[0] (e): unknown key 'phone'"),
        ({"sections": [{"id": "s", "title": "S", "x": 1}]}, "sections[0] (s): unknown key 'x'"),
        (
            {"outcomes": [{"id": "o", "label": "O", "when": {"answered": "a"}, "x": 1}]},
            "outcomes[0] (o): unknown key 'x'",
        ),
        (
            {
                "groups": [
                    {
                        "id": "g",
                        "label": "G",
                        "item_label": "i",
                        "questions": [{"id": "x", "kind": "yes_no", "label": "X", "y": 1}],
                    }
                ]
            },
            "groups[0] (g).questions[0] (x): unknown key 'y'",
        ),
    ],
)
def test_invalid_uses_are_refused_naming_the_element(extra: dict, message: str) -> None:
    refused(message, **extra)


def test_an_unused_named_condition_is_reported() -> None:
    tree = build(conditions={"spare": {"answered": "a"}})
    assert [(p.code, p.path) for p in check_tree(tree).problems] == [
        ("condition_unused", "conditions.spare")
    ]


def test_declarations_and_outcomes_must_read_questions_answered_on_every_path() -> None:
    tree = build(
        questions=[
            {
                "id": "a",
                "kind": "yes_no",
                "label": "A",
                "routes": [{"when": {"equals": ["a", "no"]}, "goto": "end"}],
            },
            {"id": "b", "kind": "yes_no", "label": "B"},
        ],
        conditions={"b_yes": {"equals": ["b", "yes"]}},
        outcomes=[{"id": "o", "label": "O", "when": "b_yes"}],
        copy={"declarations": [{"when": {"equals": ["b", "yes"]}, "text": "T"}]},
    )
    problems = [(p.path, p.message) for p in check_tree(tree).problems]
    assert problems == [
        (
            "copy.declarations[0].when",
            "reads 'b', which is not answered on every path to the end of the form",
        ),
        (
            "outcomes[0] (o).when",
            "reads 'b', which is not answered on every path to the end of the form",
        ),
    ]
    guarded = build(
        questions=tree.model_dump()["questions"],
        outcomes=[
            {
                "id": "o",
                "label": "O",
                "when": {"all": [{"answered": "b"}, {"equals": ["b", "yes"]}]},
            }
        ],
        copy={
            "declarations": [
                {"when": {"any": [{"not_answered": "b"}, {"equals": ["b", "yes"]}]}, "text": "T"}
            ]
        },
    )
    assert check_tree(guarded).ok


def test_an_outcome_that_cannot_be_decided_raises_once_the_journey_is_complete() -> None:
    tree = build(
        questions=[
            {
                "id": "a",
                "kind": "yes_no",
                "label": "A",
                "routes": [{"when": {"equals": ["a", "no"]}, "goto": "end"}],
            },
            {"id": "b", "kind": "yes_no", "label": "B"},
        ],
        outcomes=[{"id": "o", "label": "O", "when": {"equals": ["b", "yes"]}}],
    )
    early = start(tree)
    assert outcomes(tree, early, TODAY) == []
    done = answer(tree, early, "a", "no", TODAY).state
    with pytest.raises(ConditionError, match="'b'"):
        outcomes(tree, done, TODAY)


def test_exit_page_body_may_be_one_string() -> None:
    tree = build(
        exits=[{"id": "e", "title": "E", "body": "If anyone is in immediate danger, call 999."}]
    )
    assert tree.exits[0].body == ("If anyone is in immediate danger, call 999.",)


def test_a_reference_without_its_named_condition_cannot_be_decided() -> None:
    condition = parse_condition({"not": "missing"}, "when")
    assert list(condition.questions()) == []
    assert list(condition.references()) == ["missing"]
    ctx = Context(lambda _qid: None, TODAY, lambda _g: [], lambda _q: None)
    with pytest.raises(ConditionError, match="no condition named 'missing'"):
        condition.evaluate(ctx)


def test_one_unsafe_read_is_reported_once_per_condition() -> None:
    tree = build(
        questions=[
            {
                "id": "a",
                "kind": "yes_no",
                "label": "A",
                "routes": [{"when": {"equals": ["a", "no"]}, "goto": "end"}],
            },
            {"id": "b", "kind": "yes_no", "label": "B"},
        ],
        outcomes=[
            {
                "id": "o",
                "label": "O",
                "when": {"any": [{"equals": ["b", "yes"]}, {"not_equals": ["b", "no"]}]},
            }
        ],
    )
    assert [p.code for p in check_tree(tree).problems] == ["condition_unsafe"]


def test_a_copied_route_reads_its_own_condition() -> None:
    route = TREE.questions[2].routes[0]
    assert route.condition.op == "not"  # worked out, and kept with the route
    copied = route.model_copy(update={"when": {"answered": "needs"}})
    assert copied.condition.op == "answered"
    assert route.condition.op == "not"
