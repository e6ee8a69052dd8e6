"""Every code block in README.md and docs/ runs as written.

* ``python`` blocks run in order, one shared namespace per file, in an empty working folder.
* ``yaml``, ``json`` and ``toml`` blocks must parse.
* ``sh`` blocks: each ``familyhubs ...`` command runs through the CLI and must exit 0; set-up
  commands that need the network or a checkout (``pip install``, ``make``, ``git``) must be one of
  the known forms below and are not run.
* ``text`` blocks are output or prose and are not run. Any other language fails the test.
"""

from __future__ import annotations

import json
import re
import shlex
import tomllib
from pathlib import Path

import pytest
import yaml

from familyhubs_sdk.cli import main

ROOT = Path(__file__).resolve().parents[2]
DOC_FILES = sorted([ROOT / "README.md", *ROOT.glob("docs/**/*.md")])
FENCE = re.compile(r"^```([a-z]*)\n(.*?)^```$", re.MULTILINE | re.DOTALL)
SETUP_COMMANDS = re.compile(
    r"^(pip install [\w\[\],.\-\"' ]+|make (demo|test|lint|bench|dist|docs|a11y|screenshots|assets)"
    r"|git (clone|tag|push) [\w:/.\-@ ]+|python -m venv \.venv|\. \.venv/bin/activate"
    r"|export FAMILYHUBS_[A-Z_]+=\S+)$"
)


def blocks(path: Path) -> list[tuple[str, str]]:
    return [(lang, body) for lang, body in FENCE.findall(path.read_text(encoding="utf-8"))]


def run_block(lang: str, body: str, namespace: dict[str, object], where: str) -> bool:
    """Run or check one block; returns whether it was executed (not just checked)."""
    if lang == "python":
        exec(compile(body, where, "exec"), namespace)  # noqa: S102 - our own docs
        return True
    if lang == "yaml":
        yaml.safe_load(body)
        return True
    if lang == "json":
        json.loads(body)
        return True
    if lang == "toml":
        tomllib.loads(body)
        return True
    if lang == "sh":
        executed = False
        for line in filter(None, (line.strip() for line in body.splitlines())):
            if line.startswith("familyhubs "):
                assert main(shlex.split(line)[1:]) == 0, f"{where}: {line}"
                executed = True
            else:
                assert SETUP_COMMANDS.match(line), f"{where}: unknown shell command {line!r}"
        return executed
    assert lang == "text", f"{where}: code block language {lang!r} is not run by the docs tests"
    return False


@pytest.mark.parametrize("path", DOC_FILES, ids=lambda p: str(p.relative_to(ROOT)))
def test_doc_code_blocks_run(
    path: Path,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("FAMILYHUBS_DATA_DIR", str(tmp_path / "data"))
    monkeypatch.setenv("FAMILYHUBS_SECRET_KEY", "docs-test-secret-" + "x" * 32)
    namespace: dict[str, object] = {"__name__": f"docs_{path.stem}", "DOCS_DIR": str(path.parent)}
    yaml_blocks = [body for lang, body in blocks(path) if lang == "yaml"]
    if yaml_blocks:  # shell examples refer to the page's first YAML example by this name
        (tmp_path / "docs-example.yaml").write_text(yaml_blocks[0])
    executed = 0
    for index, (lang, body) in enumerate(blocks(path), start=1):
        where = f"{path.relative_to(ROOT)} block {index}"
        executed += run_block(lang, body, namespace, where)
    with capsys.disabled():
        print(f"\n{path.relative_to(ROOT)}: {executed} code blocks executed")


def test_docs_link_only_to_files_that_exist() -> None:
    for path in DOC_FILES:
        for target in re.findall(r"\]\(([^)#:]+\.md)(?:#[^)]*)?\)", path.read_text()):
            assert (path.parent / target).resolve().exists(), f"{path.name} links to {target}"
