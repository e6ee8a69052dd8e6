"""Page templates draw GOV.UK components with the component macros, never by hand.

A component written out by hand drifts from GOV.UK Frontend (the fixtures only check
``components/``) and misses the wiring the macros do (ids, ``aria-describedby``, escaping). This
reads every template in the scanned folders and fails on an element whose ``class`` names a
component's root class. An exception goes in ``ALLOWED`` with the reason the macro cannot draw it;
an entry that no longer matches anything fails too, so the list only shrinks.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest

import familyhubs_sdk

TEMPLATES = Path(familyhubs_sdk.__file__).parent / "templates" / "familyhubs"
COMPONENTS = TEMPLATES / "components"

#: Templates under ``templates/familyhubs/`` that must use the macros (glob patterns): every page
#: template; ``components/`` is checked against GOV.UK Frontend's fixtures instead.
SCANNED = ("*.html", "support/**/*.html", "timeline/**/*.html", "demo/**/*.html")

#: Root classes that only a component macro writes: one per component template, named as the
#: template is (``summary_list.html`` → ``govuk-summary-list``), and the roots a macro writes
#: under another name.
ROOT_CLASSES = frozenset(
    {
        f"govuk-{path.stem.replace('_', '-')}"
        for path in COMPONENTS.glob("*.html")
        if not path.stem.startswith("_") and path.stem != "choices"
    }
    | {"govuk-summary-card", "govuk-form-group"}
)

#: ``govuk-button`` is a component only on what can be pressed; on anything else it is a class a
#: host may reuse.
ELEMENT_ONLY = {"govuk-button": {"a", "button", "input"}}

#: (template under ``templates/familyhubs/``, root class) → why it is written by hand.
ALLOWED: dict[tuple[str, str], str] = {
    ("support/evidence.html", "govuk-summary-list"): (
        "each file's Remove is a submit button in a form of its own, so Enter in the upload form "
        "never removes a file; govukSummaryList's actions are links only"
    ),
    ("page.html", "govuk-footer"): (
        "govukFooter always draws the GOV.UK crown and the Crown copyright link, which are for "
        "services on GOV.UK; a local authority's page keeps the footer's styles without them"
    ),
    ("demo/layout.html", "govuk-footer"): (
        "govukFooter always draws the GOV.UK crown and the Crown copyright link, which are for "
        "services on GOV.UK; the demo is a local authority's portal"
    ),
}

_JINJA = re.compile(r"\{#.*?#\}|\{%.*?%\}|\{\{.*?\}\}", re.DOTALL)
_TAG = re.compile(r"<([a-zA-Z][a-zA-Z0-9-]*)\b([^>]*)>")
_CLASS = re.compile(r"""\bclass\s*=\s*(?:"([^"]*)"|'([^']*)')""")


def handwritten_components(source: str) -> set[tuple[str, str]]:
    """(element, root class) of each component root the template source writes by hand.

    Jinja tags, expressions and comments are blanked first: a macro call's params are not
    markup, and ``class="govuk-tag{% if x %} ...{% endif %}"`` still reads as ``govuk-tag``.
    """
    markup = _JINJA.sub(" ", source)
    found = set()
    for element, attributes in _TAG.findall(markup):
        for match in _CLASS.finditer(attributes):
            for name in (match.group(1) or match.group(2) or "").split():
                if name in ROOT_CLASSES and element.lower() in ELEMENT_ONLY.get(
                    name, {element.lower()}
                ):
                    found.add((element.lower(), name))
    return found


def _templates() -> list[Path]:
    return sorted({path for pattern in SCANNED for path in TEMPLATES.glob(pattern)})


def _found() -> dict[tuple[str, str], set[str]]:
    found: dict[tuple[str, str], set[str]] = {}
    for path in _templates():
        name = path.relative_to(TEMPLATES).as_posix()
        for element, root in handwritten_components(path.read_text(encoding="utf-8")):
            found.setdefault((name, root), set()).add(element)
    return found


@pytest.mark.parametrize(
    ("source", "expected"),
    [
        ('<dl class="govuk-summary-list">', {("dl", "govuk-summary-list")}),
        (
            '<strong class="govuk-tag{% if c %} govuk-tag--{{ c }}{% endif %}">',
            {("strong", "govuk-tag")},
        ),
        ("<table class='govuk-table x'>", {("table", "govuk-table")}),
        (
            '<fieldset class="govuk-fieldset" aria-describedby="a-hint">',
            {("fieldset", "govuk-fieldset")},
        ),
        ('<p id="e" class="govuk-error-message">', {("p", "govuk-error-message")}),
        ('<button type="submit" class="govuk-button">', {("button", "govuk-button")}),
        ('<a href="/x" class="govuk-button govuk-button--start">', {("a", "govuk-button")}),
        ('<div class="govuk-button-group">', set()),
        ('<span class="govuk-button">', set()),
        ('<dl class="govuk-summary-list__row govuk-table__cell">', set()),
        ('{{ govukTable({"classes": "govuk-table"}) }}', set()),
        ('{# <div class="govuk-inset-text"> #}', set()),
        ('{%- set x = "<div class=\\"govuk-details\\">" %}', set()),
    ],
)
def test_the_scan_finds_component_roots_and_nothing_else(
    source: str, expected: set[tuple[str, str]]
) -> None:
    assert handwritten_components(source) == expected


def test_the_scan_knows_the_components() -> None:
    assert {
        "govuk-summary-list",
        "govuk-table",
        "govuk-fieldset",
        "govuk-hint",
        "govuk-error-message",
        "govuk-tag",
        "govuk-details",
        "govuk-inset-text",
        "govuk-warning-text",
        "govuk-task-list",
        "govuk-file-upload",
        "govuk-pagination",
        "govuk-button",
    } <= ROOT_CLASSES
    assert _templates(), "no templates scanned"


def test_page_templates_use_the_component_macros() -> None:
    handwritten = {
        f'{name}: <{" <".join(sorted(elements))} class="{root}">'
        for (name, root), elements in _found().items()
        if (name, root) not in ALLOWED
    }
    assert not handwritten, (
        "write these with the component macros (familyhubs/components/*.html), or add them to "
        f"ALLOWED with the reason the macro cannot: {sorted(handwritten)}"
    )


def test_every_allowed_exception_is_still_needed() -> None:
    unused = set(ALLOWED) - set(_found())
    assert not unused, f"these are no longer written by hand: delete them from ALLOWED: {unused}"
