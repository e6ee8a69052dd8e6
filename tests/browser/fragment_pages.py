"""Every HTML fragment the SDK renders, in each of its states, as a complete GOV.UK page.

:data:`PAGES` maps a page id (``component/radios/error``, ``support/question/date/normal``,
``timeline/search-form/error``...) to the fragment and its page title. The support pages come from
driving :class:`FormFlow` on the shipped request-for-support tree, as a person would; the component
and timeline pages from their macros and renderers. :func:`full_page` wraps one fragment in the
SDK's own page layout (``familyhubs/page.html``: ``<html lang="en">``, a title, a main landmark).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, time
from typing import Any

import jinja2
import sqlalchemy as sa
from markupsafe import Markup
from tests.helpers.inbox_samples import (
    AUDIT_KEY,
    SECTION_TITLES,
    Clock,
    reference,
    sample_request,
    store_request,
    triage_request,
)
from tests.helpers.journeys import FIRST_STEPS, LAST_STEPS, LETTER_PDF, FlowBrowser
from tests.helpers.timeline_samples import sample_page

from familyhubs_sdk.questiontree import load_tree
from familyhubs_sdk.rendering import Renderer
from familyhubs_sdk.store import create_engine, upgrade
from familyhubs_sdk.support import (
    EvidenceUploads,
    FormFlow,
    InMemoryDraftStore,
    InMemoryEvidenceIndex,
    InMemoryEvidenceStorage,
    JourneyOptions,
    NoScanner,
    ResumeTokens,
    SQLDraftStore,
    UploadedFile,
    WebResponse,
    build_report,
    default_tree,
    render_insights,
    render_report,
    request_insights,
)
from familyhubs_sdk.support.inbox import (
    Assignee,
    InboxQuery,
    read_done,
    read_note_form,
    render_triage_detail,
    render_triage_list,
)
from familyhubs_sdk.support.inbox._inbox import RequestInbox
from familyhubs_sdk.support.inbox._lifecycle import RequestRecord, RequestStatus
from familyhubs_sdk.support.inbox._render import render_inbox_list, render_request_detail
from familyhubs_sdk.support.inbox._status_form import (
    read_status_form,
    render_status_form,
    status_form_title,
)
from familyhubs_sdk.testing import MemorySubmitter
from familyhubs_sdk.timeline import (
    REVIEW_OUTCOMES,
    AccessReviewItem,
    AuditEvent,
    AuditLog,
    ReviewedLink,
    Viewer,
    render_link_review,
)
from familyhubs_sdk.timeline._display import (
    ContactPoint,
    SearchResult,
    SourceNotice,
    SourceState,
    TimelinePage,
)
from familyhubs_sdk.timeline._render import (
    render_access_denied,
    render_contacts,
    render_contacts_page,
    render_emergency_banner,
    render_family,
    render_reason_form,
    render_search_form,
    render_search_results,
    render_timeline_page,
    render_viewed_by,
)

RENDERER = Renderer(undefined=jinja2.StrictUndefined)
SERVICE_NAME = "Family Hubs accessibility check"
TODAY = date(2026, 6, 1)
SUPPORT_PREFIX = "/request-support"


def _clock() -> datetime:
    """The journeys' time: 9am on :data:`TODAY`, in UTC."""
    return datetime.combine(TODAY, time(9), tzinfo=UTC)


@dataclass(frozen=True)
class FragmentPage:
    """One fragment in one state, and the title of the page that shows it."""

    id: str
    title: str
    html: Markup


def full_page(page: FragmentPage, *, stylesheets: Sequence[str], scripts: Sequence[str]) -> str:
    """``page`` inside the SDK's page layout. A fragment that brings no ``<h1>`` of its own (a
    panel of a larger screen) gets one from the title, as the screen around it would give it."""
    content = page.html
    if "<h1" not in content:
        heading = page.title.removeprefix("Error: ")
        content = Markup('<h1 class="govuk-heading-l">{}</h1>\n').format(heading) + content
    return RENDERER.render(
        "familyhubs/page.html",
        title=page.title,
        content=content,
        service_name=SERVICE_NAME,
        stylesheets=list(stylesheets),
        scripts=list(scripts),
    )


# -- GOV.UK components -----------------------------------------------------------------------


def _component(template: str, params: Mapping[str, Any], **context: Any) -> Markup:
    return RENDERER.render(f"familyhubs/components/{template}.html", params=params, **context)


def _with_error(params: Mapping[str, Any], message: str) -> dict[str, Any]:
    return {**params, "errorMessage": {"text": message}}


