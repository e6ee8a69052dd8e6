"""The journey's view-model builders: pure functions from a tree, a journey and its answers to
the ``page`` dicts the templates take — tested without HTTP, a store or a template."""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st
from markupsafe import Markup

from familyhubs_sdk.questiontree import (
    Confirmation,
    FieldError,
    JourneyState,
    QuestionTree,
    Step,
    add_another,
    answer,
    load_tree,
    start,
    summary,
    walk,
)
from familyhubs_sdk.support.journey._pages import (
    FormTarget,
    StepView,
    add_another_error,
    add_another_page,
    question_page,
    step_frame,
)
from familyhubs_sdk.support.journey._paths import address_to_path, path_to_address, step_href
from familyhubs_sdk.support.journey._summary_pages import (
    check_answers_page,
    check_answers_sections,
    confirmation_page,
    copy_page,
    evidence_frame,
    exit_page,
    resume_page,
    saved_page,
    task_list_page,
)
from familyhubs_sdk.support.journey._tasks import Task

TODAY = date(2026, 6, 1)
FORM = FormTarget("/rs/here", "csrf_token", "t0k3n")

TREE: QuestionTree = load_tree(
    """
id: pages-test
version: 1.0.0
title: Page builders
start: safe
sections:
- id: first
  title: Before you start
- id: household
  title: The household
questions:
- id: safe
  kind: yes_no
  label: Is everyone safe?
  section: first
  routes:
  - when: {equals: [safe, 'no']}
    goto: exit:call
  next: born
- id: born
  kind: date
  label: When were you born?
  section: first
  next: pets
- id: notes
  kind: long_text
  label: Anything else?
  next: end
groups:
- id: pets
  label: Pets
  item_label: pet
  section: household
  min_repeats: 1
  max_repeats: 3
  title_question: pet_name
  questions:
  - id: pet_name
    kind: short_text
    label: What is the pet called?
  next: notes
exits:
- id: call
  title: Call for help now
  body: [Ring the number below.]
  show_front_door_phone: true
- id: quiet
  title: Nothing to do
"""
)


def _state(*answers: tuple[str, Any], pets: list[str] | None = None) -> JourneyState:
    state = start(TREE)
    for address, value in answers:
        state = answer(TREE, state, address, value, TODAY).state
    for number, name in enumerate(pets or []):
        state = answer(TREE, state, f"pets[{number}].pet_name", name, TODAY).state
        if number + 1 < len(pets or []):
            state = add_another(TREE, state, "pets", True, TODAY)
    return state


def _step(state: JourneyState, address: str) -> Step:
    return next(s for s in walk(TREE, state, TODAY).steps if s.address == address)


def _view(state: JourneyState, address: str, *, change: bool = False) -> StepView:
    return StepView(TREE, state, _step(state, address), TODAY, "/rs", change)


BORN = {"day": "4", "month": "3", "year": "2022"}


# -- paths -------------------------------------------------------------------------------------


@given(
    st.from_regex(r"[a-z][a-z0-9_]{0,10}", fullmatch=True),
    st.integers(0, 998),
    st.from_regex(r"[a-z][a-z0-9_]{0,10}", fullmatch=True),
)
def test_step_paths_and_addresses_round_trip(group: str, index: int, question: str) -> None:
    for address in (question, f"{group}[{index}].{question}", f"{group}[+]"):
        assert path_to_address(address_to_path(address)) == address


def test_paths_that_are_not_steps_have_no_address() -> None:
    for path in ("children/0/child_name", "Consent", "a/b/c/d", "consent\n", "", "children/x"):
        assert path_to_address(path) is None
    assert step_href("/rs", "pets[1].pet_name", change=True) == "/rs/pets/2/pet_name?change=1"


# -- question pages ----------------------------------------------------------------------------


def test_the_first_question_has_no_back_link_and_shows_its_section() -> None:
    frame = step_frame(_view(start(TREE), "safe"), FORM, can_save=True)
    assert frame["back_href"] is None
    # "Section 1 of 2: Before you start" names the section: no caption repeats it.
    assert frame["caption"] is None
    shown = frame["progress"]
    assert (shown["style"], shown["section_number"], shown["section_count"]) == ("section", 1, 2)
    assert shown["section_title"] == "Before you start"
    assert shown["value"] == 0
    assert (frame["action"], frame["csrf_field"], frame["csrf_token"]) == (
        "/rs/here",
        "csrf_token",
        "t0k3n",
    )
    assert frame["can_save"] is True


