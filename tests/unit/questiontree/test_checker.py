"""Each defect class is caught, with a message naming the element."""

from __future__ import annotations

import pytest
import yaml

from familyhubs_sdk.errors import TreeDefinitionError
from familyhubs_sdk.questiontree import check_tree, load_tree, mermaid

BASE = {"id": "t", "version": "1", "title": "T", "start": "a"}


def tree(questions: list[dict], **extra: object):  # type: ignore[no-untyped-def]
    return load_tree(yaml.safe_dump({**BASE, "questions": questions, **extra}))


def q(qid: str, **extra: object) -> dict:
    return {"id": qid, "kind": "yes_no", "label": qid.upper(), **extra}


@pytest.mark.parametrize(
    ("questions", "extra", "message"),
    [
        ([q("a", next="nowhere")], {}, "questions[0] (a).next: unknown target 'nowhere'"),
        (
            [q("a", routes=[{"when": {"equals": ["zz", "yes"]}, "goto": "end"}])],
            {},
            "questions[0] (a).routes[0].when: unknown question 'zz'",
        ),
        (
            [q("a", routes=[{"when": {"equals": ["a", "yes"]}, "goto": "exit:nope"}])],
            {},
            "questions[0] (a).routes[0].goto: unknown target 'exit:nope'",
        ),
        ([q("a"), q("a")], {}, "questions[1] (a).id: duplicate id 'a' (first at questions[0] (a))"),
        ([q("a", section="missing")], {}, "questions[0] (a).section: unknown section 'missing'"),
        (
            [q("a", routes=[{"when": {"equals": "a"}, "goto": "end"}])],
            {},
            "questions[0] (a).routes[0].when.equals: expected [question, value]",
        ),
        (
            [q("a", routes=[{"when": {"maybe": ["a", 1]}, "goto": "end"}])],
            {},
            "questions[0] (a).routes[0].when: unknown condition 'maybe'",
        ),
        (
            [
                {
                    "id": "a",
                    "kind": "short_text",
                    "label": "A",
                    "options": [{"value": "x", "label": "X"}],
                }
            ],
            {},
            "questions[0] (a): a short_text question cannot have options",
        ),
        ([q("a")], {"start": "b"}, "start: unknown question or group 'b'"),
        (
            [q("a", routes=[{"when": {"date": ["a", "after", "5 years"]}, "goto": "end"}])],
            {},
            "offset must look like -25y, \\+9m, -2w or \\+14d",
        ),
        (
            [q("a", routes=[{"when": {"number": ["a", "~", 5]}, "goto": "end"}])],
            {},
            "operator must be one of",
        ),
        (
            [
                q(
                    "a",
                    routes=[
                        {
                            "when": {"any_repeat": {"group": "kids", "when": {"answered": "a"}}},
                            "goto": "end",
                        }
                    ],
                )
            ],
            {},
            "unknown group 'kids'",
        ),
    ],
)
def test_load_time_defects_name_the_element(
    questions: list[dict], extra: dict, message: str
) -> None:
    with pytest.raises(
        TreeDefinitionError,
        match=message.replace("[", r"\[")
        .replace("]", r"\]")
        .replace("(", r"\(")
        .replace(")", r"\)"),
    ):
        tree(questions, **extra)


def test_cycle() -> None:
    report = check_tree(tree([q("a", next="b"), q("b", next="a")]))
    assert [(p.code, p.path) for p in report.problems] == [("cycle", "questions[0] (a)")]
    assert "a → b → a" in str(report.problems[0])


def test_unreachable_question() -> None:
    report = check_tree(tree([q("a", next="end"), q("b")]))
    assert [(p.code, p.path) for p in report.problems] == [("unreachable", "questions[1] (b)")]


def test_dead_end() -> None:
    report = check_tree(tree([q("a", next="exit:stop")], exits=[{"id": "stop", "title": "Stop"}]))
    assert [(p.code, p.path) for p in report.problems] == [("dead_end", "questions[0] (a)")]


def test_condition_reading_a_question_not_always_answered() -> None:
    questions = [
        q("a", routes=[{"when": {"equals": ["a", "yes"]}, "goto": "c"}]),
        q("b"),
        q("c", routes=[{"when": {"equals": ["b", "yes"]}, "goto": "end"}]),
    ]
    report = check_tree(tree(questions))
    assert [(p.code, p.path) for p in report.problems] == [
        ("condition_unsafe", "questions[2] (c).routes[0].when")
    ]
    # `answered` is the safe way to ask about a question that may not have been asked.
    questions[2]["routes"] = [{"when": {"answered": "b"}, "goto": "end"}]
    assert check_tree(tree(questions)).ok


def test_unknown_and_duplicate_options() -> None:
    questions = [
        {
            "id": "a",
            "kind": "single_choice",
            "label": "A",
            "options": [{"value": "x", "label": "X"}, {"value": "x", "label": "X again"}],
            "routes": [{"when": {"equals": ["a", "y"]}, "goto": "end"}],
        },
    ]
    codes = {(p.code, p.path) for p in check_tree(tree(questions)).problems}
    assert codes == {
        ("option_duplicate", "questions[0] (a).options[1]"),
        ("option_unknown", "questions[0] (a).routes[0].when"),
    }


def test_group_defects() -> None:
    group = {
        "id": "kids",
        "label": "Children",
        "item_label": "child",
        "questions": [
            {"id": "name", "kind": "short_text", "label": "Name", "next": "end_repeat"},
            {"id": "age", "kind": "number", "label": "Age"},
        ],
    }
    report = check_tree(tree([q("a", next="kids")], groups=[group]))
    assert [(p.code, p.path) for p in report.problems] == [
        ("unreachable", "groups[0] (kids).questions[1] (age)")
    ]


def test_paths_are_listed_with_a_cap_and_counted() -> None:
    questions = [
        q("a", routes=[{"when": {"equals": ["a", "yes"]}, "goto": "c"}]),
        q("b"),
        q("c", routes=[{"when": {"equals": ["c", "yes"]}, "goto": "end"}]),
        q("d"),
    ]
    report = check_tree(tree(questions), path_cap=3)
    assert report.ok
    assert report.path_count == 4
    assert len(report.paths) == 3
    assert report.paths_capped
    assert report.paths[0] == ("a", "c", "end")


def test_mermaid_graph_names_every_node() -> None:
    text = mermaid(
        tree(
            [q("a", routes=[{"when": {"equals": ["a", "no"]}, "goto": "exit:stop"}]), q("b")],
            exits=[{"id": "stop", "title": 'Call "999"'}],
        )
    )
    assert text.startswith("flowchart TD")
    assert 'a -->|"a = no"| EXIT_stop' in text
    assert 'EXIT_stop(["Call #quot;999#quot;"])' in text


def test_reads_of_earlier_answers_from_a_group_and_of_its_count_are_safe() -> None:
    group = {
        "id": "kids",
        "label": "Children",
        "item_label": "child",
        "next": "b",
        "questions": [
            q("name", routes=[{"when": {"equals": ["a", "yes"]}, "goto": "end_repeat"}]),
            {"id": "age", "kind": "number", "label": "Age"},
        ],
    }
    questions = [
        q("a", next="kids"),
        q("b", routes=[{"when": {"count": ["kids", ">=", 2]}, "goto": "end"}]),
    ]
    report = check_tree(tree(questions, groups=[group]))
    assert report.ok, report.problems
    assert report.paths == (("a", "kids", "b", "end"),)
