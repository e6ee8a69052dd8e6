"""Request-for-support pages: our fragments against govuk-frontend-jinja, in the same run.

    python benchmarks/bench_render.py [--json]

Two pages, each rendered by the SDK and by the peer library ``govuk-frontend-jinja`` (the GOV.UK
Frontend Nunjucks macros ported to Jinja; its templates ship inside the wheel, no npm package
needed) from the same view model:

* a question page: back link, error summary, a radios question with 6 options and an error
  message, the form with its CSRF field, the Continue button. Ours is
  ``familyhubs/support/question.html`` through ``Renderer.render``, with the component parameters
  built by ``support.pages.component_for`` as ``FormFlow`` builds them (no progress, caption or
  guidance, which the peer has no component for); the peer's is the same markup around its
  govukBackLink, govukErrorSummary, govukRadios and govukButton;
* a check-answers page with one summary list of 60 rows, each with a change link, shaped as
  ``FormFlow`` shapes them. Ours is ``familyhubs/support/check_answers.html``; the peer's is the
  same markup around its govukSummaryList and govukButton. The list is most of the work.

And the whole GOV.UK Frontend fixture set (``tests/helpers/govuk_fixtures.py``: every example in the
pinned release's ``fixtures.json``) for the components both libraries ship: one run renders each
fixture once, ours through ``Renderer.render`` of the component template, the peer's through its
macro, with the same params. A fixture the peer cannot render (a parameter newer than its release)
is left out of both sides and counted. Without npm, the fixture figures are ``null`` with the
reason.

The peer environment is the one its README configures: autoescape on, the package's templates
under the ``govuk_frontend_jinja/`` prefix. Our renderer also checks every href against its URL
allowlist (``safe_url``), which the peer does not do.

Before timing, both renderings of each page must hold the same radio inputs, summary rows, change
links, error summary, error message, back link and button; the script exits 1 if they do not.

The peer is not a dependency of the SDK. Install it into the venv to measure against it:

    .venv/bin/python -m pip install govuk-frontend-jinja

Without it the script says so and prints ``{"skipped": "..."}``, exiting 0. Prints a table, or
with --json one JSON object on the last line: ``ours_us``, ``peer_us``,
``ratio_vs_govuk_frontend_jinja`` (question page, ours / peer), ``check_answers_60_us``,
``check_answers_60_peer_us``, ``ratio_check_answers_60``, ``fixtures_us``, ``fixtures_peer_us``,
``ratio_fixtures_vs_govuk_frontend_jinja`` (the fixture set, ours / peer), ``fixtures_compared``,
``fixtures_peer_cannot_render``, ``govuk_frontend_jinja_version``.
"""

from __future__ import annotations

import argparse
import importlib.resources
import importlib.util
import json
import re
import sys
from collections.abc import Callable
from importlib.metadata import version
from pathlib import Path
from typing import Any

import jinja2

sys.path.insert(0, str(Path(__file__).parent))
sys.path.insert(1, str(Path(__file__).parents[1]))  # tests.helpers.govuk_fixtures
from _timing import median_us
from tests.helpers.govuk_fixtures import EXCLUDED, Fixture, fixtures_or_reason

from familyhubs_sdk.questiontree import FieldError, Option, Question
from familyhubs_sdk.rendering import Renderer
from familyhubs_sdk.support.journey._pages import FIELD, component_for

PEER = "govuk_frontend_jinja"
OPTIONS = 6
ROWS = 60
BASE = "/request-support"

PEER_QUESTION = """\
{%- from "govuk_frontend_jinja/components/back-link/macro.html" import govukBackLink %}
{%- from "govuk_frontend_jinja/components/error-summary/macro.html" import govukErrorSummary %}
{%- from "govuk_frontend_jinja/components/radios/macro.html" import govukRadios %}
{%- from "govuk_frontend_jinja/components/button/macro.html" import govukButton %}
{%- if page.back_href %}
{{ govukBackLink({"href": page.back_href}) }}
{%- endif %}
<div class="govuk-grid-row">
  <div class="govuk-grid-column-two-thirds">
  {%- if page.errors %}
    {{ govukErrorSummary({"titleText": "There is a problem", "errorList": page.errors}) }}
  {%- endif %}
    <form method="post" action="{{ page.action }}" novalidate>
      <input type="hidden" name="{{ page.csrf_field }}" value="{{ page.csrf_token }}">
      {{ govukRadios(page.component.params) }}
      {{ govukButton({"text": page.button_text, "preventDoubleClick": true}) }}
    </form>
  </div>
</div>
"""

