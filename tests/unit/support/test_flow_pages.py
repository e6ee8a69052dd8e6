"""The journey's pages as a family worker meets them: removing a child asks first and Enter never
removes, progress in the style the form's owner chose (its bar never moving backwards), and the
form's own words from its tree — service name, declarations chosen by the answers, what happens
next, exit page numbers."""

from __future__ import annotations

import re
from datetime import UTC, datetime

import pytest
from tests.helpers.journeys import FIRST_STEPS, LAST_STEPS, FlowBrowser

from familyhubs_sdk.errors import ConfigurationError
from familyhubs_sdk.questiontree import load_tree
from familyhubs_sdk.support import FormFlow, InMemoryDraftStore, JourneyOptions, default_tree
from familyhubs_sdk.testing import MemorySubmitter
from familyhubs_sdk.web import CsrfRule
from familyhubs_sdk.web._pages import handler_layout

NOW = datetime(2026, 6, 1, 9, tzinfo=UTC)


def _flow(tree: object = None, **options: object) -> FormFlow:
    return FormFlow(
        tree or default_tree(),  # type: ignore[arg-type]
        InMemoryDraftStore(),
        MemorySubmitter(reference="ACDE3467"),
        options=JourneyOptions(csrf=CsrfRule(exempt=True), **options),  # type: ignore[arg-type]
        clock=lambda: NOW,
    )


def _text(html: str) -> str:
    return " ".join(re.sub(r"<[^>]+>", " ", html).split())


def _two_children(browser: FlowBrowser) -> None:
    browser.get("")
    for step, form in FIRST_STEPS:
        assert browser.post(step, form).is_redirect, step
    assert browser.post("children/add", {"add": "yes"}).is_redirect
    for step, form in (
        ("children/2/child_name", {"answer": "Baby Example"}),
        ("children/2/child_born", {"answer": "no"}),
        ("children/2/child_due_date", {"answer-day": "1", "answer-month": "9", "answer-year": "2026"}),
        ("children/2/child_send", {"answer": "not_known"}),
        ("children/2/child_nhs_number", {"answer": ""}),
    ):
        assert browser.post(step, form).location != f"/rs/{step}", step


# -- add another -------------------------------------------------------------------------------


def test_the_add_another_form_has_one_submit_button_continue() -> None:
    browser = FlowBrowser(_flow())
    _two_children(browser)
    page = browser.get("children/add")
    assert page.title == "You have added 2 children"
    buttons = re.findall(r"<button[^>]*>", page.html)
    assert len(buttons) == 1, buttons  # Enter submits Continue: nothing else to press
    assert 'name="remove"' not in page.html
    for number in (1, 2):
        assert f'href="/rs/children/remove/{number}"' in page.html
    # Remove links name the child for screen readers, keeping its case.
    assert 'Remove<span class="govuk-visually-hidden"> Child 1</span>' in page.html
    # Enter with nothing chosen: an error, and nobody removed.
    refused = browser.post("children/add", {})
    assert (refused.status, refused.title) == (400, "Error: You have added 2 children")
    assert "Select yes if you need to add another child" in refused.html
    assert browser.get("children/add").title == "You have added 2 children"


def test_removing_a_child_asks_first_and_only_yes_removes() -> None:
    browser = FlowBrowser(_flow())
    _two_children(browser)
    asked = browser.get("children/remove/1")
    assert asked.title == "Are you sure you want to remove Child 1?"
    assert "Jo Example" in asked.html  # which child, as the person named them
    assert 'href="/rs/children/add"' in asked.html  # back to the list
    unanswered = browser.post("children/remove/1", {})
    assert (unanswered.status, unanswered.title) == (400, "Error: " + asked.title)
    assert "Select yes if you want to remove Child 1" in unanswered.html
    assert browser.post("children/remove/1", {"remove": "no"}).location == "/rs/children/add"
    assert browser.get("children/add").title == "You have added 2 children"
    assert browser.post("children/remove/1", {"remove": "yes"}).location == "/rs/children/add"
    listing = browser.get("children/add")
    assert listing.title == "You have added 1 child"
    assert "Baby Example" in listing.html
    assert "Jo Example" not in listing.html


def test_a_remove_post_of_an_earlier_release_asks_instead_of_removing() -> None:
    browser = FlowBrowser(_flow())
    _two_children(browser)
    assert browser.post("children/add", {"remove": "2"}).location == "/rs/children/remove/2"
    assert browser.get("children/add").title == "You have added 2 children"


