"""GOV.UK Frontend's own component fixtures, and how our markup is compared with theirs.

The release pinned in :data:`familyhubs_sdk.rendering.GOVUK_FRONTEND_VERSION` comes from the npm
registry (``npm pack``) into ``build/govuk-frontend-<version>/`` once; each component's
``dist/govuk/components/<name>/fixtures.json`` lists examples: a ``name``, the macro ``options`` and
the ``html`` GOV.UK's Nunjucks macro renders for them. When npm or the registry cannot be reached
the fixture tests skip with the reason; under ``CI=true`` they fail instead.

Markup is compared as trees (html5lib): text with whitespace collapsed, attributes in any order,
``class`` as a set of names. A fixture we do not match on purpose is listed in :data:`EXCLUDED`
with the reason; docs/components.md shows the list and the counts, kept in step by a test.
"""

from __future__ import annotations

import json
import re
import shutil
import subprocess
import tarfile
from collections.abc import Mapping
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

import html5lib
from markupsafe import Markup

from familyhubs_sdk.rendering import GOVUK_FRONTEND_VERSION, render
from tests.helpers.databases import IN_CI

ROOT = Path(__file__).resolve().parents[2]
DOC = ROOT / "docs" / "components.md"
#: The generated part of docs/components.md sits between these lines.
TABLE_BEGIN = "<!-- fixture table: `python -m tests.helpers.govuk_fixtures` rewrites it -->"
TABLE_END = "<!-- end of fixture table -->"
PACKAGE_DIR = ROOT / "build" / f"govuk-frontend-{GOVUK_FRONTEND_VERSION}"
COMPONENTS_DIR = ROOT / "src" / "familyhubs_sdk" / "templates" / "familyhubs" / "components"

#: Fixtures we do not match on purpose, by (component, fixture name), with the reason. Rendered
#: into docs/components.md; a fixture is never skipped without being listed here.
EXCLUDED: Mapping[tuple[str, str], str] = {}


class FixturesUnavailable(Exception):
    """govuk-frontend could not be had from npm; the message says why."""


@dataclass(frozen=True)
class Fixture:
    """One example from a component's ``fixtures.json``."""

    component: str  # GOV.UK's name, e.g. "date-input"
    name: str
    options: Mapping[str, Any]
    html: str
    hidden: bool

    @property
    def template(self) -> str:
        """Our template for the component, e.g. ``familyhubs/components/date_input.html``."""
        return f"familyhubs/components/{self.component.replace('-', '_')}.html"

    @property
    def test_id(self) -> str:
        return f"{self.component}:{self.name}"


def shipped_components(components: Path) -> list[str]:
    """GOV.UK names of the components in ``components`` that we ship a template for."""
    return sorted(
        path.name
        for path in components.iterdir()
        if (COMPONENTS_DIR / f"{path.name.replace('-', '_')}.html").is_file()
    )


def _run(command: list[str]) -> subprocess.CompletedProcess[str]:
    try:
        return subprocess.run(command, capture_output=True, text=True, timeout=180, check=False)
    except (OSError, subprocess.TimeoutExpired) as exc:
        return subprocess.CompletedProcess(command, 1, "", f"{type(exc).__name__}: {exc}")


def _installed_version() -> str | None:
    try:
        manifest = json.loads((PACKAGE_DIR / "package" / "package.json").read_text())
        return str(manifest["version"])
    except (OSError, ValueError, KeyError):
        return None


