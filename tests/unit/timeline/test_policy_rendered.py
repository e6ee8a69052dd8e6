"""The policy matrix, checked on the rendered HTML: exactly the permitted events and fields."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date
from itertools import product

import html5lib
import jinja2
import pytest

from familyhubs_sdk.rendering import Renderer
from familyhubs_sdk.store import create_engine, upgrade
from familyhubs_sdk.synthetic import (
    DEMO_VIEWERS,
    SOURCE_LABELS,
    build_warehouse,
    demo_timeline_service,
)
from familyhubs_sdk.timeline import AccessPolicy, AccessReason, AccessRules, TimelineService, Viewer
from familyhubs_sdk.timeline._display import (
    ContactCard,
    ContactPoint,
    PersonHeader,
    SourceNotice,
    SourceState,
    TimelineEntry,
    TimelinePage,
)
from familyhubs_sdk.timeline._render import render_timeline_page

RULES = AccessRules.from_yaml(
    """
roles:
  health_visitor:
    views: [timeline]
    event_kinds: ["health.*", "early_help.*"]
    sensitivities: [standard]
    contact_fields: [work_phone, work_email]
  social_worker:
    views: [timeline]
    event_kinds: ["*"]
    sensitivities: [standard, sensitive]
    contact_fields: [work_phone, duty_phone, work_email, secure_email]
  front_door:
    views: [timeline]
    event_kinds: ["*"]
    sensitivities: [standard, sensitive, restricted]
    contact_fields: [work_phone, duty_phone, mobile, work_email, secure_email]
    requires_relationship: false
"""
)
KINDS = ["health.ae_attendance", "early_help.episode", "police.notification", "education.exclusion"]
SENSITIVITIES = ["standard", "sensitive", "restricted"]
ENTRIES = [
    TimelineEntry(
        id=f"{kind}-{level}",
        kind=kind,
        kind_label=kind,
        start=date(2026, 1, 1),
        label=f"EVENT {kind} {level}",
        sensitivity=level,
        source_name="Warehouse",
        professional_id="pro",
        professional_name="Jo",
    )
    for kind, level in product(KINDS, SENSITIVITIES)
]
POINTS = (
    ContactPoint(system="phone", value="0100 000 001", use="work", label="work_phone"),
    ContactPoint(system="phone", value="0100 000 002", use="duty", label="duty_phone"),
    ContactPoint(system="phone", value="07700 900003", use="mobile", label="mobile"),
    ContactPoint(system="email", value="jo@example.org", use="work", label="work_email"),
    ContactPoint(system="secure_email", value="jo@secure.example", label="secure_email"),
)
CARD = ContactCard(id="pro", name="Jo", contact_points=POINTS)
STRICT = Renderer(undefined=jinja2.StrictUndefined)


def rendered(role: str, related: bool) -> tuple[set[str], set[str]]:
    viewer = Viewer(id="u1", name="Viewer", role=role, organisation="Org")
    policy = AccessPolicy(RULES, relationship=lambda v, s: related)
    decision = policy.decide(viewer, "p1", view="timeline")
    page = TimelinePage(
        person=PersonHeader(subject_id="p1", name="Alex"),
        entries=decision.visible_entries(ENTRIES),
        contacts=decision.redact_contacts([CARD]),
    )
    tree = html5lib.parseFragment(
        render_timeline_page(page, action="/t", renderer=STRICT),
        treebuilder="etree",
        namespaceHTMLElements=False,
    )
    events = {
        "".join(h.itertext()).strip()
        for h in tree.iter("h4")
        if "moj-timeline__title" in h.attrib.get("class", "")
    }
    fields = {"".join(dt.itertext()).strip() for dt in tree.iter("dt")} & {p.label for p in POINTS}
    return events, fields


@pytest.mark.parametrize(
    ("role", "related"),
    list(product(["health_visitor", "social_worker", "front_door", "unknown"], [True, False])),
)
def test_rendered_page_holds_exactly_the_permitted_events_and_fields(
    role: str, related: bool
) -> None:
    events, fields = rendered(role, related)
    rule = RULES.roles.get(role)
    allowed = rule is not None and (related or not rule.requires_relationship)
    expected_events = {
        entry.label
        for entry in ENTRIES
        if allowed
        and rule is not None
        and entry.sensitivity in rule.sensitivities
        and (role != "health_visitor" or entry.kind.startswith(("health.", "early_help.")))
    }
    expected_fields = set(rule.contact_fields) if allowed and rule is not None else set()
    assert events == expected_events
    assert fields == expected_fields


# -- hidden is never shown as absent ---------------------------------------------------------------


@pytest.fixture(scope="module")
def demo(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[TimelineService, list[str]]]:
    tmp = tmp_path_factory.mktemp("hidden")
    warehouse = create_engine(f"sqlite:///{tmp / 'warehouse.db'}")
    summary = build_warehouse(warehouse, children=80, seed=16)
    store = create_engine(f"sqlite:///{tmp / 'store.db'}")
    upgrade(store)
    service = demo_timeline_service(warehouse, store, audit_key=b"k" * 32)
    subjects = []
    for child in sorted(summary.subjects.values(), key=lambda s: -s.events)[:30]:
        found = service.resolver.resolve("source_id", f"lcs:{child.la_person_id}")
        assert found is not None
        subjects.append(found.master_id)
    yield service, subjects
    warehouse.dispose()
    store.dispose()


def _source_notes(html: str) -> dict[str, str]:
    """The source notes' text, by the source's name on screen (each note starts with it or says
    "records from <name>")."""
    tree = html5lib.parseFragment(html, treebuilder="etree", namespaceHTMLElements=False)
    notes = [
        " ".join("".join(li.itertext()).split())
        for div in tree.iter("div")
        if "familyhubs-source-notes" in div.attrib.get("class", "")
        for li in div.iter("li")
    ]
    return {
        label: next((n for n in notes if n.startswith(label) or f"from {label} " in n), "")
        for label in SOURCE_LABELS.values()
    }


@pytest.mark.parametrize("viewer", DEMO_VIEWERS, ids=lambda v: v.role)
def test_hidden_records_are_never_shown_as_no_records_and_name_a_contact(
    demo: tuple[TimelineService, list[str]], viewer: Viewer
) -> None:
    service, subjects = demo
    rules = service.policy.rules
    reason = AccessReason(reason="safeguarding", break_glass_justification="Urgent: A&E called")
    checked = 0
    for subject in subjects:
        result = service.timeline(viewer, subject, reason)
        assert result.allowed
        assert result.page is not None
        everything = [
            event
            for connector in service.sources
            for event in connector.read_timeline(
                list(service.resolver.subject(subject).keys_for(connector.name, connector.identifier))  # type: ignore[union-attr]
            )
        ]
        shown = {entry.id for entry in result.page.entries}
        notes = _source_notes(render_timeline_page(result.page, action="/t", renderer=STRICT))
        for source, label in SOURCE_LABELS.items():
            hidden = [
                e for e in everything
                if e.source_system == source and f"{source}:{e.source_ref}" not in shown
            ]  # fmt: skip
            if not hidden:
                continue
            checked += 1
            note = notes[label]
            ask = rules.source(source).ask
            assert ask is not None
            assert ask.phone is not None
            assert "No records" not in note, (viewer.role, label, note)
            assert f"Ask {ask.name} on {ask.phone}" in note, (viewer.role, label, note)
    # Every demo role has something hidden from it, somewhere in these children's records.
    assert checked > 0 or viewer.role == "social_worker"


def test_a_source_that_never_counts_a_sensitivity_says_the_same_whatever_it_holds() -> None:
    rules = AccessRules.from_yaml(
        """