_RADIOS = {
    "idPrefix": "contact",
    "name": "contact",
    "fieldset": {
        "legend": {
            "text": "How should we contact you?",
            "isPageHeading": True,
            "classes": "govuk-fieldset__legend--l",
        }
    },
    "hint": {"text": "Select one option."},
    "items": [
        {"value": "email", "text": "Email", "hint": {"text": "We reply within 2 working days."}},
        {"value": "phone", "text": "Phone"},
        {"divider": "or"},
        {"value": "post", "text": "Letter"},
    ],
}
_CONDITIONAL_EMAIL = _component(
    "input",
    {
        "id": "contact-email",
        "name": "contact_email",
        "type": "email",
        "autocomplete": "email",
        "spellcheck": False,
        "label": {"text": "Email address"},
    },
)
_RADIOS_CONDITIONAL = {
    **_RADIOS,
    "items": [
        {
            "value": "email",
            "text": "Email",
            "checked": True,
            "conditional": {"html": _CONDITIONAL_EMAIL},
        },
        {"value": "phone", "text": "Phone"},
        {"value": "post", "text": "Letter"},
    ],
}
_CHECKBOXES = {
    "idPrefix": "needs",
    "name": "needs",
    "fieldset": {
        "legend": {
            "text": "What does the family need help with?",
            "isPageHeading": True,
            "classes": "govuk-fieldset__legend--l",
        }
    },
    "hint": {"text": "Select all that apply."},
    "items": [
        {"value": "housing", "text": "Housing", "checked": True},
        {"value": "money", "text": "Money", "hint": {"text": "Debt, benefits or food."}},
        {"value": "health", "text": "Health"},
    ],
}
_CHECKBOXES_EXCLUSIVE = {
    **_CHECKBOXES,
    "items": [
        *_CHECKBOXES["items"],
        {"divider": "or"},
        {"value": "none", "text": "None of these", "behaviour": "exclusive"},
    ],
}
_CHECKBOXES_CONDITIONAL = {
    **_CHECKBOXES,
    "items": [
        {
            "value": "other",
            "text": "Something else",
            "checked": True,
            "conditional": {
                "html": _component(
                    "input",
                    {"id": "needs-other", "name": "needs_other", "label": {"text": "What?"}},
                )
            },
        },
        *_CHECKBOXES["items"][1:],
    ],
}
_INPUT = {
    "id": "postcode",
    "name": "postcode",
    "label": {
        "text": "What is the family’s postcode?",
        "isPageHeading": True,
        "classes": "govuk-label--l",
    },
    "hint": {"text": "For example, SW1A 1AA"},
    "autocomplete": "postal-code",
    "classes": "govuk-input--width-10",
    "value": "SW1A",
}
_TEXTAREA = {
    "id": "working-well",
    "name": "working_well",
    "label": {"text": "What is working well?", "isPageHeading": True, "classes": "govuk-label--l"},
    "hint": {"text": "Strengths to build on."},
    "maxlength": 500,
    "value": "Grandparents help with school runs.",
}
_DATE = {
    "id": "birth",
    "namePrefix": "birth",
    "fieldset": {
        "legend": {
            "text": "What is the child’s date of birth?",
            "isPageHeading": True,
            "classes": "govuk-fieldset__legend--l",
        }
    },
    "hint": {"text": "For example, 27 3 2019"},
    "items": [
        {"name": "day", "label": "Day", "classes": "govuk-input--width-2", "value": "27"},
        {"name": "month", "label": "Month", "classes": "govuk-input--width-2", "value": "3"},
        {"name": "year", "label": "Year", "classes": "govuk-input--width-4", "value": ""},
    ],
}
_SUMMARY_ROWS = [
    {
        "key": {"text": "Name"},
        "value": {"text": "Sam Patel"},
        "actions": {"items": [{"href": "#name", "text": "Change", "visuallyHiddenText": "name"}]},
    },
    {
        "key": {"text": "Email"},
        "value": {"text": "sam.patel@example.nhs.uk"},
        "actions": {"items": [{"href": "#email", "text": "Change", "visuallyHiddenText": "email"}]},
    },
    {"key": {"text": "Reference"}, "value": {"text": "ACDE3467"}},
]


