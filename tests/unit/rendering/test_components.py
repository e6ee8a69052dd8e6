"""GOV.UK form components: markup, id wiring and escaping for each parameter shape."""

from __future__ import annotations

from typing import Any

import html5lib
import jinja2
import pytest
from markupsafe import Markup

from familyhubs_sdk.errors import RenderingError
from familyhubs_sdk.rendering import Renderer
from familyhubs_sdk.rendering._attributes import html_attributes

RENDERER = Renderer(undefined=jinja2.StrictUndefined)


def render(component: str, **context: Any) -> Markup:
    return RENDERER.render(f"familyhubs/components/{component}.html", **context)


def parse(html: str) -> Any:
    return html5lib.parseFragment(html, treebuilder="etree", namespaceHTMLElements=False)


def ids(html: str) -> list[str]:
    return [el.attrib["id"] for el in parse(html).iter() if "id" in getattr(el, "attrib", {})]


def references(html: str) -> list[str]:
    """Every id that an aria-describedby, for or data-aria-controls points at."""
    found: list[str] = []
    for el in parse(html).iter():
        attrib = getattr(el, "attrib", {})
        found += attrib.get("aria-describedby", "").split()
        found += [attrib[name] for name in ("for", "data-aria-controls") if name in attrib]
    return found


def assert_wired(html: str) -> None:
    all_ids = ids(html)
    assert len(all_ids) == len(set(all_ids)), "duplicate ids"
    for ref in references(html):
        assert all_ids.count(ref) == 1, f"{ref!r} does not resolve to exactly one id"


RADIOS = {
    "idPrefix": "consent",
    "name": "consent",
    "fieldset": {"legend": {"text": "Has the family agreed?", "isPageHeading": True}},
    "hint": {"text": "Ask them first"},
    "items": [
        {"value": "yes", "text": "Yes", "hint": {"text": "They agreed"}},
        {"value": "no", "text": "No", "conditional": {"html": Markup("<p>Tell us why</p>")}},
        {"divider": "or"},
        {"value": "unsure", "text": "Not yet", "checked": True},
    ],
}


def test_radios_structure_and_wiring() -> None:
    html = render("choices", params=RADIOS)
    assert_wired(html)
    tree = parse(html)
    fieldset = tree.find(".//fieldset")
    assert fieldset is not None
    assert fieldset.attrib["aria-describedby"] == "consent-hint"
    assert fieldset.find("./legend/h1").text == "Has the family agreed?"
    inputs = tree.findall(".//input")
    # As in GOV.UK Frontend, the divider counts: the third radio is the fourth item.
    assert [i.attrib["id"] for i in inputs] == ["consent", "consent-2", "consent-4"]
    assert [i.attrib["type"] for i in inputs] == ["radio"] * 3
    assert "checked" in inputs[2].attrib
    assert inputs[0].attrib["aria-describedby"] == "consent-item-hint"
    assert inputs[1].attrib["data-aria-controls"] == "conditional-consent-2"
    assert "govuk-radios__conditional--hidden" in html  # hidden only once JavaScript runs
    assert '<div class="govuk-radios__divider">or</div>' in html


def test_errors_add_message_class_and_describedby() -> None:
    html = render("choices", params={**RADIOS, "errorMessage": {"text": "Select an answer"}})
    assert_wired(html)
    tree = parse(html)
    assert "govuk-form-group--error" in tree.find("./div").attrib["class"]
    assert tree.find(".//fieldset").attrib["aria-describedby"] == "consent-hint consent-error"
    error = tree.find(".//p[@id='consent-error']")
    assert "".join(error.itertext()) == "Error: Select an answer"


def test_checkboxes_with_exclusive_none() -> None:
    params = {
        "name": "needs",
        "fieldset": {"legend": {"text": "Needs"}},
        "items": [
            {"value": "housing", "text": "Housing", "checked": True},
            {"divider": "or"},
            {"value": "none", "text": "None of these", "behaviour": "exclusive"},
        ],
    }
    html = render("choices", params=params, kind="checkboxes")
    assert_wired(html)
    inputs = parse(html).findall(".//input")
    assert [i.attrib["type"] for i in inputs] == ["checkbox", "checkbox"]
    assert inputs[1].attrib["data-behaviour"] == "exclusive"
    assert 'data-module="govuk-checkboxes"' in html


def test_input_label_as_heading_hint_error_and_value() -> None:
    params = {
        "id": "email",
        "name": "email",
        "type": "email",
        "label": {"text": "Work email", "isPageHeading": True, "classes": "govuk-label--l"},
        "hint": {"text": "We reply here"},
        "errorMessage": {"text": "Enter an email address"},
        "value": '"><script>',
        "autocomplete": "email",
        "spellcheck": False,
    }
    html = render("input", params=params)
    assert_wired(html)
    field = parse(html).find(".//input")
    assert field.attrib["value"] == '"><script>'
    assert field.attrib["aria-describedby"] == "email-hint email-error"
    assert field.attrib["spellcheck"] == "false"
    assert "govuk-input--error" in field.attrib["class"]
    assert parse(html).find(".//h1/label").attrib["for"] == "email"


def test_textarea_character_count_states_the_limit_without_javascript() -> None:
    params = {"name": "worked", "label": {"text": "What is working well?"}, "maxlength": 500}
    html = render("textarea", params=params)
    assert_wired(html)
    assert "You can enter up to 500 characters" in html
    area = parse(html).find(".//textarea")
    assert area.attrib["aria-describedby"] == "worked-info"
    assert 'data-maxlength="500"' in html