def install_package() -> Path:
    """The unpacked ``package/`` of govuk-frontend at the pinned version (``npm pack`` if not)."""
    package = PACKAGE_DIR / "package"
    if _installed_version() == GOVUK_FRONTEND_VERSION:
        return package
    npm = shutil.which("npm")
    if npm is None:
        raise FixturesUnavailable("npm is not installed")
    PACKAGE_DIR.mkdir(parents=True, exist_ok=True)
    spec = f"govuk-frontend@{GOVUK_FRONTEND_VERSION}"
    result = _run([npm, "pack", spec, "--pack-destination", str(PACKAGE_DIR), "--json"])
    if result.returncode != 0:
        tail = " | ".join((result.stderr or result.stdout).strip().splitlines()[-3:])
        raise FixturesUnavailable(f"npm pack {spec} failed: {tail or result.returncode}")
    tarball = PACKAGE_DIR / str(json.loads(result.stdout)[0]["filename"])
    if package.exists():
        shutil.rmtree(package)
    with tarfile.open(tarball) as archive:
        archive.extractall(PACKAGE_DIR, filter="data")
    tarball.unlink()
    if _installed_version() != GOVUK_FRONTEND_VERSION:
        raise FixturesUnavailable(f"{tarball.name} did not unpack to {spec}")
    return package


@cache
def load_fixtures() -> tuple[Fixture, ...]:
    """Every fixture of every component we ship, in GOV.UK's order.

    :raises FixturesUnavailable: when the package cannot be had.
    """
    components = install_package() / "dist" / "govuk" / "components"
    found: list[Fixture] = []
    for component in shipped_components(components):
        data = json.loads((components / component / "fixtures.json").read_text())
        for fixture in data["fixtures"]:
            found.append(
                Fixture(
                    component=data["component"],
                    name=fixture["name"],
                    options=trusted_html(fixture["options"]),
                    html=fixture["html"],
                    hidden=bool(fixture.get("hidden", False)),
                )
            )
    return tuple(found)


def fixtures_or_reason() -> tuple[tuple[Fixture, ...], str | None]:
    """The fixtures, or none and why not (for collection, where raising would hide the reason)."""
    try:
        return load_fixtures(), None
    except FixturesUnavailable as exc:
        return (), f"GOV.UK Frontend {GOVUK_FRONTEND_VERSION} fixtures are not available: {exc}"


def require_available(reason: str | None) -> None:
    """Skip on a developer's machine, fail under ``CI=true``, when the fixtures are missing."""
    import pytest  # only the tests need it; the benchmark imports this module too

    if reason is None:
        return
    if IN_CI:
        pytest.fail(f"CI=true requires the GOV.UK Frontend fixture tests to run. {reason}")
    pytest.skip(reason)


def trusted_html(options: Any, key: str = "") -> Any:
    """Options as a host passes them: GOV.UK's ``html`` and ``...Html`` strings, and the HTML
    strings of service navigation's ``slots``, become Markup.

    Nunjucks marks nothing; GOV.UK's macros print those parameters unescaped. Our templates escape
    every string that is not :class:`~markupsafe.Markup`, as autoescaping should.
    """
    if isinstance(options, Mapping):
        if key == "slots":  # every slot is a piece of the host's own HTML
            return {
                name: _trusted(value) if isinstance(value, str) else trusted_html(value, name)
                for name, value in options.items()
            }
        return {name: trusted_html(value, name) for name, value in options.items()}
    if isinstance(options, list):
        return [trusted_html(value) for value in options]
    if key == "html" or key.endswith("Html"):
        return _trusted(options)
    return options


def _trusted(value: Any) -> Any:
    if isinstance(value, str):
        return Markup(value)  # noqa: S704 - fixture markup stands for a host's trusted HTML
    return value


_SPACE = re.compile(r"\s+")

Node = tuple[str, tuple[tuple[str, str], ...], tuple[Any, ...]] | str


def _attributes(element: Any) -> tuple[tuple[str, str], ...]:
    pairs = []
    for name, value in element.attrib.items():
        if name == "class":
            value = " ".join(sorted(set(value.split())))
        pairs.append((name, _SPACE.sub(" ", value).strip() if name == "class" else value))
    return tuple(sorted(pairs))


