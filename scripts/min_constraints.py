"""Print pip constraints pinning every core dependency to the lowest version pyproject allows.

    python scripts/min_constraints.py > build/constraints-min.txt

Used by ``make test-min``: a run on the lowest declared versions proves the lower bounds are true.
"""

from __future__ import annotations

import re
import tomllib
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def main() -> None:
    project = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]
    for requirement in project["dependencies"]:
        match = re.fullmatch(r"([A-Za-z0-9_.\-]+)(\[[^\]]*\])?>=([0-9][0-9A-Za-z.]*)", requirement)
        if match is None:
            raise SystemExit(f"core dependency without a plain lower bound: {requirement!r}")
        print(f"{match.group(1)}=={match.group(3)}")


if __name__ == "__main__":
    main()
