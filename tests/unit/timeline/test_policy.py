"""Access rules deny by default and grant exactly what a role's rule lists."""

from __future__ import annotations

from datetime import UTC, date, datetime
from itertools import product

import pytest

from familyhubs_sdk.errors import ConfigurationError
from familyhubs_sdk.timeline import AccessPolicy, AccessRules, Viewer

RULES = AccessRules.from_yaml(
    """
roles:
  health_visitor:
    views: [search, timeline, contacts]
    event_kinds: ["health.*", "early_help.*"]
    sensitivities: [standard]
    contact_fields: [work_phone, work_email]
    requires_relationship: true
    max_subject_age: 19
  front_door:
    views: [search, timeline, contacts, family, export]
    event_kinds: ["*"]
    sensitivities: [standard, sensitive, restricted]
    contact_fields: [work_phone, duty_phone, work_email, secure_email, mobile]
    requires_relationship: true
    may_break_glass: true
"""
)
NOW = datetime(2026, 6, 1, 9, 30, tzinfo=UTC)
CHILD_DOB = date(2019, 3, 4)


def viewer(role: str) -> Viewer:
    return Viewer(id=f"u-{role}", name="A Person", role=role, organisation="Org")


def policy(related: set[str] | None = None, refused: set[str] | None = None) -> AccessPolicy:
    related = related or set()
    refused = refused or set()
    return AccessPolicy(
        RULES,
        relationship=lambda v, subject: v.id in related,
        consent=lambda subject, category: category not in refused,
        clock=lambda: NOW,
    )


KINDS = ["health.ae_attendance", "early_help.episode", "police.notification", "social_care.cin"]
SENSITIVITIES = ["standard", "sensitive", "restricted"]


@pytest.mark.parametrize(
    ("role", "related"), list(product(["health_visitor", "front_door", "volunteer"], [True, False]))
)
def test_policy_matrix(role: str, related: bool) -> None:
    v = viewer(role)
    decision = policy({v.id} if related else set()).decide(
        v, "p1", view="timeline", subject_birth_date=CHILD_DOB
    )
    rule = RULES.roles.get(role)
    expected_allowed = rule is not None and related
    assert decision.allowed is expected_allowed
    for kind, sensitivity in product(KINDS, SENSITIVITIES):
        expected = (
            expected_allowed
            and rule is not None
            and sensitivity in rule.sensitivities
            and (kind.startswith(("health.", "early_help.")) or role == "front_door")
        )
        assert decision.permits_event(kind, sensitivity) is expected, (kind, sensitivity)


def test_unknown_role_and_unlisted_view_are_denied() -> None:
    assert policy().decide(viewer("volunteer"), "p1", view="search").reason == "no_rule_for_role"
    hv = viewer("health_visitor")
    decision = policy({hv.id}).decide(hv, "p1", view="export", subject_birth_date=CHILD_DOB)
    assert (decision.allowed, decision.reason) == (False, "view_not_permitted")


def test_no_relationship_hook_means_no_relationship() -> None:
    hv = viewer("health_visitor")
    decision = AccessPolicy(RULES, clock=lambda: NOW).decide(
        hv, "p1", view="timeline", subject_birth_date=CHILD_DOB
    )
    assert (decision.allowed, decision.reason) == (False, "no_relationship")


def test_break_glass_only_for_permitted_roles_with_a_justification() -> None:
    fd, hv = viewer("front_door"), viewer("health_visitor")
    p = policy()
    granted = p.decide(fd, "p1", view="timeline", break_glass_justification="Child at A&E, 2am")
    assert (granted.allowed, granted.reason, granted.break_glass) == (True, "break_glass", True)
    blank = p.decide(fd, "p1", view="timeline", break_glass_justification="  ")
    assert (blank.allowed, blank.reason) == (False, "justification_required")
    refused = p.decide(
        hv, "p1", view="timeline", subject_birth_date=CHILD_DOB, break_glass_justification="x"
    )
    assert (refused.allowed, refused.reason) == (False, "break_glass_not_permitted")


def test_age_limit_needs_a_known_young_enough_subject() -> None:
    hv = viewer("health_visitor")
    p = policy({hv.id})
    assert p.decide(hv, "p1", view="timeline", subject_birth_date=CHILD_DOB).allowed
    assert p.decide(hv, "p1", view="timeline").reason == "age_limit"
    adult = date(2007, 6, 1)  # 19 today
    assert p.decide(hv, "p1", view="timeline", subject_birth_date=adult).reason == "age_limit"
    almost = date(2007, 6, 2)  # 18 for one more day
    assert p.decide(hv, "p1", view="timeline", subject_birth_date=almost).allowed


def test_consent_by_category_hides_that_category_only() -> None:
    fd = viewer("front_door")
    decision = policy({fd.id}, refused={"health"}).decide(fd, "p1", view="timeline")
    assert not decision.permits_event("health.ae_attendance", "standard")
    assert decision.permits_event("police.notification", "standard")


