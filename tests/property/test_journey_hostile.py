"""Hostile and malformed input through the request-for-support journey.

* Hostile strings in every free-text answer come back (in error pages and on check your answers)
  as text: parsed like a browser would, they add no element, attribute, handler or URL scheme.
* Fuzzed POSTs — wrong types, missing keys, huge strings, odd Unicode, unknown, replayed and
  out-of-order steps — get only validation answers, never an exception, and never store an answer
  for a step off the path.
"""

from __future__ import annotations

from datetime import UTC, date, datetime
from typing import Any

from hypothesis import given, settings
from hypothesis import strategies as st
from tests.helpers.hostile import XSS_CORPUS, attribute_values, hostile_text, structure
from tests.helpers.journeys import DRAFT_KEY

from familyhubs_sdk._text import unsafe_character
from familyhubs_sdk.rendering import is_safe_url
from familyhubs_sdk.support import FormFlow, InMemoryDraftStore, default_tree
from familyhubs_sdk.testing import MemorySubmitter
from familyhubs_sdk.web import WebRequest, WebResponse, unsafe_field

TREE = default_tree()
TODAY = date(2026, 6, 1)
BASE = "/rs"


def new_flow() -> tuple[FormFlow, InMemoryDraftStore, str]:
    drafts = InMemoryDraftStore()
    flow = FormFlow(TREE, drafts, MemorySubmitter(reference="ACDE3467"),
                    clock=lambda: datetime(2026, 6, 1, 9, tzinfo=UTC))  # fmt: skip
    draft_id = flow.handle(WebRequest("GET", "", BASE, csrf_token="t")).session[DRAFT_KEY]
    assert isinstance(draft_id, str)
    return flow, drafts, draft_id


def request(method: str, draft_id: str, step: str, form: dict[str, Any]) -> WebRequest:
    return WebRequest(method, step, BASE, form=form, session={DRAFT_KEY: draft_id},
                      csrf_token="t")  # fmt: skip


def post(flow: FormFlow, draft_id: str, step: str, form: dict[str, Any]) -> WebResponse:
    return flow.handle(request("POST", draft_id, step, form))


def get(flow: FormFlow, draft_id: str, step: str) -> WebResponse:
    return flow.handle(request("GET", draft_id, step, {}))


# Answers that reach the free-text questions of the "about you" section.
TRIAGE = [("immediate_danger", "no"), ("significant_harm", "no"), ("consent", "yes")]
TEXT_STEPS = ["referrer_name", "referrer_role", "referrer_organisation"]


def inert(html: str, value: str) -> None:
    for tag, attributes in structure(html):
        assert tag not in {"script", "iframe", "object", "embed", "svg", "math", "base", "style"}, (
            tag,
            value,
        )
        assert not any(name.startswith("on") for name in attributes), (tag, value)
    for href in attribute_values(html, "href") + attribute_values(html, "action"):
        assert is_safe_url(href), (href, value)


def test_hostile_answers_stay_text_in_errors_and_check_answers() -> None:
    checked: list[str] = []
    flow, _drafts, draft_id = new_flow()
    for step, value in TRIAGE:
        post(flow, draft_id, step, {"answer": [value]})
    question_page, error_page = {}, {}
    for step in TEXT_STEPS:
        question_page[step] = structure(get(flow, draft_id, step).html)
        error_page[step] = structure(post(flow, draft_id, step, {"answer": ["x" * 201]}).html)
        post(flow, draft_id, step, {"answer": ["Sam"]})
    boundary_page = structure(post(flow, draft_id, TEXT_STEPS[0], {"answer": ["\x00"]}).html)

    @settings(max_examples=5000, database=None)
    @given(hostile_text.filter(lambda s: s.strip()))
    def check(value: str) -> None:
        step = TEXT_STEPS[len(checked) % len(TEXT_STEPS)]
        checked.append(value)
        refused = post(flow, draft_id, step, {"answer": [value + "x" * 201]})
        assert refused.status == 400
        if unsafe_field(WebRequest("POST", form={"answer": [value]})) is not None:
            # NUL or another control character: refused before the journey reads it.
            assert structure(refused.html) == boundary_page, value
            return
        # Too long for the field: the page comes back with an error and the value echoed.
        assert structure(refused.html) == error_page[step], value
        inert(refused.html, value)
        one_line = unsafe_character(value[:200].strip(), single_line=True) is None
        if len(checked) % 10 == 0 and one_line:
            # Accepted, then shown again on its own page.
            assert post(flow, draft_id, step, {"answer": [value[:200]]}).is_redirect
            page = get(flow, draft_id, step)
            assert structure(page.html) == question_page[step], value
            inert(page.html, value)

    check()
    assert len(checked) >= 5000
    print(f"hostile strings through question and error pages: {len(checked)}")