def test_removing_nothing_that_exists_goes_back_on_the_path() -> None:
    browser = FlowBrowser(_flow())
    _two_children(browser)
    for path in ("children/remove/3", "children/remove/0", "children/remove/x", "pets/remove/1"):
        response = browser.post(path, {"remove": "yes"})
        assert response.location == "/rs/children/add", path
    assert browser.get("children/add").title == "You have added 2 children"
    # At the group's minimum there is no remove link, and asking to remove changes nothing.
    assert browser.post("children/remove/2", {"remove": "yes"}).is_redirect
    page = browser.get("children/add")
    assert "/rs/children/remove/1" not in page.html
    browser.post("children/remove/1", {"remove": "yes"})
    assert browser.get("children/add").title == "You have added 1 child"


# -- progress ----------------------------------------------------------------------------------


def _progress_text(html: str) -> str:
    match = re.search(r'id="familyhubs-progress-text">(.*?)</p>', html, re.DOTALL)
    assert match, html[:500]
    return " ".join(match.group(1).split())


def _bar(html: str) -> int:
    match = re.search(r'<progress[^>]* value="(\d+)" max="100"', html)
    assert match, html[:500]
    return int(match.group(1))


def test_progress_names_the_section_by_default_with_no_caption_repeating_it() -> None:
    browser = FlowBrowser(_flow())
    browser.get("")
    page = browser.get("immediate_danger")
    assert _progress_text(page.html) == "Section 1 of 6: Before you start"
    assert "govuk-caption-l" not in page.html
    for step, form in FIRST_STEPS[:9]:
        browser.post(step, form)
    assert _progress_text(browser.get("lead_name").html) == "Section 3 of 6: The family"


@pytest.mark.parametrize(
    ("style", "expected"),
    [
        ("questions_left", r"About \d+ questions left"),
        ("range", r"Question 4 of about \d+ to \d+"),
    ],
)
def test_progress_in_the_style_the_host_chooses(style: str, expected: str) -> None:
    browser = FlowBrowser(_flow(progress=style))
    browser.get("")
    for step, form in FIRST_STEPS[:3]:
        browser.post(step, form)
    page = browser.get("referrer_name")
    assert re.fullmatch(expected, _progress_text(page.html)), _progress_text(page.html)
    assert "govuk-caption-l" in page.html  # these styles do not name the section
    with pytest.raises(ConfigurationError, match="progress"):
        JourneyOptions(progress="percent")  # type: ignore[arg-type]


def test_the_bar_never_moves_backwards_when_answers_add_questions_or_on_going_back() -> None:
    browser = FlowBrowser(_flow())
    browser.get("")
    shown: list[int] = []
    for step, form in (*FIRST_STEPS, ("children/add", {"add": "no"}), *LAST_STEPS):
        shown.append(_bar(browser.get(step).html))
        browser.post(step, form)
    assert shown == sorted(shown)
    assert shown[-1] > shown[0]
    highest = shown[-1]
    # Ticking every need adds a dozen questions: the honest fraction drops, the bar holds.
    all_needs = ["education", "early_years", "physical_health", "mental_health", "housing"]
    browser.post("needs?change=1", {"answer": all_needs})
    assert _bar(browser.get("education_detail").html) >= highest
    # Going back to the first question shows its section, with the bar where it was.
    first = browser.get("immediate_danger")
    assert _progress_text(first.html) == "Section 1 of 6: Before you start"
    assert _bar(first.html) >= highest
    # A new journey has a bar of its own.
    restarted = FlowBrowser(browser.flow, session={})
    restarted.get("")
    assert _bar(restarted.get("immediate_danger").html) == 0


# -- the form's own words ----------------------------------------------------------------------

OWN_WORDS = load_tree(
    """
id: own-words
version: '1'
title: Ask a family hub
start: consent
copy:
  service_name: Ask a family hub for help
  title_suffix: Exampleshire Council
  declarations:
  - when: {equals: [consent, 'yes']}
    text: The family agreed to this request.
  - text: I am sending this without the family’s agreement, for the reason I gave.
  confirmation:
    title: Sent to the hub
    response_time: within 3 working days
    next_steps: [The hub will call you.]
  exit:
    phone: 01632 960 123
    emergency: '999'
questions:
- id: consent
  kind: yes_no
  label: Has the family agreed?
  routes:
  - when: {equals: [consent, 'no']}
    goto: why
  next: danger
- id: why
  kind: long_text
  label: Why are you sending it without their agreement?
- id: danger
  kind: yes_no
  label: Is anyone in danger now?
  routes:
  - when: {equals: [danger, 'yes']}
    goto: exit:call
- id: dash
  kind: single_choice
  label: What is the DASH risk level?
  options: [{value: standard, label: Standard}, {value: high, label: High}]
  next: end
exits:
- id: call
  title: Get help now
  body: Call the front door.
  show_front_door_phone: true
"""
)


def _answered(flow: FormFlow, *answers: tuple[str, dict[str, object]]) -> FlowBrowser:
    browser = FlowBrowser(flow)
    browser.get("")
    for step, form in answers:
        assert browser.post(step, form).is_redirect, step
    return browser