def _component_pages() -> list[FragmentPage]:
    def form_states(name: str, template: str, params: Mapping[str, Any], **ctx: Any) -> list[Any]:
        message = f"Answer the question about {name.replace('-', ' ')}"
        return [
            (f"component/{name}/normal", name, _component(template, params, **ctx)),
            (
                f"component/{name}/error",
                f"Error: {name}",
                _component(template, _with_error(params, message), **ctx),
            ),
        ]

    date_error = {**_with_error(_DATE, "Date of birth must include a year"), "errorItems": ["year"]}
    pages = [
        *form_states("radios", "choices", _RADIOS),
        *form_states("radios-inline", "choices", {**_RADIOS, "classes": "govuk-radios--inline"}),
        *form_states("radios-conditional", "choices", _RADIOS_CONDITIONAL),
        *form_states("checkboxes", "choices", _CHECKBOXES, kind="checkboxes"),
        *form_states("checkboxes-exclusive", "choices", _CHECKBOXES_EXCLUSIVE, kind="checkboxes"),
        *form_states(
            "checkboxes-conditional", "choices", _CHECKBOXES_CONDITIONAL, kind="checkboxes"
        ),
        *form_states("input", "input", _INPUT),
        *form_states(
            "textarea", "textarea", {k: v for k, v in _TEXTAREA.items() if k != "maxlength"}
        ),
        *form_states("character-count", "textarea", _TEXTAREA),
        ("component/date-input/normal", "Date input", _component("date_input", _DATE)),
        ("component/date-input/error", "Error: Date input", _component("date_input", date_error)),
        (
            "component/date-input/error-whole-date",
            "Error: Date input",
            _component("date_input", _with_error(_DATE, "Enter the child’s date of birth")),
        ),
        ("component/button/normal", "Button", _component("button", {"text": "Continue"})),
        (
            "component/button/secondary",
            "Secondary button",
            _component(
                "button",
                {
                    "text": "Apply filters",
                    "classes": "govuk-button--secondary",
                    "preventDoubleClick": True,
                },
            ),
        ),
        (
            "component/summary-list/actions",
            "Summary list",
            _component("summary_list", {"rows": _SUMMARY_ROWS}),
        ),
        (
            "component/summary-list/plain",
            "Summary list without actions",
            _component("summary_list", {"rows": [_SUMMARY_ROWS[2]]}),
        ),
        (
            "component/error-summary/error",
            "Error: Error summary",
            _component(
                "error_summary",
                {
                    "errorList": [
                        {"text": "Enter your full name", "href": "#name"},
                        {"text": "Select how we should contact you", "href": "#contact"},
                    ]
                },
            )
            # The fields its links lead to.
            + _component("input", {"id": "name", "name": "name", "label": {"text": "Full name"}})
            + _component(
                "input", {"id": "contact", "name": "contact", "label": {"text": "Contact"}}
            ),
        ),
        (
            "component/panel/normal",
            "Request sent",
            _component(
                "panel",
                {
                    "titleText": "Request sent",
                    "html": Markup("Your reference number<br><strong>ACDE3467</strong>"),
                },
            ),
        ),
        (
            "component/back-link/normal",
            "Back link",
            _component("back_link", {"href": "/request-support/consent"}),
        ),
        (
            "component/notification-banner/important",
            "Notification banner",
            _component(
                "notification_banner",
                {"titleText": "Important", "text": "Everything here is synthetic."},
            ),
        ),
        (
            "component/notification-banner/success",
            "Success banner",
            _component(
                "notification_banner",
                {"type": "success", "text": "Your answers have been saved."},
            ),
        ),
    ]
    return [FragmentPage(page_id, _title(title), html) for page_id, title, html in pages]


def _title(title: str) -> str:
    prefix = "Error: " if title.startswith("Error: ") else ""
    text = title.removeprefix("Error: ")
    return prefix + text[:1].upper() + text[1:].replace("-", " ")


# -- Request-for-support pages, by driving FormFlow ---------------------------------------------


#: The default tree's journey: each step and what is posted to it (journeys.py takes the same path).
JOURNEY: tuple[tuple[str, Mapping[str, str | Sequence[str]]], ...] = (
    *FIRST_STEPS,
    ("children/add", {"add": "no"}),
    *LAST_STEPS,
)

_SECOND_CHILD: tuple[tuple[str, Mapping[str, str | Sequence[str]]], ...] = (
    ("children/add", {"add": "yes"}),
    ("children/2/child_name", {"answer": "Baby Example"}),
    ("children/2/child_born", {"answer": "no"}),
    ("children/2/child_due_date", {"answer-day": "1", "answer-month": "9", "answer-year": "2026"}),
    ("children/2/child_send", {"answer": "not_known"}),
    ("children/2/child_nhs_number", {"answer": ""}),
)

#: One question of each kind on the default tree's journey, and a post that it refuses.
_QUESTION_PAGES: Mapping[str, tuple[str, Mapping[str, str | Sequence[str]]]] = {
    "yes_no": ("immediate_danger", {}),
    "single_choice": ("consent", {}),
    "multiple_choice": ("needs", {}),
    "multiple_choice-exclusive": ("others_affected", {"answer": ["parents", "nobody"]}),
    "short_text": ("referrer_name", {"answer": ""}),
    "email": ("referrer_email", {"answer": "sam.patel"}),
    "uk_phone": ("referrer_phone", {"answer": "12"}),
    "postcode": ("lead_postcode", {"answer": "not a postcode"}),
    "date": (
        "children/1/child_birth_date",
        {"answer-day": "4", "answer-month": "3", "answer-year": ""},
    ),
    "nhs_number": ("children/1/child_nhs_number", {"answer": "123"}),
    "long_text": ("working_well", {"answer": ""}),
}

#: The one kind the shipped tree does not ask: a tree of its own with a single number question.
_NUMBER_TREE = """
id: accessibility-number
version: 1.0.0
title: A number question
start: household_size
questions:
- id: household_size
  kind: number
  label: How many people live in the household?
  hint: Include the children.
  minimum: 1
  maximum: 20
  next: end
"""


class _Journey(FlowBrowser):
    """One draft through a :class:`FormFlow`, request by request."""

    def __init__(self, flow: FormFlow) -> None:
        super().__init__(flow, base_path=SUPPORT_PREFIX, csrf_token="a11y-csrf-token")

    def page(self, path: str, form: Mapping[str, str | Sequence[str]] | None = None) -> WebResponse:
        response = self.request("POST" if form is not None else "GET", path, form)
        assert not response.is_redirect, (path, response)
        return response

    def upload(self, path: str, filename: str, data: bytes) -> WebResponse:
        files = {"evidence": [UploadedFile(filename, data)]}
        return self.request("POST", path, {"upload": "1"}, files=files)

    def answer(self, path: str, form: Mapping[str, str | Sequence[str]]) -> str:
        response = self.request("POST", path, form)
        assert response.location is not None, (path, response)
        return response.location


