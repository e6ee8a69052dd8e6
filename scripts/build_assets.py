"""Build the GOV.UK Frontend stylesheet and script that ship in src/familyhubs_sdk/static/govuk/.

    python scripts/build_assets.py          # rebuild (make assets)
    python scripts/build_assets.py --check  # exit 1 when the committed files differ from a rebuild

GOV.UK Frontend comes from npm at the release pinned in
:data:`familyhubs_sdk.rendering.GOVUK_FRONTEND_VERSION` (``npm pack`` into
``build/govuk-frontend-<version>/``, shared with the fixture tests), and the Sass compiler is the
``sass`` npm package (Dart Sass compiled to JavaScript, so only Node is needed) at
:data:`SASS_VERSION`, installed once into ``build/sass-node/``.

What it writes:

* ``govuk-frontend.min.css``: GOV.UK Frontend's Sass compiled with ``$govuk-font-family`` set to
  a system font stack. GDS Transport is licensed for services on GOV.UK only, and with it gone
  GOV.UK Frontend leaves out its ``@font-face`` rules, so no font files are needed.
  ``$govuk-assets-path`` is relative (``assets/``): images resolve next to the stylesheet, wherever
  the host mounts the folder.
* ``assets/...``: every file the stylesheet's ``url()``s name, copied from the package.
* ``govuk-frontend.min.js`` and its source map, as published.
* ``LICENSE.txt``: GOV.UK Frontend's MIT licence, which must travel with copies of it.

The same inputs give the same bytes, so ``--check`` can tell a stale or hand-edited build: it
exits 1 when the committed files differ, and 2 (as any run does) when npm or the registry cannot
provide what the build needs.
"""

from __future__ import annotations

import argparse
import json
import re
import shutil
import subprocess
import sys
import tarfile
import tempfile
from pathlib import Path
from typing import NoReturn

from familyhubs_sdk.rendering import GOVUK_FRONTEND_VERSION

ROOT = Path(__file__).resolve().parents[1]
#: The Dart Sass release the stylesheet is compiled with.
SASS_VERSION = "1.108.2"
OUTPUT = ROOT / "src" / "familyhubs_sdk" / "static" / "govuk"
PACKAGE_DIR = ROOT / "build" / f"govuk-frontend-{GOVUK_FRONTEND_VERSION}"
SASS_PREFIX = ROOT / "build" / "sass-node"

#: Fonts every platform has; GOV.UK Frontend's print styles keep their own ``sans-serif``.
FONT_STACK = 'system-ui, -apple-system, "Segoe UI", Roboto, "Helvetica Neue", Arial, sans-serif'

ENTRY = f"""\
@use "govuk" with (
  $govuk-font-family: ({FONT_STACK}),
  $govuk-assets-path: "assets/"
);
"""

BANNER = (
    f"/*! GOV.UK Frontend {GOVUK_FRONTEND_VERSION} | MIT licence, see LICENSE.txt | compiled by "
    f"familyhubs-sdk's scripts/build_assets.py with Dart Sass {SASS_VERSION} and a system font "
    "stack */\n"
)

LICENCE = """\
The MIT License (MIT)

Copyright (C) 2017 Crown Copyright (Government Digital Service)

Permission is hereby granted, free of charge, to any person obtaining a copy of
this software and associated documentation files (the "Software"), to deal in
the Software without restriction, including without limitation the rights to
use, copy, modify, merge, publish, distribute, sublicense, and/or sell copies
of the Software, and to permit persons to whom the Software is furnished to do
so, subject to the following conditions:

The above copyright notice and this permission notice shall be included in all
copies or substantial portions of the Software.

THE SOFTWARE IS PROVIDED "AS IS", WITHOUT WARRANTY OF ANY KIND, EXPRESS OR
IMPLIED, INCLUDING BUT NOT LIMITED TO THE WARRANTIES OF MERCHANTABILITY,
FITNESS FOR A PARTICULAR PURPOSE AND NONINFRINGEMENT. IN NO EVENT SHALL THE
AUTHORS OR COPYRIGHT HOLDERS BE LIABLE FOR ANY CLAIM, DAMAGES OR OTHER
LIABILITY, WHETHER IN AN ACTION OF CONTRACT, TORT OR OTHERWISE, ARISING FROM,
OUT OF OR IN CONNECTION WITH THE SOFTWARE OR THE USE OR OTHER DEALINGS IN THE
SOFTWARE.
"""

_URL = re.compile(r"""url\(\s*["']?([^"')]+)["']?\s*\)""")


#: The exit status when the build's tools or inputs cannot be had (1 means a stale build).
CANNOT_BUILD = 2


def cannot_build(why: str) -> NoReturn:
    print(f"build_assets: {why}", file=sys.stderr)
    raise SystemExit(CANNOT_BUILD)


