"""Triage in the inbox: the list's columns, filters and search, flags, assignment, internal
notes, the success banner, and the access audit of every read."""

from __future__ import annotations

import re
from collections.abc import Iterator
from datetime import UTC, date, datetime
from pathlib import Path

import html5lib
import jinja2
import pytest
import sqlalchemy as sa
from tests.helpers.inbox_samples import (
    AUDIT_KEY,
    RECEIVED,
    Clock,
    reference,
    store_engine,
    store_request,
    triage_request,
)

from familyhubs_sdk.errors import ConfigurationError, RequestNotFoundError, TriageError
from familyhubs_sdk.rendering import Renderer
from familyhubs_sdk.support.inbox import (
    Assignee,
    InboxQuery,
    RequestInbox,
    RequestStatus,
    TriageRules,
    read_assign_form,
    read_done,
    read_note_form,
    read_status_form,
    render_triage_detail,
    render_triage_list,
    request_subject,
    status_done,
    triage_summary,
)
from familyhubs_sdk.support.inbox._triage import child_age_text
from familyhubs_sdk.timeline import AuditAction, AuditLog, Viewer

STRICT = Renderer(undefined=jinja2.StrictUndefined)
TEAM = Viewer(id="rt-1", name="Rae Tan", role="receiving_team", organisation="Front door")
ASSIGNEES = (Assignee("rt-1", "Rae Tan"), Assignee("team-north", "Hub North team"))
TODAY = date(2026, 5, 2)


@pytest.fixture
def engine(tmp_path: Path) -> Iterator[sa.Engine]:
    engine = store_engine(tmp_path)
    yield engine
    engine.dispose()


@pytest.fixture
def audit(engine: sa.Engine) -> AuditLog:
    return AuditLog(engine, key=AUDIT_KEY)


@pytest.fixture
def inbox(engine: sa.Engine, audit: AuditLog) -> RequestInbox:
    return RequestInbox(engine, audit=audit, clock=Clock())


def _text(html: str) -> str:
    root = html5lib.parse(html, namespaceHTMLElements=False)
    return " ".join(" ".join(root.itertext()).split())


# -- what the list shows, from the answers ----------------------------------------------------


def test_flags_ages_areas_and_organisation_come_from_the_answers() -> None:
    request = triage_request(
        0,
        born="2025-11-01",
        needs=(("housing", "Secure housing"), ("domestic_abuse", "Domestic abuse")),
        abuse=("current",),
        urgency="two_weeks",
    )
    summary = triage_summary(request, today=TODAY)
    assert summary.lead_child == "Alex Example"
    assert summary.areas == ("housing", "domestic_abuse")
    assert summary.area_labels == "Secure housing, Domestic abuse"
    assert summary.referrer_organisation == "Hillside Primary School"
    assert [f.id for f in summary.flags] == ["domestic_abuse_now", "within_two_weeks", "under_one"]
    # Past abuse is not "now", an older child is not "under 1", no rush is not urgent.
    calm = triage_request(1, abuse=("past",), urgency="no_rush")
    assert triage_summary(calm, today=TODAY).flags == ()
    assert [
        f.id for f in triage_summary(calm, today=TODAY, rules=TriageRules(flags=())).flags
    ] == []


def test_an_unborn_child_is_under_one_and_ages_read_as_people_say_them() -> None:
    unborn = triage_request(0, born=None, due="2026-09-01")
    assert [f.id for f in triage_summary(unborn, today=TODAY).flags] == ["under_one"]
    assert child_age_text(None, date(2026, 9, 1), TODAY) == "Not born yet"
    assert child_age_text(date(2026, 4, 20), None, TODAY) == "Under 1 month"
    assert child_age_text(date(2025, 5, 2), None, TODAY) == "12 months"
    assert child_age_text(date(2020, 5, 3), None, TODAY) == "5 years"
    assert child_age_text(None, None, TODAY) is None


# -- the list, filters and search --------------------------------------------------------------


def _fill(engine: sa.Engine) -> None:
    store_request(engine, triage_request(0, child="Ann Ash", needs=(("money", "Money"),)))
    store_request(engine, triage_request(1, child="Ben Birch", abuse=("current",)))
    store_request(engine, triage_request(2, child="Cal Cedar", born="2026-01-10"))
    store_request(engine, triage_request(3, child="Dee Dunn"), status="accepted")


