"""Who may see what: deny-by-default access rules for the timeline and contact screens.

Rules are data (YAML or Python) keyed by role. A role that has no rule sees nothing; a rule grants
exactly the event kinds, sensitivity levels, contact fields and views it lists. On top of the rules
sit the host's hooks: a legitimate relationship (is this viewer working with this child?), consent
by category, and age limits. Break-glass access lets a permitted role past a missing relationship,
with a mandatory justification that the audit records.

>>> rules = AccessRules.from_yaml('''
... roles:
...   health_visitor:
...     views: [timeline, contacts]
...     event_kinds: ["health.*", "early_help.*"]
...     sensitivities: [standard]
...     contact_fields: [work_phone, work_email, secure_email]
...     requires_relationship: false
... ''')
>>> policy = AccessPolicy(rules)
>>> viewer = Viewer(id="u1", name="Sam", role="health_visitor", organisation="NHS")
>>> decision = policy.decide(viewer, "p1", view="timeline")
>>> decision.allowed, decision.permits_event("health.ae_attendance", "standard")
(True, True)
>>> decision.permits_event("police.notification", "standard")
False
>>> policy.decide(viewer.model_copy(update={"role": "volunteer"}), "p1", view="timeline").reason
'no_rule_for_role'
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from datetime import date
from fnmatch import fnmatchcase
from pathlib import Path
from typing import Literal, Protocol

import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError

from familyhubs_sdk._clock import Clock, utc_now
from familyhubs_sdk.errors import ConfigurationError
from familyhubs_sdk.timeline._display import ContactCard, ContactPoint, TimelineEntry
from familyhubs_sdk.web._viewer import Viewer

__all__ = [
    "AccessDecision",
    "AccessPolicy",
    "AccessRules",
    "ConsentCheck",
    "DutyContact",
    "RelationshipCheck",
    "RoleRule",
    "SearchScope",
    "SourceRule",
    "View",
]

View = Literal["search", "timeline", "contacts", "family", "export"]
#: Whom a role's searches may find: only the children it works with (``caseload``, the default),
#: or anyone (``all``).
SearchScope = Literal["caseload", "all"]


class RoleRule(BaseModel):
    """What one role may see. Everything not listed is denied."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    views: frozenset[View] = frozenset()
    #: Event kinds, exact or as shell-style patterns (``"health.*"``, ``"*"``).
    event_kinds: frozenset[str] = frozenset()
    sensitivities: frozenset[str] = frozenset()
    #: Contact point fields this role sees, e.g. ``work_phone``, ``duty_phone``, ``mobile``.
    contact_fields: frozenset[str] = frozenset()
    requires_relationship: bool = True
    may_break_glass: bool = False
    #: Only for subjects younger than this many years (e.g. 19 for children's services).
    max_subject_age: int | None = Field(default=None, ge=0, le=130)
    #: ``caseload``: searches find only subjects the relationship hook says the viewer works
    #: with, plus an exact NHS number match (whose record still needs a reason, and a
    #: relationship or break-glass). ``all``: searches find anyone this role could open.
    search: SearchScope = "caseload"
    #: May see who has viewed any record and read the access audit (information governance).
    audit: bool = False


