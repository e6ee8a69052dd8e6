"""Loaders read YAML and JSON within bounds: size, nesting depth and nodes once aliases are
expanded, each refused with one line before anything is built."""

from __future__ import annotations

from pathlib import Path

import pytest

from familyhubs_sdk._documents import (
    MAX_DOCUMENT_BYTES,
    MAX_NESTING,
    DocumentError,
    parse_document,
    read_document,
)
from familyhubs_sdk.errors import TreeDefinitionError, ViewDefinitionError
from familyhubs_sdk.questiontree import load_tree, load_tree_file
from familyhubs_sdk.views import ViewCatalog

BILLION_LAUGHS = "a: &a [x, x, x, x, x, x, x, x, x, x]\n" + "".join(
    f"{name}: &{name} [{', '.join([f'*{previous}'] * 10)}]\n"
    for previous, name in zip("abcdefgh", "bcdefghi", strict=True)
)


def test_nesting_up_to_the_limit_is_read_and_past_it_refused() -> None:
    inside = MAX_NESTING - 1  # the top-level mapping is one level
    assert parse_document("a: " + "[" * inside + "]" * inside, "yaml") is not None
    assert parse_document("[" * MAX_NESTING + "]" * MAX_NESTING, "json") is not None
    with pytest.raises(DocumentError, match=f"nested more than {MAX_NESTING} deep"):
        parse_document("a: " + "[" * MAX_NESTING + "]" * MAX_NESTING, "yaml")
    with pytest.raises(DocumentError, match=f"nested more than {MAX_NESTING} deep"):
        parse_document("[" * (MAX_NESTING + 1) + "]" * (MAX_NESTING + 1), "json")


def test_brackets_inside_json_strings_are_not_nesting() -> None:
    text = '{"a": "' + "[{" * 100 + '\\"' + "[" * 100 + '"}'
    assert parse_document(text, "json") == {"a": "[{" * 100 + '"' + "[" * 100}


def test_an_alias_bomb_is_refused_before_it_is_expanded() -> None:
    with pytest.raises(DocumentError, match="values once aliases are expanded"):
        parse_document(BILLION_LAUGHS, "yaml")
    with pytest.raises(TreeDefinitionError, match="values once aliases are expanded"):
        load_tree(BILLION_LAUGHS)
    with pytest.raises(ViewDefinitionError, match="values once aliases are expanded"):
        ViewCatalog.from_yaml(BILLION_LAUGHS)


def test_nesting_through_aliases_counts() -> None:
    text = "a: &a " + "[" * 40 + "]" * 40 + "\nb: " + "[" * 30 + "*a" + "]" * 30 + "\n"
    with pytest.raises(DocumentError, match="deep through an alias"):
        parse_document(text, "yaml")
    small = "a: &a {k: 1}\nb: [*a, *a]\nc: &s one\nd: *s\n"
    assert parse_document(small, "yaml") == {
        "a": {"k": 1},
        "b": [{"k": 1}, {"k": 1}],
        "c": "one",
        "d": "one",
    }


def test_documents_past_the_size_limit_are_refused(tmp_path: Path) -> None:
    big = "#" * (MAX_DOCUMENT_BYTES + 1)
    with pytest.raises(DocumentError, match="larger than"):
        parse_document(big, "yaml")
    path = tmp_path / "big.yaml"
    path.write_text(big)
    with pytest.raises(DocumentError, match="larger than"):
        read_document(path)
    with pytest.raises(TreeDefinitionError, match=r"big\.yaml: larger than"):
        load_tree_file(path)
    with pytest.raises(ViewDefinitionError, match=r"big\.yaml: larger than"):
        ViewCatalog.load(path)


def test_view_definitions_nested_50000_deep_are_one_line_errors() -> None:
    with pytest.raises(ViewDefinitionError) as raised:
        ViewCatalog.from_yaml("a: " + "[" * 50_000 + "]" * 50_000, origin="views.yaml")
    assert str(raised.value) == "views.yaml: nested more than 64 deep (line 1, column 67)"


def test_errors_name_the_file(tmp_path: Path) -> None:
    path = tmp_path / "tree.json"
    path.write_text('{"id": "t"}')
    with pytest.raises(TreeDefinitionError, match=r"tree\.json: .*version"):
        load_tree_file(path)