def test_the_triage_list_filters_by_area_flag_date_and_status(
    engine: sa.Engine, inbox: RequestInbox
) -> None:
    _fill(engine)
    every = inbox.triage(viewer=TEAM)
    assert [r.reference for r in every.rows] == [reference(n) for n in (3, 2, 1, 0)]
    assert every.total == 4

    def refs(**fields: str) -> list[str]:
        query = InboxQuery.from_query({k: [v] for k, v in fields.items()})
        return [row.reference for row in inbox.triage(query, viewer=TEAM).rows]

    assert refs(area="money") == [reference(0)]
    assert refs(flag="domestic_abuse_now") == [reference(1)]
    assert refs(flag="under_one") == [reference(2)]
    assert refs(status="accepted") == [reference(3)]
    # Received on 1 May from 09:30, one an hour: the "to" day is inclusive.
    assert refs(**{"from-day": "1", "from-month": "5", "from-year": "2026"}) != []
    assert refs(**{"to-day": "30", "to-month": "4", "to-year": "2026"}) == []
    counts = inbox.triage(InboxQuery(area="housing"), viewer=TEAM).counts
    assert counts[RequestStatus.NEW] == 2
    assert counts[RequestStatus.ACCEPTED] == 1


def test_search_finds_a_reference_or_part_of_a_name_whatever_the_case(
    engine: sa.Engine, inbox: RequestInbox
) -> None:
    _fill(engine)

    def found(search: str) -> list[str]:
        page = inbox.triage(InboxQuery(search=search), viewer=TEAM)
        return [row.reference for row in page.rows]

    assert found(reference(2).lower()) == [reference(2)]
    assert found("birch") == [reference(1)]
    assert found("jo exam") == [reference(n) for n in (3, 2, 1, 0)]  # the lead contact
    assert found("nobody") == []
    # The search never goes into a link: names stay out of URLs.
    assert "q" not in InboxQuery(search="Ben Birch").params()


@pytest.mark.parametrize(
    ("fields", "message", "href"),
    [
        ({"from-day": "31", "from-month": "2", "from-year": "2026"},
         "Received from must be a real date", "#from-day"),
        ({"to-day": "1", "to-year": "2026"}, "Received to must include a month", "#to-month"),
        ({"from-day": "x", "from-month": "1", "from-year": "2026"},
         "Received from must be a real date", "#from-day"),
        ({"from-day": "2", "from-month": "5", "from-year": "2026",
          "to-day": "1", "to-month": "5", "to-year": "2026"},
         "Received to must be the same as or after received from", "#to-day"),
    ],
)  # fmt: skip
def test_a_date_that_is_not_real_is_a_govuk_error_and_not_applied(
    fields: dict[str, str], message: str, href: str
) -> None:
    query = InboxQuery.from_query({k: [v] for k, v in fields.items()})
    assert query.errors == ({"text": message, "href": href},)
    html = str(render_triage_list(_page_for(query), action="/inbox/", request_href=_href,
                                  csrf_token="t", renderer=STRICT))  # fmt: skip
    assert "govuk-error-summary" in html
    assert f'href="{href}"' in html
    assert f'id="{href[1:]}"' in html


def _href(row: object) -> str:
    return f"/inbox/{getattr(row, 'reference', '')}"


def _page_for(query: InboxQuery):  # type: ignore[no-untyped-def]
    from familyhubs_sdk.support.inbox._triage_page import TriagePage

    return TriagePage(
        rows=(), query=query, counts=dict.fromkeys(RequestStatus, 0), limit=50,
        today=datetime(2026, 5, 2, tzinfo=UTC),
    )  # fmt: skip


def test_the_list_table_has_every_column_and_no_fixed_widths(
    engine: sa.Engine, inbox: RequestInbox
) -> None:
    store_request(
        engine, triage_request(0, born="2025-12-01", abuse=("current",), urgency="two_weeks")
    )
    inbox.assign(reference(0), "team-north", viewer=TEAM, expected=None)
    page = inbox.triage(viewer=TEAM)
    html = str(
        render_triage_list(
            page, action="/inbox/", request_href=_href, csrf_token="tok", assignees=ASSIGNEES,
            areas=[("housing", "Secure housing")], flags=inbox.rules.all_flags, renderer=STRICT,
        )
    )  # fmt: skip
    text = _text(html)
    for heading in ("Reference", "Received", "Child", "Areas of need", "Urgency and risk",
                    "Referred by", "Days open", "Assigned to", "Status"):  # fmt: skip
        assert heading in text
    for shown in ("Alex Example", "5 months", "Secure housing", "Domestic abuse now",
                  "Child under 1", "Hillside Primary School", "Hub North team"):  # fmt: skip
        assert shown in text
    assert "style=" not in html
    # Only GOV.UK's width classes, which are full width on a narrow screen.
    assert "width" not in re.sub(r"govuk-(input--|!-)width-[a-z0-9-]+", "", html)
    assert 'name="tok"' not in html
    assert 'value="tok"' in html
    # The search form posts; the filter form is a GET without the search.
    assert 'method="post"' in html
    assert 'method="get"' in html