def test_fixed_corpus_reaches_check_answers_as_text() -> None:
    flow, drafts, draft_id = new_flow()
    state = drafts.load(draft_id)
    assert state is not None
    for payload in XSS_CORPUS:
        answers = {**_complete_answers(), "referrer_name": payload[:200], "working_well": payload}
        drafts.save(
            draft_id,
            state.model_copy(
                update={
                    "answers": answers,
                    "repeats": {"children": 1},
                    "closed": frozenset({"children"}),
                }
            ),
        )
        page = get(flow, draft_id, "check")
        assert not page.is_redirect
        assert page.status == 200, page.html[:300]
        inert(page.html, payload)


def _complete_answers() -> dict[str, Any]:
    return {
        "immediate_danger": "no",
        "significant_harm": "no",
        "consent": "yes",
        "referrer_name": "Sam",
        "referrer_role": "HV",
        "referrer_organisation": "NHS",
        "referrer_email": "sam@example.org",
        "referrer_phone": "01632960001",
        "referrer_contact_by": "email",
        "lead_name": "Alex",
        "lead_relationship": "parent",
        "lead_phone": None,
        "lead_postcode": "SW1A 1AA",
        "lead_english": "no",
        "lead_language": "Polish",
        "interpreter": "no",
        "children[0].child_name": "Jo",
        "children[0].child_born": "yes",
        "children[0].child_birth_date": "2022-03-04",
        "children[0].child_setting": None,
        "children[0].child_send": "no",
        "children[0].child_nhs_number": None,
        "other_adults": "no",
        "needs": ["housing"],
        "housing_detail": ["overcrowded"],
        "others_affected": ["parents"],
        "working_well": "ok",
        "tried_already": "ok",
        "services_involved": ["none"],
        "support_asked": "ok",
        "urgency": "month",
        "family_view": "ok",
    }


odd_value = st.one_of(
    st.text(max_size=50),
    st.text(alphabet=st.characters(codec="utf-8"), max_size=20),
    st.just("x" * 1_000_000),
    st.just("\x00\ud7ff\ufeff\u202e"),
)
odd_form = st.dictionaries(
    st.sampled_from(
        ["answer", "answer-day", "answer-month", "answer-year", "add", "remove", "junk", ""]
    ),
    st.lists(odd_value, max_size=3),
    max_size=4,
)
any_step = st.one_of(
    st.sampled_from(
        [
            *TREE.question_index,
            "children/1/child_name",
            "children/9/child_name",
            "children/add",
            "adults/add",
            "check",
            "exit/emergency",
            "confirmation",
            "children/0/x",
            "nope/1/2/3",
            "../../etc/passwd",
            "check?x",
            "%00",
            "",
        ]
    ),
    st.text(max_size=30),
)


@settings(max_examples=400, database=None)
@given(
    st.lists(
        st.tuples(st.sampled_from(["GET", "POST", "PUT"]), any_step, odd_form),
        min_size=1,
        max_size=12,
    )
)
def test_fuzzed_requests_get_only_validation_answers(
    requests: list[tuple[str, str, dict[str, Any]]],
) -> None:
    flow, drafts, draft_id = new_flow()
    for method, step, form in requests:
        before = drafts.load(draft_id)
        response = flow.handle(request(method, draft_id, step, form))
        assert isinstance(response, WebResponse)
        if response.is_redirect:
            assert response.status == 303
        else:
            assert response.status in (200, 400, 404, 405)
        after = drafts.load(draft_id)
        if before is not None and after is not None and after != before:
            # Whatever was stored, every stored answer is for a step on the path.
            on_path = {
                s.address
                for s in __import__("familyhubs_sdk.questiontree", fromlist=["walk"])
                .walk(TREE, after, TODAY)
                .steps
            }
            new = {k for k in after.answers if after.answers[k] != before.answers.get(k)}
            assert new <= on_path, new - on_path
