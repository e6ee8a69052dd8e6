"""The receiving team's inbox: listing, reading, racing status changes, and its fragments."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import timedelta
from functools import partial
from pathlib import Path
from typing import Any

import html5lib
import jinja2
import pytest
import sqlalchemy as sa
from hypothesis import given, settings
from tests.helpers.hostile import XSS_CORPUS, attribute_values, hostile_text, structure
from tests.helpers.inbox_samples import (
    CHILD_NAME,
    RACES,
    RECEIVED,
    SECTION_TITLES,
    Clock,
    assert_one_winner,
    at_once,
    race,
    reference,
    sample_request,
    store_engine,
    store_request,
)

from familyhubs_sdk.errors import ConfigurationError, RequestNotFoundError, StatusChangeError
from familyhubs_sdk.rendering import Renderer, is_safe_url
from familyhubs_sdk.store import create_engine
from familyhubs_sdk.support.inbox._inbox import MAX_PAGE_SIZE, InboxPage, InboxRow, RequestInbox
from familyhubs_sdk.support.inbox._lifecycle import RequestRecord, RequestStatus, StatusChange
from familyhubs_sdk.support.inbox._render import (
    InboxQuery,
    render_inbox_list,
    render_request_detail,
)
from familyhubs_sdk.support.inbox._status_form import (
    StatusChoice,
    read_status_form,
    render_status_form,
    status_form_title,
)

S = RequestStatus
STRICT = Renderer(undefined=jinja2.StrictUndefined)


@pytest.fixture
def engine(tmp_path: Path) -> Iterator[sa.Engine]:
    engine = store_engine(tmp_path)
    yield engine
    engine.dispose()


def _fill(engine: sa.Engine, statuses: str) -> None:
    """One request per letter (n, o, a, d, w), the first received first."""
    codes = {"n": "new", "o": "opened", "a": "accepted", "d": "declined", "w": "withdrawn"}
    for number, code in enumerate(statuses):
        store_request(engine, sample_request(number), status=codes[code])


# -- listing -----------------------------------------------------------------------------------


def test_the_list_is_newest_first_with_counts_for_every_status(engine: sa.Engine) -> None:
    _fill(engine, "nnoad")
    page = RequestInbox(engine).list()

    assert [row.reference for row in page.rows] == [reference(n) for n in (4, 3, 2, 1, 0)]
    assert dict(page.counts) == {
        S.NEW: 2,
        S.OPENED: 1,
        S.ACCEPTED: 1,
        S.DECLINED: 1,
        S.WITHDRAWN: 0,
    }
    assert (page.total, page.page_number, page.page_count, page.status) == (5, 1, 1, None)
    assert page.rows[0] == InboxRow(
        reference=reference(4),
        status=S.DECLINED,
        received_at=RECEIVED + timedelta(hours=4),
        summary="Housing support",
        urgency="Within 2 weeks",
    )


def test_the_filter_keeps_one_status_and_the_counts_of_all(engine: sa.Engine) -> None:
    _fill(engine, "nnoad")
    page = RequestInbox(engine).list(S.NEW)
    assert [row.reference for row in page.rows] == [reference(1), reference(0)]
    assert page.total == 2
    assert sum(page.counts.values()) == 5
    assert RequestInbox(engine).list(S.WITHDRAWN).rows == ()


def test_pages_follow_each_other_without_gaps_or_repeats(engine: sa.Engine) -> None:
    _fill(engine, "n" * 7)
    inbox = RequestInbox(engine)
    pages = [inbox.list(limit=3, offset=offset) for offset in (0, 3, 6, 9)]
    seen = [row.reference for page in pages for row in page.rows]
    assert seen == [reference(n) for n in range(6, -1, -1)]
    assert [(p.page_number, p.page_count, len(p.rows)) for p in pages] == [
        (1, 3, 3),
        (2, 3, 3),
        (3, 3, 1),
        (4, 3, 0),
    ]


def test_requests_received_at_the_same_moment_keep_a_stable_order(engine: sa.Engine) -> None:
    for number in range(4):
        store_request(engine, sample_request(number, submitted_at=RECEIVED))
    inbox = RequestInbox(engine)
    first, second = inbox.list(limit=2), inbox.list(limit=2, offset=2)
    seen = [row.reference for row in (*first.rows, *second.rows)]
    assert sorted(seen) == [reference(n) for n in range(4)]


def test_limit_and_offset_are_kept_sensible(engine: sa.Engine) -> None:
    inbox = RequestInbox(engine)
    assert (inbox.list(limit=0).limit, inbox.list(limit=10**6).limit) == (1, MAX_PAGE_SIZE)
    assert inbox.list(offset=-5).offset == 0


def test_the_summary_falls_back_to_areas_of_need_and_urgency_may_be_absent(
    engine: sa.Engine,
) -> None:
    store_request(engine, sample_request(outcomes=False, urgency=False))
    (row,) = RequestInbox(engine).list().rows
    assert (row.summary, row.urgency) == ("Secure housing", None)
    custom = RequestInbox(engine, summary_question="support_asked", urgency_question="needs")
    assert custom.list().rows[0].urgency == "Secure housing"


def test_the_list_holds_no_names(engine: sa.Engine) -> None:
    store_request(engine, sample_request())
    page = RequestInbox(engine).list()
    assert CHILD_NAME not in repr(page)
    assert "Sam Patel" not in repr(page)


# -- reading and opening -------------------------------------------------------------------------


def test_get_returns_the_request_as_sent_with_its_history(engine: sa.Engine) -> None:
    request = sample_request()
    store_request(engine, request)
    record = RequestInbox(engine).get(reference(0))
    assert record is not None
    assert record.request == request
    assert (record.status, record.received_at, record.updated_at) == (S.NEW, RECEIVED, RECEIVED)
    assert record.history == (StatusChange(None, S.NEW, "referrer-1", RECEIVED),)
    assert record.allowed_moves == (S.OPENED, S.WITHDRAWN)
    assert RequestInbox(engine).get("CCCCCCCC") is None


def test_open_moves_new_to_opened_once(engine: sa.Engine) -> None:
    _fill(engine, "nd")
    inbox = RequestInbox(engine, clock=Clock())
    first = inbox.open(reference(0), by="worker-1")
    again = inbox.open(reference(0), by="worker-2")
    assert first is not None
    assert first.status is S.OPENED
    assert again == first
    declined = inbox.open(reference(1), by="worker-1")
    assert declined is not None
    assert declined.status is S.DECLINED
    assert inbox.open("CCCCCCCC", by="worker-1") is None


def test_an_unknown_reference_cannot_change(engine: sa.Engine) -> None:
    with pytest.raises(RequestNotFoundError, match="no request has that reference"):
        RequestInbox(engine).change_status("CCCCCCCC", S.OPENED, by="worker-1")


def test_an_unknown_status_is_a_status_change_error(engine: sa.Engine) -> None:
    _fill(engine, "o")
    with pytest.raises(StatusChangeError, match="not a request status"):
        RequestInbox(engine).change_status(reference(0), "closed", by="worker-1")  # type: ignore[arg-type]


def test_open_does_not_hide_a_fault(engine: sa.Engine) -> None:
    _fill(engine, "n")
    with pytest.raises(StatusChangeError, match="id of who made it"):
        RequestInbox(engine).open(reference(0), by=" ")


def test_a_change_chosen_on_a_stale_page_is_refused(engine: sa.Engine) -> None:
    _fill(engine, "n")
    inbox = RequestInbox(engine, clock=Clock())
    inbox.open(reference(0), by="worker-1")
    # Withdrawing is allowed from opened too, but the worker chose it looking at "new".
    with pytest.raises(StatusChangeError, match="it is opened now, not new"):
        inbox.change_status(reference(0), S.WITHDRAWN, by="worker-2", expected=S.NEW)
    record = inbox.get(reference(0))
    assert record is not None
    assert record.status is S.OPENED


# -- racing --------------------------------------------------------------------------------------


def test_two_team_members_racing_on_sqlite_cannot_both_win(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    first = store_engine(tmp_path)
    second = create_engine(first.url)
    for number in range(len(RACES)):
        store_request(first, sample_request(number), status="opened")
    try:
        for number, moves in enumerate(RACES):
            inboxes = [RequestInbox(first, clock=Clock()), RequestInbox(second, clock=Clock())]
            results = race(inboxes, moves, monkeypatch, number=number)
            assert_one_winner(first, results, number=number)
    finally:
        first.dispose()
        second.dispose()


def test_two_team_members_opening_at_once_both_see_it_opened(
    engine: sa.Engine, monkeypatch: pytest.MonkeyPatch
) -> None:
    store_request(engine, sample_request())
    inboxes = [RequestInbox(engine), RequestInbox(engine)]
    seen = at_once(
        [partial(inbox.open, reference(0), by=f"worker-{i}") for i, inbox in enumerate(inboxes)],
        monkeypatch,
    )
    assert all(isinstance(record, RequestRecord) for record in seen), seen
    statuses = {record.status for record in seen if isinstance(record, RequestRecord)}
    assert statuses == {S.OPENED}
    record = inboxes[0].get(reference(0))
    assert record is not None
    assert [change.to_status for change in record.history] == [S.NEW, S.OPENED]


# -- the query string ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ({}, InboxQuery()),
        ({"status": ["opened"], "page": ["2"]}, InboxQuery(S.OPENED, 2)),
        ({"status": ["closed"], "page": ["0"]}, InboxQuery()),
        ({"status": ["<script>"], "page": ["-1"]}, InboxQuery()),
        ({"page": ["²"]}, InboxQuery()),
        ({"page": ["9" * 5000]}, InboxQuery()),
        ({"page": [" 3"]}, InboxQuery()),
        ({"status": [], "page": []}, InboxQuery()),
    ],
)
def test_the_query_string_is_read_leniently(
    query: dict[str, list[str]], expected: InboxQuery
) -> None:
    assert InboxQuery.from_query(query) == expected


# -- fragments -----------------------------------------------------------------------------------


def _elements(html: str, tag: str) -> list[Any]:
    fragment = html5lib.parseFragment(html, treebuilder="etree", namespaceHTMLElements=False)
    return list(fragment.iter(tag))


def _text(element: Any) -> str:
    return " ".join("".join(element.itertext()).split())


def _record(status: RequestStatus = S.NEW, *changes: StatusChange, text: str | None = None) -> Any:
    request = sample_request(text=text)
    first = StatusChange(None, S.NEW, "referrer-1", RECEIVED)
    return RequestRecord(request, status, RECEIVED, RECEIVED, (first, *changes))


def _page(status: RequestStatus | None, rows: int, *, total: int, offset: int = 0) -> InboxPage:
    counts = dict.fromkeys(RequestStatus, 0)
    counts[status or S.NEW] = total
    found = tuple(
        InboxRow(reference(n), status or S.NEW, RECEIVED, "Housing support", None)
        for n in range(rows)
    )
    return InboxPage(found, status, counts, limit=50, offset=offset)


def _list(page: InboxPage, action: str = "/inbox") -> str:
    return render_inbox_list(
        page, action=action, request_href=lambda row: f"/inbox/{row.reference}", renderer=STRICT
    )


def test_the_status_filter_is_links_with_counts_and_the_current_one_marked(
    engine: sa.Engine,
) -> None:
    _fill(engine, "nnoad")
    html = _list(RequestInbox(engine).list(S.NEW))
    nav = _elements(html, "nav")[0]
    links = list(nav.iter("a"))
    assert nav.get("aria-label") == "Requests by status"
    assert [_text(a) for a in links] == [
        "All (5)",
        "New (2)",
        "Opened (1)",
        "Accepted (1)",
        "Declined (1)",
        "Withdrawn (0)",
    ]
    assert [a.get("href") for a in links] == [
        "/inbox",
        *(f"/inbox?status={status}" for status in RequestStatus),
    ]
    assert [a.get("aria-current") for a in links] == [None, "page", None, None, None, None]


def test_the_list_is_a_table_with_column_headers_and_no_names(engine: sa.Engine) -> None:
    _fill(engine, "nnoad")
    html = _list(RequestInbox(engine).list(S.NEW))
    (caption,) = _elements(html, "caption")
    headers = _elements(html, "th")
    assert _text(caption) == "New requests, newest first"
    assert [(_text(th), th.get("scope")) for th in headers] == [
        (name, "col") for name in ("Reference", "Received", "Support needed", "How soon", "Status")
    ]
    cells = [[_text(td) for td in tr.iter("td")] for tr in _elements(html, "tr")[1:]]
    assert cells == [
        [reference(1), "1 May 2026", "Housing support", "Within 2 weeks", "New"],
        [reference(0), "1 May 2026", "Housing support", "Within 2 weeks", "New"],
    ]
    assert [a.get("href") for a in _elements(html, "a")][-2:] == [
        f"/inbox/{reference(1)}",
        f"/inbox/{reference(0)}",
    ]
    assert "govuk-tag--blue" in html
    assert CHILD_NAME not in html
    assert "Sam Patel" not in html
    assert "Showing 1 to 2 of 2 new requests" in _text(_elements(html, "p")[-1])


@pytest.mark.parametrize(
    ("status", "message"),
    [(None, "There are no requests."), (S.WITHDRAWN, "There are no withdrawn requests.")],
)
def test_an_empty_list_says_so(status: RequestStatus | None, message: str) -> None:
    html = _list(_page(status, 0, total=0))
    assert _elements(html, "table") == []
    assert message in [_text(p) for p in _elements(html, "p")]
    assert not [nav for nav in _elements(html, "nav") if "govuk-pagination" in nav.get("class")]


def test_pagination_shows_first_last_and_neighbours() -> None:
    html = _list(_page(S.NEW, 50, total=500, offset=200))
    (nav,) = [nav for nav in _elements(html, "nav") if nav.get("class") == "govuk-pagination"]
    items = [_text(li) for li in nav.iter("li")]
    assert items == ["1", "⋯", "4", "5", "6", "⋯", "10"]
    current = [a for a in nav.iter("a") if a.get("aria-current") == "page"]
    assert [_text(a) for a in current] == ["5"]
    assert [a.get("href") for a in nav.iter("a") if a.get("rel") in ("prev", "next")] == [
        "/inbox?status=new&page=4",
        "/inbox?status=new&page=6",
    ]
    assert "Showing 201 to 250 of 500 new requests" in html


def test_one_page_has_no_pagination_and_a_page_too_far_links_back() -> None:
    assert "govuk-pagination" not in _list(_page(None, 3, total=3))
    html = _list(_page(S.NEW, 0, total=3, offset=100), action="/inbox?team=north")
    assert "There are no new requests on this page." in html
    first = [a for a in _elements(html, "a") if _text(a) == "Go to the first page"]
    assert [a.get("href") for a in first] == ["/inbox?team=north&status=new"]


def test_the_detail_shows_status_sections_outcomes_evidence_and_history() -> None:
    record = _record(
        S.DECLINED,
        StatusChange(S.NEW, S.OPENED, "u-1", RECEIVED + timedelta(hours=1)),
        StatusChange(S.OPENED, S.DECLINED, "u-2", RECEIVED + timedelta(hours=2), "Out of area"),
    )
    html = render_request_detail(
        record,
        section_titles=SECTION_TITLES,
        status_href="/inbox/x/status",
        evidence_href=lambda e: f"/evidence/{e.id}",
        person=lambda who: {"u-1": "Jo Bloggs", "u-2": "Kim Lee"}.get(who, who),
        renderer=STRICT,
    )
    assert _text(_elements(html, "h1")[0]) == reference(0)
    assert [_text(h) for h in _elements(html, "h2")] == [
        "About you",
        "The family",
        "What is happening",
        "The support you are asking for",
        "Support the answers point to",
        "Supporting evidence",
        "History",
    ]
    (tag,) = [s for s in _elements(html, "strong") if "govuk-tag" in s.get("class")]
    assert (_text(tag), tag.get("class")) == ("Declined", "govuk-tag govuk-tag--red")
    assert "/inbox/x/status" not in html  # nothing leaves declined
    assert CHILD_NAME in html
    assert "/evidence/e1" in attribute_values(html, "href")
    assert [_text(h) for h in _elements(html, "h3")] == [
        "Opened to Declined",
        "New to Opened",
        "Request sent",
    ]
    bylines = [_text(p) for p in _elements(html, "p") if p.get("class") == "moj-timeline__byline"]
    assert bylines == ["by Kim Lee", "by Jo Bloggs", "by referrer-1"]
    assert "Out of area" in html


def test_the_detail_links_to_the_status_form_while_a_move_is_allowed() -> None:
    html = render_request_detail(_record(S.NEW), status_href="/inbox/x/status", renderer=STRICT)
    (change,) = [a for a in _elements(html, "a") if a.get("href") == "/inbox/x/status"]
    assert _text(change) == "Change status"
    assert _text(_elements(html, "h2")[0]) == "Your answers"


def _form(record: RequestRecord, choice: StatusChoice | None = None, **options: Any) -> str:
    options.setdefault("csrf_token", "tok-123")
    return render_status_form(
        record, action="/inbox/x/status", choice=choice, renderer=STRICT, **options
    )


@pytest.mark.parametrize("status", list(RequestStatus))
def test_the_form_offers_only_the_allowed_moves(status: RequestStatus) -> None:
    record = _record(status)
    html = _form(record)
    radios = [i for i in _elements(html, "input") if i.get("type") == "radio"]
    assert [radio.get("value") for radio in radios] == [s.value for s in record.allowed_moves]
    if status.is_final:
        assert _elements(html, "form") == []
        assert _text(_elements(html, "h1")[0]) == status_form_title(record)
        assert status_form_title(record) == f"Request {reference(0)} is {status}"
        return
    (form,) = _elements(html, "form")
    hidden = {
        i.get("name"): i.get("value") for i in form.iter("input") if i.get("type") == "hidden"
    }
    assert hidden == {"csrf_token": "tok-123", "expected": status.value}
    assert (form.get("method"), form.get("action")) == ("post", "/inbox/x/status")
    assert _text(_elements(html, "h1")[0]) == f"What do you want to do with request {reference(0)}?"
    textareas = _elements(html, "textarea")
    assert len(textareas) == (1 if S.DECLINED in record.allowed_moves else 0)


def test_the_form_refuses_to_render_without_a_csrf_token() -> None:
    with pytest.raises(ConfigurationError, match="CSRF"):
        _form(_record(S.OPENED), csrf_token=None)
    exempt = _form(_record(S.OPENED), csrf_token=None, csrf_exempt=True)
    assert [i.get("name") for i in _elements(exempt, "input") if i.get("type") == "hidden"] == [
        "expected"
    ]
    custom = _form(_record(S.OPENED), csrf_field="csrfmiddlewaretoken")
    assert "csrfmiddlewaretoken" in [i.get("name") for i in _elements(custom, "input")]


def test_a_decline_without_a_reason_shows_the_error_summary_and_inline_error() -> None:
    record = _record(S.OPENED)
    choice = read_status_form(
        record, {"status": ["declined"], "reason": ["  "], "expected": ["opened"]}
    )
    assert choice.errors == (
        {"text": "Enter why you are declining this request", "href": "#decline-reason"},
    )
    html = _form(record, choice)
    (summary,) = [d for d in _elements(html, "div") if d.get("class") == "govuk-error-summary"]
    assert [a.get("href") for a in summary.iter("a")] == ["#decline-reason"]
    (inline,) = [p for p in _elements(html, "p") if p.get("id") == "decline-reason-error"]
    assert _text(inline) == "Error: Enter why you are declining this request"
    (textarea,) = _elements(html, "textarea")
    assert "govuk-textarea--error" in textarea.get("class")
    checked = [i.get("value") for i in _elements(html, "input") if i.get("checked") is not None]
    assert checked == ["declined"]


@pytest.mark.parametrize(
    ("status", "form", "error"),
    [
        (S.OPENED, {}, "Select what to do with this request"),
        (S.NEW, {"status": ["accepted"]}, "Select what to do with this request"),
        (S.NEW, {"status": ["<b>"]}, "Select what to do with this request"),
        (
            S.OPENED,
            {"status": ["accepted"], "expected": ["new"]},
            "This request changed while you were looking: it is opened now",
        ),
        (
            S.OPENED,
            {"status": ["declined"], "reason": ["x" * 1001]},
            "Reason for declining must be 1000 characters or fewer",
        ),
    ],
)
def test_the_form_is_read_with_messages_for_the_team_member(
    status: RequestStatus, form: dict[str, list[str]], error: str
) -> None:
    choice = read_status_form(_record(status), form)
    assert [e["text"] for e in choice.errors] == [error]


def test_a_good_choice_is_ready_for_change_status() -> None:
    record = _record(S.OPENED)
    declined = read_status_form(
        record, {"status": ["declined"], "reason": [" Out of area \x00"], "expected": ["opened"]}
    )
    assert declined == StatusChoice(S.DECLINED, "Out of area", S.OPENED, " Out of area \x00")
    accepted = read_status_form(record, {"status": ["accepted"], "reason": ["typed anyway"]})
    assert (accepted.to, accepted.note, accepted.errors) == (S.ACCEPTED, None, ())


def test_a_refusal_from_the_store_is_shown_on_the_form() -> None:
    refused = StatusChoice(S.ACCEPTED).refused(
        StatusChangeError(
            "the request changed while you were looking: it is declined now, not opened"
        )
    )
    html = _form(_record(S.OPENED), refused)
    assert "The request changed while you were looking" in html
    # Declined is final: no form, so the message is plain text, not a link to a missing field.
    final = _form(_record(S.DECLINED), refused)
    assert "The request changed while you were looking" in final
    assert attribute_values(final, "href") == []


# -- hostile strings -----------------------------------------------------------------------------


def _fragments(value: str) -> list[str]:
    note = StatusChange(S.OPENED, S.DECLINED, value, RECEIVED, value)
    record = _record(S.OPENED, note, text=value)
    row = InboxRow(reference(0), S.NEW, RECEIVED, value, value)
    page = InboxPage((row,), S.NEW, dict.fromkeys(RequestStatus, 60), limit=50, offset=0)
    choice = StatusChoice(S.DECLINED, reason=value, errors=({"text": value, "href": "#status"},))
    return [
        render_inbox_list(
            page, action="/inbox", request_href=lambda r: "/inbox/" + value, renderer=STRICT
        ),
        render_request_detail(
            record,
            section_titles={"family": value},
            status_href=value,
            evidence_href=lambda e: value,
            person=lambda who: value,
            renderer=STRICT,
        ),
        render_status_form(record, action="/s", csrf_token=value, choice=choice, renderer=STRICT),
    ]


BASELINE = [structure(html) for html in _fragments("harmless")]


def _assert_inert(value: str) -> None:
    for html, expected in zip(_fragments(value), BASELINE, strict=True):
        assert structure(html) == expected, value
        for href in attribute_values(html, "href"):
            assert is_safe_url(href), (href, value)


@pytest.mark.parametrize("value", XSS_CORPUS)
def test_the_hostile_corpus_adds_no_markup(value: str) -> None:
    _assert_inert(value)


def test_hostile_strings_in_answers_notes_and_names_add_no_markup() -> None:
    checked: list[str] = []

    @settings(max_examples=200, database=None)
    @given(hostile_text.filter(bool))
    def check(value: str) -> None:
        checked.append(value)
        _assert_inert(value)

    check()
    assert len(checked) >= 200
