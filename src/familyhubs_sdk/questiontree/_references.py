"""What a well-formed tree can still refer to wrongly: targets, questions read by conditions,
named conditions, sections, duplicate ids. Every problem names the element by its path in the
file and its id: ``groups[0] (children).questions[2] (age).routes[0].goto: unknown target 'x'``.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from typing import Any

from familyhubs_sdk.errors import TreeDefinitionError
from familyhubs_sdk.questiontree._conditions import Condition, parse_condition
from familyhubs_sdk.questiontree._model import (
    END,
    END_FORM,
    END_REPEAT,
    EXIT_PREFIX,
    Group,
    Question,
    QuestionTree,
)

__all__ = ["ConditionSite", "condition_sites", "place", "reference_problems"]


def place(kind: str, index: int, element_id: str, parent: str = "") -> str:
    """``questions[3] (age)``; inside ``parent`` when given."""
    return f"{parent}{'.' if parent else ''}{kind}[{index}] ({element_id})"


@dataclass(frozen=True)
class ConditionSite:
    """Where a condition is written, and what it may read."""

    path: str
    raw: Any
    #: The group whose repetition it is evaluated in (its questions are readable), if any.
    group: Group | None
    #: ``route`` (a question's), ``group_route``, ``outcome``, ``declaration`` or ``named``.
    kind: str
    #: The question or group it belongs to (``None`` for outcomes, declarations, named ones).
    owner: str | None = None


def condition_sites(tree: QuestionTree) -> Iterator[ConditionSite]:
    """Every condition written in the tree, named conditions last."""
    for i, question in enumerate(tree.questions):
        at = place("questions", i, question.id)
        for j, route in enumerate(question.routes):
            yield ConditionSite(f"{at}.routes[{j}].when", route.when, None, "route", question.id)
    for g, group in enumerate(tree.groups):
        at_group = place("groups", g, group.id)
        for i, question in enumerate(group.questions):
            at = place("questions", i, question.id, at_group)
            for j, route in enumerate(question.routes):
                yield ConditionSite(
                    f"{at}.routes[{j}].when", route.when, group, "route", question.id
                )
        for j, route in enumerate(group.routes):
            yield ConditionSite(
                f"{at_group}.routes[{j}].when", route.when, None, "group_route", group.id
            )
    for i, outcome in enumerate(tree.outcomes):
        yield ConditionSite(
            f"{place('outcomes', i, outcome.id)}.when", outcome.when, None, "outcome"
        )
    for i, declaration in enumerate(tree.form_copy.declarations):
        if declaration.when is not None:
            yield ConditionSite(
                f"copy.declarations[{i}].when", declaration.when, None, "declaration"
            )


def reference_problems(tree: QuestionTree) -> Iterator[str]:
    """Every dangling reference in ``tree``, as "path: problem"."""
    yield from _duplicates(tree)
    nodes = set(tree.question_index) | set(tree.group_index)
    if tree.start not in nodes:
        yield f"start: unknown question or group {tree.start!r}"
    for i, question in enumerate(tree.questions):
        at = place("questions", i, question.id)
        yield from _question_targets(tree, at, question, None)
        for group_id in question.options_from:
            if group_id not in tree.group_index:
                yield f"{at}.options_from: unknown group {group_id!r}"
    for g, group in enumerate(tree.groups):
        at_group = place("groups", g, group.id)
        inner = {q.id for q in group.questions}
        for i, question in enumerate(group.questions):
            at = place("questions", i, question.id, at_group)
            yield from _question_targets(tree, at, question, group)
            if question.options_from:
                yield f"{at}.options_from: only questions outside groups offer repetitions"
        for j, route in enumerate(group.routes):
            yield from _target(tree, f"{at_group}.routes[{j}].goto", route.goto, None)
        if group.next is not None:
            yield from _target(tree, f"{at_group}.next", group.next, None)
        if group.title_question is not None and group.title_question not in inner:
            yield f"{at_group}.title_question: unknown question {group.title_question!r}"
    yield from _section_problems(tree)
    named, problems = _named(tree)
    yield from problems
    if problems:
        return
    for site in condition_sites(tree):
        try:
            condition = parse_condition(site.raw, site.path)
        except TreeDefinitionError as exc:
            yield str(exc)
            continue
        yield from _scope_problems(tree, named, site.path, condition, _scope(tree, site.group), "")


def _duplicates(tree: QuestionTree) -> Iterator[str]:
    seen: dict[str, str] = {}
    places = [place("questions", i, q.id) for i, q in enumerate(tree.questions)]
    places += [place("groups", g, group.id) for g, group in enumerate(tree.groups)]
    places += [
        place("questions", i, q.id, place("groups", g, group.id))
        for g, group in enumerate(tree.groups)
        for i, q in enumerate(group.questions)
    ]
    ids = [q.id for q in tree.questions] + [g.id for g in tree.groups]
    ids += [q.id for g in tree.groups for q in g.questions]
    for path, node_id in zip(places, ids, strict=True):
        if node_id in seen:
            yield f"{path}.id: duplicate id {node_id!r} (first at {seen[node_id]})"
        else:
            seen[node_id] = path
    for kind, items in (
        ("exits", tree.exits),
        ("outcomes", tree.outcomes),
        ("sections", tree.sections),
    ):
        item_ids = [item.id for item in items]
        for i, item_id in enumerate(item_ids):
            if item_id in item_ids[:i]:
                yield f"{place(kind, i, item_id)}.id: duplicate id {item_id!r}"


def _question_targets(
    tree: QuestionTree, path: str, question: Question, group: Group | None
) -> Iterator[str]:
    for j, route in enumerate(question.routes):
        yield from _target(tree, f"{path}.routes[{j}].goto", route.goto, group)
    if question.next is not None:
        yield from _target(tree, f"{path}.next", question.next, group)


def _target(tree: QuestionTree, path: str, target: str, group: Group | None) -> Iterator[str]:
    """A route's or ``next``'s target: in a group, its own questions, ``end_repeat``,
    ``end_form`` or (leaving the group) a top-level question or another group; at the top
    level, a question, a group or ``end``; anywhere, ``exit:<id>``."""
    if target.startswith(EXIT_PREFIX):
        if target.removeprefix(EXIT_PREFIX) not in tree.exit_index:
            yield f"{path}: unknown target {target!r}"
        return
    if group is None:
        if target in (END_REPEAT, END_FORM):
            yield f"{path}: {target!r} is only for questions in a group; here write 'end'"
        elif target != END and target not in tree.question_index and target not in tree.group_index:
            yield f"{path}: unknown target {target!r}"
        return
    if target == END:
        yield (
            f"{path}: in a group, write 'end_repeat' to end this {group.item_label} "
            "(\"add another?\" comes next) or 'end_form' to leave the group and end the form"
        )
    elif target == group.id:
        yield f"{path}: a question in group {group.id!r} cannot route to the group itself"
    elif target not in (END_REPEAT, END_FORM) and not (
        target in tree.question_index
        or target in tree.group_index
        or any(q.id == target for q in group.questions)
    ):
        yield f"{path}: unknown target {target!r}"


def _section_problems(tree: QuestionTree) -> Iterator[str]:
    sections = set(tree.section_index)
    for i, question in enumerate(tree.questions):
        if question.section is not None and question.section not in sections:
            at = place("questions", i, question.id)
            yield f"{at}.section: unknown section {question.section!r}"
    for g, group in enumerate(tree.groups):
        if group.section is not None and group.section not in sections:
            yield f"{place('groups', g, group.id)}.section: unknown section {group.section!r}"


def _named(tree: QuestionTree) -> tuple[dict[str, Condition], list[str]]:
    """The named conditions, parsed, and what is wrong with them: bad shape, an unknown name,
    or one that refers back to itself (which could never be decided)."""
    named: dict[str, Condition] = {}
    problems: list[str] = []
    for name, raw in tree.conditions.items():
        try:
            named[name] = parse_condition(raw, f"conditions.{name}")
        except TreeDefinitionError as exc:
            problems.append(str(exc))
    for name, condition in named.items():
        for ref in condition.references():
            if ref not in tree.conditions:
                problems.append(f"conditions.{name}: unknown condition {ref!r}")
    if not problems:
        problems += _named_loops(named)
    return named, problems


def _named_loops(named: Mapping[str, Condition]) -> Iterator[str]:
    state: dict[str, int] = {}  # 1: being followed, 2: done

    def visit(name: str, trail: list[str]) -> Iterator[str]:
        state[name] = 1
        for ref in dict.fromkeys(named[name].references()):
            if state.get(ref) == 1:
                loop = " → ".join([*trail[trail.index(ref) :], ref])
                yield f"conditions.{ref}: refers to itself: {loop}"
            elif ref not in state:
                yield from visit(ref, [*trail, ref])
        state[name] = 2

    for name in named:
        if name not in state:
            yield from visit(name, [name])


def _scope(tree: QuestionTree, group: Group | None) -> set[str]:
    """What a condition evaluated here may read: the top-level questions, group ids (for
    ``count``), and in a repetition that group's questions."""
    scope = set(tree.question_index) | set(tree.group_index)
    return scope | ({q.id for q in group.questions} if group is not None else set())