def _support(page_id: str, response: WebResponse, *, error: bool) -> FragmentPage:
    assert (response.status == 400) is error, (page_id, response.status, response.title)
    return FragmentPage(page_id, response.title, response.html)


def _flow(tree_text: str | None = None) -> FormFlow:
    return FormFlow(
        load_tree(tree_text) if tree_text else default_tree(),
        InMemoryDraftStore(),
        MemorySubmitter(reference="ACDE3467"),
        options=JourneyOptions(front_door_phone="0300 123 4567"),
        clock=_clock,
    )


def _save_pages() -> dict[str, FragmentPage]:
    """Save and come back later: the save button, the link shown once, and using the link."""
    engine = create_engine("sqlite://", poolclass=sa.pool.StaticPool)
    upgrade(engine)
    flow = FormFlow(
        default_tree(),
        SQLDraftStore(engine),
        MemorySubmitter(reference="ACDE3467"),
        clock=_clock,
        resume=ResumeTokens(engine),
    )
    journey = _Journey(flow)
    journey.request("GET", "")
    pages = {
        "support/question/with-save-button": _support(
            "save", journey.page("immediate_danger"), error=False
        )
    }
    saved = journey.page("immediate_danger", {"answer": "no", "save": "1"})
    pages["support/saved"] = _support("saved", saved, error=False)
    assert "/resume#fhr1_" in saved.html  # the token travels in the fragment, never the path
    pages["support/resume"] = _support("resume", journey.page("resume"), error=False)
    refused = journey.page("resume", {"resume_code": "fhr1_not-a-real-token"})
    pages["support/resume-invalid"] = _support("resume", refused, error=True)
    return pages


def _support_pages() -> list[FragmentPage]:
    pages: dict[str, FragmentPage] = {}
    kind_of_step = {step: kind for kind, (step, _) in _QUESTION_PAGES.items()}
    journey = _Journey(_flow())
    journey.request("GET", "")
    pages["support/task-list/new"] = _support("tasks", journey.page("tasks"), error=False)
    for step, form in JOURNEY:
        kind = kind_of_step.get(step)
        if kind is not None:
            pages[f"support/question/{kind}/normal"] = _support(
                kind, journey.page(step), error=False
            )
            refused = journey.page(step, _QUESTION_PAGES[kind][1])
            pages[f"support/question/{kind}/error"] = _support(kind, refused, error=True)
        if step == "children/add":
            pages["support/add-another/one-entry"] = _support(step, journey.page(step), error=False)
            pages["support/add-another/error"] = _support(step, journey.page(step, {}), error=True)
            # A second entry brings a "Remove" button for each.
            for second, answer in _SECOND_CHILD:
                journey.answer(second, answer)
            pages["support/add-another/two-entries"] = _support(
                step, journey.page(step), error=False
            )
            journey.answer(step, {"remove": "2"})
        journey.answer(step, form)
    pages["support/task-list/ready-to-send"] = _support("tasks", journey.page("tasks"), error=False)
    pages["support/check-answers"] = _support("check", journey.page("check"), error=False)
    change = journey.page("needs?change=1")
    pages["support/question/change-answer"] = _support("change", change, error=False)
    assert journey.answer("check", {}) == f"{SUPPORT_PREFIX}/confirmation"
    pages["support/confirmation"] = _support(
        "confirmation", journey.page("confirmation"), error=False
    )
    pages["support/copy-of-request"] = _support("copy", journey.page("copy"), error=False)

    exits = {
        "emergency": [("immediate_danger", "yes")],
        "safeguarding": [("immediate_danger", "no"), ("significant_harm", "yes")],
        "get_advice": [("immediate_danger", "no"), ("significant_harm", "not_sure")],
        "no_consent": [("immediate_danger", "no"), ("significant_harm", "no"), ("consent", "no")],
        "ask_first": [
            ("immediate_danger", "no"),
            ("significant_harm", "no"),
            ("consent", "not_yet"),
        ],
    }
    for exit_id, answers in exits.items():
        leaving = _Journey(_flow())
        leaving.request("GET", "")
        for step, value in answers:
            location = leaving.answer(step, {"answer": value})
        assert location == f"{SUPPORT_PREFIX}/exit/{exit_id}", location
        pages[f"support/exit/{exit_id}"] = _support(
            exit_id, leaving.page(f"exit/{exit_id}"), error=False
        )

    pages.update(_save_pages())

    number = _Journey(_flow(_NUMBER_TREE))
    number.request("GET", "")
    pages["support/question/number/normal"] = _support(
        "number", number.page("household_size"), error=False
    )
    pages["support/question/number/error"] = _support(
        "number", number.page("household_size", {"answer": "lots"}), error=True
    )
    return [FragmentPage(page_id, page.title, page.html) for page_id, page in pages.items()]


# -- Timeline screens --------------------------------------------------------------------------


