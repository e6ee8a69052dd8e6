"""The timeline fragments: month groups, contact links, source notices, filters, forms."""

from __future__ import annotations

from datetime import date, datetime

import html5lib
import jinja2
from tests.helpers.hostile import structure
from tests.helpers.timeline_samples import sample_page

from familyhubs_sdk.rendering import Renderer
from familyhubs_sdk.timeline._display import (
    ContactCard,
    ContactPoint,
    FamilyMember,
    PersonHeader,
    SourceNotice,
    SourceState,
    TimelineEntry,
    TimelineFilters,
)
from familyhubs_sdk.timeline._render import (
    month_groups,
    render_access_denied,
    render_contacts,
    render_family,
    render_reason_form,
    render_timeline_page,
    year_groups,
)

STRICT = Renderer(undefined=jinja2.StrictUndefined)


def parse(html: str):  # type: ignore[no-untyped-def]
    return html5lib.parseFragment(html, treebuilder="etree", namespaceHTMLElements=False)


def text_of(element) -> str:  # type: ignore[no-untyped-def]
    return " ".join("".join(element.itertext()).split())


def entry(id: str, start: datetime | date, **extra: object) -> TimelineEntry:
    return TimelineEntry(
        id=id,
        kind="k",
        kind_label="Kind",
        start=start,
        label=f"Entry {id}",
        source_name="S",
        **extra,  # type: ignore[arg-type]
    )


def test_entries_are_newest_first_grouped_by_month() -> None:
    groups = month_groups(
        [
            entry("a", date(2025, 12, 30)),
            entry("b", datetime(2026, 3, 4, 9, 0)),
            entry("c", date(2026, 3, 20)),
        ]
    )
    assert [(month, [e.id for e in entries]) for month, entries in groups] == [
        ("March 2026", ["c", "b"]),
        ("December 2025", ["a"]),
    ]


def test_page_links_professionals_to_their_contact_card() -> None:
    html = render_timeline_page(sample_page("Dr Jo"), action="/t/p1", renderer=STRICT)
    tree = parse(html)
    link = tree.find(".//div[@class='moj-timeline__description']//a")
    target = link.attrib["href"].removeprefix("#")
    cards = [el for el in tree.iter() if el.attrib.get("id") == target]
    assert len(cards) == 1
    assert "govuk-summary-card" in cards[0].attrib["class"]
    assert "Significant" in html
    assert '<time datetime="2026-03-04T02:00:00">4 March 2026</time>' in html


def test_contact_points_become_tel_and_mailto_links() -> None:
    card = ContactCard(
        id="x",
        name="Duty team",
        contact_points=(
            ContactPoint(system="phone", value="0123 456 789", use="duty", label="Duty phone"),
            ContactPoint(system="secure_email", value="duty@la.gov.uk", label="Secure email"),
            ContactPoint(system="email", value="not an email", label="Email"),
        ),
    )
    tree = parse(render_contacts([card], renderer=STRICT))
    hrefs = [a.attrib["href"] for a in tree.iter("a")]
    assert hrefs == ["tel:0123456789", "mailto:duty@la.gov.uk"]
    assert "Secure" in text_of(tree)
    assert "not an email" in text_of(tree)


def test_current_involvements_come_first() -> None:
    cards = [
        ContactCard(id="old", name="Past worker", last_involved=date(2020, 1, 1)),
        ContactCard(id="now", name="Current worker", current=True),
        ContactCard(id="recent", name="Recent worker", last_involved=date(2025, 1, 1)),
    ]
    titles = [text_of(h) for h in parse(render_contacts(cards, renderer=STRICT)).iter("h3")]
    assert titles == ["Current worker Current", "Recent worker", "Past worker"]


def test_source_notices_distinguish_unavailable_not_connected_and_empty() -> None:
    html = render_timeline_page(sample_page("Police"), action="/t", renderer=STRICT)
    text = text_of(parse(html))
    assert "Police data is unavailable right now" in text
    assert "Police is not connected, so its records are not shown." in text
    assert "Police data covers from 1 January 2019." in text
    assert "No records in Police." in text


def test_filters_are_a_get_form_that_keeps_the_current_choice() -> None:
    tree = parse(render_timeline_page(sample_page(), action="/t/p1", renderer=STRICT))
    form = tree.find(".//form")
    assert (form.attrib["method"], form.attrib["action"]) == ("get", "/t/p1")
    checked = {
        (i.attrib["name"], i.attrib["value"]) for i in form.iter("input") if "checked" in i.attrib
    }
    assert checked == {("kind", "health.ae_attendance"), ("period", "custom")}
    values = {
        i.attrib["name"]: i.attrib.get("value")
        for i in form.iter("input")
        if i.attrib.get("type") == "text"
    }
    assert values == {
        "from-day": "1",
        "from-month": "1",
        "from-year": "2025",
        "to-day": "1",
        "to-month": "6",
        "to-year": "2026",
    }