PEER_CHECK_ANSWERS = """\
{%- from "govuk_frontend_jinja/components/back-link/macro.html" import govukBackLink %}
{%- from "govuk_frontend_jinja/components/summary-list/macro.html" import govukSummaryList %}
{%- from "govuk_frontend_jinja/components/button/macro.html" import govukButton %}
{%- if page.back_href %}
{{ govukBackLink({"href": page.back_href}) }}
{%- endif %}
<div class="govuk-grid-row">
  <div class="govuk-grid-column-two-thirds">
    <h1 class="govuk-heading-l">{{ page.heading }}</h1>
    {%- for section in page.sections %}
    <h2 class="govuk-heading-m">{{ section.title }}</h2>
    {{ govukSummaryList({"rows": section.rows, "classes": "govuk-!-margin-bottom-9"}) }}
    {%- endfor %}
    <h2 class="govuk-heading-m">Now send your request</h2>
    <p class="govuk-body">{{ page.declaration }}</p>
    <form method="post" action="{{ page.action }}" novalidate>
      <input type="hidden" name="{{ page.csrf_field }}" value="{{ page.csrf_token }}">
      {{ govukButton({"text": page.button_text, "preventDoubleClick": true}) }}
    </form>
  </div>
</div>
"""

#: What must be the same in both renderings of a page, as regexes: counted, and for the ones with a
#: group, the captured values compared in order.
CHECKS: dict[str, str] = {
    "radio inputs (id, value)": (
        r'<input class="govuk-radios__input" id="([^"]*)"[^>]*value="([^"]*)"'
    ),
    "summary rows": r'class="govuk-summary-list__row[ "]',
    "change links (href)": r'<a class="govuk-link" href="([^"]*)"',
    "error summary links (href)": r'<li>\s*<a href="([^"]*)"',
    "error summaries": r'data-module="govuk-error-summary"',
    "error messages": r'class="govuk-error-message[ "]',
    "back links (href)": r'<a href="([^"]*)" class="govuk-back-link',
    "buttons": r'<button type="submit"',
}


def question_page() -> dict[str, Any]:
    """A radios question just posted empty, as the journey's ``question_page`` builder models it."""
    question = Question(
        id="contact",
        kind="single_choice",
        label="How would the family like to be contacted?",
        options=tuple(
            Option(value=value, label=label)
            for value, label in [
                ("phone", "Phone call"),
                ("text", "Text message"),
                ("email", "Email"),
                ("letter", "Letter"),
                ("visit", "Home visit"),
                ("professional", "Through a professional they know & trust"),
            ]
        ),
    )
    assert len(question.options) == OPTIONS
    error = FieldError("required", "Select how the family would like to be contacted")
    return {
        "back_href": f"{BASE}/family-name",
        "progress": None,
        "caption": None,
        "action": f"{BASE}/contact",
        "csrf_field": "csrf_token",
        "csrf_token": "t0k3n",
        "errors": [{"text": error.message, "href": f"#{FIELD}"}],
        "guidance": None,
        "component": component_for(question, None, error),
        "button_text": "Continue",
    }


def check_answers_page() -> dict[str, Any]:
    """Sixty answers in one section with change links, as the journey's
    ``check_answers_sections`` builder models them."""
    rows = []
    for i in range(ROWS):
        key = f"Question {i + 1}: what does the family's support worker need to know?"
        rows.append(
            {
                "key": {"text": key},
                "value": {"text": f"Answer {i + 1} – school, GP & health visitor <informed>"},
                "actions": {
                    "items": [
                        {
                            "href": f"{BASE}/q{i + 1}?change=1",
                            "text": "Change",
                            "visuallyHiddenText": key.rstrip("?").lower(),
                        }
                    ]
                },
            }
        )
    return {
        "back_href": f"{BASE}/q{ROWS}",
        "errors": [],
        "progress": None,
        "caption": None,
        "heading": "Check your answers before sending your request",
        "sections": [{"title": "Your answers", "rows": rows}],
        "declaration": (
            "By sending this request you confirm that, to the best of your knowledge, the "
            "details are correct and the family has agreed to it."
        ),
        "button_text": "Accept and send",
        "action": f"{BASE}/check",
        "csrf_field": "csrf_token",
        "csrf_token": "t0k3n",
    }


