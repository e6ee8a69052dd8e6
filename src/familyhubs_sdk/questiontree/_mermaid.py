"""A tree's routes as a Mermaid flowchart, each edge labelled with its condition in short form.

>>> from familyhubs_sdk.questiontree._loader import load_tree
>>> print(mermaid(load_tree('''
... id: t
... version: "1"
... title: T
... start: age
... questions:
...   - id: age
...     kind: number
...     label: How old is the child?
...     routes: [{when: {number: [age, "<", 5]}, goto: end}]
...   - {id: school, kind: short_text, label: "Which school?"}
... ''')))
flowchart TD
    age["How old is the child?"]
    age -->|"age #lt; 5"| END
    age --> school
    school["Which school?"]
    school --> END
    END([Check answers])
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

from familyhubs_sdk.questiontree._conditions import Condition
from familyhubs_sdk.questiontree._model import END, END_REPEAT, EXIT_PREFIX, QuestionTree

__all__ = ["condition_text", "mermaid"]

# Mermaid reads these inside a label; its own entity codes show them as written.
_ESCAPES = str.maketrans(
    {"#": "#35;", '"': "#quot;", "<": "#lt;", ">": "#gt;", "|": "#124;", "&": "#amp;"}
)


def _escape(text: str) -> str:
    return text.translate(_ESCAPES)


def _values(values: Any) -> str:
    return ", ".join(str(v) for v in values)


_SHORT: Mapping[str, Callable[[tuple[Any, ...]], str]] = {
    "equals": lambda a: f"{a[0]} = {a[1]}",
    "not_equals": lambda a: f"{a[0]} ≠ {a[1]}",
    "in": lambda a: f"{a[0]} in {{{_values(a[1])}}}",
    "not_in": lambda a: f"{a[0]} not in {{{_values(a[1])}}}",
    "contains": lambda a: f"{a[0]} has {a[1]}",
    "contains_any": lambda a: f"{a[0]} has any of {{{_values(a[1])}}}",
    "contains_all": lambda a: f"{a[0]} has all of {{{_values(a[1])}}}",
    "answered": lambda a: f"{a[0]} answered",
    "not_answered": lambda a: f"{a[0]} not answered",
    "count": lambda a: f"count({a[0]}) {a[1]} {a[2]}",
    "number": lambda a: f"{a[0]} {a[1]} {a[2]}",
    "date": lambda a: f"{a[0]} {a[1]} today{a[2]:+d}{a[3]}",
    "ref": lambda a: str(a[0]),
}


def condition_text(condition: Condition) -> str:
    """A condition in short: ``needs has housing and age < 5``, ``any children: (age >= 8)``."""
    op, args = condition.op, condition.args
    if op in ("all", "any"):
        joiner = " and " if op == "all" else " or "
        return joiner.join(_nested(child) for child in args)
    if op == "not":
        return f"not {_nested(args[0])}"
    if op in ("any_repeat", "all_repeats"):
        return f"{'any' if op == 'any_repeat' else 'every'} {args[0]}: ({condition_text(args[1])})"
    return _SHORT[op](args)


def _nested(condition: Condition) -> str:
    text = condition_text(condition)
    return f"({text})" if condition.op in ("all", "any") else text


def _node(target: str) -> str:
    """A target's node id. Question ids are lower case, so upper-case ids never collide with
    them (and Mermaid refuses a node called ``end``)."""
    if target == END:
        return "END"
    if target.startswith(EXIT_PREFIX):
        return f"EXIT_{target.removeprefix(EXIT_PREFIX)}"
    return target


def mermaid(tree: QuestionTree) -> str:
    """The routes as a Mermaid flowchart, for documentation and review: one node per top-level
    question and group, each route an edge labelled with its condition."""
    lines = ["flowchart TD"]

    def edge(source: str, target: str, label: str | None) -> None:
        arrow = "-->" if label is None else f'-->|"{_escape(label)}"|'
        lines.append(f"    {source} {arrow} {_node(target)}")

    for question in tree.questions:
        lines.append(f'    {question.id}["{_escape(question.label)}"]')
        for route in question.routes:
            edge(
                question.id,
                tree.resolve(route.goto, tree.questions),
                condition_text(route.condition),
            )
        edge(question.id, tree.default_next(question, tree.questions), None)
    for group in tree.groups:
        lines.append(f'    {group.id}["{_escape(group.label)} (repeat)"]')
        inside = {q.id for q in group.questions} | {END_REPEAT}
        for question in group.questions:
            # Routes out of the group leave from the group's node, naming the question.
            for route in question.routes:
                target = tree.resolve(route.goto, group.questions)
                if target not in inside:
                    edge(group.id, target, f"{question.id}: {condition_text(route.condition)}")
            default = tree.resolve(tree.default_next(question, group.questions), group.questions)
            if default not in inside:
                edge(group.id, default, f"after {question.id}")
        for route in group.routes:
            edge(group.id, route.goto, condition_text(route.condition))
        edge(group.id, group.next or END, None)
    for exit_page in tree.exits:
        lines.append(f'    {_node(EXIT_PREFIX + exit_page.id)}(["{_escape(exit_page.title)}"])')
    lines.append("    END([Check answers])")
    return "\n".join(lines)