def _timeline_pages() -> list[FragmentPage]:
    full = sample_page("Alex Example")
    empty = TimelinePage(person=full.person)
    reasons = [("assessment", "Early help assessment"), ("safeguarding", "Safeguarding concern")]
    results = [
        SearchResult(
            subject_id=f"p{n}",
            name=f"Child {n}",
            birth_date=date(2019, 3, n + 1),
            identifiers=(("NHS number", f"*** *** {n:04d}"),),
        )
        for n in range(12)
    ]
    events = [
        AuditEvent(
            occurred_at=datetime(2026, 5, day, 9, 30, tzinfo=UTC),
            request_id=f"r{day}",
            actor_id=f"u{day}",
            actor_role="Family support worker",
            actor_organisation="Family hub",
            action=action,
            reason="early_help_assessment",
            outcome=outcome,
            break_glass=break_glass,
            justification="Child at risk tonight" if break_glass else None,
        )
        for day, action, outcome, break_glass in [
            (3, "timeline_view", "allowed", False),
            (2, "contacts_view", "denied", False),
            (1, "timeline_view", "allowed", True),
        ]
    ]
    kinds = [
        {"value": kind, "text": f"{label} ({count})", "checked": kind in full.filters.kinds}
        for kind, label, count in full.kind_counts
    ]

    def filters(period_filters: Any) -> Markup:
        return RENDERER.render(
            "familyhubs/timeline/filters.html",
            filters=period_filters,
            kind_items=kinds,
            action="/timeline/p1",
        )

    reason_errors = [
        {"text": "Select why you need to see the record", "href": "#reason"},
        {"text": "Say why you need emergency access", "href": "#justification"},
    ]
    search_errors = [
        {"text": "Enter a first name", "href": "#given-name"},
        {"text": "Enter a date of birth", "href": "#birth-day"},
    ]
    nav = [
        ("/find/record/p1", "Timeline", True),
        ("/find/record/p1/contacts", "Who to contact", False),
        ("/find/record/p1/family", "Family", False),
    ]
    pages: list[tuple[str, str, Callable[[], Markup]]] = [
        (
            "timeline/page-long-values",
            "Alexandra-Josephine Worthington-Smythe – timeline",
            lambda: render_timeline_page(
                _long_values(full), action="/find/record/p1", nav=nav, renderer=RENDERER
            ),
        ),
        (
            "timeline/page-hidden-records",
            "Alex Example – timeline",
            lambda: render_timeline_page(
                _hidden_records(_long_values(full)), action="/find/record/p1", nav=nav,
                renderer=RENDERER,
            ),
        ),
        (
            "timeline/page-filter-errors",
            "Error: Alex Example – timeline",
            lambda: render_timeline_page(
                full,
                action="/find/record/p1",
                nav=nav,
                filter_errors=[
                    {"text": "Date from must be a real date", "href": "#filter-from-day"},
                    {"text": "Date to must be the same as or after date from", "href": "#filter-to-day"},
                ],
                filter_values={"from-day": "31", "from-month": "2", "from-year": "2025",
                               "to-day": "1", "to-month": "1", "to-year": "2020"},
                renderer=RENDERER,
            ),
        ),
        (
            "timeline/emergency-banner",
            "Alex Example – timeline",
            lambda: render_emergency_banner(subject_label="Alex Example", renderer=RENDERER),
        ),
        (
            "timeline/access-denied-emergency",
            "You cannot see this record",
            lambda: render_access_denied(
                "no_relationship",
                change_reason_href="/find/record/p1/reason",
                emergency_href="/find/record/p1/reason?emergency=1",
                renderer=RENDERER,
            ),
        ),
        (
            "timeline/reason-form/emergency-open",
            "Why do you need to see this record?",
            lambda: render_reason_form(
                action="/timeline/p1/reason",
                csrf_token="tok",
                subject_label="Alex Example",
                reasons=reasons,
                allow_break_glass=True,
                emergency_open=True,
                renderer=RENDERER,
            ),
        ),
        (
            "timeline/page-with-nav",
            "Alex Example – timeline",
            lambda: render_timeline_page(
                full, action="/find/record/p1", nav=nav, renderer=RENDERER
            ),
        ),
        (
            "timeline/contacts-page",
            "Alex Example – who to contact",
            lambda: render_contacts_page(full.person, full.contacts, nav=nav, renderer=RENDERER),
        ),
        (
            "timeline/family-with-nav",
            "Alex Example – family",
            lambda: render_family(
                full.person,
                full.family,
                nav=nav,
                member_href=lambda m: f"/find/record/{m.subject_id}",
                renderer=RENDERER,
            ),
        ),
        (
            "timeline/search-with-results",
            "Find a child – results",
            lambda: (
                render_search_form(
                    action="/find/",
                    csrf_token="tok",
                    by="nhs_number",
                    values={"nhs_number": "943 476 5919"},
                    renderer=RENDERER,
                )
                + render_search_results(
                    results[:1],
                    record_href=lambda r: f"/find/record/{r.subject_id}/reason",
                    renderer=RENDERER,
                )
            ),
        ),
        (
            "timeline/page",
            "Alex Example – timeline",
            lambda: render_timeline_page(full, action="/timeline/p1", renderer=RENDERER),
        ),
        (
            "timeline/page-empty",
            "Alex Example – timeline",
            lambda: render_timeline_page(empty, action="/timeline/p1", renderer=RENDERER),
        ),
        (
            "timeline/contacts",
            "Who to contact",
            lambda: render_contacts(full.contacts, renderer=RENDERER),
        ),
        (
            "timeline/contacts-empty",
            "Who to contact",
            lambda: render_contacts([], renderer=RENDERER),
        ),
        (
            "timeline/family",
            "Family",
            lambda: render_family(
                full.person,
                full.family,
                member_href=lambda m: f"/timeline/{m.subject_id}",
                renderer=RENDERER,
            ),
        ),
        (
            "timeline/family-empty",
            "Family",
            lambda: render_family(full.person, [], renderer=RENDERER),
        ),
        ("timeline/filters/custom-dates", "Filter the timeline", lambda: filters(full.filters)),
        ("timeline/filters/default", "Filter the timeline", lambda: filters(empty.filters)),
        (
            "timeline/sources",
            "Sources",
            lambda: RENDERER.render("familyhubs/timeline/sources.html", sources=full.sources),
        ),
        (
            "timeline/reason-form/normal",
            "Why do you need to see this record?",
            lambda: render_reason_form(
                action="/timeline/p1/reason",
                csrf_token="tok",
                subject_label="Alex Example",
                reasons=reasons,
                allow_break_glass=True,
                renderer=RENDERER,
            ),
        ),
        (
            "timeline/reason-form/error",
            "Error: Why do you need to see this record?",
            lambda: render_reason_form(
                action="/timeline/p1/reason",
                csrf_token="tok",
                subject_label="Alex Example",
                reasons=reasons,
                allow_break_glass=True,
                errors=reason_errors,
                renderer=RENDERER,
            ),
        ),
        (
            "timeline/access-denied",
            "You cannot see this record",
            lambda: render_access_denied("no_relationship", renderer=RENDERER),
        ),
        (
            "timeline/viewed-by",
            "Who has viewed this record",
            lambda: render_viewed_by(events, renderer=RENDERER),
        ),
        (
            "timeline/viewed-by-empty",
            "Who has viewed this record",
            lambda: render_viewed_by([], renderer=RENDERER),
        ),
        (
            "timeline/link-review",
            "Proposed links between records",
            lambda: render_link_review(
                [
                    ReviewedLink(
                        id=7,
                        left=("lcs", "P00000057"),
                        right=("police", "PNC-1"),
                        method="probabilistic",
                        status="proposed",
                        score=0.9999,
                        match_weight=13.7,
                        matched_fields=("given_name", "family_name", "birth_date"),
                        proposed_at=datetime(2026, 5, 1, 9, tzinfo=UTC),
                    )
                ],
                action="/links/review",
                csrf_token="tok",
                source_labels={"lcs": "Children's social care", "police": "Police"},
                renderer=RENDERER,
            ),
        ),
        (
            "timeline/search-form/normal",
            "Find a child",
            lambda: render_search_form(action="/search", csrf_token="tok", renderer=RENDERER),
        ),
        (
            "timeline/search-form/error",
            "Error: Find a child",
            lambda: render_search_form(
                action="/search",
                csrf_token="tok",
                by="name",
                values={"family_name": "Example", "birth_year": "2019"},
                errors=search_errors,
                renderer=RENDERER,
            ),
        ),
        (
            "timeline/search-results",
            "Search results",
            lambda: render_search_results(
                results, record_href=lambda r: f"/record/{r.subject_id}", renderer=RENDERER
            ),
        ),
        (
            "timeline/search-results-none",
            "Search results",
            lambda: render_search_results(
                [], record_href=lambda r: f"/record/{r.subject_id}", renderer=RENDERER
            ),
        ),
    ]
    return [FragmentPage(page_id, title, render()) for page_id, title, render in pages]