def test_empty_timeline_says_so() -> None:
    page = sample_page().model_copy(update={"entries": [], "contacts": []})
    text = text_of(parse(render_timeline_page(page, action="/t", renderer=STRICT)))
    assert "No interactions match these filters." in text
    assert "No professionals are recorded for this child." in text


def test_family_view_lists_members_with_optional_links() -> None:
    person = PersonHeader(subject_id="p1", name="Alex")
    family = [FamilyMember(subject_id="p2", name="Sam", relationship="Sibling")]
    plain = parse(render_family(person, family, renderer=STRICT))
    assert [text_of(td) for td in plain.iter("td")] == ["Sam", "Sibling", "Not known"]
    linked = render_family(
        person, family, member_href=lambda m: f"/t/{m.subject_id}", renderer=STRICT
    )
    assert 'href="/t/p2"' in linked
    assert "No family members are recorded." in render_family(person, [], renderer=STRICT)


def test_reason_form_posts_with_csrf_and_shows_errors() -> None:
    html = render_reason_form(
        action="/t/p1/reason",
        csrf_token="tok",
        subject_label="Alex",
        reasons=[("assessment", "Early help assessment"), ("safeguarding", "Safeguarding concern")],
        allow_break_glass=True,
        errors=[{"text": "Select why you need to see the record", "href": "#reason"}],
        renderer=STRICT,
    )
    tree = parse(html)
    form = tree.find(".//form")
    assert form.attrib["method"] == "post"
    assert tree.find(".//input[@name='csrf_token']").attrib["value"] == "tok"
    assert tree.find(".//p[@id='reason-error']") is not None
    assert tree.find(".//textarea[@name='justification']") is not None
    assert "Alex’s record" in text_of(tree)


def test_access_denied_explains_each_reason() -> None:
    for reason, expected in [
        ("no_relationship", "not recorded as working with this person"),
        ("age_limit", "outside the ages"),
        ("something_new", "You cannot see this record."),
    ]:
        assert expected in render_access_denied(reason, renderer=STRICT)


def test_structure_does_not_depend_on_the_data() -> None:
    baseline = structure(render_timeline_page(sample_page("x"), action="/t", renderer=STRICT))
    other = structure(
        render_timeline_page(sample_page("Other words"), action="/t", renderer=STRICT)
    )
    assert baseline == other


def test_search_form_posts_and_keeps_what_was_typed() -> None:
    from familyhubs_sdk.timeline import render_search_form

    html = render_search_form(
        action="/search",
        csrf_token="tok",
        by="name",
        values={"given_name": "Zoë", "family_name": "O'Brien", "birth_year": "2019"},
        errors=[{"text": "Enter a date of birth", "href": "#birth-day"}],
        renderer=STRICT,
    )
    tree = parse(html)
    assert tree.find(".//form").attrib["method"] == "post"
    values = {i.attrib["name"]: i.attrib.get("value") for i in tree.iter("input")}
    assert values["given_name"] == "Zoë"
    assert values["family_name"] == "O'Brien"
    assert values["birth-year"] == "2019"
    checked = [i.attrib["value"] for i in tree.iter("input") if "checked" in i.attrib]
    assert checked == ["name"]
    summary_link = tree.find(".//div[@class='govuk-error-summary']//a")
    assert summary_link.attrib["href"] == "#birth-day"
    assert [el for el in tree.iter() if el.attrib.get("id") == "birth-day"]


def test_search_results_are_minimal_and_capped() -> None:
    from familyhubs_sdk.timeline import render_search_results
    from familyhubs_sdk.timeline._display import SearchResult

    results = [
        SearchResult(
            subject_id=f"p{n}", name=f"Child {n}", identifiers=(("NHS number", "*** *** 0000"),)
        )
        for n in range(12)
    ]
    html = render_search_results(results, record_href=lambda r: f"/record/{r.subject_id}", limit=10)
    tree = parse(html)
    assert text_of(tree.find(".//h2")) == "12 children found"
    assert "Only the first 10 are shown" in html
    assert [a.attrib["href"] for a in tree.iter("a")] == [f"/record/p{n}" for n in range(10)]
    # The service returns at most its cap: a full page says a narrower search may find others.
    at_cap = render_search_results(results[:10], record_href=lambda r: "/r", limit=10)
    assert "Searches show at most 10 children" in at_cap
    assert "Only the first" not in at_cap
    assert "1 child found" in render_search_results(results[:1], record_href=lambda r: "/r")
    assert "Check the spelling" in render_search_results([], record_href=lambda r: "/r")