def _tree(element: Any) -> list[Node]:
    """Children of ``element`` as comparable nodes; whitespace collapsed, empty text dropped."""
    nodes: list[Node] = []

    def text(value: str | None) -> None:
        collapsed = _SPACE.sub(" ", value or "").strip()
        if collapsed:
            if nodes and isinstance(nodes[-1], str):
                nodes[-1] = f"{nodes[-1]} {collapsed}"
            else:
                nodes.append(collapsed)

    text(element.text)
    for child in element:
        if isinstance(child.tag, str):
            tag = child.tag.split("}", 1)[-1]
            nodes.append((tag, _attributes(child), tuple(_tree(child))))
        text(child.tail)
    return nodes


def parse(markup: str) -> list[Node]:
    """``markup`` as a list of comparable nodes (a fragment parsed in a ``<div>``)."""
    fragment = html5lib.parseFragment(markup, treebuilder="etree", namespaceHTMLElements=False)
    return _tree(fragment)


def parse_errors(markup: str) -> set[str]:
    """The HTML parse errors in ``markup`` by code, e.g. ``unexpected-character-after-attribute``.

    The tree comparison forgives what a browser forgives, such as two attributes with no space
    between them; this shows it.
    """
    parser = html5lib.HTMLParser(tree=html5lib.getTreeBuilder("etree"))
    parser.parseFragment(markup)
    return {str(code) for _position, code, _data in parser.errors}


def pretty(nodes: list[Node], depth: int = 0) -> str:
    """Nodes one a line, indented, so a failing comparison shows a readable diff."""
    lines: list[str] = []
    for node in nodes:
        if isinstance(node, str):
            lines.append("  " * depth + repr(node))
        else:
            tag, attributes, children = node
            shown = "".join(f' {name}="{value}"' for name, value in attributes)
            lines.append("  " * depth + f"<{tag}{shown}>")
            lines.append(pretty(list(children), depth + 1))
    return "\n".join(line for line in lines if line)


def identical(fixture: Fixture) -> bool:
    """Whether our template renders ``fixture`` as GOV.UK Frontend does."""
    try:
        ours = render(fixture.template, params=fixture.options)
    except Exception:  # a template error is a difference like any other
        return False
    same_tree = parse(ours) == parse(fixture.html)
    return same_tree and parse_errors(ours) <= parse_errors(fixture.html)


def fixture_table(fixtures: tuple[Fixture, ...]) -> str:
    """The generated part of docs/components.md: counts per component, then the exclusions."""
    lines = [
        TABLE_BEGIN,
        "",
        "| Component | Template | Fixtures | Identical | Excluded |",
        "|---|---|---:|---:|---:|",
    ]
    components = sorted({fixture.component for fixture in fixtures})
    totals = [0, 0, 0]
    for component in components:
        own = [fixture for fixture in fixtures if fixture.component == component]
        excluded = [f for f in own if (f.component, f.name) in EXCLUDED]
        same = [f for f in own if (f.component, f.name) not in EXCLUDED and identical(f)]
        counts = (len(own), len(same), len(excluded))
        totals = [total + count for total, count in zip(totals, counts, strict=True)]
        template = f"`{own[0].template.removeprefix('familyhubs/components/')}`"
        lines.append(f"| {component} | {template} | {counts[0]} | {counts[1]} | {counts[2]} |")
    lines.append(
        f"| **all {len(components)}** | | **{totals[0]}** | **{totals[1]}** | **{totals[2]}** |"
    )
    lines += ["", "Fixtures left out on purpose:", ""]
    if EXCLUDED:
        lines += [f"* {component}, “{name}”: {why}" for (component, name), why in EXCLUDED.items()]
    else:
        lines.append("* none: every fixture is compared.")
    lines += ["", TABLE_END]
    return "\n".join(lines)


def documented_table(text: str) -> str:
    """The generated part as it stands in ``text`` (docs/components.md)."""
    start, end = text.index(TABLE_BEGIN), text.index(TABLE_END) + len(TABLE_END)
    return text[start:end]


def main() -> None:
    """Rewrite the fixture table in docs/components.md."""
    text = DOC.read_text(encoding="utf-8")
    DOC.write_text(text.replace(documented_table(text), fixture_table(load_fixtures())))
    print(f"wrote {DOC}")


if __name__ == "__main__":
    main()