roles:
  family_support: {views: [timeline], event_kinds: ["health.*"], sensitivities: [standard],
                   requires_relationship: false}
sources:
  police:
    ask: {name: "the public protection unit", phone: "01632 960400"}
    disclose_hidden: []
"""
    )
    decision = AccessPolicy(rules).decide(
        Viewer(id="u", name="U", role="family_support", organisation="O"), "p1", view="timeline"
    )
    assert not decision.sees_all("standard")
    assert not rules.source("police").discloses("standard")
    assert rules.source("health").discloses("restricted")  # not listed: counted
    notice = SourceNotice(
        source_name="Police", state=SourceState.OK, may_hold_hidden=True,
        ask=rules.source("police").ask.card("police"),  # type: ignore[union-attr]
    )  # fmt: skip
    page = TimelinePage(person=PersonHeader(subject_id="p1", name="Alex"), sources=[notice])
    note = _source_notes(render_timeline_page(page, action="/t", renderer=STRICT))["Police"]
    assert note.startswith("Police may hold records your role cannot see.")
    assert "Ask the public protection unit on 01632 960400." in note
    assert "No records" not in note


@pytest.mark.parametrize("viewer", DEMO_VIEWERS, ids=lambda v: v.role)
def test_every_contact_card_says_how_to_reach_someone(
    demo: tuple[TimelineService, list[str]], viewer: Viewer
) -> None:
    service, subjects = demo
    reason = AccessReason(reason="safeguarding", break_glass_justification="Urgent: A&E called")
    cards = [
        card
        for subject in subjects
        for card in (service.contacts(viewer, subject, reason).page or PAGE_NONE).contacts
    ]
    assert cards
    for card in cards:
        assert card.contact_points, (viewer.role, card.name)
        html = render_timeline_page(
            TimelinePage(person=PersonHeader(subject_id="p", name="A"), contacts=[card]),
            action="/t", renderer=STRICT,
        )  # fmt: skip
        assert 'href="tel:' in html or 'href="mailto:' in html


PAGE_NONE = TimelinePage(person=PersonHeader(subject_id="none", name="None"))