def test_emergency_access_details_open_when_they_hold_an_answer_or_an_error() -> None:
    def details(**given: object) -> dict[str, str]:
        html = render_reason_form(
            action="/t/p1/reason",
            csrf_token="tok",
            subject_label="Alex",
            reasons=[("assessment", "Early help assessment")],
            allow_break_glass=True,
            renderer=STRICT,
            **given,  # type: ignore[arg-type]
        )
        return dict(parse(html).find(".//details").attrib)

    assert "open" not in details()
    assert "open" in details(justification="A child is at risk now")
    assert "open" in details(errors=[{"text": "Say why", "href": "#justification"}])


def test_record_links_are_moj_sub_navigation_marking_the_current_page() -> None:
    nav = [("/t/p1", "Timeline", True), ("/t/p1/family", "Family", False)]
    html = render_family(PersonHeader(subject_id="p1", name="Alex"), [], nav=nav, renderer=STRICT)
    links = parse(html).findall(".//nav[@class='moj-sub-navigation']//a")
    assert [(a.attrib["href"], a.attrib.get("aria-current"), text_of(a)) for a in links] == [
        ("/t/p1", "page", "Timeline"),
        ("/t/p1/family", None, "Family"),
    ]


def test_the_timeline_is_grouped_by_year_newest_first_with_only_the_newest_open() -> None:
    entries = [entry("a", date(2024, 5, 1)), entry("b", date(2026, 3, 4)),
               entry("c", date(2026, 1, 2)), entry("d", date(2025, 7, 7))]  # fmt: skip
    assert [(y, n, [m for m, _ in months]) for y, n, months in year_groups(entries)] == [
        (2026, 2, ["March 2026", "January 2026"]),
        (2025, 1, ["July 2025"]),
        (2024, 1, ["May 2024"]),
    ]
    page = sample_page().model_copy(update={"entries": entries})
    tree = parse(render_timeline_page(page, action="/t", renderer=STRICT))
    years = [d for d in tree.iter("details") if "familyhubs-timeline-year" in d.get("class", "")]
    assert [(text_of(d.find(".//summary")), "open" in d.attrib) for d in years] == [
        ("2026 (2 interactions)", True),
        ("2025 (1 interaction)", False),
        ("2024 (1 interaction)", False),
    ]


def test_the_summary_leads_with_who_works_with_them_now_and_links_to_who_to_contact() -> None:
    html = render_timeline_page(
        sample_page("Jo"), action="/t", contacts_href="/r/contacts", renderer=STRICT
    )
    summary = html.split('id="familyhubs-summary-heading"', 1)[1].split("familyhubs-source-notes")[0]
    assert "Working with them now" in summary
    assert '<a class="govuk-link" href="/r/contacts">Who to contact' in summary
    assert "Sources" in summary
    # The summary comes before the timeline, the timeline before the full contact list.
    assert html.index("familyhubs-summary-heading") < html.index("familyhubs-timeline-heading")
    assert html.index("familyhubs-timeline-heading") < html.index("familyhubs-contacts-heading")


def test_hidden_records_are_told_with_whom_to_ask_never_as_no_records() -> None:
    ask = ContactCard(id="duty:police", name="the public protection unit", contact_points=(
        ContactPoint(system="phone", value="01632 960400", use="duty", label="Duty phone"),
        ContactPoint(system="email", value="ppu@police.example", use="duty", label="Duty email"),
    ))  # fmt: skip
    notices = [
        SourceNotice(source_name="Police", state=SourceState.OK, hidden_count=4, ask=ask),
        SourceNotice(source_name="Health", state=SourceState.OK, record_count=0),
    ]
    page = sample_page().model_copy(update={"sources": notices})
    tree = parse(render_timeline_page(page, action="/t", renderer=STRICT))
    notes = [text_of(li) for li in tree.iter("li") if text_of(li).startswith(("There", "No"))]
    assert (
        "There are records from Police you cannot see. Ask the public protection unit on "
        "01632 960400 or ppu@police.example." in notes
    ), notes
    assert "No records in Health." in notes
    assert not any("No records in Police" in n for n in notes)


def test_filter_errors_go_in_the_summary_and_on_their_fields_and_clear_filters_is_offered() -> None:
    errors = [{"text": "Date from must be a real date", "href": "#filter-from-day"}]
    page = sample_page().model_copy(update={"filters": TimelineFilters(period="custom")})
    html = render_timeline_page(
        page, action="/t", filter_errors=errors, renderer=STRICT,
        filter_values={"from-day": "31", "from-month": "2", "from-year": "2025"},
    )  # fmt: skip
    assert '<a href="#filter-from-day">Date from must be a real date</a>' in html
    assert 'id="filter-from-error"' in html
    assert 'id="filter-from-day" name="from-day" type="text" value="31"' in html
    assert '<a class="govuk-link" href="/t">Clear filters</a>' in html