def test_back_goes_to_the_previous_step_or_to_check_answers_when_changing() -> None:
    state = _state(("safe", "yes"))
    assert step_frame(_view(state, "born"), FORM, can_save=False)["back_href"] == "/rs/safe"
    changing = step_frame(_view(state, "born", change=True), FORM, can_save=False)
    assert changing["back_href"] == "/rs/check"


def test_a_question_page_shows_the_value_and_links_its_error_to_the_field() -> None:
    state = _state(("safe", "yes"))
    plain = question_page(_view(state, "born"), FORM, value=BORN, error=None, can_save=False)
    assert plain["title"] == "When were you born?"
    assert plain["errors"] == []
    assert plain["component"]["kind"] == "date"
    assert [i["value"] for i in plain["component"]["params"]["items"]] == ["4", "3", "2022"]

    whole = FieldError("required", "Enter your date of birth")
    page = question_page(_view(state, "born"), FORM, value={}, error=whole, can_save=False)
    assert page["errors"] == [{"text": "Enter your date of birth", "href": "#answer-day"}]
    month = FieldError("invalid", "Month must be 1 to 12", parts=("month",))
    page = question_page(_view(state, "born"), FORM, value={}, error=month, can_save=False)
    assert page["errors"][0]["href"] == "#answer-month"
    yes_no = question_page(
        _view(start(TREE), "safe"), FORM, value=None, error=whole, can_save=False
    )
    assert yes_no["errors"][0]["href"] == "#answer"


def test_a_question_page_refuses_a_step_that_is_not_a_question() -> None:
    state = _state(("safe", "yes"), ("born", BORN), pets=["Rex"])
    with pytest.raises(ValueError, match="not a question"):
        question_page(_view(state, "pets[+]"), FORM, value=None, error=None, can_save=False)
    with pytest.raises(ValueError, match="not an add-another"):
        add_another_page(_view(state, "born"), FORM, error=None, can_save=False)


# -- add another -------------------------------------------------------------------------------


def test_one_entry_is_listed_with_change_and_no_remove_at_the_minimum() -> None:
    state = _state(("safe", "yes"), ("born", BORN), pets=["Rex"])
    page = add_another_page(_view(state, "pets[+]"), FORM, error=None, can_save=False)
    assert (page["count"], page["group"]) == (1, {"item_label": "pet", "plural": "pets"})
    assert page["progress"]["section_title"] == "The household"
    assert page["entries"] == [
        {"number": 1, "summary": "Rex", "change_href": "/rs/pets/1/pet_name", "remove_href": None}
    ]
    assert page["can_add"] is True
    assert (page["error"], page["errors"]) == (False, [])


def test_above_the_minimum_every_entry_can_be_removed() -> None:
    state = _state(("safe", "yes"), ("born", BORN), pets=["Rex", "Tibbles"])
    page = add_another_page(_view(state, "pets[+]"), FORM, error=None, can_save=True)
    assert page["count"] == 2
    # Removing is a link to a page that asks first, never a button in this form.
    assert [(e["number"], e["summary"], e["remove_href"]) for e in page["entries"]] == [
        (1, "Rex", "/rs/pets/remove/1"),
        (2, "Tibbles", "/rs/pets/remove/2"),
    ]
    assert page["entries"][1]["change_href"] == "/rs/pets/2/pet_name"
    assert (page["can_add"], page["max_repeats"]) == (True, 3)


def test_saying_neither_yes_nor_no_is_an_error_on_the_radios() -> None:
    state = _state(("safe", "yes"), ("born", BORN), pets=["Rex"])
    error = add_another_error(TREE.group_index["pets"])
    assert error.code == "required"
    page = add_another_page(_view(state, "pets[+]"), FORM, error=error, can_save=False)
    assert (page["error"], page["errors"]) == (True, [{"href": "#add"}])  # worded by the template


# -- check your answers and the other pages ----------------------------------------------------


