"""Release readiness: the integrator program runs as well as type-checks, and `make dist`'s SBOM
check tells a good SBOM from a wrong one."""

from __future__ import annotations

import importlib.util
import json
import sys
import zipfile
from collections.abc import Callable
from pathlib import Path
from types import ModuleType
from typing import Any

import pytest

ROOT = Path(__file__).parents[2]


def _load(path: Path, monkeypatch: pytest.MonkeyPatch) -> ModuleType:
    # By path: tests/typing cannot be imported as a package named "typing", nor scripts/ as one
    # that other installed projects might also call "scripts".
    spec = importlib.util.spec_from_file_location(path.stem, path)
    assert spec is not None
    assert spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    monkeypatch.setitem(sys.modules, spec.name, module)  # dataclasses look their module up here
    spec.loader.exec_module(module)
    return module


def test_integrator_program_shows_a_timeline_and_delivers_a_request(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("FAMILYHUBS_DATABASE_URL", raising=False)
    integrator = _load(ROOT / "tests" / "typing" / "integrator.py", monkeypatch)

    run = integrator.main(tmp_path)

    assert (tmp_path / "familyhubs.db").is_file()
    html = str(run.timeline_html)
    assert "Early help support" in html  # through the view definitions
    assert "Family hub session" not in html  # a row the definitions filter out
    assert "Placed in temporary accommodation" in html  # through the custom connector
    assert (run.delivery.claimed, run.delivery.delivered, run.dead_letters) == (1, 1, [])
    assert run.outbox.counts["delivered"] == 1
    assert run.outbox.oldest_waiting_s is None
    [referral] = run.referrals.values()
    assert referral["reference"] == run.request.reference
    assert referral["answers"][0]["value"] == "Secure housing"


WHEEL = "familyhubs_sdk-1.2.3-py3-none-any.whl"
METADATA = """\
Metadata-Version: 2.4
Name: familyhubs-sdk
Version: 1.2.3
Requires-Dist: jinja2>=3.1.6
Requires-Dist: PyYAML>=6.0
Requires-Dist: flask>=3.0; extra == 'flask'
"""


def _component(name: str, version: str) -> dict[str, str]:
    return {"bom-ref": f"{name}=={version}", "name": name, "version": version}


def _sbom(**changes: Any) -> dict[str, Any]:
    bom: dict[str, Any] = {
        "bomFormat": "CycloneDX",
        "specVersion": "1.6",
        "components": [
            _component("Jinja2", "3.1.6"),
            _component("MarkupSafe", "3.0.2"),
            _component("PyYAML", "6.0.2"),
            _component("familyhubs-sdk", "1.2.3"),
        ],
        "dependencies": [
            {"ref": "familyhubs-sdk==1.2.3", "dependsOn": ["Jinja2==3.1.6", "PyYAML==6.0.2"]},
            {"ref": "Jinja2==3.1.6", "dependsOn": ["MarkupSafe==3.0.2"]},
        ],
    }
    return bom | changes


@pytest.fixture
def check_sbom(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Callable[[dict[str, Any]], None]:
    """Writes a wheel and an SBOM, then runs check_dist's SBOM check on them."""
    check_dist = _load(ROOT / "scripts" / "check_dist.py", monkeypatch)
    wheel = tmp_path / WHEEL
    with zipfile.ZipFile(wheel, "w") as archive:
        archive.writestr("familyhubs_sdk-1.2.3.dist-info/METADATA", METADATA)

    def check(bom: dict[str, Any]) -> None:
        (tmp_path / "familyhubs_sdk-1.2.3.cdx.json").write_text(json.dumps(bom))
        check_dist.check_sbom(tmp_path, wheel)

    return check


def test_sbom_check_accepts_the_wheels_runtime_environment(
    check_sbom: Callable[[dict[str, Any]], None], capsys: pytest.CaptureFixture[str]
) -> None:
    check_sbom(_sbom())
    assert "CycloneDX 1.6, 4 components" in capsys.readouterr().out


@pytest.mark.parametrize(
    ("bom", "problem"),
    [
        (_sbom(bomFormat="SPDX"), "not a CycloneDX SBOM"),
        (_sbom(components=_sbom()["components"][1:]), "does not list jinja2"),
        (
            _sbom(components=[*_sbom()["components"][:3], _component("familyhubs-sdk", "1.2.2")]),
            "does not list familyhubs_sdk 1.2.3",
        ),
        (
            _sbom(components=[*_sbom()["components"], _component("pytest", "8.3.0")]),
            "lists pytest, which the wheel does not depend on",
        ),
    ],
    ids=["not-cyclonedx", "missing-dependency", "other-version", "dev-tool-leaked"],
)
def test_sbom_check_refuses_a_wrong_sbom(
    check_sbom: Callable[[dict[str, Any]], None], bom: dict[str, Any], problem: str
) -> None:
    with pytest.raises(SystemExit, match=problem):
        check_sbom(bom)
