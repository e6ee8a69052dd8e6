"""Hypothesis strategies shared by the property tests: random valid trees and answer sequences."""

from __future__ import annotations

from typing import Any

from hypothesis import strategies as st

from familyhubs_sdk.questiontree import QuestionTree, load_tree

KINDS = ("yes_no", "single_choice", "multiple_choice", "short_text")


@st.composite
def tree_data(draw: st.DrawFn, max_questions: int = 8) -> dict[str, Any]:
    """The written form of a valid tree: routes only go forward, so there are no cycles."""
    count = draw(st.integers(1, max_questions))
    has_group = draw(st.booleans())
    group_at = draw(st.integers(0, count)) if has_group else None
    ids = [f"q{i}" for i in range(count)]
    order: list[str] = list(ids)
    if group_at is not None:
        order.insert(group_at, "grp")
    questions = []
    for i, qid in enumerate(ids):
        kind = draw(st.sampled_from(KINDS))
        question: dict[str, Any] = {"id": qid, "kind": kind, "label": f"Question {i}"}
        if kind in ("single_choice", "multiple_choice"):
            question["options"] = [{"value": f"o{j}", "label": f"Option {j}"} for j in range(3)]
            if kind == "multiple_choice" and draw(st.booleans()):
                question["options"].append({"value": "none", "label": "None", "exclusive": True})
        position = order.index(qid)
        later = order[position + 1 :]
        targets = [*later, "end", "exit:stop"]
        if kind != "short_text" and draw(st.booleans()):
            value = "yes" if kind == "yes_no" else "o0"
            op = "contains" if kind == "multiple_choice" else "equals"
            question["routes"] = [
                {"when": {op: [qid, value]}, "goto": draw(st.sampled_from(targets))}
            ]
        next_target = later[0] if later else "end"
        question["next"] = next_target
        questions.append(question)
    data: dict[str, Any] = {
        "id": "random",
        "version": "1",
        "title": "Random",
        "start": order[0],
        "questions": questions,
        "exits": [{"id": "stop", "title": "Stop"}],
    }
    if group_at is not None:
        minimum = draw(st.integers(0, 2))
        inner = [
            {"id": f"g{j}", "kind": "short_text", "label": f"Inner {j}"}
            for j in range(draw(st.integers(1, 3)))
        ]
        after = order[order.index("grp") + 1 :]
        data["groups"] = [
            {
                "id": "grp",
                "label": "Members",
                "item_label": "member",
                "min_repeats": minimum,
                "max_repeats": draw(st.integers(max(minimum, 1), 3)),
                "questions": inner,
                "next": after[0] if after else "end",
            }
        ]
    return data


def trees(max_questions: int = 8) -> st.SearchStrategy[QuestionTree]:
    """Random valid trees, loaded through the YAML loader's validation."""
    import yaml

    return tree_data(max_questions).map(lambda data: load_tree(yaml.safe_dump(data)))


def raw_answer(kind: str) -> st.SearchStrategy[Any]:
    """A valid posted value for a question of ``kind`` in the generated trees."""
    if kind == "yes_no":
        return st.sampled_from(["yes", "no"])
    if kind == "single_choice":
        return st.sampled_from(["o0", "o1", "o2"])
    if kind == "multiple_choice":
        return st.lists(st.sampled_from(["o0", "o1", "o2"]), min_size=1, max_size=3, unique=True)
    return st.text(alphabet="abcdefgh ", min_size=1, max_size=10).filter(str.strip)