def _scope_problems(
    tree: QuestionTree,
    named: Mapping[str, Condition],
    path: str,
    condition: Condition,
    scope: set[str],
    via: str,
) -> Iterator[str]:
    if condition.op == "ref":
        name = condition.args[0]
        if name not in named:
            yield f"{path}: unknown condition {name!r}"
            return
        inner_via = via or f" (in condition {name!r})"
        yield from _scope_problems(tree, named, path, named[name], scope, inner_via)
    elif condition.op in ("all", "any", "not"):
        for child in condition.children(named):
            yield from _scope_problems(tree, named, path, child, scope, via)
    elif condition.op in ("any_repeat", "all_repeats"):
        group_id, inner = condition.args
        group = tree.group_index.get(group_id)
        if group is None:
            yield f"{path}: unknown group {group_id!r}{via}"
            return
        yield from _scope_problems(tree, named, path, inner, _scope(tree, group), via)
    elif condition.args[0] not in scope:
        yield f"{path}: {_unknown(tree, condition.args[0])}{via}"


def _unknown(tree: QuestionTree, qid: str) -> str:
    owner = next((g for g in tree.groups if any(q.id == qid for q in g.questions)), None)
    if owner is None:
        return f"unknown question {qid!r}"
    return (
        f"{qid!r} is asked in each repetition of {owner.id!r}: read it with "
        f"any_repeat or all_repeats"
    )