def test_the_triage_screens_need_the_access_audit(engine: sa.Engine) -> None:
    unaudited = RequestInbox(engine)
    with pytest.raises(ConfigurationError, match="access audit"):
        unaudited.triage(viewer=TEAM)
    with pytest.raises(ConfigurationError):
        unaudited.read(reference(0), viewer=TEAM)


# -- every read audited ------------------------------------------------------------------------


def test_every_read_in_the_inbox_is_audited_without_data(
    engine: sa.Engine, inbox: RequestInbox, audit: AuditLog
) -> None:
    _fill(engine)
    inbox.triage(InboxQuery(area="money"), viewer=TEAM)
    triaged = inbox.read(reference(1), viewer=TEAM)
    assert triaged is not None
    assert triaged.record.status is RequestStatus.OPENED
    assert inbox.read(reference(9), viewer=TEAM) is None
    events = audit.query()
    actions = [(e.action, e.subject_ref) for e in reversed(events)]
    assert actions == [
        (AuditAction.REQUEST_LIST, audit.subject_ref(request_subject(reference(0)))),
        (AuditAction.REQUEST_VIEW, audit.subject_ref(request_subject(reference(1)))),
        (AuditAction.REQUEST_VIEW, None),
    ]
    assert all(e.actor_id == "rt-1" and e.actor_role == "receiving_team" for e in events)
    dumped = " ".join(str(e.model_dump()) for e in events)
    assert "Ben Birch" not in dumped
    assert reference(1) not in dumped
    # Who has read this request: the audit answers by the request's subject id.
    assert len(audit.query(subject_id=request_subject(reference(1)))) == 1


# -- assignment and notes ----------------------------------------------------------------------


def test_assign_reassign_and_unassign_with_optimistic_concurrency(
    engine: sa.Engine, inbox: RequestInbox, audit: AuditLog
) -> None:
    store_request(engine, triage_request(0))
    done = inbox.assign(reference(0), "rt-1", viewer=TEAM, expected=None)
    assert done.assignment is not None
    assert done.assignment.assignee == "rt-1"
    # A colleague who saw "nobody" is refused, not allowed to overwrite.
    with pytest.raises(TriageError, match="assigned by someone else"):
        inbox.assign(reference(0), "team-north", viewer=TEAM, expected=None)
    again = inbox.assign(reference(0), "team-north", viewer=TEAM, expected="rt-1")
    assert again.assignment is not None
    assert again.assignment.assignee == "team-north"
    page = inbox.triage(InboxQuery(assignee="team-north"), viewer=TEAM)
    assert [row.reference for row in page.rows] == [reference(0)]
    gone = inbox.assign(reference(0), None, viewer=TEAM, expected="team-north")
    assert gone.assignment is None
    assert inbox.triage(InboxQuery(assignee="unassigned"), viewer=TEAM).total == 1
    with pytest.raises(RequestNotFoundError):
        inbox.assign(reference(5), "rt-1", viewer=TEAM, expected=None)
    changes = audit.query(action=AuditAction.REQUEST_CHANGE)
    assert [e.reason for e in changes] == ["assign", "assign", "assign"]


def test_notes_are_kept_newest_first_audited_and_never_in_the_request(
    engine: sa.Engine, inbox: RequestInbox, audit: AuditLog
) -> None:
    store_request(engine, triage_request(0))
    inbox.add_note(reference(0), "Called school.\nNo answer.", viewer=TEAM)
    triaged = inbox.add_note(reference(0), "  Spoke to mum  ", viewer=TEAM)
    assert [n.body for n in triaged.notes] == ["Spoke to mum", "Called school.\nNo answer."]
    assert "Spoke to mum" not in str(triaged.record.request.to_payload())
    for bad in ("   ", "x" * 2001):
        with pytest.raises(TriageError):
            inbox.add_note(reference(0), bad, viewer=TEAM)
    notes = audit.query(action=AuditAction.REQUEST_CHANGE)
    assert [e.reason for e in notes] == ["note", "note"]
    assert "Spoke" not in str([e.model_dump() for e in notes])