class DutyContact(BaseModel):
    """Whom a professional asks about a source's records they cannot see: a team's duty line."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    name: str = Field(min_length=1, max_length=200)
    phone: str | None = Field(default=None, max_length=50)
    email: str | None = Field(default=None, max_length=200)

    def card(self, source: str) -> ContactCard:
        """This duty contact as a contact card (id ``duty:<source>``)."""
        points = []
        if self.phone:
            points.append(ContactPoint(system="phone", value=self.phone, use="duty",
                                       label="Duty phone"))  # fmt: skip
        if self.email:
            points.append(ContactPoint(system="email", value=self.email, use="duty",
                                       label="Duty email"))  # fmt: skip
        return ContactCard(id=f"duty:{source}", name=self.name, contact_points=tuple(points))


class SourceRule(BaseModel):
    """What the screens say about one source's records a viewer cannot see.

    By default a viewer is told that a source holds records they cannot see, and whom to ask:
    reading "no records" as "no involvement" is the greater risk. A sensitivity left out of
    ``disclose_hidden`` is never counted: for it the screen says only that the source may hold
    records the viewer's role cannot see, whether or not it does.
    """

    model_config = ConfigDict(frozen=True, extra="forbid")

    #: The team to ask (its duty phone or email), named wherever records are hidden.
    ask: DutyContact | None = None
    #: Sensitivities whose hidden records may be counted on screen; ``None``: all of them.
    disclose_hidden: frozenset[str] | None = None

    def discloses(self, sensitivity: str) -> bool:
        """Whether hidden records of ``sensitivity`` may be counted on screen."""
        return self.disclose_hidden is None or sensitivity in self.disclose_hidden


class AccessRules(BaseModel):
    """The LA's access rules: one :class:`RoleRule` per role, and per source (by connector
    name) what is said about records a viewer cannot see."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    roles: Mapping[str, RoleRule]
    sources: Mapping[str, SourceRule] = Field(default_factory=dict)

    def source(self, name: str) -> SourceRule:
        """The rule for source ``name``; a source not listed discloses hidden records, with
        nobody named to ask."""
        return self.sources.get(name) or SourceRule()

    @classmethod
    def from_yaml(cls, text: str) -> AccessRules:
        """Parse rules from YAML; errors name the role and field at fault."""
        try:
            return cls.model_validate(yaml.safe_load(text))
        except yaml.YAMLError as exc:
            raise ConfigurationError(f"access rules are not valid YAML: {exc}") from None
        except ValidationError as exc:
            problems = "; ".join(
                f"{'.'.join(str(part) for part in error['loc'])}: {error['msg']}"
                for error in exc.errors(include_input=False, include_url=False)
            )
            raise ConfigurationError(f"invalid access rules: {problems}") from None

    @classmethod
    def load(cls, path: str | Path) -> AccessRules:
        """Read rules from a YAML file."""
        return cls.from_yaml(Path(path).read_text(encoding="utf-8"))


class RelationshipCheck(Protocol):
    """The host's answer to "is this viewer working with this child or family?"."""

    def __call__(self, viewer: Viewer, subject_id: str) -> bool: ...


class ConsentCheck(Protocol):
    """Whether the family consented to sharing one category (e.g. ``health``) of records."""

    def __call__(self, subject_id: str, category: str) -> bool: ...


class AccessDecision(BaseModel):
    """The outcome for one viewer, subject and view; ask it about each event and field."""

    model_config = ConfigDict(frozen=True, arbitrary_types_allowed=True)

    allowed: bool
    #: A short code: ``allowed``, ``break_glass``, ``no_rule_for_role``,
    #: ``view_not_permitted``, ``no_relationship``, ``break_glass_not_permitted``,
    #: ``justification_required`` or ``age_limit``; for who has viewed a record also
    #: ``audit_permission`` and ``relationship`` (allowed).
    reason: str
    rule: RoleRule | None = None
    break_glass: bool = False
    consent: Callable[[str], bool] | None = None

    def permits_event(self, kind: str, sensitivity: str) -> bool:
        """Whether an event of this kind and sensitivity may be shown."""
        if not self.allowed or self.rule is None:
            return False
        if sensitivity not in self.rule.sensitivities:
            return False
        if not any(fnmatchcase(kind, pattern) for pattern in self.rule.event_kinds):
            return False
        return self.consent is None or self.consent(kind.split(".", 1)[0])

    def sees_all(self, sensitivity: str) -> bool:
        """Whether every event of ``sensitivity`` may be shown, whatever its kind: if not, a
        source may hold records of it this viewer cannot see."""
        return (
            self.allowed
            and self.rule is not None
            and sensitivity in self.rule.sensitivities
            and "*" in self.rule.event_kinds
            and self.consent is None
        )

    def permits_field(self, field: str) -> bool:
        """Whether a contact field (``work_phone``, ``mobile``…) may be shown."""
        return self.allowed and self.rule is not None and field in self.rule.contact_fields

    def visible_entries(self, entries: Iterable[TimelineEntry]) -> list[TimelineEntry]:
        """The entries this decision lets the viewer see."""
        return [entry for entry in entries if self.permits_event(entry.kind, entry.sensitivity)]

    def redact_contacts(self, cards: Iterable[ContactCard]) -> list[ContactCard]:
        """Cards with only the contact points this decision lets the viewer see."""
        if not self.allowed:
            return []
        return [
            card.model_copy(
                update={
                    "contact_points": tuple(
                        p for p in card.contact_points if self.permits_field(p.field)
                    )
                }
            )
            for card in cards
        ]