def test_check_answers_groups_rows_by_section_with_change_links() -> None:
    state = _state(("safe", "yes"), ("born", BORN), pets=["Rex"])
    state = add_another(TREE, state, "pets", False, TODAY)
    state = answer(TREE, state, "notes", "Friendly", TODAY).state
    sections = check_answers_sections(TREE, summary(TREE, state, TODAY), "/rs")
    # A row outside every section is under the template's "Your answers" (title None).
    assert [s["title"] for s in sections] == ["Before you start", "The household", None]
    safe, born = sections[0]["rows"]
    assert safe["key"] == {"text": "Is everyone safe?"}
    assert safe["value"] == {"text": "Yes"}
    assert born["value"] == {"text": "4 March 2022"}
    [pet] = sections[1]["rows"]
    assert pet["key"] == {"text": "Pet 1: What is the pet called?"}
    assert pet["actions"]["items"] == [
        {
            "href": "/rs/pets/1/pet_name?change=1",
            "text": "Change",
            # The label as written, not lower-cased: "DASH" and "EHCP" stay as they are.
            "visuallyHiddenText": "Pet 1: What is the pet called",
        }
    ]
    page = check_answers_page(sections, FORM, back_href="/rs/notes", declaration="We agree.")
    assert page["back_href"] == "/rs/notes"
    assert page["action"] == "/rs/here"
    assert page["declaration"] == "We agree."
    assert check_answers_page(sections, FORM, back_href=None)["declaration"] is None


def test_exit_pages_show_the_phone_only_where_they_ask_for_it() -> None:
    call = exit_page(
        TREE.exit_index["call"], back_href="/rs/safe", front_door_phone="0300 123 4567"
    )
    assert (call["title"], call["heading"]) == ("Call for help now", "Call for help now")
    assert call["paragraphs"] == ("Ring the number below.",)
    assert (call["phone"], call["phone_href"]) == ("0300 123 4567", "03001234567")
    quiet = exit_page(TREE.exit_index["quiet"], back_href=None, front_door_phone="0300 123 4567")
    assert (quiet["phone"], quiet["phone_href"]) == ("", "")


def test_the_task_list_links_only_where_a_person_can_go() -> None:
    page = task_list_page(
        [Task("Before you start", "completed", "safe"), Task("Pets", "cannot_start", None),
         Task(None, "not_started", "check")],
        "/rs", heading="Ask for early help",
    )  # fmt: skip
    assert page["title"] == page["heading"] == "Ask for early help"
    assert page["tasks"][2]["title"] is None  # "Check your answers and send", the template's
    assert [t["href"] for t in page["tasks"]] == ["/rs/safe", None, "/rs/check"]


def test_the_evidence_frame_goes_back_to_the_last_question_or_to_check_answers() -> None:
    frame = evidence_frame(FORM, base="/rs", last_address="pets[0].pet_name", change=False)
    assert frame["back_href"] == "/rs/pets/1/pet_name"
    assert (frame["progress"], frame["caption"], frame["action"]) == (None, None, "/rs/here")
    changing = evidence_frame(FORM, base="/rs", last_address="notes", change=True)
    assert changing["back_href"] == "/rs/check"


def test_confirmation_copy_saved_and_resume_pages() -> None:
    confirmation = confirmation_page("ACDE3467", copy_href="/rs/copy")
    assert confirmation["reference"] == "ACDE3467"
    # Without the form's own words, the template words the title and next steps.
    assert (confirmation["heading"], confirmation["next_steps"]) == (None, [])
    assert "reference_html" not in confirmation  # the markup is the template's
    words = Confirmation(title="Sent", next_steps=("We will call.",), response_time="soon")
    own = confirmation_page("ACDE3467", copy_href="/rs/copy", confirmation=words)
    assert (own["heading"], own["next_steps"], own["response_time"]) == (
        "Sent", ["We will call."], "soon"
    )
    copy = copy_page("ACDE3467", Markup("<p>sent</p>"), back_href="/rs/confirmation")
    assert copy["reference"] == "ACDE3467"
    assert copy["request_html"] == Markup("<p>sent</p>")
    saved = saved_page("https://x.example/rs/resume#fhr1_x", expires=date(2026, 6, 29))
    assert (saved["link"], saved["expires"]) == ("https://x.example/rs/resume#fhr1_x",
                                                 date(2026, 6, 29))  # fmt: skip
    assert saved["can_email"] is False  # no sender: no form
    emailing = saved_page("https://x", expires=date(2026, 6, 29), token="fhr1_x", email_form=FORM)
    assert (emailing["can_email"], emailing["code"], emailing["action"]) == (
        True, "fhr1_x", "/rs/here"
    )
    sent = saved_page("https://x", expires=date(2026, 6, 29), email_form=FORM, sent_to="a@b.cd")
    assert (sent["can_email"], sent["sent_to"]) == (False, "a@b.cd")
    asking = resume_page(FORM, invalid=False, start_href="/rs/")
    assert (asking["invalid"], asking["action"]) == (False, "/rs/here")
    refused = resume_page(FORM, invalid=True, start_href="/rs/")
    assert refused["invalid"] is True
