"""Load a question tree from YAML or JSON; every error names the element by its path.

>>> tree = load_tree('''
... id: tiny
... version: "1"
... title: Tiny
... start: age
... questions:
...   - id: age
...     kind: number
...     label: How old are they?
...     routes: [{when: {number: [agee, "<", 5]}, goto: end}]
... ''')
Traceback (most recent call last):
...
familyhubs_sdk.errors.TreeDefinitionError: questions[0].routes[0].when: unknown question 'agee'
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any, Literal

import yaml
from pydantic import ValidationError

from familyhubs_sdk._documents import DocumentError, parse_document, read_document
from familyhubs_sdk.errors import TreeDefinitionError
from familyhubs_sdk.questiontree._conditions import Condition, parse_condition
from familyhubs_sdk.questiontree._model import END, EXIT_PREFIX, Group, Question, QuestionTree

__all__ = ["dump_tree", "load_tree", "load_tree_file"]


def _path(loc: tuple[int | str, ...]) -> str:
    text = ""
    for part in loc:
        text += f"[{part}]" if isinstance(part, int) else (f".{part}" if text else str(part))
    return text


def load_tree(text: str, format: Literal["yaml", "json"] = "yaml") -> QuestionTree:
    """Parse and validate a tree: its shape, then every reference in it.

    A document larger than 5 MB, nested more than 64 deep, or holding more than 500,000 values
    once YAML aliases are expanded is refused before it is built, with a one-line error.
    """
    try:
        data = parse_document(text, format)
    except DocumentError as exc:
        raise TreeDefinitionError(str(exc)) from None
    try:
        tree = QuestionTree.model_validate(data)
    except ValidationError as exc:
        problems = [
            f"{_path(error['loc'])}: {error['msg']}"
            for error in exc.errors(include_input=False, include_url=False)
        ]
        raise TreeDefinitionError("; ".join(problems)) from None
    problems = list(reference_problems(tree))
    if problems:
        raise TreeDefinitionError("; ".join(problems))
    return tree


def load_tree_file(path: str | Path) -> QuestionTree:
    """Load a ``.yaml``, ``.yml`` or ``.json`` file; a file that cannot be read is a
    :class:`~familyhubs_sdk.errors.TreeDefinitionError` naming it."""
    try:
        text, format = read_document(path)
    except DocumentError as exc:
        raise TreeDefinitionError(f"{path}: {exc}") from None
    try:
        return load_tree(text, format)
    except TreeDefinitionError as exc:
        raise TreeDefinitionError(f"{path}: {exc}") from None


def dump_tree(tree: QuestionTree, format: Literal["yaml", "json"] = "yaml") -> str:
    """The tree as YAML or JSON text that :func:`load_tree` reads back to an equal tree."""
    data = tree.model_dump(mode="json", exclude_defaults=True)
    if format == "json":
        return json.dumps(data, indent=2, ensure_ascii=False)
    return yaml.safe_dump(data, sort_keys=False, allow_unicode=True, width=100)


def _conditions(tree: QuestionTree) -> Iterator[tuple[str, Any, Group | None]]:
    for i, question in enumerate(tree.questions):
        for j, route in enumerate(question.routes):
            yield f"questions[{i}].routes[{j}].when", route.when, None
    for g, group in enumerate(tree.groups):
        for i, question in enumerate(group.questions):
            for j, route in enumerate(question.routes):
                yield f"groups[{g}].questions[{i}].routes[{j}].when", route.when, group
    for i, outcome in enumerate(tree.outcomes):
        yield f"outcomes[{i}].when", outcome.when, None


def _check_condition(
    tree: QuestionTree, path: str, condition: Condition, scope: set[str]
) -> Iterator[str]:
    for qid in condition.questions():
        if qid not in scope:
            yield f"{path}: unknown question {qid!r}"
    for group_id, inner in condition.groups():
        group = tree.group_index.get(group_id)
        if group is None:
            yield f"{path}: unknown group {group_id!r}"
            continue
        inner_scope = {q.id for q in group.questions} | set(tree.question_index)
        yield from _check_condition(tree, path, inner, inner_scope)


def reference_problems(tree: QuestionTree) -> Iterator[str]:
    """Dangling targets, unknown questions in conditions, unknown sections, duplicate ids."""
    seen: dict[str, str] = {}
    places = [(f"questions[{i}]", q.id) for i, q in enumerate(tree.questions)]
    places += [(f"groups[{g}]", group.id) for g, group in enumerate(tree.groups)]
    places += [
        (f"groups[{g}].questions[{i}]", q.id)
        for g, group in enumerate(tree.groups)
        for i, q in enumerate(group.questions)
    ]
    for path, node_id in places:
        if node_id in seen:
            yield f"{path}.id: duplicate id {node_id!r} (first at {seen[node_id]})"
        else:
            seen[node_id] = path
    for kind, items in (
        ("exits", tree.exits),
        ("outcomes", tree.outcomes),
        ("sections", tree.sections),
    ):
        ids = [item.id for item in items]
        for i, item_id in enumerate(ids):
            if item_id in ids[:i]:
                yield f"{kind}[{i}].id: duplicate id {item_id!r}"
    nodes = set(tree.question_index) | set(tree.group_index)
    if tree.start not in nodes:
        yield f"start: unknown question or group {tree.start!r}"
    top = tree.questions
    for i, question in enumerate(top):
        yield from _target_problems(tree, f"questions[{i}]", question, top, nodes)
    for g, group in enumerate(tree.groups):
        inner = {q.id for q in group.questions}
        for i, question in enumerate(group.questions):
            yield from _target_problems(
                tree, f"groups[{g}].questions[{i}]", question, group.questions, inner
            )
        if group.next is not None and not _valid_target(tree, group.next, nodes):
            yield f"groups[{g}].next: unknown target {group.next!r}"
        if group.title_question is not None and group.title_question not in inner:
            yield f"groups[{g}].title_question: unknown question {group.title_question!r}"
    sections = set(tree.section_index)
    for path, section in _sections(tree):
        if section is not None and section not in sections:
            yield f"{path}.section: unknown section {section!r}"
    scope = set(tree.question_index)
    for path, raw, owner in _conditions(tree):
        try:
            condition = parse_condition(raw, path)
        except TreeDefinitionError as exc:
            yield str(exc)
            continue
        local = scope | ({q.id for q in owner.questions} if owner else set())
        yield from _check_condition(tree, path, condition, local | set(tree.group_index))


def _sections(tree: QuestionTree) -> Iterator[tuple[str, str | None]]:
    for i, q in enumerate(tree.questions):
        yield f"questions[{i}]", q.section
    for g, group in enumerate(tree.groups):
        yield f"groups[{g}]", group.section


def _valid_target(tree: QuestionTree, target: str, nodes: set[str]) -> bool:
    if target == END:
        return True
    if target.startswith(EXIT_PREFIX):
        return target.removeprefix(EXIT_PREFIX) in tree.exit_index
    return target in nodes


def _target_problems(
    tree: QuestionTree,
    path: str,
    question: Question,
    siblings: tuple[Question, ...],
    nodes: set[str],
) -> Iterator[str]:
    for j, route in enumerate(question.routes):
        if not _valid_target(tree, route.goto, nodes):
            yield f"{path}.routes[{j}].goto: unknown target {route.goto!r}"
    if question.next is not None and not _valid_target(tree, question.next, nodes):
        yield f"{path}.next: unknown target {question.next!r}"