def _long_values(page: TimelinePage) -> TimelinePage:
    """``page`` with the long names, secure email addresses and team names real records have,
    which must wrap at 320 px rather than widen the page."""
    name = "Alexandra-Josephine Worthington-Smythe"
    email = "alexandra-josephine.worthington-smythe@exampleshire-childrens-services.gov.uk"
    team = "Multi-Agency Safeguarding Hub and Early Help Front Door (North-East Locality)"
    card = page.contacts[0].model_copy(
        update={
            "name": name,
            "team": team,
            "contact_points": (
                ContactPoint(system="phone", value="01632 960 123", label="Work phone"),
                ContactPoint(system="secure_email", value=email, label="Secure email"),
                ContactPoint(system="email", value=email, use="duty", label="Duty email"),
            ),
        }
    )
    entries = [
        entry.model_copy(update={"service": team, "professional_name": name})
        for entry in page.entries
    ]
    person = page.person.model_copy(
        update={"name": name, "identifiers": (("Local authority id", "EXAMPLESHIRE-LCS-000012345678"),)}
    )
    return page.model_copy(update={"person": person, "contacts": [card], "entries": entries})


def _hidden_records(page: TimelinePage) -> TimelinePage:
    """``page`` where Police holds records the viewer cannot see (counted, with whom to ask) and
    Health may hold some the rules do not let the screen count."""
    ask = page.contacts[0].model_copy(update={"id": "duty-police", "current": False})
    sources = [
        SourceNotice(source_name="Police", state=SourceState.OK, hidden_count=4, ask=ask),
        SourceNotice(source_name="Health", state=SourceState.OK, record_count=1,
                     may_hold_hidden=True),
    ]  # fmt: skip
    return page.model_copy(update={"sources": sources})


# -- The receiving team's inbox ---------------------------------------------------------------


