"""`familyhubs tree check | paths | graph`."""

from __future__ import annotations

from pathlib import Path

import pytest

from familyhubs_sdk.cli import main

GOOD = """
id: t
version: "1"
title: T
start: a
questions:
  - {id: a, kind: yes_no, label: A, routes: [{when: {equals: [a, "yes"]}, goto: c}]}
  - {id: b, kind: yes_no, label: B}
  - {id: c, kind: yes_no, label: C}
"""


def write(tmp_path: Path, text: str) -> str:
    path = tmp_path / "tree.yaml"
    path.write_text(text)
    return str(path)


def test_check_passes_a_good_tree(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["tree", "check", write(tmp_path, GOOD)]) == 0
    assert "no problems; 2 routes through the tree" in capsys.readouterr().out


def test_check_fails_with_each_problem_named(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    bad = GOOD.replace("goto: c}]}", "goto: c}], next: c}")
    assert main(["tree", "check", write(tmp_path, bad)]) == 1
    out = capsys.readouterr().out.splitlines()
    assert out[0] == "questions[1] (b): 'b' can never be reached from the start [unreachable]"
    assert out[-1].endswith("1 problem(s)")


def test_check_reports_load_errors_as_errors(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    bad = GOOD.replace("goto: c", "goto: nowhere")
    assert main(["tree", "check", write(tmp_path, bad)]) == 2
    err = capsys.readouterr().err
    assert "questions[0] (a).routes[0].goto: unknown target 'nowhere' [tree_invalid]" in err


def test_paths_and_graph(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = write(tmp_path, GOOD)
    assert main(["tree", "paths", path, "--cap", "1"]) == 0
    out = capsys.readouterr().out
    assert out.splitlines() == ["a → c → end", "2 routes in all; first 1 shown"]
    assert main(["tree", "graph", path]) == 0
    assert capsys.readouterr().out.startswith("flowchart TD")


@pytest.mark.parametrize(
    ("name", "text", "expected"),
    [
        ("deep.yaml", "a: " + "[" * 50_000 + "]" * 50_000, "nested more than 64 deep"),
        ("deep.json", '{"a": ' + "[" * 50_000 + "]" * 50_000 + "}", "nested more than 64 deep"),
        ("bad.yaml", "a: [b: {c: d}", "not valid YAML: "),
        ("bad.json", '{"a": [}', "not valid JSON: "),
    ],
)
def test_deeply_nested_and_broken_files_get_one_line_errors(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], name: str, text: str, expected: str
) -> None:
    path = tmp_path / name
    path.write_text(text)
    for command in ("check", "paths", "graph"):
        assert main(["tree", command, str(path)]) == 2
        err = capsys.readouterr().err
        assert err.count("\n") == 1
        assert err.startswith(f"familyhubs: error: {path}: {expected}")
        assert err.endswith("[tree_invalid]\n")
        assert "Traceback" not in err


def test_missing_and_non_utf8_files_get_one_line_errors(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["tree", "check", str(tmp_path / "missing.yaml")]) == 2
    assert "missing.yaml: cannot be read (No such file or directory)" in capsys.readouterr().err
    latin = tmp_path / "latin.yaml"
    latin.write_bytes(b"title: Caf\xe9\n")
    assert main(["tree", "check", str(latin)]) == 2
    assert "latin.yaml: is not UTF-8 text [tree_invalid]" in capsys.readouterr().err


@pytest.mark.parametrize("command", ["check", "paths", "graph"])
def test_every_command_documents_its_exit_statuses(
    command: str, capsys: pytest.CaptureFixture[str]
) -> None:
    with pytest.raises(SystemExit) as exited:
        main(["tree", command, "--help"])
    assert exited.value.code == 0
    help_text = " ".join(capsys.readouterr().out.split())
    assert "0 when the tree has no problems, 1 when the checker finds problems, 2 when" in help_text


def test_a_missing_file_exits_with_2(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["tree", "graph", str(tmp_path / "missing.yaml")]) == 2
    assert "missing.yaml" in capsys.readouterr().err


def test_graph_labels_edges_with_their_conditions(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["tree", "graph", write(tmp_path, GOOD)]) == 0
    assert 'a -->|"a = yes"| c' in capsys.readouterr().out
