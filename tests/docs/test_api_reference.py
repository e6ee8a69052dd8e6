"""docs/api.md is generated from the docstrings (scripts/api_reference.py) and kept up to date.

A changed public docstring or signature fails here until ``python scripts/api_reference.py`` is
run and the new docs/api.md committed with the change.
"""

from __future__ import annotations

import difflib
import importlib.util
import re
from pathlib import Path
from types import ModuleType

import pytest

ROOT = Path(__file__).resolve().parents[2]
API_MD = ROOT / "docs" / "api.md"
REGENERATE = "python scripts/api_reference.py"

# Public classes and functions allowed to have no docstring: none. Document new names instead.
UNDOCUMENTED: set[str] = set()


@pytest.fixture(scope="module")
def api_reference() -> ModuleType:
    spec = importlib.util.spec_from_file_location(
        "_api_reference", ROOT / "scripts" / "api_reference.py"
    )
    assert spec is not None
    assert spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@pytest.fixture(scope="module")
def generated(api_reference: ModuleType) -> str:
    return str(api_reference.generate())


def test_api_md_is_up_to_date(generated: str) -> None:
    committed = API_MD.read_text(encoding="utf-8") if API_MD.exists() else ""
    if committed != generated:
        diff = "\n".join(
            list(
                difflib.unified_diff(
                    committed.splitlines(),
                    generated.splitlines(),
                    "docs/api.md",
                    "generated",
                    lineterm="",
                    n=1,
                )
            )[:40]
        )
        pytest.fail(
            f"docs/api.md is out of date with the docstrings: run `{REGENERATE}`\n{diff}",
            pytrace=False,
        )


def test_every_public_name_is_documented(api_reference: ModuleType, generated: str) -> None:
    sections = dict(re.findall(r"^## `([\w.]+)`\n(.*?)(?=^## |\Z)", generated, re.M | re.S))
    public = api_reference.public_mapping()
    assert sorted(sections) == sorted(public)
    for module_name, names in public.items():
        documented = set(re.findall(r"^#### `(\w+)`$", sections[module_name], re.M))
        handed_on = api_reference.handed_on(module_name)
        # A package that hands a sub-package's names on points to them, documented once there.
        for name in names & set(handed_on):
            assert f"`{name}` ([`{handed_on[name]}`]" in sections[module_name], name
            assert name in public[handed_on[name]]
        missing = names - documented - set(handed_on)
        assert not missing, f"{module_name}: not in docs/api.md: {missing}"


def test_public_classes_and_functions_have_docstrings(api_reference: ModuleType) -> None:
    missing = set(api_reference.missing_docstrings())
    assert sorted(missing - UNDOCUMENTED) == [], "public names without a docstring"
    assert sorted(UNDOCUMENTED - missing) == [], "documented now: remove from UNDOCUMENTED"


def test_output_is_deterministic(api_reference: ModuleType, generated: str) -> None:
    assert api_reference.generate() == generated
    assert not re.search(r" at 0x[0-9a-f]+|<_HAS_DEFAULT_FACTORY|<factory>", generated)


def test_check_exits_1_when_out_of_date(api_reference: ModuleType, tmp_path: Path) -> None:
    stale = tmp_path / "api.md"
    stale.write_text("# API reference\n")
    assert api_reference.main(["--check", "--output", str(stale)]) == 1
    assert api_reference.main(["--output", str(stale)]) == 0
    assert api_reference.main(["--check", "--output", str(stale)]) == 0