def _inbox_pages() -> list[FragmentPage]:
    """The inbox over a store of sample requests: the list (rows and pages, filtered, empty), a
    request (new; declined with its history) and the status form (normal, error, final)."""
    engine = create_engine("sqlite://", poolclass=sa.pool.StaticPool)
    upgrade(engine)
    inbox = RequestInbox(engine, clock=Clock())
    empty = inbox.list()
    for number in range(7):
        store_request(engine, sample_request(number, outcomes=number % 2 == 0))
    inbox.open(reference(1), by="worker-1")
    inbox.change_status(reference(1), RequestStatus.DECLINED, by="worker-2", note="Out of area.")
    inbox.open(reference(2), by="worker-1")

    def record(number: int) -> RequestRecord:
        found = inbox.get(reference(number))
        assert found is not None
        return found

    def detail(number: int) -> Markup:
        return render_request_detail(
            record(number),
            section_titles=SECTION_TITLES,
            status_href=f"/inbox/{reference(number)}/status",
            evidence_href=lambda e: f"/inbox/{reference(number)}/evidence/{e.id}",
            renderer=RENDERER,
        )

    def listing(status: RequestStatus | None = None, **page: int) -> Markup:
        return render_inbox_list(
            inbox.list(status, **page) if page or status else empty,
            action="/inbox",
            request_href=lambda row: f"/inbox/{row.reference}",
            renderer=RENDERER,
        )

    opened, declined = record(2), record(1)
    refused = read_status_form(opened, {"status": ["declined"], "expected": ["opened"]})

    def form(shown: RequestRecord, **options: Any) -> Markup:
        return render_status_form(
            shown, action="/inbox/status", csrf_token="tok", renderer=RENDERER, **options
        )

    pages = [
        ("support/inbox/list", "Requests for support", listing(limit=3, offset=3)),
        ("support/inbox/list-empty", "Requests for support", listing()),
        ("support/inbox/list-filtered", "New requests for support", listing(RequestStatus.NEW)),
        ("support/inbox/detail-new", f"Request {reference(0)}", detail(0)),
        ("support/inbox/detail-declined", f"Request {reference(1)}", detail(1)),
        ("support/inbox/status-form/normal", status_form_title(opened), form(opened)),
        (
            "support/inbox/status-form/error",
            "Error: " + status_form_title(opened),
            form(opened, choice=refused),
        ),
        ("support/inbox/status-form/final", status_form_title(declined), form(declined)),
    ]
    return [FragmentPage(page_id, title, html) for page_id, title, html in pages]


def _triage_pages() -> list[FragmentPage]:
    """The receiving team's triage screens: the list (with flags and an assignee; with a date
    error) and one request (after a change, with its banner; a refused note)."""
    engine = create_engine("sqlite://", poolclass=sa.pool.StaticPool)
    upgrade(engine)
    inbox = RequestInbox(engine, audit=AuditLog(engine, key=AUDIT_KEY), clock=Clock())
    team = Viewer(id="rt-1", name="Rae Tan", role="receiving_team", organisation="Front door")
    assignees = (Assignee("rt-1", "Rae Tan"), Assignee("team-north", "Hub North team"))
    store_request(
        engine, triage_request(0, born="2025-12-01", abuse=("current",), urgency="two_weeks")
    )
    store_request(engine, triage_request(1, child="Ben Birch", due="2026-09-01", born=None))
    inbox.assign(reference(0), "team-north", viewer=team, expected=None)
    inbox.add_note(reference(0), "Spoke to the school; the family know we will call.", viewer=team)
    areas = [("housing", "Secure housing"), ("money", "Money")]

    def listing(query: InboxQuery | None = None) -> Markup:
        return render_triage_list(
            inbox.triage(query, viewer=team), action="/inbox/", csrf_token="tok",
            request_href=lambda row: f"/inbox/{row.reference}", areas=areas,
            flags=inbox.rules.all_flags, assignees=assignees, renderer=RENDERER,
        )  # fmt: skip

    def detail(**options: Any) -> Markup:
        triaged = inbox.read(reference(0), viewer=team)
        assert triaged is not None
        return render_triage_detail(
            triaged, assign_action=f"/inbox/{reference(0)}/assign",
            note_action=f"/inbox/{reference(0)}/notes", csrf_token="tok", assignees=assignees,
            section_titles=SECTION_TITLES, status_href=f"/inbox/{reference(0)}/status",
            renderer=RENDERER, **options,
        )  # fmt: skip

    reversed_dates = InboxQuery.from_query(
        {"from-day": ["2"], "from-month": ["5"], "from-year": ["2026"],
         "to-day": ["1"], "to-month": ["5"], "to-year": ["2026"]}
    )  # fmt: skip
    pages = [
        ("support/inbox/triage-list", "Requests for support", listing()),
        ("support/inbox/triage-list-error", "Error: Requests for support", listing(reversed_dates)),
        (
            "support/inbox/triage-detail",
            f"Request {reference(0)}",
            detail(done=read_done({"done": ["assigned"]})),
        ),
        (
            "support/inbox/triage-detail-error",
            f"Error: Request {reference(0)}",
            detail(choice=read_note_form({"note": [""]})),
        ),
    ]
    return [FragmentPage(page_id, title, html) for page_id, title, html in pages]


