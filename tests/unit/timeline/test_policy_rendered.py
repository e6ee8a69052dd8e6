"""The policy matrix, checked on the rendered HTML: exactly the permitted events and fields."""

from __future__ import annotations

from datetime import date
from itertools import product

import html5lib
import jinja2
import pytest

from familyhubs_sdk.rendering import Renderer
from familyhubs_sdk.timeline import AccessPolicy, AccessRules, Viewer
from familyhubs_sdk.timeline._display import (
    ContactCard,
    ContactPoint,
    PersonHeader,
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
