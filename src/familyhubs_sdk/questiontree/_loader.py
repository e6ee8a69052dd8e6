"""Load a question tree from YAML or JSON; every error names the element by its path and id.

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
familyhubs_sdk.errors.TreeDefinitionError: questions[0] (age).routes[0].when: unknown question...
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any, Literal

import yaml
from pydantic import ValidationError

from familyhubs_sdk._documents import DocumentError, parse_document, read_document
from familyhubs_sdk.errors import TreeDefinitionError
from familyhubs_sdk.questiontree._model import QuestionTree
from familyhubs_sdk.questiontree._references import reference_problems

__all__ = ["dump_tree", "load_tree", "load_tree_file"]


def _path(loc: tuple[int | str, ...], data: Any) -> str:
    """A pydantic error location as a path in the file, naming list items by their id:
    ``questions[10] (dash_score).routes[0]``."""
    text = ""
    node = data
    for part in loc:
        if isinstance(part, int):
            text += f"[{part}]"
            node = node[part] if isinstance(node, list) and part < len(node) else None
            if isinstance(node, dict) and isinstance(node.get("id"), str):
                text += f" ({node['id']})"
        else:
            text += f".{part}" if text else str(part)
            node = node.get(part) if isinstance(node, dict) else None
    return text


def _echo(error: Any, errors: list[Any]) -> bool:
    """A list reported too short only because its items were refused: the items' errors say it."""
    loc = tuple(error["loc"])
    return error["type"] == "too_short" and any(
        len(other["loc"]) > len(loc) and tuple(other["loc"][: len(loc)]) == loc for other in errors
    )


def _message(error: Any, data: Any) -> str:
    """One validation error, as "path: what is wrong"."""
    loc = tuple(error["loc"])
    if error["type"] == "extra_forbidden":
        return f"{_path(loc[:-1], data) or 'the tree'}: unknown key {loc[-1]!r}"
    message = str(error["msg"]).removeprefix("Value error, ")
    return f"{_path(loc, data) or 'the tree'}: {message}"


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
        errors = exc.errors(include_input=False, include_url=False)
        problems = [_message(error, data) for error in errors if not _echo(error, errors)]
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
    data = tree.model_dump(mode="json", exclude_defaults=True, by_alias=True)
    if format == "json":
        return json.dumps(data, indent=2, ensure_ascii=False)
    return yaml.safe_dump(data, sort_keys=False, allow_unicode=True, width=100)
