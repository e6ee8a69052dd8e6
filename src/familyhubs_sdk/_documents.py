"""Read YAML and JSON configuration documents (question trees, view definitions) within bounds:
a size, a nesting depth and a number of nodes once YAML aliases are expanded. A document past
any of them is refused with a one-line message before it is built, so a hostile or broken file
can neither exhaust the stack (50,000 nested brackets) nor the memory ("billion laughs").

>>> parse_document("a: [1, [2]]", "yaml")
{'a': [1, [2]]}
>>> parse_document("[" * 1000 + "]" * 1000, "json")
Traceback (most recent call last):
...
familyhubs_sdk._documents.DocumentError: nested more than 64 deep (line 1, column 65)
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any, Literal

import yaml

__all__ = [
    "MAX_DOCUMENT_BYTES",
    "MAX_NESTING",
    "MAX_NODES",
    "DocumentError",
    "parse_document",
    "read_document",
]

#: The largest document read: far above any question tree or view catalog.
MAX_DOCUMENT_BYTES = 5 * 1024 * 1024
#: How deeply lists and mappings may nest (a question tree's deepest condition is about 20).
MAX_NESTING = 64
#: How many values a document may hold once YAML aliases are expanded.
MAX_NODES = 500_000

Format = Literal["yaml", "json"]


class DocumentError(ValueError):
    """The document cannot be read: not valid YAML or JSON, or past a bound. One line."""


def read_document(path: str | Path) -> tuple[str, Format]:
    """A file's text and its format (``.json`` is JSON, anything else YAML), size-checked."""
    file = Path(path)
    try:
        size = file.stat().st_size
        if size > MAX_DOCUMENT_BYTES:
            raise DocumentError(f"larger than {MAX_DOCUMENT_BYTES:,} bytes ({size:,})")
        text = file.read_text(encoding="utf-8")
    except OSError as exc:
        raise DocumentError(f"cannot be read ({exc.strerror or type(exc).__name__})") from None
    except UnicodeDecodeError:
        raise DocumentError("is not UTF-8 text") from None
    return text, "json" if file.suffix.lower() == ".json" else "yaml"


def parse_document(text: str, format: Format) -> Any:
    """The data in ``text``, after checking its size, depth and (expanded) node count.

    :raises DocumentError: with a one-line message naming the line and column at fault.
    """
    if len(text) > MAX_DOCUMENT_BYTES:
        raise DocumentError(f"larger than {MAX_DOCUMENT_BYTES:,} characters ({len(text):,})")
    if format == "json":
        _check_json(text)
        try:
            return json.loads(text)
        except json.JSONDecodeError as exc:
            raise DocumentError(
                f"not valid JSON: {exc.msg} (line {exc.lineno}, column {exc.colno})"
            ) from None
    try:
        _check_yaml(text)
        return yaml.safe_load(text)
    except yaml.YAMLError as exc:
        raise DocumentError(f"not valid YAML: {_yaml_problem(exc)}") from None


def _where(text: str, index: int) -> str:
    line = text.count("\n", 0, index) + 1
    column = index - (text.rfind("\n", 0, index) + 1) + 1
    return f"line {line}, column {column}"


def _check_json(text: str) -> None:
    """Depth of brackets outside strings: one pass, no recursion (``json`` would recurse)."""
    depth = 0
    in_string = escaped = False
    for index, char in enumerate(text):
        if in_string:
            if escaped:
                escaped = False
            elif char == "\\":
                escaped = True
            elif char == '"':
                in_string = False
        elif char == '"':
            in_string = True
        elif char in "[{":
            depth += 1
            if depth > MAX_NESTING:
                raise DocumentError(f"nested more than {MAX_NESTING} deep ({_where(text, index)})")
        elif char in "]}":
            depth -= 1


def _check_yaml(text: str) -> None:
    """Walk the parser's events (PyYAML's parser keeps a stack; its composer recurses) counting
    depth and nodes, an alias counting as the whole node it repeats."""
    depth = nodes = 0
    # Per open collection: (anchor, nodes before it, deepest depth below it).
    open_: list[tuple[str | None, int, int]] = []
    anchored: dict[str, tuple[int, int]] = {}  # anchor: (nodes, depth below)
    for event in yaml.parse(text, Loader=yaml.SafeLoader):
        if isinstance(event, yaml.CollectionStartEvent):
            depth += 1
            nodes += 1
            open_.append((event.anchor, nodes, depth))
        elif isinstance(event, yaml.CollectionEndEvent):
            anchor, before, deepest = open_.pop()
            if open_:
                parent = open_[-1]
                open_[-1] = (parent[0], parent[1], max(parent[2], deepest))
            if anchor is not None:
                anchored[anchor] = (nodes - before + 1, deepest - depth + 1)
            depth -= 1
        elif isinstance(event, yaml.ScalarEvent):
            nodes += 1
            if event.anchor is not None:
                anchored[event.anchor] = (1, 0)
        elif isinstance(event, yaml.AliasEvent):
            size, below = anchored.get(event.anchor or "", (1, 0))
            nodes += size
            if open_ and below:
                parent = open_[-1]
                open_[-1] = (parent[0], parent[1], max(parent[2], depth + below))
            if depth + below > MAX_NESTING:
                raise DocumentError(
                    f"nested more than {MAX_NESTING} deep through an alias "
                    f"({_yaml_mark(event.start_mark)})"
                )
        else:
            continue
        if depth > MAX_NESTING:
            raise DocumentError(
                f"nested more than {MAX_NESTING} deep ({_yaml_mark(event.start_mark)})"
            )
        if nodes > MAX_NODES:
            raise DocumentError(
                f"more than {MAX_NODES:,} values once aliases are expanded "
                f"({_yaml_mark(event.start_mark)})"
            )


def _yaml_mark(mark: Any) -> str:
    return f"line {mark.line + 1}, column {mark.column + 1}" if mark is not None else "?"


def _yaml_problem(exc: yaml.YAMLError) -> str:
    problem = getattr(exc, "problem", None)
    mark = getattr(exc, "problem_mark", None)
    if problem:
        return f"{problem} ({_yaml_mark(mark)})" if mark is not None else str(problem)
    return " ".join(str(exc).split())
