"""Check built distributions: the wheel ships templates and migrations, and works once installed.

    python scripts/check_dist.py dist                     # contents + fresh-venv smoke test
    python scripts/check_dist.py dist --contents-only     # contents only
    python scripts/check_dist.py dist --sbom build/sbom   # ... and the wheel's SBOM

The smoke test installs the wheel into a new virtual environment, runs it from an empty folder (so
nothing under src/ can be imported by accident), prints ``familyhubs --version``, migrates a SQLite
database and renders a fragment.

``--sbom`` names the folder where ``make dist`` wrote the CycloneDX SBOM of the wheel's runtime
environment, ``<wheel name>-<version>.cdx.json``: it must list the wheel at its version, every
dependency the wheel declares, and nothing the wheel does not bring (no pip, no development tools).
"""

from __future__ import annotations

import argparse
import email.parser
import json
import re
import subprocess
import sys
import tempfile
import venv
import zipfile
from pathlib import Path

REQUIRED = (
    "familyhubs_sdk/py.typed",
    "familyhubs_sdk/templates/familyhubs/components/back_link.html",
    "familyhubs_sdk/templates/familyhubs/components/notification_banner.html",
    "familyhubs_sdk/store/migrations/env.py",
    "familyhubs_sdk/store/migrations/script.py.mako",
    "familyhubs_sdk/store/migrations/versions/0001_initial_schema.py",
    "familyhubs_sdk/demo/static/demo.css",
    "familyhubs_sdk/static/familyhubs.css",
    "familyhubs_sdk/static/familyhubs-init.js",
    "familyhubs_sdk/static/familyhubs-resume.js",
    "familyhubs_sdk/static/govuk/govuk-frontend.min.css",
    "familyhubs_sdk/static/govuk/govuk-frontend.min.js",
    "familyhubs_sdk/static/govuk/LICENSE.txt",
)

SMOKE = """
from familyhubs_sdk.rendering import render
from familyhubs_sdk.store import create_engine, current_revision, head_revision, upgrade
import familyhubs_sdk
assert "site-packages" in familyhubs_sdk.__file__, familyhubs_sdk.__file__
engine = create_engine("sqlite:///smoke.db")
upgrade(engine)
assert current_revision(engine) == head_revision()
html = render("familyhubs/components/back_link.html", params={"href": "/start", "text": "<Back>"})
assert 'href="/start"' in html and "&lt;Back&gt;" in html, html
print("rendered:", html)
"""


def check_contents(wheel: Path) -> None:
    names = set(zipfile.ZipFile(wheel).namelist())
    missing = [name for name in REQUIRED if name not in names]
    templates = sorted(n for n in names if n.startswith("familyhubs_sdk/templates/"))
    migrations = sorted(n for n in names if "/migrations/versions/" in n and n.endswith(".py"))
    counts = f"{len(names)} files, {len(templates)} templates, {len(migrations)} migrations"
    print(f"{wheel.name}: {counts}")
    if missing:
        sys.exit(f"missing from the wheel: {', '.join(missing)}")


def runtime_requirements(wheel: Path) -> list[str]:
    """The names of the dependencies the wheel declares outside any extra."""
    with zipfile.ZipFile(wheel) as archive:
        [metadata] = [n for n in archive.namelist() if n.endswith(".dist-info/METADATA")]
        headers = email.parser.Parser().parsestr(archive.read(metadata).decode("utf-8"))
    requirements = headers.get_all("Requires-Dist") or []
    return [
        _project_name(requirement)
        for requirement in requirements
        if "extra ==" not in requirement.partition(";")[2]
    ]


def _project_name(requirement: str) -> str:
    match = re.match(r"[A-Za-z0-9][A-Za-z0-9._-]*", requirement.strip())
    if match is None:
        sys.exit(f"cannot read the project name in requirement {requirement!r}")
    return _normalise(match.group())


def _normalise(name: str) -> str:
    """A project name as PEP 503 compares them: "PyYAML" and "pyyaml" are one project."""
    return re.sub(r"[-_.]+", "-", name).lower()


def check_sbom(folder: Path, wheel: Path) -> None:
    """The SBOM is CycloneDX JSON describing the wheel's runtime environment: the wheel at its
    version, every dependency it declares, and nothing the wheel does not bring."""
    name, version = wheel.name.split("-")[:2]
    sbom = folder / f"{name}-{version}.cdx.json"
    try:
        bom = json.loads(sbom.read_text(encoding="utf-8"))
    except (OSError, ValueError) as exc:
        sys.exit(f"{sbom}: no readable JSON SBOM ({exc})")
    if not isinstance(bom, dict) or bom.get("bomFormat") != "CycloneDX":
        sys.exit(f"{sbom}: not a CycloneDX SBOM")
    components = bom.get("components", [])
    versions = {_normalise(str(c.get("name"))): c.get("version") for c in components}
    if versions.get(_normalise(name)) != version:
        sys.exit(f"{sbom}: does not list {name} {version}")
    missing = [project for project in runtime_requirements(wheel) if project not in versions]
    if missing:
        sys.exit(f"{sbom}: does not list {', '.join(missing)}")
    names = {c.get("bom-ref"): _normalise(str(c.get("name"))) for c in components}
    edges = {d.get("ref"): d.get("dependsOn", []) for d in bom.get("dependencies", [])}
    reached: set[object] = set()
    todo = [ref for ref, project in names.items() if project == _normalise(name)]
    while todo:
        ref = todo.pop()
        if ref not in reached:
            reached.add(ref)
            todo.extend(edges.get(ref, []))
    strays = sorted(names[ref] for ref in names.keys() - reached)
    if strays:
        sys.exit(f"{sbom}: lists {', '.join(strays)}, which the wheel does not depend on")
    print(f"{sbom.name}: CycloneDX {bom.get('specVersion')}, {len(components)} components")


def smoke_test(wheel: Path) -> None:
    with tempfile.TemporaryDirectory(prefix="fh-wheel-") as tmp:
        env_dir = Path(tmp) / "venv"
        venv.create(env_dir, with_pip=True)
        python = env_dir / "bin" / "python"
        subprocess.run(
            [python, "-m", "pip", "install", "--quiet", str(wheel.resolve())], check=True
        )
        version = subprocess.run(
            [env_dir / "bin" / "familyhubs", "--version"],
            check=True,
            capture_output=True,
            text=True,
            cwd=tmp,
        ).stdout.strip()
        print(f"familyhubs --version: {version}")
        subprocess.run([python, "-c", SMOKE], check=True, cwd=tmp)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("dist", type=Path)
    parser.add_argument("--contents-only", action="store_true")
    parser.add_argument("--sbom", type=Path, metavar="FOLDER", help="check the SBOM in FOLDER")
    args = parser.parse_args()
    wheels = sorted(args.dist.glob("*.whl"))
    if len(wheels) != 1 or not list(args.dist.glob("*.tar.gz")):
        sys.exit(f"expected one wheel and one sdist in {args.dist}")
    check_contents(wheels[0])
    if args.sbom is not None:
        check_sbom(args.sbom, wheels[0])
    if not args.contents_only:
        smoke_test(wheels[0])
    print("dist OK")


if __name__ == "__main__":
    main()