def test_date_input_marks_only_the_parts_at_fault() -> None:
    params = {
        "id": "dob",
        "namePrefix": "dob",
        "fieldset": {"legend": {"text": "Date of birth"}},
        "hint": {"text": "For example, 27 3 2019"},
        "errorMessage": {"text": "Date of birth must include a year"},
        "errorItems": ["year"],
        "items": [
            {"name": "day", "label": "Day", "value": "27", "classes": "govuk-input--width-2"},
            {"name": "month", "label": "Month", "value": "3", "classes": "govuk-input--width-2"},
            {"name": "year", "label": "Year", "value": "", "classes": "govuk-input--width-4"},
        ],
    }
    html = render("date_input", params=params)
    assert_wired(html)
    tree = parse(html)
    assert tree.find(".//fieldset").attrib["role"] == "group"
    inputs = tree.findall(".//input")
    assert [i.attrib["name"] for i in inputs] == ["dob-day", "dob-month", "dob-year"]
    assert ["govuk-input--error" in i.attrib["class"] for i in inputs] == [False, False, True]


def test_summary_list_change_links_and_rows_without_actions() -> None:
    params = {
        "rows": [
            {
                "key": {"text": "Name"},
                "value": {"text": "Sam <b>"},
                "actions": {
                    "items": [
                        {"href": "/change/name", "text": "Change", "visuallyHiddenText": "name"}
                    ]
                },
            },
            {"key": {"text": "Reference"}, "value": {"text": "ABC"}},
        ]
    }
    html = render("summary_list", params=params)
    assert "Sam &lt;b&gt;" in html
    assert "govuk-summary-list__row--no-actions" in html
    link = parse(html).find(".//a")
    assert link.attrib["href"] == "/change/name"
    assert "".join(link.itertext()) == "Change name"


def test_error_summary_links_and_refuses_unsafe_hrefs() -> None:
    params = {
        "errorList": [
            {"text": "Select an answer", "href": "#consent"},
            {"text": "Bad", "href": "javascript:alert(1)"},
        ]
    }
    html = render("error_summary", params=params)
    links = parse(html).findall(".//a")
    assert [a.attrib["href"] for a in links] == ["#consent", "#"]
    assert 'role="alert"' in html
    assert "There is a problem" in html


def test_panel_and_button() -> None:
    panel = render(
        "panel", params={"titleText": "Request sent", "html": Markup("Ref <strong>AB</strong>")}
    )
    assert '<h1 class="govuk-panel__title">Request sent</h1>' in panel
    assert "<strong>AB</strong>" in panel
    button = render("button", params={"text": "Send", "preventDoubleClick": True})
    assert parse(button).find(".//button").attrib == {
        "type": "submit",
        "class": "govuk-button",
        "data-module": "govuk-button",
        "data-prevent-double-click": "true",
    }


@pytest.mark.parametrize(
    ("template", "macro"),
    [
        ("choices", "govukRadios"),
        ("choices", "govukCheckboxes"),
        ("radios", "govukRadios"),
        ("checkboxes", "govukCheckboxes"),
        ("fieldset", "govukFieldset"),
        ("hint", "govukHint"),
        ("label", "govukLabel"),
        ("error_message", "govukErrorMessage"),
        ("select", "govukSelect"),
        ("character_count", "govukCharacterCount"),
        ("file_upload", "govukFileUpload"),
        ("password_input", "govukPasswordInput"),
        ("input", "govukInput"),
        ("textarea", "govukTextarea"),
        ("date_input", "govukDateInput"),
        ("button", "govukButton"),
        ("summary_list", "govukSummaryList"),
        ("error_summary", "govukErrorSummary"),
        ("panel", "govukPanel"),
        ("back_link", "govukBackLink"),
        ("notification_banner", "govukNotificationBanner"),
    ],
)
def test_each_component_imports_as_a_macro_without_output(template: str, macro: str) -> None:
    env = RENDERER.environment
    page = env.from_string(
        f'{{% from "familyhubs/components/{template}.html" import {macro} %}}[{{{{ {macro} }}}}]'
    )
    assert page.render().startswith("[&lt;Macro")


def test_a_host_template_calls_the_macros_by_their_govuk_names() -> None:
    page = RENDERER.environment.from_string(
        '{% from "familyhubs/components/radios.html" import govukRadios %}'
        '{% from "familyhubs/components/character_count.html" import govukCharacterCount %}'
        '{{ govukRadios({"name": "c", "value": "b", "items": [{"value": "a", "text": "A"},'
        ' {"value": "b", "text": "B"}]}) }}'
        '{{ govukCharacterCount({"name": "why", "maxwords": 50, "label": {"text": "Why?"}}) }}'
    )
    html = page.render()
    assert_wired(html)
    radios = parse(html).findall(".//input")
    assert ["checked" in radio.attrib for radio in radios] == [False, True]
    assert "You can enter up to 50 words" in html
    assert 'data-maxwords="50"' in html


def test_attributes_take_govuk_optional_values_and_rendered_markup() -> None:
    rendered = html_attributes(
        {
            "hidden": {"value": True, "optional": True},
            "data-gone": {"value": None, "optional": True},
            "data-empty": {"value": None},
            "data-flag": {"value": False},
        }
    )
    assert rendered == Markup(' hidden data-empty="" data-flag="false"')
    assert html_attributes(Markup(' data-module="x"')) == Markup(' data-module="x"')
    with pytest.raises(RenderingError, match="mapping"):
        html_attributes('onclick="x"')  # type: ignore[arg-type]
