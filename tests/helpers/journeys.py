"""A whole request-for-support journey through any web framework's test client, and a browser
that drives a :class:`~familyhubs_sdk.support.FormFlow` directly.

Each framework's test wraps its client in :class:`Browser` and calls :func:`complete_journey`;
the journey asserts what a person would see at each step. Unit tests use :class:`FlowBrowser`,
which keeps the SDK's session values between requests as an adapter would.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import Any
from urllib.parse import parse_qs

from familyhubs_sdk.web import (
    Handler,
    UploadedFile,
    Viewer,
    WebRequest,
    WebResponse,
    apply_session,
)

Form = Mapping[str, str | Sequence[str]]

#: The session keys the journey keeps its draft id and analytics key under.
DRAFT_KEY = "familyhubs_draft_id"
JOURNEY_KEY = "familyhubs_journey_key"


@dataclass
class FlowBrowser:
    """One browser on a journey handler, request by request: it sends the session values the
    last responses set, as an adapter does. ``path`` may end in a query (``needs?change=1``)."""

    flow: Handler
    base_path: str = "/rs"
    csrf_token: str | None = "t"
    client: str | None = None
    viewer: Viewer | None = None
    session: dict[str, Any] = field(default_factory=dict)

    def request(
        self,
        method: str,
        path: str,
        form: Mapping[str, object] | None = None,
        files: Mapping[str, Sequence[UploadedFile]] | None = None,
    ) -> WebResponse:
        path, _, query = path.partition("?")
        fields = {
            k: [str(x) for x in v] if isinstance(v, list | tuple) else [str(v)]
            for k, v in (form or {}).items()
        }
        response = self.flow.handle(
            WebRequest(
                method, path, self.base_path, form=fields, query=parse_qs(query),
                files=files or {}, session=dict(self.session), viewer=self.viewer,
                csrf_token=self.csrf_token, client=self.client,
            )
        )  # fmt: skip
        apply_session(self.session, response.session)
        return response

    def get(self, path: str) -> WebResponse:
        return self.request("GET", path)

    def post(self, path: str, form: Mapping[str, object] | None = None) -> WebResponse:
        return self.request("POST", path, form or {})

    @property
    def draft_id(self) -> str | None:
        return self.session.get(DRAFT_KEY)

    @property
    def journey_key(self) -> str | None:
        return self.session.get(JOURNEY_KEY)


@dataclass
class Response:
    status: int
    location: str | None
    text: str


@dataclass
class Browser:
    """``get(path)`` and ``post(path, form)`` over a framework's test client (no redirects
    followed), plus the hidden CSRF field name the portal uses."""

    get: Callable[[str], Response]
    post: Callable[[str, Form], Response]
    csrf_field: str = "csrf_token"
    #: ``upload(path, form, files)`` posts a multipart form with ``[(name, bytes)]`` as the
    #: ``evidence`` field; ``None`` when the portal has no evidence page.
    upload: Callable[[str, Form, list[tuple[str, bytes]]], Response] | None = None


#: A small, well-formed PDF: what a letter uploaded as evidence looks like to the checks.
#: A one-page PDF as the evidence disarm writes it (pikepdf's rebuild of it is the same bytes), so
#: what is stored and delivered can be compared with what was uploaded.
LETTER_PDF = (
    b"%PDF-1.7\n%\xbf\xf7\xa2\xfe\n1 0 obj\n<< /Pages 2 0 R /Type /Catalog >>\nendobj\n"
    b"2 0 obj\n<< /Count 1 /Kids [ 3 0 R ] /Type /Pages >>\nendobj\n3 0 obj\n"
    b"<< /MediaBox [ 0 0 595 842 ] /Parent 2 0 R /Resources << >> /Type /Page >>\nendobj\n"
    b"xref\n0 4\n0000000000 65535 f \n0000000015 00000 n \n0000000064 00000 n \n"
    b"0000000123 00000 n \ntrailer << /Root 1 0 R /ID [<abf02baead8c70533b8cb87c3b347001>"
    b"<abf02baead8c70533b8cb87c3b347001>] >>\nstartxref\n213\n%%EOF\n"
)


#: The default tree's first steps, from triage to the first child, and what is posted to each.
FIRST_STEPS: tuple[tuple[str, dict[str, object]], ...] = (
    ("immediate_danger", {"answer": "no"}),
    ("significant_harm", {"answer": "no"}),
    ("consent", {"answer": "yes"}),
    ("referrer_name", {"answer": "Sam Patel"}),
    ("referrer_role", {"answer": "Health visitor"}),
    ("referrer_organisation", {"answer": "Exampleshire NHS"}),
    ("referrer_email", {"answer": "sam.patel@example.nhs.uk"}),
    ("referrer_phone", {"answer": "01632 960 001"}),
    ("referrer_contact_by", {"answer": "email"}),
    ("lead_name", {"answer": "Alex Example"}),
    ("lead_relationship", {"answer": "parent"}),
    ("lead_phone", {"answer": ""}),
    ("lead_postcode", {"answer": "sw1a 1aa"}),
    ("lead_english", {"answer": "no"}),
    ("lead_language", {"answer": "Polish"}),
    ("interpreter", {"answer": "yes"}),
    ("children/1/child_name", {"answer": "Jo Example"}),
    ("children/1/child_born", {"answer": "yes"}),
    (
        "children/1/child_birth_date",
        {"answer-day": "4", "answer-month": "3", "answer-year": "2022"},
    ),
    ("children/1/child_setting", {"answer": "Little Acorns Nursery"}),
    ("children/1/child_send", {"answer": "no"}),
    ("children/1/child_nhs_number", {"answer": ""}),
)


#: The default tree's steps after the children, to check your answers.
LAST_STEPS: tuple[tuple[str, dict[str, object]], ...] = (
    ("other_adults", {"answer": "no"}),
    ("needs", {"answer": ["housing", "money"]}),
    ("housing_detail", {"answer": ["homeless_risk"]}),
    ("money_detail", {"answer": ["debt", "essentials"]}),
    ("others_affected", {"answer": ["parents"]}),
    ("working_well", {"answer": "Grandparents help with school runs."}),
    ("tried_already", {"answer": "Referred to the food bank in May."}),
    ("services_involved", {"answer": ["health_visitor"]}),
    ("support_asked", {"answer": "Housing advice and a family support worker."}),
    ("urgency", {"answer": "two_weeks"}),
    ("family_view", {"answer": "They want to stay in the area near the school."}),
)


def reach_check(browser: FlowBrowser) -> None:
    """Start a draft in ``browser`` and answer the default tree's path up to check your answers,
    with one child."""
    browser.get("")
    steps: tuple[tuple[str, Mapping[str, object]], ...] = (
        *FIRST_STEPS,
        ("children/add", {"add": "no"}),
        *LAST_STEPS,
    )
    for step, form in steps:
        assert browser.post(step, form).is_redirect, step


def _token(page: str, field: str) -> str:
    match = re.search(rf'name="{field}" value="([^"]*)"', page)
    assert match, f"no {field} in the page"
    return match.group(1)


def _answer(browser: Browser, prefix: str, step: str, form: dict[str, object]) -> str:
    """Open a step's page, post its form with the page's CSRF token, return the next location."""
    page = browser.get(f"{prefix}/{step}")
    assert page.status == 200, (step, page.status)
    data = {**form, browser.csrf_field: _token(page.text, browser.csrf_field)}
    response = browser.post(f"{prefix}/{step}", data)  # type: ignore[arg-type]
    assert response.status == 303, (step, response.status, response.text[:500])
    assert response.location is not None
    return response.location


def _add_evidence(browser: Browser, prefix: str) -> None:
    """Upload a letter, see a disguised file refused, then continue to check your answers."""
    assert browser.upload is not None
    page = browser.get(f"{prefix}/evidence")
    assert page.status == 200
    assert 'enctype="multipart/form-data"' in page.text
    token = {browser.csrf_field: _token(page.text, browser.csrf_field)}
    added = browser.upload(
        f"{prefix}/evidence", {**token, "upload": "1"}, [("letter.pdf", LETTER_PDF)]
    )
    assert (added.status, added.location) == (303, f"{prefix}/evidence"), added.text[:500]
    refused = browser.upload(
        f"{prefix}/evidence",
        {**token, "upload": "1"},
        [("report.pdf", b"<html><script>x</script>")],
    )
    assert refused.status == 400
    assert "<title>Error: Upload supporting evidence" in refused.text
    assert "letter.pdf" in refused.text  # the first file stays
    go_on = browser.post(f"{prefix}/evidence", {**token, "continue": "1"})
    assert (go_on.status, go_on.location) == (303, f"{prefix}/check")


def _due_in(days: int) -> dict[str, object]:
    """A due date ``days`` from today (the adapters' clock is the real one), as the form posts."""
    when = date.today() + timedelta(days=days)
    return {"answer-day": str(when.day), "answer-month": str(when.month),
            "answer-year": str(when.year)}  # fmt: skip


def complete_journey(browser: Browser, prefix: str = "/request-support") -> str:
    """Start, answer, go back, change, add and remove a child, check, send. Returns the reference."""
    start = browser.get(f"{prefix}/")
    assert (start.status, start.location) == (303, f"{prefix}/immediate_danger")

    # A missing answer is an error, with "Error:" in the title and nothing stored.
    page = browser.get(f"{prefix}/immediate_danger")
    refused = browser.post(
        f"{prefix}/immediate_danger", {browser.csrf_field: _token(page.text, browser.csrf_field)}
    )
    assert refused.status == 400
    assert "<title>Error: Is anyone in the family in immediate danger?" in refused.text

    for step, form in FIRST_STEPS:
        location = _answer(browser, prefix, step, form)
    assert location == f"{prefix}/children/add"

    # Back links go to the previous step on the path.
    assert f'href="{prefix}/consent"' in browser.get(f"{prefix}/referrer_name").text

    # Add a second child, then remove them again.
    assert (
        _answer(browser, prefix, "children/add", {"add": "yes"})
        == f"{prefix}/children/2/child_name"
    )
    _answer(browser, prefix, "children/2/child_name", {"answer": "Baby Example"})
    assert (
        _answer(browser, prefix, "children/2/child_born", {"answer": "no"})
        == f"{prefix}/children/2/child_due_date"
    )
    _answer(
        browser,
        prefix,
        "children/2/child_due_date",
        _due_in(60),  # a due date is at most 9 months ahead
    )
    _answer(browser, prefix, "children/2/child_send", {"answer": "not_known"})
    _answer(browser, prefix, "children/2/child_nhs_number", {"answer": ""})
    listing = browser.get(f"{prefix}/children/add")
    assert "You have added 2 children" in listing.text
    # Removing asks first, on its own page; the list's only submit button is Continue.
    assert f'href="{prefix}/children/remove/2"' in listing.text
    asked = browser.get(f"{prefix}/children/remove/2")
    assert "Are you sure you want to remove Child 2?" in asked.text
    assert _answer(browser, prefix, "children/remove/2", {"remove": "yes"}) == (
        f"{prefix}/children/add"
    )
    assert "You have added 1 child" in browser.get(f"{prefix}/children/add").text
    assert _answer(browser, prefix, "children/add", {"add": "no"}) == f"{prefix}/other_adults"

    for step, form in LAST_STEPS:
        location = _answer(browser, prefix, step, form)
    if browser.upload is not None:
        assert location == f"{prefix}/evidence"
        _add_evidence(browser, prefix)
    elif location == f"{prefix}/evidence":  # a portal with evidence on, driven without files
        assert _answer(browser, prefix, "evidence", {"continue": "1"}) == f"{prefix}/check"
    else:
        assert location == f"{prefix}/check"

    check = browser.get(f"{prefix}/check")
    assert check.status == 200
    for shown in (
        "Sam Patel",
        "SW1A 1AA",
        "Child 1: What is the child’s full name?",
        "4 March 2022",
        "Secure housing, Financial stability",
    ):
        assert shown in check.text, shown
    assert "Baby Example" not in check.text  # removed
    if browser.upload is not None:
        assert "letter.pdf (1 KB)" in check.text
        assert f'href="{prefix}/evidence?change=1"' in check.text

    # Change an answer from check your answers: the money questions fall off the path.
    assert _answer(browser, prefix, "needs?change=1", {"answer": ["housing"]}) == f"{prefix}/check"
    check = browser.get(f"{prefix}/check")
    assert "Not enough money for food" not in check.text
    assert "At risk of losing their home" in check.text

    sent = browser.post(
        f"{prefix}/check", {browser.csrf_field: _token(check.text, browser.csrf_field)}
    )
    assert (sent.status, sent.location) == (303, f"{prefix}/confirmation")
    confirmation = browser.get(f"{prefix}/confirmation")
    match = re.search(r"<strong>([A-Z0-9]{8})</strong>", confirmation.text)
    assert match, confirmation.text[:1000]
    reference = match.group(1)

    # The referrer can view and print exactly what was sent.
    assert f'href="{prefix}/copy"' in confirmation.text
    copy = browser.get(f"{prefix}/copy")
    assert copy.status == 200
    assert f"<title>Your request {reference}" in copy.text
    for shown in ("Sam Patel", "At risk of losing their home", "Jo Example"):
        assert shown in copy.text, shown
    if browser.upload is not None:
        assert "letter.pdf" in copy.text  # the evidence list travels with the request
    assert "Not enough money for food" not in copy.text  # off the final path
    return reference


@dataclass(frozen=True)
class KnownChild:
    """A child in an example portal's synthetic warehouse: what a professional would search by."""

    nhs_number: str
    name: str


def known_child(warehouse_url: str) -> KnownChild:
    """A child with an NHS number, a family and a professional working with them (so a contact
    card), from the synthetic warehouse at ``warehouse_url``."""
    from familyhubs_sdk.store import create_engine
    from familyhubs_sdk.synthetic import connectors

    engine = create_engine(warehouse_url)
    try:
        lcs = connectors(engine)[0]
        people = lcs.all_people()
        keys = sorted(p.person_key for p in people if p.nhs_number)
        involved = {
            i.person_key
            for start in range(0, len(keys), 200)  # a connector reads at most 200 keys at once
            for i in lcs.read_involvements(keys[start : start + 200])
        }
    finally:
        engine.dispose()
    child = next(
        p
        for p in sorted(people, key=lambda p: p.person_key)
        if p.nhs_number and p.person_key in involved
    )
    assert child.nhs_number is not None
    return KnownChild(child.nhs_number, f"{child.given_name} {child.family_name}")


def find_a_child(browser: Browser, child: KnownChild, prefix: str = "/find-a-child") -> str:
    """Search by NHS number → give a reason → timeline → who to contact → family.

    The portal's demo sign-in must already have signed the browser in as a family support worker.
    Returns the timeline page's HTML.
    """
    search = browser.get(f"{prefix}/")
    assert search.status == 200
    assert "Find a child" in search.text
    token = _token(search.text, browser.csrf_field)

    # An invalid NHS number is an error linked to its field; nothing is searched.
    refused = browser.post(
        f"{prefix}/", {"by": "nhs_number", "nhs_number": "123", browser.csrf_field: token}
    )
    assert refused.status == 400
    assert "<title>Error: Find a child" in refused.text
    assert 'href="#nhs-number"' in refused.text

    found = browser.post(
        f"{prefix}/",
        {"by": "nhs_number", "nhs_number": child.nhs_number, browser.csrf_field: token},
    )
    assert found.status == 200, found.text[:800]
    assert "1 child found" in found.text
    assert child.name in found.text
    match = re.search(rf'href="({re.escape(prefix)}/record/[A-Za-z0-9_-]+)/reason"', found.text)
    assert match, "no link to the record"
    record = match.group(1)
    # No name or NHS number in the record's address.
    assert child.nhs_number not in record
    assert child.name.split()[0] not in record

    # The record is not shown before a reason is given.
    first = browser.get(record)
    assert (first.status, first.location) == (303, f"{record}/reason")
    ask = browser.get(f"{record}/reason")
    assert ask.status == 200
    assert "Why do you need to see" in ask.text
    token = _token(ask.text, browser.csrf_field)
    no_reason = browser.post(f"{record}/reason", {browser.csrf_field: token})
    assert no_reason.status == 400
    assert "Select why you need to see the record" in no_reason.text
    given = browser.post(f"{record}/reason", {"reason": "early_help", browser.csrf_field: token})
    assert (given.status, given.location) == (303, record)

    timeline = browser.get(record)
    assert timeline.status == 200, timeline.text[:800]
    assert f"<title>{child.name} – timeline" in timeline.text
    assert 'aria-current="page"' in timeline.text
    assert "Who to contact" in timeline.text
    assert "moj-timeline__item" in timeline.text, "the child's timeline shows no events"
    filtered = browser.get(f"{record}?period=1y&significant=1")
    assert filtered.status == 200
    assert 'value="1y" checked' in filtered.text

    contacts = browser.get(f"{record}/contacts")
    assert contacts.status == 200
    assert f"<title>{child.name} – who to contact" in contacts.text
    assert "govuk-summary-card" in contacts.text, "no contact card"
    family = browser.get(f"{record}/family")
    assert family.status == 200
    assert f"<title>{child.name} – family" in family.text
    return timeline.text


def another_professional_is_asked_again(
    browser: Browser,
    timeline: str,
    sign_in_as: Callable[[str], None],
    prefix: str = "/find-a-child",
) -> None:
    """After :func:`find_a_child`: a social worker who signs in to the same browser session is
    asked for a reason of their own, never given the family support worker's."""
    match = re.search(rf'href="({re.escape(prefix)}/record/[A-Za-z0-9_-]+)/contacts"', timeline)
    assert match, "no link to who to contact"
    record = match.group(1)
    assert browser.get(record).status == 200  # the professional who gave the reason
    sign_in_as("demo-sw")
    again = browser.get(record)
    assert (again.status, again.location) == (303, f"{record}/reason")