def test_field_level_redaction() -> None:
    hv, fd = viewer("health_visitor"), viewer("front_door")
    p = policy({hv.id, fd.id})
    hv_decision = p.decide(hv, "p1", view="contacts", subject_birth_date=CHILD_DOB)
    fd_decision = p.decide(fd, "p1", view="contacts")
    assert hv_decision.permits_field("work_phone")
    assert not hv_decision.permits_field("mobile")
    assert fd_decision.permits_field("mobile")
    denied = p.decide(viewer("volunteer"), "p1", view="contacts")
    assert not denied.permits_field("work_phone")


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("roles: [", "not valid YAML"),
        ("roles:\n  hv:\n    views: [everything]", "roles.hv.views"),
        ("roles:\n  hv:\n    colour: blue", "roles.hv.colour"),
        ("people: {}", "roles"),
    ],
)
def test_invalid_rules_name_the_place(text: str, message: str) -> None:
    with pytest.raises(ConfigurationError, match=message):
        AccessRules.from_yaml(text)


def test_who_has_viewed_is_refused_to_a_professional_whose_reason_was_refused() -> None:
    # Finding: the demo showed who had viewed a child to a professional whose reason was
    # refused. Giving a reason opens nothing: only the audit permission, or a relationship with
    # a record the viewer may open without break-glass, does.
    rules = AccessRules.from_yaml(
        """
roles:
  health_visitor: {views: [timeline], event_kinds: ["*"], sensitivities: [standard],
                   requires_relationship: true, may_break_glass: true, max_subject_age: 19}
  social_worker: {views: [timeline], event_kinds: ["*"], sensitivities: [standard],
                  requires_relationship: false}
  information_governance: {audit: true}
"""
    )
    hv, sw, ig = viewer("health_visitor"), viewer("social_worker"), viewer("information_governance")
    no_one = AccessPolicy(rules, clock=lambda: NOW)
    assert no_one.decide(hv, "s1", view="timeline", subject_birth_date=CHILD_DOB).reason == (
        "no_relationship"
    )
    assert no_one.decide_viewed_by(hv, "s1", subject_birth_date=CHILD_DOB).reason == (
        "no_relationship"
    )
    # Opening any record needs no relationship for a social worker; who has viewed it does.
    assert no_one.decide(sw, "s1", view="timeline").allowed
    assert not no_one.decide_viewed_by(sw, "s1").allowed
    assert not no_one.decide_viewed_by(viewer("volunteer"), "s1").allowed
    # Working with the child, but refused the record (too old for the role): still refused.
    related = AccessPolicy(rules, relationship=lambda v, s: True, clock=lambda: NOW)
    adult = date(1990, 1, 1)
    assert related.decide(hv, "s1", view="timeline", subject_birth_date=adult).reason == "age_limit"
    refused = related.decide_viewed_by(hv, "s1", subject_birth_date=adult)
    assert (refused.allowed, refused.reason) == (False, "age_limit")
    allowed = related.decide_viewed_by(hv, "s1", subject_birth_date=CHILD_DOB)
    assert (allowed.allowed, allowed.reason) == (True, "relationship")
    audit = no_one.decide_viewed_by(ig, "s1")
    assert (audit.allowed, audit.reason) == (True, "audit_permission")
    # The audit permission opens no record.
    assert not no_one.decide(ig, "s1", view="timeline").allowed


def test_audit_and_search_scope_are_denied_by_default() -> None:
    rule = AccessRules.from_yaml("roles: {r: {views: [search]}}").roles["r"]
    assert (rule.audit, rule.search) == (False, "caseload")
    with pytest.raises(ConfigurationError, match="search"):
        AccessRules.from_yaml("roles: {r: {views: [search], search: everyone}}")
    caseload = AccessPolicy(
        AccessRules.from_yaml("roles: {r: {views: [search]}}"),
        relationship=lambda v, s: s == "mine",
        clock=lambda: NOW,
    )
    r = viewer("r")
    assert caseload.may_find(r, "mine", exact_nhs_number=False)
    assert not caseload.may_find(r, "theirs", exact_nhs_number=False)
    assert caseload.may_find(r, "theirs", exact_nhs_number=True)
    assert not caseload.may_find(viewer("volunteer"), "mine", exact_nhs_number=True)
    # An age limit keeps adults out of a search as it keeps them out of the record.
    hv = viewer("health_visitor")
    assert not policy({hv.id}).may_find(
        hv, "s1", exact_nhs_number=True, subject_birth_date=date(1990, 1, 1)
    )
    assert policy({hv.id}).may_find(hv, "s1", exact_nhs_number=False, subject_birth_date=CHILD_DOB)


def test_source_rules_name_whom_to_ask_and_what_may_be_counted() -> None:
    rules = AccessRules.from_yaml(
        """
roles: {}
sources:
  police:
    ask: {name: "the public protection unit", phone: "01632 960400"}
    disclose_hidden: [standard]
"""
    )
    police = rules.source("police")
    assert police.ask is not None
    assert [p.label for p in police.ask.card("police").contact_points] == ["Duty phone"]
    assert (police.discloses("standard"), police.discloses("restricted")) == (True, False)
    unlisted = rules.source("health")
    assert (unlisted.ask, unlisted.discloses("restricted")) == (None, True)
    with pytest.raises(ConfigurationError, match=r"sources\.police\.ask\.name"):
        AccessRules.from_yaml("roles: {}\nsources: {police: {ask: {phone: '1'}}}")