def peer_environment() -> jinja2.Environment:
    """The peer as its README sets it up, plus the two bench pages."""
    return jinja2.Environment(
        loader=jinja2.ChoiceLoader(
            [
                jinja2.DictLoader(
                    {
                        "bench/question.html": PEER_QUESTION,
                        "bench/check_answers.html": PEER_CHECK_ANSWERS,
                    }
                ),
                jinja2.PrefixLoader({PEER: jinja2.PackageLoader(PEER)}),
            ]
        ),
        autoescape=True,
    )


def fixture_runs(
    renderer: Renderer,
) -> tuple[list[Fixture], int, Callable[[], object], Callable[[], object]] | str:
    """The fixtures both libraries render, how many the peer cannot, and one run of each side.

    A string (the reason) when the fixtures cannot be had.
    """
    fixtures, unavailable = fixtures_or_reason()
    if unavailable is not None:
        return unavailable
    peer_root = Path(str(importlib.resources.files(PEER) / "templates" / "components"))
    calls: dict[str, str] = {}
    for fixture in fixtures:
        macro_file = peer_root / fixture.component / "macro.html"
        if fixture.component not in calls and macro_file.is_file():
            macro = re.search(r"{%-?\s*macro\s+(\w+)", macro_file.read_text())
            assert macro is not None, macro_file
            calls[fixture.component] = (
                f'{{%- from "{PEER}/components/{fixture.component}/macro.html" '
                f"import {macro[1]} %}}{{{{ {macro[1]}(params) }}}}"
            )
    peer = jinja2.Environment(
        loader=jinja2.ChoiceLoader(
            [jinja2.DictLoader(calls), jinja2.PrefixLoader({PEER: jinja2.PackageLoader(PEER)})]
        ),
        autoescape=True,
    )
    both: list[Fixture] = []
    peer_fails = 0
    for fixture in fixtures:
        if fixture.component not in calls or (fixture.component, fixture.name) in EXCLUDED:
            continue
        try:
            peer.get_template(fixture.component).render(params=fixture.options)
        except Exception:  # a parameter or shape newer than the peer's GOV.UK Frontend release
            peer_fails += 1
            continue
        both.append(fixture)
    ours_jobs = [(renderer.environment.get_template(f.template), f.options) for f in both]
    peer_jobs = [(peer.get_template(f.component), f.options) for f in both]

    def ours() -> object:
        return [template.render(params=options) for template, options in ours_jobs]

    def theirs() -> object:
        return [template.render(params=options) for template, options in peer_jobs]

    return both, peer_fails, ours, theirs


