"""The OWASP ASVS table in docs/security.md names tests that exist, so it cannot rot.

The table is the first one after the ``## OWASP ASVS 5.0 Level 2`` heading. Each row has four
cells: the requirement (starting with an ASVS 5.0 id such as ``V5.2``), who owns it (``SDK``,
``shared``, ``host`` or ``n/a``), how it is met, and the tests that prove it.

* Every test named in backticks as ``tests/...py`` or ``tests/...py::name`` exists: the file, and
  for ``::name`` a ``def name(`` in it. Within one cell, a bare ``::name`` names another test in
  the file named just before it.
* Every SDK or shared row names at least one test by name; host and n/a rows may name tests of the
  part the SDK plays.
* Every ASVS 5.0 chapter, V1 to V17, has at least one row.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
SECURITY = ROOT / "docs" / "security.md"
HEADING = "## OWASP ASVS 5.0 Level 2"
OWNERS = {"SDK", "shared", "host", "n/a"}
REQUIREMENT = re.compile(r"^V(\d{1,2})(\.\d+){0,2}\b")
REFERENCE = re.compile(r"`((?:tests/[\w./-]+\.py)?)(?:::(\w+))?`")


@dataclass(frozen=True)
class Row:
    line: int
    requirement: str
    owner: str
    how: str
    tests: tuple[tuple[str, str | None], ...]  # (path, test name or None)


def _cells(line: str) -> list[str]:
    assert line.startswith("|"), line
    assert line.endswith("|"), line
    return [cell.strip() for cell in line[1:-1].split("|")]


def _references(cell: str, where: str) -> tuple[tuple[str, str | None], ...]:
    found: list[tuple[str, str | None]] = []
    last_path: str | None = None
    for path, name in REFERENCE.findall(cell):
        if not path and not name:
            continue  # other code in the cell, such as `SecretStr`
        if not path:
            assert last_path is not None, f"{where}: `::{name}` names no file before it"
            path = last_path
        last_path = path
        found.append((path, name or None))
    return tuple(found)


def asvs_rows(text: str) -> list[Row]:
    lines = text.splitlines()
    start = next((i for i, line in enumerate(lines) if line.strip() == HEADING), None)
    assert start is not None, f"docs/security.md has no {HEADING!r} heading"
    first = next(i for i in range(start + 1, len(lines)) if lines[i].startswith("|"))
    table: list[tuple[int, str]] = []
    for number in range(first, len(lines)):
        if not lines[number].startswith("|"):
            break
        table.append((number + 1, lines[number].rstrip()))
    header, separator, *body = table
    assert len(_cells(header[1])) == 4, f"line {header[0]}: the table has four columns"
    assert set(separator[1]) <= set("|-: "), f"line {separator[0]}: separator row expected"
    rows = []
    for number, line in body:
        cells = _cells(line)
        where = f"docs/security.md line {number}"
        assert len(cells) == 4, f"{where}: 4 cells expected, found {len(cells)} (a stray '|'?)"
        requirement, owner, how, proved_by = cells
        rows.append(Row(number, requirement, owner, how, _references(proved_by, where)))
    return rows


ROWS = asvs_rows(SECURITY.read_text(encoding="utf-8"))


def test_the_table_is_found_and_covers_every_asvs_chapter() -> None:
    assert len(ROWS) >= 17
    chapters = set()
    for row in ROWS:
        match = REQUIREMENT.match(row.requirement)
        assert match, f"line {row.line}: {row.requirement!r} does not start with an ASVS id"
        chapters.add(int(match.group(1)))
    assert chapters == set(range(1, 18)), sorted(set(range(1, 18)) - chapters)


@pytest.mark.parametrize("row", ROWS, ids=lambda row: f"line{row.line}")
def test_each_row_has_an_owner_and_says_how(row: Row) -> None:
    assert row.owner in OWNERS, f"line {row.line}: owner {row.owner!r} is not one of {OWNERS}"
    assert row.how, f"line {row.line}: say how the requirement is met"


@pytest.mark.parametrize("row", [r for r in ROWS if r.owner in {"SDK", "shared"}],
                         ids=lambda row: f"line{row.line}")  # fmt: skip
def test_every_sdk_or_shared_row_names_a_test(row: Row) -> None:
    named = [path for path, name in row.tests if name is not None]
    assert named, f"line {row.line}: {row.requirement!r} is {row.owner} but names no test"


@pytest.mark.parametrize(
    ("path", "name"),
    sorted({ref for row in ROWS for ref in row.tests}, key=lambda ref: (ref[0], ref[1] or "")),
    ids=lambda value: value or "",
)
def test_every_referenced_test_exists(path: str, name: str | None) -> None:
    file = ROOT / path
    assert file.is_file(), f"docs/security.md names {path}, which does not exist"
    if name is not None:
        source = file.read_text(encoding="utf-8")
        pattern = rf"^[ \t]*(?:async[ \t]+)?def[ \t]+{re.escape(name)}[ \t]*\("
        assert re.search(pattern, source, re.MULTILINE), f"{path} has no test {name}"


def test_the_parser_reads_shorthand_and_refuses_broken_rows() -> None:
    text = "\n".join([
        HEADING, "",
        "| Requirement | Owner | How | Proved by |",
        "|---|---|---|---|",
        "| V2.2 Input | SDK | `SecretStr` stays out | `tests/a.py::one`, `::two`; `tests/b.py` |",
        "", "| not | the | table | |",
    ])  # fmt: skip
    [row] = asvs_rows(text)
    assert row.tests == (("tests/a.py", "one"), ("tests/a.py", "two"), ("tests/b.py", None))
    with pytest.raises(AssertionError, match="4 cells"):
        asvs_rows(text.replace("| SDK |", "| SDK | extra |"))
    with pytest.raises(AssertionError, match="names no file"):
        asvs_rows(text.replace("`tests/a.py::one`, ", ""))
