"""Check built distributions: the wheel ships templates and migrations, and works once installed.

    python scripts/check_dist.py dist                  # contents + fresh-venv smoke test
    python scripts/check_dist.py dist --contents-only  # contents only (CI's build job)

The smoke test installs the wheel into a new virtual environment, runs it from an empty folder (so
nothing under src/ can be imported by accident), prints ``familyhubs --version``, migrates a SQLite
database and renders a fragment.
"""

from __future__ import annotations

import argparse
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
    args = parser.parse_args()
    wheels = sorted(args.dist.glob("*.whl"))
    if len(wheels) != 1 or not list(args.dist.glob("*.tar.gz")):
        sys.exit(f"expected one wheel and one sdist in {args.dist}")
    check_contents(wheels[0])
    if not args.contents_only:
        smoke_test(wheels[0])
    print("dist OK")


if __name__ == "__main__":
    main()