class AccessPolicy:
    """Decides, deny by default, what a viewer may see of a subject.

    ``clock`` gives the date age limits count from (the rules themselves take it as a value).
    """

    def __init__(
        self,
        rules: AccessRules,
        *,
        relationship: RelationshipCheck | None = None,
        consent: ConsentCheck | None = None,
        clock: Clock = utc_now,
    ) -> None:
        self.rules = rules
        self._relationship = relationship
        self._consent = consent
        self._clock = clock

    def decide(
        self,
        viewer: Viewer,
        subject_id: str,
        *,
        view: View,
        subject_birth_date: date | None = None,
        break_glass_justification: str | None = None,
    ) -> AccessDecision:
        """Whether ``viewer`` may use ``view`` for ``subject_id``, and under which rule."""
        rule = self.rules.roles.get(viewer.role)
        if rule is None:
            return AccessDecision(allowed=False, reason="no_rule_for_role")
        if view not in rule.views:
            return AccessDecision(allowed=False, reason="view_not_permitted")
        if not self._within_age(rule, subject_birth_date):
            return AccessDecision(allowed=False, reason="age_limit")
        break_glass = False
        if rule.requires_relationship and not self._has_relationship(viewer, subject_id):
            if break_glass_justification is None:
                return AccessDecision(allowed=False, reason="no_relationship")
            if not rule.may_break_glass:
                return AccessDecision(allowed=False, reason="break_glass_not_permitted")
            if not break_glass_justification.strip():
                return AccessDecision(allowed=False, reason="justification_required")
            break_glass = True
        consent = self._consent

        def consented(category: str) -> bool:
            return consent is None or consent(subject_id, category)

        return AccessDecision(
            allowed=True,
            reason="break_glass" if break_glass else "allowed",
            rule=rule,
            break_glass=break_glass,
            consent=consented if consent is not None else None,
        )

    def may_find(
        self,
        viewer: Viewer,
        subject_id: str,
        *,
        exact_nhs_number: bool,
        subject_birth_date: date | None = None,
    ) -> bool:
        """Whether a search by ``viewer`` may return ``subject_id``: the role lists ``search``,
        the subject is within its age limit, and the role searches ``all`` or this is a subject
        on the viewer's caseload (the relationship hook) or an exact NHS number match."""
        rule = self.rules.roles.get(viewer.role)
        if rule is None or "search" not in rule.views:
            return False
        if not self._within_age(rule, subject_birth_date):
            return False
        if rule.search == "all" or exact_nhs_number:
            return True
        return self._has_relationship(viewer, subject_id)

    def decide_viewed_by(
        self, viewer: Viewer, subject_id: str, *, subject_birth_date: date | None = None
    ) -> AccessDecision:
        """Whether ``viewer`` may see who has viewed ``subject_id``'s record.

        Only a role with ``audit: true``, or a viewer with a legitimate relationship to the
        subject who may also open the record's timeline without break-glass. A reason for
        access alone, emergency access, or a refused reason never shows it.
        """
        rule = self.rules.roles.get(viewer.role)
        if rule is None:
            return AccessDecision(allowed=False, reason="no_rule_for_role")
        if rule.audit:
            return AccessDecision(allowed=True, reason="audit_permission", rule=rule)
        if not self._has_relationship(viewer, subject_id):
            return AccessDecision(allowed=False, reason="no_relationship")
        timeline = self.decide(
            viewer, subject_id, view="timeline", subject_birth_date=subject_birth_date
        )
        if not timeline.allowed or timeline.break_glass:
            return AccessDecision(allowed=False, reason=timeline.reason)
        return AccessDecision(allowed=True, reason="relationship", rule=rule)

    def _within_age(self, rule: RoleRule, subject_birth_date: date | None) -> bool:
        return rule.max_subject_age is None or (
            subject_birth_date is not None
            and age_on(subject_birth_date, self._clock().date()) < rule.max_subject_age
        )

    def _has_relationship(self, viewer: Viewer, subject_id: str) -> bool:
        # No hook configured means no relationship can be shown: deny, never assume.
        return self._relationship is not None and self._relationship(viewer, subject_id)


def age_on(birth: date, today: date) -> int:
    """Whole years old on ``today``."""
    return today.year - birth.year - ((today.month, today.day) < (birth.month, birth.day))