def npm() -> str:
    found = shutil.which("npm")
    if found is None:
        cannot_build("npm is not installed: install Node.js (it brings npm) to build the assets")
    return found


def run(command: list[str]) -> subprocess.CompletedProcess[str]:
    result = subprocess.run(command, capture_output=True, text=True, check=False)
    if result.returncode != 0:
        cannot_build(f"{' '.join(command[:3])} ... failed:\n{result.stderr or result.stdout}")
    return result


def installed_version(package_json: Path) -> str | None:
    try:
        return str(json.loads(package_json.read_text())["version"])
    except (OSError, ValueError, KeyError):
        return None


def govuk_frontend() -> Path:
    """The unpacked ``package/`` of govuk-frontend at the pinned release."""
    package = PACKAGE_DIR / "package"
    if installed_version(package / "package.json") == GOVUK_FRONTEND_VERSION:
        return package
    PACKAGE_DIR.mkdir(parents=True, exist_ok=True)
    spec = f"govuk-frontend@{GOVUK_FRONTEND_VERSION}"
    result = run([npm(), "pack", spec, "--pack-destination", str(PACKAGE_DIR), "--json"])
    tarball = PACKAGE_DIR / str(json.loads(result.stdout)[0]["filename"])
    if package.exists():
        shutil.rmtree(package)
    with tarfile.open(tarball) as archive:
        archive.extractall(PACKAGE_DIR, filter="data")
    tarball.unlink()
    return package


def sass() -> Path:
    """The ``sass`` command at :data:`SASS_VERSION` (npm install into build/sass-node if not)."""
    command = SASS_PREFIX / "node_modules" / ".bin" / "sass"
    manifest = SASS_PREFIX / "node_modules" / "sass" / "package.json"
    if installed_version(manifest) != SASS_VERSION:
        SASS_PREFIX.mkdir(parents=True, exist_ok=True)
        run(
            [
                npm(),
                "install",
                "--prefix",
                str(SASS_PREFIX),
                "--no-audit",
                "--no-fund",
                "--loglevel=error",
                f"sass@{SASS_VERSION}",
            ]
        )
    return command


def compile_css(package: Path) -> str:
    with tempfile.TemporaryDirectory() as scratch:
        entry = Path(scratch) / "familyhubs-govuk.scss"
        entry.write_text(ENTRY)
        output = Path(scratch) / "govuk-frontend.min.css"
        run(
            [
                str(sass()),
                "--style=compressed",
                "--no-source-map",
                "--quiet-deps",
                f"--load-path={package / 'dist'}",
                str(entry),
                str(output),
            ]
        )
        return BANNER + output.read_text().strip() + "\n"


def build(target: Path) -> None:
    """Write every shipped file into ``target`` (emptied first)."""
    package = govuk_frontend()
    govuk = package / "dist" / "govuk"
    if target.exists():
        shutil.rmtree(target)
    target.mkdir(parents=True)
    css = compile_css(package)
    (target / "govuk-frontend.min.css").write_text(css)
    for url in sorted(set(_URL.findall(css))):
        if url.startswith(("data:", "#")):
            continue
        source = (govuk / url).resolve()
        if not source.is_relative_to(govuk.resolve()) or not source.is_file():
            sys.exit(f"the stylesheet asks for {url}, which GOV.UK Frontend does not ship")
        (target / url).parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(source, target / url)
    for name in ("govuk-frontend.min.js", "govuk-frontend.min.js.map"):
        shutil.copyfile(govuk / name, target / name)
    (target / "LICENSE.txt").write_text(LICENCE)


def files_in(folder: Path) -> dict[str, bytes]:
    return {
        path.relative_to(folder).as_posix(): path.read_bytes()
        for path in sorted(folder.rglob("*"))
        if path.is_file()
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--check", action="store_true", help="compare with a rebuild; no writes")
    args = parser.parse_args()
    if not args.check:
        build(OUTPUT)
        print(f"wrote {OUTPUT.relative_to(ROOT)}: {', '.join(files_in(OUTPUT))}")
        return
    with tempfile.TemporaryDirectory() as scratch:
        fresh = Path(scratch) / "govuk"
        build(fresh)
        expected, committed = files_in(fresh), files_in(OUTPUT) if OUTPUT.exists() else {}
    names = expected.keys() | committed.keys()
    stale = sorted(name for name in names if expected.get(name) != committed.get(name))
    if stale:
        sys.exit(f"{OUTPUT.relative_to(ROOT)} is out of date ({', '.join(stale)}): make assets")
    print(f"{OUTPUT.relative_to(ROOT)} matches a fresh build")


if __name__ == "__main__":
    main()
