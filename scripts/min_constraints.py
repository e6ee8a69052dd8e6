"""Print pip constraints pinning every core dependency to the lowest version pyproject allows.

    python scripts/min_constraints.py [EXTRA ...] > build/constraints-min.txt

Each EXTRA named (e.g. ``evidence``) has its dependencies pinned to their lowest versions too.
Used by ``make test-min``: a run on the lowest declared versions proves the lower bounds are true.
"""

from __future__ import annotations

import re
import sys
import tomllib
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def main() -> None:
    project = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]
    extras = project.get("optional-dependencies", {})
    unknown = sorted(set(sys.argv[1:]) - set(extras))
    if unknown:
        raise SystemExit(f"no such extra in pyproject.toml: {', '.join(unknown)}")
    pinned = [*project["dependencies"], *(r for extra in sys.argv[1:] for r in extras[extra])]
    for requirement in pinned:
        match = re.fullmatch(r"([A-Za-z0-9_.\-]+)(\[[^\]]*\])?>=([0-9][0-9A-Za-z.]*)", requirement)
        if match is None:
            raise SystemExit(f"dependency without a plain lower bound: {requirement!r}")
        print(f"{match.group(1)}=={match.group(3)}")


if __name__ == "__main__":
    main()