def same_content(label: str, ours: str, peer: str) -> list[str]:
    """Differences between the two renderings of one page, by CHECKS; empty when alike."""
    problems = []
    for what, pattern in CHECKS.items():
        mine, theirs = re.findall(pattern, ours), re.findall(pattern, peer)
        if mine != theirs:
            problems.append(
                f"{label}: {what}: ours {len(mine)}, peer {len(theirs)}"
                + ("" if len(mine) != len(theirs) else " (same count, different values)")
            )
    return problems


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args()

    if importlib.util.find_spec(PEER) is None:
        reason = (
            "govuk-frontend-jinja is not installed; "
            "`.venv/bin/python -m pip install govuk-frontend-jinja` to compare against it"
        )
        print(f"bench_render: skipped: {reason}", file=sys.stderr)
        print(json.dumps({"skipped": reason}))
        return
    peer_version = version("govuk-frontend-jinja")

    renderer = Renderer()
    peer = peer_environment()
    question, check = question_page(), check_answers_page()

    def ours_question() -> str:
        return renderer.render("familyhubs/support/question.html", page=question)

    def peer_question() -> str:
        return peer.get_template("bench/question.html").render(page=question)

    def ours_check() -> str:
        return renderer.render("familyhubs/support/check_answers.html", page=check)

    def peer_check() -> str:
        return peer.get_template("bench/check_answers.html").render(page=check)

    problems = same_content("question page", ours_question(), peer_question())
    problems += same_content("check answers", ours_check(), peer_check())
    counts = {
        "radio inputs": len(re.findall(CHECKS["radio inputs (id, value)"], ours_question())),
        "summary rows": len(re.findall(CHECKS["summary rows"], ours_check())),
    }
    if counts != {"radio inputs": OPTIONS, "summary rows": ROWS}:
        problems.append(f"expected {OPTIONS} radio inputs and {ROWS} summary rows, got {counts}")
    if problems:
        for problem in problems:
            print(f"bench_render: not like for like: {problem}", file=sys.stderr)
        sys.exit(1)

    fixture_set = fixture_runs(renderer)
    fixtures: dict[str, Any]
    if isinstance(fixture_set, str):
        print(f"bench_render: fixture set skipped: {fixture_set}", file=sys.stderr)
        fixtures = {"fixtures_us": None, "fixtures_peer_us": None}
        fixtures |= {"ratio_fixtures_vs_govuk_frontend_jinja": None, "fixtures_compared": 0}
        fixtures |= {"fixtures_peer_cannot_render": None, "fixtures_skipped": fixture_set}
    else:
        both, peer_fails, ours_fixtures, peer_fixtures = fixture_set
        ours_all = median_us(ours_fixtures, batch=3, repeats=9)
        theirs_all = median_us(peer_fixtures, batch=3, repeats=9)
        fixtures = {
            "fixtures_us": round(ours_all, 2),
            "fixtures_peer_us": round(theirs_all, 2),
            "ratio_fixtures_vs_govuk_frontend_jinja": round(ours_all / theirs_all, 3),
            "fixtures_compared": len(both),
            "fixtures_peer_cannot_render": peer_fails,
        }

    ours = median_us(ours_question)
    theirs = median_us(peer_question)
    ours_60 = median_us(ours_check, batch=50)
    theirs_60 = median_us(peer_check, batch=50)
    result = {
        "ours_us": round(ours, 2),
        "peer_us": round(theirs, 2),
        "ratio_vs_govuk_frontend_jinja": round(ours / theirs, 3),
        "check_answers_60_us": round(ours_60, 2),
        "check_answers_60_peer_us": round(theirs_60, 2),
        "ratio_check_answers_60": round(ours_60 / theirs_60, 3),
        **fixtures,
        "govuk_frontend_jinja_version": peer_version,
    }
    if args.json:
        print(json.dumps(result))
    else:
        peer_name = f"govuk-frontend-jinja {peer_version}"
        print(f"{'page':<36}{'familyhubs µs':>15}{peer_name + ' µs':>30}{'ratio':>8}")
        print(
            f"{f'question: radios x{OPTIONS} + errors':<36}{ours:>15.2f}{theirs:>30.2f}"
            f"{result['ratio_vs_govuk_frontend_jinja']:>8.3f}"
        )
        print(
            f"{f'check answers: {ROWS} rows':<36}{ours_60:>15.2f}{theirs_60:>30.2f}"
            f"{result['ratio_check_answers_60']:>8.3f}"
        )
        if fixtures["fixtures_us"] is not None:
            label = f"GOV.UK fixtures: {fixtures['fixtures_compared']}"
            print(
                f"{label:<36}{fixtures['fixtures_us']:>15.2f}{fixtures['fixtures_peer_us']:>30.2f}"
                f"{fixtures['ratio_fixtures_vs_govuk_frontend_jinja']:>8.3f}"
            )
            print(
                f"({fixtures['fixtures_peer_cannot_render']} fixtures left out: the peer cannot "
                "render them)"
            )
        print("ratio = ours / peer, medians of repeated batches in one process")


if __name__ == "__main__":
    main()
