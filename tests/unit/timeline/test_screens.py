"""TimelineScreens: search → reason → timeline, contacts and family, as a web handler."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest
import sqlalchemy as sa
from tests.helpers.journeys import known_child

from familyhubs_sdk.errors import ConfigurationError
from familyhubs_sdk.store import create_engine, upgrade
from familyhubs_sdk.store._schema import audit_events
from familyhubs_sdk.synthetic import build_warehouse
from familyhubs_sdk.synthetic._service import DEMO_VIEWERS, demo_timeline_service
from familyhubs_sdk.timeline import AccessReason, TimelineScreens
from familyhubs_sdk.timeline._screens import (
    MAX_REMEMBERED_REASONS,
    REASONS_SESSION_KEY,
    parse_filters,
)
from familyhubs_sdk.web import CsrfRule, Viewer, WebRequest, WebResponse

SW, FS, HV = DEMO_VIEWERS
BASE = "/find"


class Portal:
    def __init__(self, tmp: Path) -> None:
        self.warehouse_url = f"sqlite:///{tmp / 'warehouse.db'}"
        build_warehouse(create_engine(self.warehouse_url), children=80, seed=3)
        self.store = create_engine(f"sqlite:///{tmp / 'store.db'}")
        upgrade(self.store)
        self.service = demo_timeline_service(
            create_engine(self.warehouse_url), self.store, audit_key=b"a" * 32
        )
        self.screens = TimelineScreens(self.service)
        self.child = known_child(self.warehouse_url)
        found = self.service.resolver.resolve("nhs_number", self.child.nhs_number)
        assert found is not None
        self.subject = found.master_id

    def handle(self, method: str, path: str, **kw: Any) -> WebResponse:
        kw.setdefault("viewer", FS)
        kw.setdefault("csrf_token", "tok")
        return self.screens.handle(WebRequest(method, path=path, base_path=BASE, **kw))

    def given(self, reason: str, viewer: Viewer = FS, **form: str) -> dict[str, Any]:
        """The session after ``viewer`` gave ``reason`` for the known child."""
        answer = self.handle(
            "POST", f"record/{self.subject}/reason", viewer=viewer,
            form={"reason": [reason], **{k: [v] for k, v in form.items()}},
        )  # fmt: skip
        assert answer.status == 303
        return dict(answer.session)

    def audit_count(self) -> int:
        with self.store.connect() as conn:
            return int(conn.scalar(sa.select(sa.func.count()).select_from(audit_events)) or 0)


@pytest.fixture(scope="module")
def portal(tmp_path_factory: pytest.TempPathFactory) -> Portal:
    return Portal(tmp_path_factory.mktemp("screens"))


REASON = AccessReason(reason="early_help")


def test_search_by_nhs_number_links_to_the_reason_question_and_is_audited(portal: Portal) -> None:
    before = portal.audit_count()
    answer = portal.handle(
        "POST", "", form={"by": ["nhs_number"], "nhs_number": [portal.child.nhs_number]}
    )
    assert answer.status == 200
    assert f'href="{BASE}/record/{portal.subject}/reason"' in answer.html
    assert portal.audit_count() == before + 1


def test_search_by_name_and_date_of_birth_tolerates_case(portal: Portal) -> None:
    person = next(p for p in portal.service._people if p.nhs_number == portal.child.nhs_number)
    assert person.birth_date is not None
    form = {
        "by": ["name"],
        "family_name": [(person.family_name or "").upper()],
        "birth-day": [str(person.birth_date.day)],
        "birth-month": [str(person.birth_date.month)],
        "birth-year": [str(person.birth_date.year)],
    }
    answer = portal.handle("POST", "", form=form)
    assert answer.status == 200
    assert f"/record/{portal.subject}/reason" in answer.html


@pytest.mark.parametrize(
    ("form", "href"),
    [
        ({}, "#by"),
        ({"by": ["nhs_number"], "nhs_number": ["943 476 5918"]}, "#nhs-number"),
        ({"by": ["upn"], "upn": ["A801200199003"]}, "#upn"),
        (
            {"by": ["name"], "birth-day": ["31"], "birth-month": ["2"], "birth-year": ["2020"]},
            "#family-name",
        ),
        (
            {"by": ["name"], "family_name": ["Example"], "birth-day": ["31"], "birth-month": ["2"]},
            "#birth-day",
        ),
    ],
)
def test_invalid_searches_show_errors_and_search_nothing(
    portal: Portal, form: dict[str, list[str]], href: str
) -> None:
    before = portal.audit_count()
    answer = portal.handle("POST", "", form=form)
    assert answer.status == 400
    assert answer.title.startswith("Error: ")
    assert f'href="{href}"' in answer.html
    assert portal.audit_count() == before  # no search ran


def test_the_record_is_never_shown_before_a_reason(portal: Portal) -> None:
    before = portal.audit_count()
    for part in ("", "/contacts", "/family"):
        answer = portal.handle("GET", f"record/{portal.subject}{part}")
        assert (answer.status, answer.location) == (303, f"{BASE}/record/{portal.subject}/reason")
    assert portal.audit_count() == before


def test_a_reason_is_remembered_then_each_screen_reads_once_with_one_audit_row(
    portal: Portal,
) -> None:
    refused = portal.handle("POST", f"record/{portal.subject}/reason", form={"reason": ["made_up"]})
    assert refused.status == 400
    assert refused.session == {}
    given = portal.handle(
        "POST", f"record/{portal.subject}/reason", form={"reason": ["early_help"]}
    )
    assert given.location == f"{BASE}/record/{portal.subject}"
    session = dict(given.session)
    assert portal.screens.reasons_given(WebRequest("GET", session=session, viewer=FS)) == {
        portal.subject: REASON
    }
    for part, title in (("", "timeline"), ("/contacts", "who to contact"), ("/family", "family")):
        before = portal.audit_count()
        answer = portal.handle("GET", f"record/{portal.subject}{part}", session=session)
        assert answer.status == 200
        assert answer.title == f"{portal.child.name} – {title}"
        assert portal.audit_count() == before + 1


def test_filters_come_from_get_parameters(portal: Portal) -> None:
    answer = portal.handle(
        "GET", f"record/{portal.subject}", session=portal.given("early_help"),
        query={"period": ["6m"], "significant": ["1"]},
    )  # fmt: skip
    assert 'value="6m" checked' in answer.html
    assert 'name="significant" type="checkbox" value="1" checked' in answer.html


def test_parse_filters_ignores_what_it_does_not_know() -> None:
    filters = parse_filters(
        {
            "kind": ["health.ae_attendance", "<script>"],
            "period": ["forever"],
            "significant": ["yes"],
        }
    )
    assert filters.kinds == frozenset({"health.ae_attendance"})
    assert (filters.period, filters.significant_only) == ("all", False)
    custom = parse_filters(
        {"period": ["custom"], "from-day": ["1"], "from-month": ["2"], "from-year": ["2024"],
         "to-day": ["99"], "to-month": ["1"], "to-year": ["2025"]}
    )  # fmt: skip
    assert (str(custom.date_from), custom.date_to) == ("2024-02-01", None)


def test_no_relationship_is_denied_then_break_glass_is_allowed_and_flagged(portal: Portal) -> None:
    denied = portal.handle(
        "GET", f"record/{portal.subject}", viewer=HV, session=portal.given("health_care", HV)
    )
    assert denied.status == 403
    assert "not recorded as working with this person" in denied.html
    assert f'href="{BASE}/record/{portal.subject}/reason"' in denied.html
    ask = portal.handle("GET", f"record/{portal.subject}/reason", viewer=HV)
    assert 'name="justification"' in ask.html  # health visitors may use emergency access
    assert (
        'name="justification"' not in portal.handle("GET", f"record/{portal.subject}/reason").html
    )  # family support may not
    given = portal.given("health_care", HV, justification="Child in A&E, parent unreachable")
    shown = portal.handle("GET", f"record/{portal.subject}", viewer=HV, session=given)
    assert shown.status == 200
    with portal.store.connect() as conn:
        last = (
            conn.execute(sa.select(audit_events).order_by(audit_events.c.id.desc()).limit(1))
            .mappings()
            .one()
        )
    assert (last["break_glass"], last["justification"]) == (
        True,
        "Child in A&E, parent unreachable",
    )


def test_unknown_records_and_paths(portal: Portal) -> None:
    reason = portal.handle("POST", "record/not-a-subject/reason", form={"reason": ["early_help"]})
    unknown = portal.handle("GET", "record/not-a-subject", session=dict(reason.session))
    assert unknown.status == 404
    assert unknown.title == "You cannot see this record"
    for path in ("record/../../etc", "record/x/y/z", "elsewhere", "record/a%20b"):
        assert portal.handle("GET", path).status == 404, path
    # The record's pages are only read (GET): anything else reads nothing.
    before = portal.audit_count()
    posted = portal.handle("POST", f"record/{portal.subject}", session=portal.given("early_help"))
    assert (posted.status, posted.title) == (405, "Method not allowed")
    assert portal.audit_count() == before
    assert portal.handle("DELETE", "").status == 405


def test_nobody_signed_in_is_asked_to_sign_in(portal: Portal) -> None:
    before = portal.audit_count()
    for path in ("", f"record/{portal.subject}", "elsewhere"):
        answer = portal.handle("GET", path, viewer=None)
        assert (answer.status, answer.title) == (401, "Sign in to find a child"), path
        assert "You need to be signed in" in answer.html
    assert portal.audit_count() == before


def test_forms_refuse_to_render_without_the_hosts_csrf_token(portal: Portal) -> None:
    with pytest.raises(ConfigurationError, match="CSRF"):
        portal.handle("GET", "", csrf_token=None)
    exempt = TimelineScreens(portal.service, csrf=CsrfRule(exempt=True))
    assert exempt.handle(WebRequest("GET", viewer=FS)).status == 200
    django = TimelineScreens(portal.service, csrf=CsrfRule(field="csrfmiddlewaretoken"))
    page = django.handle(WebRequest("GET", viewer=FS, csrf_token="tok")).html
    assert 'name="csrfmiddlewaretoken" value="tok"' in page


def test_the_session_keeps_the_newest_reasons_only(portal: Portal) -> None:
    session: dict[str, Any] = {}
    for n in range(MAX_REMEMBERED_REASONS + 5):
        answer = portal.handle(
            "POST", f"record/s{n}/reason", form={"reason": ["early_help"]}, session=session
        )
        session.update(answer.session)
    kept = portal.screens.reasons_given(WebRequest("GET", session=session, viewer=FS))
    assert len(kept) == MAX_REMEMBERED_REASONS
    assert "s0" not in kept
    assert list(kept)[-1] == f"s{MAX_REMEMBERED_REASONS + 4}"  # the newest last
    # A tampered or outdated entry is dropped: the viewer is simply asked again.
    entries = session[REASONS_SESSION_KEY]["reasons"]
    entries[4] = ["s9", {"reason": ""}]
    kept = portal.screens.reasons_given(WebRequest("GET", session=session, viewer=FS))
    assert "s9" not in kept
    assert kept["s10"] == REASON
    # So is the shape an older release kept (no viewer beside the reasons).
    older = {REASONS_SESSION_KEY: {"s10": REASON.model_dump(mode="json")}}
    assert portal.screens.reasons_given(WebRequest("GET", session=older, viewer=FS)) == {}


def test_a_reason_belongs_to_the_professional_who_gave_it(portal: Portal) -> None:
    session = portal.given("early_help", SW)
    record = f"record/{portal.subject}"
    assert portal.handle("GET", record, viewer=SW, session=session).status == 200
    # Another professional signs in to the same browser session: they are asked for their own
    # reason, and their search links to the question, not the record.
    other = portal.handle("GET", record, viewer=FS, session=session)
    assert (other.status, other.location) == (303, f"{BASE}/{record}/reason")
    found = portal.handle(
        "POST", "", viewer=FS, session=session,
        form={"by": ["nhs_number"], "nhs_number": [portal.child.nhs_number]},
    )  # fmt: skip
    assert f'href="{BASE}/{record}/reason"' in found.html
    # Their reason replaces the first professional's, who is then asked again in turn.
    before = portal.audit_count()
    theirs = portal.given("assessment", FS)
    assert portal.handle("GET", record, viewer=FS, session=theirs).status == 200
    assert portal.audit_count() == before + 1
    with portal.store.connect() as conn:
        last = conn.execute(
            sa.select(audit_events.c.actor_id, audit_events.c.reason)
            .order_by(audit_events.c.id.desc())
            .limit(1)
        ).one()
    assert tuple(last) == (FS.id, "assessment")
    again = portal.handle("GET", record, viewer=SW, session=theirs)
    assert again.location == f"{BASE}/{record}/reason"


# -- emergency access, filters with errors, search by what was typed --------------------------------


def test_a_refused_record_offers_emergency_access_and_every_screen_shows_its_banner(
    portal: Portal,
) -> None:
    record = f"record/{portal.subject}"
    denied = portal.handle("GET", record, viewer=HV, session=portal.given("health_care", HV))
    assert denied.status == 403
    emergency = f"{BASE}/{record}/reason?emergency=1#emergency-access"
    assert f'href="{emergency}"' in denied.html
    asked = portal.handle("GET", f"{record}/reason", viewer=HV, query={"emergency": ["1"]})
    assert '<details id="emergency-access" class="govuk-details" open>' in asked.html
    # A role that may not use emergency access is not offered it.
    refused_fs = portal.screens._denied(  # the same page, for a role without break-glass
        WebRequest("GET", path=record, base_path=BASE, viewer=FS), FS, portal.subject,
        "no_relationship",
    )  # fmt: skip
    assert "Use emergency access" not in refused_fs.html
    given = portal.given("health_care", HV, justification="Child in A&E, parent unreachable")
    for screen in ("", "/contacts"):
        shown = portal.handle("GET", f"{record}{screen}", viewer=HV, session=given)
        assert shown.status == 200
        assert "You are using emergency access to this child’s record." in shown.html
    normal = portal.handle("GET", record, session=portal.given("early_help"))
    assert "emergency access" not in normal.html


@pytest.mark.parametrize(
    ("query", "message", "field"),
    [
        ({"from-day": "31", "from-month": "2", "from-year": "2025"},
         "Date from must be a real date", "filter-from-day"),
        ({"to-day": "1", "to-month": "", "to-year": "2025"},
         "Date to must be a real date", "filter-to-day"),
        ({"from-day": "1", "from-month": "6", "from-year": "2025",
          "to-day": "1", "to-month": "1", "to-year": "2025"},
         "Date to must be the same as or after date from", "filter-to-day"),
    ],
)  # fmt: skip
def test_impossible_or_reversed_dates_show_govuk_errors(
    portal: Portal, query: dict[str, str], message: str, field: str
) -> None:
    answer = portal.handle(
        "GET", f"record/{portal.subject}", session=portal.given("early_help"),
        query={"period": ["custom"], **{k: [v] for k, v in query.items()}},
    )  # fmt: skip
    assert answer.status == 400
    assert answer.title.startswith("Error: ")
    assert 'class="govuk-error-summary"' in answer.html
    assert f'<a href="#{field}">{message}</a>' in answer.html
    assert f'{message}</p>' in answer.html  # the field's own error message
    assert "No interactions match these filters." not in answer.html  # nothing filtered away
    assert "31" in answer.html or "2025" in answer.html  # what was typed is shown back


def test_filters_have_a_clear_link_and_good_dates_show_no_error(portal: Portal) -> None:
    record = f"{BASE}/record/{portal.subject}"
    answer = portal.handle(
        "GET", f"record/{portal.subject}", session=portal.given("early_help"),
        query={"period": ["custom"], "from-day": ["1"], "from-month": ["1"], "from-year": ["2020"],
               "to-day": ["29"], "to-month": ["2"], "to-year": ["2024"]},
    )  # fmt: skip
    assert answer.status == 200
    assert "govuk-error-summary" not in answer.html
    assert f'<a class="govuk-link" href="{record}">Clear filters</a>' in answer.html


def test_an_nhs_number_typed_implies_its_search_and_not_found_speaks_of_the_number(
    portal: Portal,
) -> None:
    found = portal.handle("POST", "", form={"nhs_number": [portal.child.nhs_number]})
    assert found.status == 200
    assert "1 child found" in found.html
    missing = portal.handle("POST", "", form={"nhs_number": ["943 476 5919"]})
    assert "0 children found" in missing.html
    assert "No child with this NHS number" in missing.html
    assert "Check the number" in missing.html
    assert "Check the spelling and the date of birth" not in missing.html
    named = portal.handle(
        "POST", "", form={"family_name": ["Nobody"], "birth-day": ["1"], "birth-month": ["1"],
                          "birth-year": ["2020"]},
    )  # fmt: skip
    assert "Check the spelling and the date of birth" in named.html


def test_a_misspelt_name_still_finds_the_child(portal: Portal) -> None:
    person = next(
        p for p in portal.service._people
        if p.given_name and len(p.given_name) > 4 and p.birth_date and p.family_name
    )  # fmt: skip
    typo = person.given_name[0] + person.given_name[2] + person.given_name[1] + person.given_name[3:]  # type: ignore[index]
    answer = portal.handle(
        "POST", "", viewer=SW,
        form={"by": ["name"], "given_name": [typo], "family_name": [person.family_name.upper()],  # type: ignore[union-attr]
              "birth-day": [str(person.birth_date.day)], "birth-month": [str(person.birth_date.month)],  # type: ignore[union-attr]
              "birth-year": [str(person.birth_date.year)]},  # type: ignore[union-attr]
    )  # fmt: skip
    assert answer.status == 200
    assert f"{person.given_name} {person.family_name}" in answer.html


def test_families_work_both_ways_and_each_member_needs_its_own_reason(portal: Portal) -> None:
    record = f"record/{portal.subject}"
    family = portal.handle("GET", f"{record}/family", session=portal.given("early_help"))
    assert family.status == 200
    parent = re.search(
        r'href="/find/record/([A-Za-z0-9_-]+)">[^<]+</a></td>\s*<td class="govuk-table__cell">(?:Mother|Father)',
        family.html,
    )
    assert parent, family.html[-2000:]
    adult = f"record/{parent.group(1)}"
    # Moving to a family member keeps the reason rules: their record asks again, about them.
    moved = portal.handle("GET", adult, session=portal.given("early_help"))
    assert (moved.status, moved.location) == (303, f"{BASE}/{adult}/reason")
    asked = portal.handle("GET", f"{adult}/reason")
    assert "Why do you need to see this person’s record?" in asked.html
    assert "this child" not in asked.html
    given = portal.handle("POST", f"{adult}/reason", form={"reason": ["early_help"]})
    theirs = portal.handle("GET", f"{adult}/family", session=dict(given.session))
    assert theirs.status == 200
    # The parent's family lists the child, from the other side of the relationship.
    assert f'href="{BASE}/{record}"' in theirs.html
    assert ">Child<" in theirs.html