def test_the_service_name_and_title_suffix_are_the_forms() -> None:
    flow = _flow(OWN_WORDS)
    assert (flow.service_name, flow.title_suffix) == (
        "Ask a family hub for help", "Exampleshire Council"
    )
    assert _flow(OWN_WORDS, service_name="Early help").service_name == "Early help"
    # The shipped form's own copy names it as before.
    assert _flow().service_name == "Request support for a family"
    tasks = _answered(flow).get("tasks")
    assert tasks.title == "Ask a family hub for help"


def test_the_default_layout_titles_pages_as_gov_uk_with_the_forms_words() -> None:
    flow = _flow(OWN_WORDS)
    layout = handler_layout(flow)
    browser = _answered(flow)
    asked = layout(browser.get("consent"))
    assert (
        "<title>Has the family agreed? – Ask a family hub for help – Exampleshire Council</title>"
    ) in asked
    refused = browser.post("consent", {})
    assert refused.status == 400
    assert (
        "<title>Error: Has the family agreed? – Ask a family hub for help – Exampleshire Council"
        "</title>"
    ) in layout(refused)
    # Without a suffix in the form's copy, the title ends with the service name.
    plain = _flow()
    first = FlowBrowser(plain)
    first.get("")
    assert (
        "<title>Is anyone in the family in immediate danger? – Request support for a family</title>"
    ) in handler_layout(plain)(first.get("immediate_danger"))


def test_the_declaration_on_check_your_answers_is_chosen_by_the_answers() -> None:
    agreed = _answered(_flow(OWN_WORDS), ("consent", {"answer": "yes"}),
                       ("danger", {"answer": "no"}), ("dash", {"answer": "high"}))  # fmt: skip
    page = agreed.get("check")
    assert "The family agreed to this request." in page.html
    assert "without the family’s agreement" not in page.html
    not_agreed = _answered(_flow(OWN_WORDS), ("consent", {"answer": "no"}),
                           ("why", {"answer": "Safety"}), ("danger", {"answer": "no"}),
                           ("dash", {"answer": "high"}))  # fmt: skip
    page = not_agreed.get("check")
    assert "I am sending this without the family’s agreement" in page.html
    assert "The family agreed" not in page.html
    # Change links' hidden text keeps the label's case.
    assert '<span class="govuk-visually-hidden"> What is the DASH risk level</span>' in page.html


def test_the_confirmation_says_what_happens_next_in_the_forms_words() -> None:
    browser = _answered(_flow(OWN_WORDS), ("consent", {"answer": "yes"}),
                        ("danger", {"answer": "no"}), ("dash", {"answer": "high"}))  # fmt: skip
    browser.post("check")
    page = browser.get("confirmation")
    assert page.title == "Sent to the hub"
    text = _text(page.html)
    assert "We aim to contact you within 3 working days." in text
    assert "The hub will call you." in text
    assert "5 working days" not in text
    # The shipped form keeps today's words.
    shipped = FlowBrowser(_flow())
    shipped.get("")
    for step, form in (*FIRST_STEPS, ("children/add", {"add": "no"}), *LAST_STEPS):
        shipped.post(step, form)
    shipped.post("check")
    text = _text(shipped.get("confirmation").html)
    assert "We aim to contact you within 5 working days." in text
    assert "Keep your reference number" in text


def test_exit_pages_give_the_forms_numbers() -> None:
    browser = _answered(_flow(OWN_WORDS, front_door_phone="0300 000 0000"),
                        ("consent", {"answer": "yes"}), ("danger", {"answer": "yes"}))  # fmt: skip
    page = browser.get("exit/call")
    assert page.title == "Get help now"
    assert 'href="tel:01632960123"' in page.html  # the form's number wins over the setting
    assert "0300 000 0000" not in page.html
    assert 'href="tel:999"' in page.html


def test_who_else_is_affected_offers_the_people_already_named() -> None:
    browser = FlowBrowser(_flow())
    _two_children(browser)
    browser.post("children/add", {"add": "no"})
    browser.post("other_adults", {"answer": "yes"})
    browser.post("adults/1/adult_name", {"answer": "Pat Example"})
    browser.post("adults/1/adult_relationship", {"answer": "grandparent"})
    browser.post("adults/add", {"add": "no"})
    for step, form in LAST_STEPS[1:4]:
        browser.post(step, form)
    page = browser.get("others_affected")
    labels = re.findall(r'<label class="govuk-label govuk-checkboxes__label"[^>]*>\s*([^<]+?)\s*<',
                        page.html)  # fmt: skip
    assert labels[:3] == ["Jo Example", "Baby Example", "Pat Example"]
    assert 'value="children_2"' in page.html
    assert browser.post("others_affected", {"answer": ["children_2", "adults_1"]}).is_redirect
    for step, form in LAST_STEPS[5:]:
        browser.post(step, form)
    check = _text(browser.get("check").html)
    assert "Baby Example, Pat Example" in check
