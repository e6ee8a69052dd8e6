"""Controlled vocabularies of the canonical views: event kinds, roles, contact systems, sensitivity.

Event kinds are dotted codes ``<category>.<name>``; the category (``health``, ``police``…) is what
access rules and consent work on. Every code has a short plain-English label for the screens.

>>> EVENT_KINDS["health.ae_attendance"].label
'A&E attendance'
>>> event_category("police.domestic_abuse_notification")
'police'
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

__all__ = [
    "CATEGORIES",
    "EVENT_KINDS",
    "INVOLVEMENT_ROLES",
    "RELATIONSHIPS",
    "ContactSystem",
    "ContactUse",
    "EventKind",
    "EventStatus",
    "IdentifierType",
    "LinkMethod",
    "Sensitivity",
    "event_category",
]


class Sensitivity(StrEnum):
    """How carefully an event must be shared; access rules list the levels a role sees."""

    STANDARD = "standard"
    SENSITIVE = "sensitive"
    RESTRICTED = "restricted"


class EventStatus(StrEnum):
    """Where an episode stands (FHIR ``Encounter.status``, simplified)."""

    PLANNED = "planned"
    IN_PROGRESS = "in-progress"
    FINISHED = "finished"
    CANCELLED = "cancelled"


class ContactSystem(StrEnum):
    """How a professional is reached (FHIR ``ContactPoint.system``, plus secure email)."""

    PHONE = "phone"
    EMAIL = "email"
    SECURE_EMAIL = "secure_email"


class ContactUse(StrEnum):
    """Which line or mailbox (FHIR ``ContactPoint.use``, plus the team's duty line)."""

    WORK = "work"
    DUTY = "duty"
    MOBILE = "mobile"


class IdentifierType(StrEnum):
    """Identifiers a source keys its people by."""

    NHS_NUMBER = "nhs_number"
    UPN = "upn"
    LA_PERSON_ID = "la_person_id"
    SOURCE_ID = "source_id"


class LinkMethod(StrEnum):
    """How a source's person was linked to the master person."""

    NHS_NUMBER = "nhs_number"
    UPN = "upn"
    LA_PERSON_ID = "la_person_id"
    MANUAL = "manual"
    PROBABILISTIC = "probabilistic"


@dataclass(frozen=True, slots=True)
class EventKind:
    """One coded kind of interaction with a service."""

    code: str
    label: str
    default_sensitivity: Sensitivity = Sensitivity.STANDARD
    #: Shown with a "significant" tag: a turning point a professional should not miss.
    significant: bool = False

    @property
    def category(self) -> str:
        return self.code.split(".", 1)[0]


_S = Sensitivity.SENSITIVE
_R = Sensitivity.RESTRICTED
_SIG = True  # significant

_KINDS = (
    EventKind("social_care.contact", "Contact with children's social care"),
    EventKind("social_care.referral", "Referral to children's social care"),
    EventKind("social_care.assessment", "Social care assessment"),
    EventKind("social_care.strategy_discussion", "Strategy discussion", _S),
    EventKind("social_care.section_47_enquiry", "Child protection enquiry (section 47)", _S, _SIG),
    EventKind("social_care.child_in_need_plan", "Child in need plan"),
    EventKind("social_care.child_protection_conference", "Child protection conference", _S),
    EventKind("social_care.child_protection_plan", "Child protection plan", _S, significant=True),
    EventKind("social_care.looked_after", "Looked after by the local authority", _S, _SIG),
    EventKind("social_care.care_leaver", "Care leaver support"),
    EventKind("early_help.assessment", "Early help assessment"),
    EventKind("early_help.episode", "Early help support"),
    EventKind("early_help.family_hub_session", "Family hub session"),
    EventKind("early_help.team_around_family", "Team around the family meeting"),
    EventKind("education.school_enrolment", "Joined a school or setting"),
    EventKind("education.attendance_concern", "School attendance concern"),
    EventKind("education.suspension", "Suspension from school"),
    EventKind("education.permanent_exclusion", "Permanent exclusion", significant=True),
    EventKind("education.send_support", "SEN support"),
    EventKind("education.ehc_plan", "Education, health and care plan"),
    EventKind("education.elective_home_education", "Elective home education"),
    EventKind("education.missing_education", "Child missing education", significant=True),
    EventKind("health.ae_attendance", "A&E attendance"),
    EventKind("health.health_visiting_contact", "Health visiting contact"),
    EventKind("health.school_nursing_contact", "School nursing contact"),
    EventKind("health.maternity_booking", "Maternity booking"),
    EventKind("health.gp_registration", "GP registration"),
    EventKind("health.camhs_referral", "Referral to children's mental health services", _S),
    EventKind("police.domestic_abuse_notification", "Domestic abuse notification", _R, _SIG),
    EventKind("police.missing_episode", "Reported missing", _S, significant=True),
    EventKind("police.child_concern_notification", "Police child concern notification", _S),
    EventKind("housing.homelessness_application", "Homelessness application"),
    EventKind("housing.temporary_accommodation", "Placed in temporary accommodation"),
)

#: Every event kind, by code.
EVENT_KINDS: dict[str, EventKind] = {kind.code: kind for kind in _KINDS}

#: The categories, in the order screens list them.
CATEGORIES: tuple[str, ...] = tuple(dict.fromkeys(kind.category for kind in _KINDS))

#: Involvement roles, code → label.
INVOLVEMENT_ROLES: dict[str, str] = {
    "social_worker": "Social worker",
    "team_manager": "Team manager",
    "independent_reviewing_officer": "Independent reviewing officer",
    "personal_adviser": "Personal adviser",
    "early_help_practitioner": "Early help practitioner",
    "family_support_worker": "Family support worker",
    "lead_practitioner": "Lead practitioner",
    "health_visitor": "Health visitor",
    "school_nurse": "School nurse",
    "midwife": "Midwife",
    "gp": "GP",
    "camhs_practitioner": "Mental health practitioner",
    "designated_safeguarding_lead": "Designated safeguarding lead",
    "senco": "SEN coordinator",
    "attendance_officer": "Attendance officer",
    "youth_worker": "Youth worker",
    "police_officer": "Police officer",
    "housing_officer": "Housing officer",
    "other": "Other professional",
}

#: Family relationships, code → label (from the child's point of view: "mother" is the child's).
RELATIONSHIPS: dict[str, str] = {
    "mother": "Mother",
    "father": "Father",
    "parent": "Parent",
    "step_parent": "Step-parent",
    "carer": "Carer",
    "sibling": "Brother or sister",
    "half_sibling": "Half-brother or half-sister",
    "grandparent": "Grandparent",
    "other_relative": "Other relative",
    "household_member": "Lives in the household",
    # The other side of a parent's, carer's or grandparent's relationship: an adult's record
    # lists their children too.
    "child": "Child",
    "step_child": "Stepchild",
    "cared_for_child": "Child they care for",
    "grandchild": "Grandchild",
}


def event_category(code: str) -> str:
    """The category of an event kind code: the part before the first dot."""
    return code.split(".", 1)[0]
