"""The non-form GOV.UK components: importable as GOV.UK's macros, links through the allowlist,
text escaped. (Their markup is checked against GOV.UK Frontend's fixtures elsewhere.)"""

from __future__ import annotations

from typing import Any

import jinja2
import pytest
from markupsafe import Markup

from familyhubs_sdk.rendering import Renderer

HOSTILE = "javascript:alert(1)"
SCRIPT = "<script>alert(1)</script>"

#: template → (macro, params with a hostile link and hostile text in them)
COMPONENTS: dict[str, tuple[str, dict[str, Any]]] = {
    "accordion": (
        "govukAccordion",
        {"id": "a", "items": [{"heading": {"text": SCRIPT}, "content": {"text": "x"}}]},
    ),
    "back_link": ("govukBackLink", {"href": HOSTILE, "text": SCRIPT}),
    "breadcrumbs": ("govukBreadcrumbs", {"items": [{"href": HOSTILE, "text": SCRIPT}]}),
    "cookie_banner": (
        "govukCookieBanner",
        {"messages": [{"text": SCRIPT, "actions": [{"text": "View", "href": HOSTILE}]}]},
    ),
    "details": ("govukDetails", {"summaryText": SCRIPT, "text": "x"}),
    "exit_this_page": ("govukExitThisPage", {"redirectUrl": HOSTILE, "text": SCRIPT}),
    "footer": ("govukFooter", {"meta": {"items": [{"href": HOSTILE, "text": SCRIPT}]}}),
    "header": ("govukHeader", {"homepageUrl": HOSTILE, "productName": SCRIPT}),
    "inset_text": ("govukInsetText", {"text": SCRIPT}),
    "notification_banner": ("govukNotificationBanner", {"text": SCRIPT}),
    "pagination": ("govukPagination", {"items": [{"number": 1, "href": HOSTILE}]}),
    "panel": ("govukPanel", {"titleText": SCRIPT}),
    "phase_banner": ("govukPhaseBanner", {"tag": {"text": "Alpha"}, "text": SCRIPT}),
    "service_navigation": (
        "govukServiceNavigation",
        {"serviceName": SCRIPT, "serviceUrl": HOSTILE, "navigation": [{"href": HOSTILE}]},
    ),
    "skip_link": ("govukSkipLink", {"href": HOSTILE, "text": SCRIPT}),
    "summary_list": (
        "govukSummaryList",
        {
            "rows": [
                {
                    "key": {"text": SCRIPT},
                    "value": {"text": "v"},
                    "actions": {"items": [{"href": HOSTILE, "text": "Change"}]},
                }
            ]
        },
    ),
    "table": ("govukTable", {"rows": [[{"text": SCRIPT}]]}),
    "tag": ("govukTag", {"text": SCRIPT}),
    "task_list": (
        "govukTaskList",
        {"items": [{"title": {"text": SCRIPT}, "href": HOSTILE, "status": {"text": "Done"}}]},
    ),
    "warning_text": ("govukWarningText", {"text": SCRIPT}),
}


@pytest.fixture(scope="module")
def renderer() -> Renderer:
    pages = {
        f"{name}-page.html": (
            f'{{% from "familyhubs/components/{name}.html" import {macro} %}}'
            f"<main>{{{{ {macro}(params) }}}}</main>"
        )
        for name, (macro, _) in COMPONENTS.items()
    }
    return Renderer([jinja2.DictLoader(pages)], undefined=jinja2.StrictUndefined)


@pytest.mark.parametrize("name", list(COMPONENTS))
def test_macro_imports_by_govuk_name_and_matches_direct_render(
    renderer: Renderer, name: str
) -> None:
    _, params = COMPONENTS[name]
    through_macro = renderer.render(f"{name}-page.html", params=params)
    direct = renderer.render(f"familyhubs/components/{name}.html", params=params)
    assert through_macro.startswith("<main>")
    assert through_macro.removeprefix("<main>").removesuffix("</main>").strip() == direct.strip()


@pytest.mark.parametrize("name", list(COMPONENTS))
def test_text_is_escaped_and_hostile_links_are_inert(renderer: Renderer, name: str) -> None:
    _, params = COMPONENTS[name]
    html = renderer.render(f"familyhubs/components/{name}.html", params=params)
    assert "<script>" not in html
    assert "javascript:" not in html


def test_html_parameters_stay_html_only_as_markup(renderer: Renderer) -> None:
    plain = renderer.render("familyhubs/components/inset_text.html", params={"html": "<b>x</b>"})
    trusted = renderer.render(
        "familyhubs/components/inset_text.html", params={"html": Markup("<b>x</b>")}
    )
    assert "&lt;b&gt;" in plain
    assert "<b>x</b>" in trusted


def test_call_blocks_give_content(renderer: Renderer) -> None:
    env = renderer.environment
    template = env.from_string(
        '{% from "familyhubs/components/details.html" import govukDetails %}'
        '{% call govukDetails({"summaryText": "More"}) %}<p>Inside</p>{% endcall %}'
    )
    assert "<p>Inside</p>" in template.render()


def test_summary_list_with_two_actions_uses_the_actions_list(renderer: Renderer) -> None:
    html = renderer.render(
        "familyhubs/components/summary_list.html",
        params={
            "card": {"title": {"text": "Child"}},
            "rows": [
                None,
                {
                    "key": {"text": "Name"},
                    "value": {"text": "Alex"},
                    "actions": {
                        "items": [
                            {"href": "/change", "text": "Change", "visuallyHiddenText": "name"},
                            {"href": "/remove", "text": "Remove", "visuallyHiddenText": "name"},
                        ]
                    },
                },
            ],
        },
    )
    assert html.count("govuk-summary-list__actions-list-item") == 2
    assert html.count("govuk-summary-list__row") == 1  # the falsy row is skipped
    assert '<span class="govuk-visually-hidden"> name (Child)</span>' in html
