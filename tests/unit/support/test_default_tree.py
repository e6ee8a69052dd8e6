"""The shipped request-for-support tree passes the checker and asks what a good request needs."""

from __future__ import annotations

from datetime import date

from familyhubs_sdk.questiontree import check_tree, progress, start
from familyhubs_sdk.support import default_tree


def test_default_tree_passes_the_checker() -> None:
    report = check_tree(default_tree())
    assert report.ok, report.problems
    assert report.path_count > 1000


def test_default_tree_covers_safety_consent_family_and_every_outcome_area() -> None:
    tree = default_tree()
    ids = set(tree.question_index)
    assert {
        "immediate_danger",
        "significant_harm",
        "consent",
        "needs",
        "working_well",
        "tried_already",
        "services_involved",
        "family_view",
    } <= ids
    needs = tree.question_index["needs"]
    assert len(needs.options) == 12
    assert {g.id for g in tree.groups} == {"children", "adults"}
    assert {e.id for e in tree.exits} >= {"emergency", "safeguarding", "no_consent"}
    assert len(tree.outcomes) >= 12


def test_progress_starts_as_an_honest_range() -> None:
    tree = default_tree()
    text = progress(tree, start(tree), date(2026, 6, 1)).text
    assert text.startswith("Question 1 of about ")


def _walk_to(answers: dict[str, object], today: date = date(2026, 6, 1)) -> list[str]:
    from familyhubs_sdk.questiontree import answer, walk

    tree = default_tree()
    state = start(tree)
    for address, value in answers.items():
        state = answer(tree, state, address, value, today).state
    return [step.address for step in walk(tree, state, today).steps]


_TO_LANGUAGE = {
    "immediate_danger": "no", "significant_harm": "no", "consent": "yes",
    "referrer_name": "Sam", "referrer_role": "HV", "referrer_organisation": "NHS",
    "referrer_email": "sam@example.org", "referrer_phone": "01632 960 001",
    "referrer_contact_by": "email", "lead_name": "Alex", "lead_relationship": "parent",
    "lead_phone": "", "lead_postcode": "SW1A 1AA",
}  # fmt: skip


def test_the_interpreter_question_comes_only_when_english_is_not_preferred() -> None:
    english = _walk_to({**_TO_LANGUAGE, "lead_english": "yes"})
    assert english[-1] == "children[0].child_name"
    assert "interpreter" not in english
    assert "lead_language" not in english
    other = _walk_to({**_TO_LANGUAGE, "lead_english": "no", "lead_language": "Polish"})
    assert other[-1] == "interpreter"


def test_domestic_abuse_happening_now_asks_whether_and_how_it_is_safe_to_make_contact() -> None:
    from familyhubs_sdk.questiontree import answer, walk

    tree = default_tree()
    today = date(2026, 6, 1)
    state = start(tree)
    path = [
        *_TO_LANGUAGE.items(), ("lead_english", "yes"),
        ("children[0].child_name", "Jo"), ("children[0].child_born", "yes"),
        ("children[0].child_birth_date", {"day": "4", "month": "3", "year": "2022"}), ("children[0].child_setting", ""),
        ("children[0].child_send", "no"), ("children[0].child_nhs_number", ""),
    ]  # fmt: skip
    for address, value in path:
        state = answer(tree, state, address, value, today).state
    from familyhubs_sdk.questiontree import add_another

    state = add_another(tree, state, "children", False, today)
    for address, value in (("other_adults", "no"), ("needs", ["domestic_abuse", "housing"])):
        state = answer(tree, state, address, value, today).state

    def after(*answers: tuple[str, object]) -> list[str]:
        now = state
        for address, value in answers:
            now = answer(tree, now, address, value, today).state
        return [s.address for s in walk(tree, now, today).steps][-4:]

    assert after(("domestic_abuse_detail", ["past"]))[-1] == "housing_detail"
    safe = after(("domestic_abuse_detail", ["current"]), ("safe_contact", "yes"),
                 ("safe_contact_how", ["text_message"]), ("safe_contact_when", "Mornings"))  # fmt: skip
    assert safe == ["safe_contact", "safe_contact_how", "safe_contact_when", "housing_detail"]
    unsafe = after(("domestic_abuse_detail", ["current"]), ("safe_contact", "no"),
                   ("safe_contact_instead", "Through me"))  # fmt: skip
    assert unsafe[-3:] == ["safe_contact", "safe_contact_instead", "housing_detail"]


def test_error_messages_never_just_repeat_the_hint() -> None:
    from familyhubs_sdk.questiontree import FieldError
    from familyhubs_sdk.questiontree._validation import coerce

    tree = default_tree()
    questions = [*tree.questions, *(q for g in tree.groups for q in g.questions)]
    empty = {"date": {"day": "", "month": "", "year": ""}, "multiple_choice": []}
    for question in questions:
        if not question.required:
            continue
        error = coerce(question, empty.get(question.kind, ""), date(2026, 6, 1))
        assert isinstance(error, FieldError), question.id
        hint = (question.hint or "").rstrip(".")
        assert error.message.rstrip(".") != hint, question.id
        assert not error.message.startswith(("Select all that apply", "Enter an answer",
                                             "Select an answer")), question.id  # fmt: skip


def test_the_forms_own_words_are_in_the_tree() -> None:
    words = default_tree().form_copy
    assert words.service_name == "Request support for a family"
    assert "the family has agreed to it" in words.declarations[0].text
    assert words.confirmation.response_time == "within 5 working days"