def test_the_forms_are_read_with_messages_for_the_team_member(
    engine: sa.Engine, inbox: RequestInbox
) -> None:
    store_request(engine, triage_request(0))
    triaged = inbox.read(reference(0), viewer=TEAM)
    assert triaged is not None
    ok = read_assign_form(triaged, {"assignee": ["team-north"], "expected-assignee": [""]},
                          ASSIGNEES)  # fmt: skip
    assert (ok.assignee, ok.expected, ok.errors) == ("team-north", None, ())
    unknown = read_assign_form(triaged, {"assignee": ["mallory"]}, ASSIGNEES)
    assert unknown.errors[0]["text"] == "Select who to assign this request to"
    stale = read_assign_form(triaged, {"assignee": ["rt-1"], "expected-assignee": ["rt-1"]},
                             ASSIGNEES)  # fmt: skip
    assert "while you were looking" in stale.errors[0]["text"]
    assert read_note_form({"note": [" "]}).errors[0] == {
        "text": "Enter an internal note", "href": "#note"
    }  # fmt: skip
    assert "2000 characters or fewer" in read_note_form({"note": ["x" * 2001]}).errors[0]["text"]
    assert read_note_form({"note": ["Seen"]}).note == "Seen"


# -- the detail page and its success banner ----------------------------------------------------


@pytest.mark.parametrize(
    ("done", "banner"),
    [
        ("assigned", "Request {ref} assigned to Hub North team"),
        ("note_added", "Internal note added to request {ref}"),
        ("declined", "Request {ref} declined. The reason is kept in its history"),
        ("accepted_reason_not_kept",
         "Request {ref} accepted. The reason for declining you typed was not kept"),
    ],
)  # fmt: skip
def test_every_change_ends_on_a_success_banner(
    engine: sa.Engine, inbox: RequestInbox, done: str, banner: str
) -> None:
    store_request(engine, triage_request(0))
    inbox.assign(reference(0), "team-north", viewer=TEAM, expected=None)
    inbox.add_note(reference(0), "Internal only", viewer=TEAM)
    triaged = inbox.read(reference(0), viewer=TEAM)
    assert triaged is not None
    html = str(
        render_triage_detail(
            triaged, assign_action="/a", note_action="/n", csrf_token="tok", assignees=ASSIGNEES,
            done=read_done({"done": [done]}), renderer=STRICT,
        )
    )  # fmt: skip
    assert "govuk-notification-banner--success" in html
    assert banner.format(ref=reference(0)) in _text(html)
    assert "Internal only" in _text(html)
    # Nothing else in a ?done= link makes a banner.
    assert read_done({"done": ["<script>"]}) is None


def test_a_reason_typed_for_decline_is_kept_only_for_a_decline(
    engine: sa.Engine, inbox: RequestInbox
) -> None:
    store_request(engine, triage_request(0), status="opened")
    record = inbox.get(reference(0))
    assert record is not None
    accept = read_status_form(
        record, {"status": ["accepted"], "reason": ["Out of area"], "expected": ["opened"]}
    )
    assert (accept.to, accept.note, accept.reason_not_kept) == (
        RequestStatus.ACCEPTED, None, True
    )  # fmt: skip
    assert status_done(RequestStatus.ACCEPTED, reason_not_kept=True) == "accepted_reason_not_kept"
    decline = read_status_form(
        record, {"status": ["declined"], "reason": [" Out of area "], "expected": ["opened"]}
    )
    assert (decline.note, decline.reason_not_kept) == ("Out of area", False)
    blank = read_status_form(record, {"status": ["declined"], "reason": [""]})
    assert blank.errors[0]["text"] == "Enter why you are declining this request"
    changed = inbox.change_status(reference(0), RequestStatus.DECLINED, by="rt-1",
                                  note=decline.note, expected=decline.expected)  # fmt: skip
    assert changed.history[-1].note == "Out of area"


def test_days_open_stop_when_a_request_is_closed(engine: sa.Engine, audit: AuditLog) -> None:
    store_request(engine, triage_request(0))
    later = RECEIVED.replace(day=11)
    inbox = RequestInbox(engine, audit=audit, clock=lambda: later)
    assert inbox.triage(viewer=TEAM).rows[0].days_open == 10
    store_request(engine, triage_request(1), status="accepted")
    closed = inbox.triage(InboxQuery(status=RequestStatus.ACCEPTED), viewer=TEAM).rows[0]
    assert closed.days_open == 0


def test_notes_and_assignment_go_when_the_request_is_deleted(
    engine: sa.Engine, inbox: RequestInbox
) -> None:
    """Retention removes a request; its assignment and internal notes must not outlive it."""
    from familyhubs_sdk.store._schema import (
        request_assignments,
        request_notes,
        request_status_history,
        support_requests,
    )

    store_request(engine, triage_request(0))
    inbox.assign(reference(0), "rt-1", viewer=TEAM, expected=None)
    inbox.add_note(reference(0), "Gone with the request", viewer=TEAM)
    with engine.begin() as connection:
        connection.execute(request_status_history.delete())
        connection.execute(support_requests.delete())
    with engine.connect() as connection:
        assert connection.scalar(sa.select(sa.func.count()).select_from(request_notes)) == 0
        assert connection.scalar(sa.select(sa.func.count()).select_from(request_assignments)) == 0