# -- The emergency access review queue ---------------------------------------------------------

# The demo's screens, without the demo's own layout (its reflow is checked in
# test_demo_reflow.py): only their content block, inside the SDK's page.
_CONTENT_ONLY = Renderer(
    [jinja2.DictLoader({"familyhubs/demo/layout.html": "{% block content %}{% endblock %}"})],
    undefined=jinja2.StrictUndefined,
)


def _review_pages() -> list[FragmentPage]:
    """The break-glass review queue (pending and reviewed; empty) and one review (normal,
    error)."""
    pending = AccessReviewItem(
        key="r1-" + "0" * 32, subject_ref="s1:" + "a" * 48, actor_id="hv-1",
        actor_name="Alexandra-Josephine Worthington-Smythe", actor_role="health_visitor",
        actor_organisation="Exampleshire Community Health NHS Trust", day=TODAY,
        first_at=datetime(2026, 6, 1, 8, 5, tzinfo=UTC),
        last_at=datetime(2026, 6, 1, 9, 40, tzinfo=UTC), views=3,
        justification="A&E called about a fall; the child's GP could not be reached",
    )  # fmt: skip
    reviewed = pending.model_copy(
        update={
            "key": "r1-" + "1" * 32, "actor_id": "sw-2", "actor_name": "Sam Okafor",
            "actor_role": "social_worker", "views": 1, "last_at": pending.first_at,
            "status": "reviewed", "outcome": "appropriate",
            "note": "Confirmed with the A&E sister on duty.", "reviewer_id": "ig-1",
            "reviewer_name": "Ines Grant", "reviewed_at": datetime(2026, 6, 2, 10, tzinfo=UTC),
        }
    )  # fmt: skip

    def queue(items: list[AccessReviewItem], shown: str | None) -> Markup:
        return _CONTENT_ONLY.render(
            "familyhubs/demo/reviews.html", items=items, outcomes=REVIEW_OUTCOMES, shown=shown
        )

    def review(errors: list[dict[str, str]]) -> Markup:
        return _CONTENT_ONLY.render(
            "familyhubs/demo/review.html", item=pending, csrf_token="tok", note="",
            outcome_items=[{"value": code, "text": text, "checked": False}
                           for code, text in REVIEW_OUTCOMES.items()],
            errors=errors,
        )  # fmt: skip

    refused = [{"text": "Select whether the access was appropriate", "href": "#outcome"}]
    pages = [
        ("timeline/access-reviews", "Emergency access to review", queue([pending, reviewed], None)),
        ("timeline/access-reviews-empty", "Emergency access to review", queue([], "pending")),
        ("timeline/access-review/normal", "Review emergency access", review([])),
        ("timeline/access-review/error", "Error: Review emergency access", review(refused)),
    ]
    return [FragmentPage(page_id, title, html) for page_id, title, html in pages]


def _evidence_pages() -> list[FragmentPage]:
    """The evidence page: empty, with a file, and refusing a disguised file."""
    flow = FormFlow(
        default_tree(),
        InMemoryDraftStore(),
        MemorySubmitter(reference="ACDE3467"),
        clock=_clock,
        evidence=EvidenceUploads(
            InMemoryEvidenceStorage(), InMemoryEvidenceIndex(), scanner=NoScanner()
        ),
    )
    journey = _Journey(flow)
    journey.request("GET", "")
    for step, form in JOURNEY:
        journey.answer(step, form)
    pages = [FragmentPage("support/evidence/empty", *_titled(journey.page("evidence")))]
    journey.upload("evidence", "letter.pdf", LETTER_PDF)
    pages.append(FragmentPage("support/evidence/one-file", *_titled(journey.page("evidence"))))
    refused = journey.upload("evidence", "report.pdf", b"<html><script>x</script>")
    assert refused.status == 400
    pages.append(FragmentPage("support/evidence/error", *_titled(refused)))
    pages.append(
        FragmentPage("support/check-answers/with-evidence", *_titled(journey.page("check")))
    )
    return pages


def _titled(response: WebResponse) -> tuple[str, Markup]:
    return response.title, response.html


def _analytics_pages() -> list[FragmentPage]:
    """The form-use report (with its SVG funnel) and the planning insights."""
    from tests.helpers.analytics_samples import NOW, TREE, five_journeys

    report = build_report(five_journeys(), TREE, clock=lambda: NOW)
    engine = create_engine("sqlite://", poolclass=sa.pool.StaticPool)
    upgrade(engine)
    for number in range(12):
        store_request(engine, sample_request(number))
    insights = request_insights(engine, tree=default_tree(), suppress_below=3)
    return [
        FragmentPage("support/analytics-report", "How the form is used",
                     render_report(report, renderer=RENDERER)),
        FragmentPage("support/request-insights", "What requests are telling us",
                     render_insights(insights, renderer=RENDERER)),
    ]  # fmt: skip


PAGES: dict[str, FragmentPage] = {
    page.id: page
    for page in (
        *_component_pages(),
        *_support_pages(),
        *_evidence_pages(),
        *_analytics_pages(),
        *_timeline_pages(),
        *_inbox_pages(),
        *_triage_pages(),
        *_review_pages(),
    )
}
