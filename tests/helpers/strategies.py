"""Hypothesis strategies shared by the property tests: random valid trees and answer sequences."""

from __future__ import annotations

from datetime import date
from typing import Any

from hypothesis import strategies as st

from familyhubs_sdk.questiontree import QuestionTree, load_tree

KINDS = ("yes_no", "single_choice", "multiple_choice", "short_text", "number", "date")
#: Kinds asked inside the generated group: yes/no questions may route on, out, or to the end.
INNER_KINDS = ("yes_no", "short_text", "date")
#: Date bounds the generated dates (2010 to 2025, from :func:`raw_answer`) always meet, written
#: as offsets from any day in 2026 and as absolute dates.
DATE_BOUNDS = (
    {},
    {"minimum": "-25y"},
    {"maximum": "+9m"},
    {"minimum": "2000-01-01", "maximum": "today"},
)


def _question(draw: st.DrawFn, qid: str, kind: str, label: str) -> dict[str, Any]:
    question: dict[str, Any] = {"id": qid, "kind": kind, "label": label}
    if kind in ("single_choice", "multiple_choice"):
        question["options"] = [{"value": f"o{j}", "label": f"Option {j}"} for j in range(3)]
        if kind == "multiple_choice" and draw(st.booleans()):
            question["options"].append({"value": "none", "label": "None", "exclusive": True})
    if kind == "number":
        question.update({"whole_number": True, "minimum": 0, "maximum": 10})
    if kind == "date":
        question.update(draw(st.sampled_from(DATE_BOUNDS)))
    return question


def _condition(draw: st.DrawFn, qid: str, kind: str, named: dict[str, Any]) -> Any:
    """A condition on ``qid``'s own answer; sometimes written once under ``conditions:`` and
    used by name."""
    value = "yes" if kind == "yes_no" else "o0"
    op = "contains" if kind == "multiple_choice" else "equals"
    condition: Any = {op: [qid, value]}
    if draw(st.booleans()):
        named[f"when_{qid}"] = condition
        condition = f"when_{qid}"
    return condition


@st.composite
def tree_data(draw: st.DrawFn, max_questions: int = 8) -> dict[str, Any]:
    """The written form of a valid tree: routes only go forward, so there are no cycles. The
    group may branch after it finishes, and its questions may route out of it."""
    count = draw(st.integers(1, max_questions))
    has_group = draw(st.booleans())
    group_at = draw(st.integers(0, count)) if has_group else None
    ids = [f"q{i}" for i in range(count)]
    order: list[str] = list(ids)
    if group_at is not None:
        order.insert(group_at, "grp")
    named: dict[str, Any] = {}
    questions = []
    for i, qid in enumerate(ids):
        kind = draw(st.sampled_from(KINDS))
        question = _question(draw, qid, kind, f"Question {i}")
        position = order.index(qid)
        later = order[position + 1 :]
        targets = [*later, "end", "exit:stop"]
        if kind in ("yes_no", "single_choice", "multiple_choice") and draw(st.booleans()):
            question["routes"] = [
                {"when": _condition(draw, qid, kind, named), "goto": draw(st.sampled_from(targets))}
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
        data["groups"] = [_group(draw, order, named)]
    if named:
        data["conditions"] = named
    return data


def _group(draw: st.DrawFn, order: list[str], named: dict[str, Any]) -> dict[str, Any]:
    minimum = draw(st.integers(0, 2))
    after = order[order.index("grp") + 1 :]
    size = draw(st.integers(1, 3))
    inner_ids = [f"g{j}" for j in range(size)]
    inner = []
    for j, gid in enumerate(inner_ids):
        kind = draw(st.sampled_from(INNER_KINDS))
        question = _question(draw, gid, kind, f"Inner {j}")
        if kind == "yes_no" and draw(st.booleans()):
            # On within the repetition, end it, or leave the group (to a later question or
            # group-free end of the form), or stop at the exit page.
            targets = [*inner_ids[j + 1 :], "end_repeat", "end_form", "exit:stop", *after]
            question["routes"] = [
                {"when": _condition(draw, gid, kind, named), "goto": draw(st.sampled_from(targets))}
            ]
        inner.append(question)
    group: dict[str, Any] = {
        "id": "grp",
        "label": "Members",
        "item_label": "member",
        "min_repeats": minimum,
        "max_repeats": draw(st.integers(max(minimum, 1), 3)),
        "questions": inner,
        "next": after[0] if after else "end",
    }
    if draw(st.booleans()):
        # Branch once the group is finished: on how many were added, or on an answer given in
        # every repetition (the first question is asked in each).
        first = inner[0]
        aggregate: Any = {"count": ["grp", ">=", 2]}
        if first["kind"] == "yes_no":
            aggregate = {"any_repeat": {"group": "grp", "when": {"equals": [first["id"], "yes"]}}}
        group["routes"] = [
            {"when": aggregate, "goto": draw(st.sampled_from([*after, "end", "exit:stop"]))}
        ]
    return group


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
    if kind == "number":
        return st.one_of(st.integers(0, 10), st.integers(0, 10).map(str))
    if kind == "date":
        return st.dates(date(2010, 1, 1), date(2025, 12, 31)).map(
            lambda d: {"day": str(d.day), "month": str(d.month), "year": str(d.year)}
        )
    return st.text(alphabet="abcdefgh ", min_size=1, max_size=10).filter(str.strip)
