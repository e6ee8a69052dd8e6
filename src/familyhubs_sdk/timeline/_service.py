"""``TimelineService``: who has worked with this child, when, and how to reach them — shown only
to those allowed to see it, every look recorded.

One call does the whole read: resolve the subject to each source's keys, decide access (deny by
default), ask every source at once (a failing source becomes a notice, never an error page), keep
only what the policy permits, and write one audit event — allowed, denied or break-glass.

>>> from datetime import date, datetime
>>> from familyhubs_sdk.store import create_engine, upgrade
>>> from familyhubs_sdk.testing import InMemoryConnector
>>> from familyhubs_sdk.timeline import AccessPolicy, AccessRules, AuditLog, Viewer
>>> from familyhubs_sdk.timeline import DeterministicResolver
>>> from familyhubs_sdk.views import Person, TimelineEvent
>>> lcs = InMemoryConnector("lcs", people=[Person(source_system="lcs", person_key="P1",
...     given_name="Ada", family_name="Example", birth_date=date(2019, 5, 1))],
...     events=[TimelineEvent(source_system="lcs", source_ref="c1", person_key="P1",
...     kind="early_help.episode", period_start=datetime(2026, 2, 3))])
>>> resolver = DeterministicResolver(lcs.people)
>>> rules = AccessRules.from_yaml('''
... roles: {family_support: {views: [timeline], event_kinds: ["early_help.*"],
...                          sensitivities: [standard], requires_relationship: false}}''')
>>> engine = create_engine("sqlite://"); upgrade(engine)
>>> service = TimelineService([lcs], resolver=resolver, policy=AccessPolicy(rules),
...                           audit=AuditLog(engine, key=b"k" * 32))
>>> subject = resolver.resolve("source_id", "lcs:P1").master_id
>>> viewer = Viewer(id="u1", name="Sam", role="family_support", organisation="Family hub")
>>> reason = AccessReason(reason="early_help", basis="public_task")
>>> result = service.timeline(viewer, subject, reason)
>>> result.allowed, [e.label for e in result.page.entries], result.audit_event.outcome.value
(True, ['Early help support'], 'allowed')
"""

from __future__ import annotations

import uuid
from collections.abc import Callable, Iterable, Mapping, Sequence
from datetime import UTC, date, datetime, timedelta

from pydantic import BaseModel, ConfigDict, Field

from familyhubs_sdk.connectors._base import Capability, SourceConnector
from familyhubs_sdk.connectors._federated import FederatedSource, OutcomeState, SourceOutcome
from familyhubs_sdk.timeline._audit import AuditAction, AuditEvent, AuditLog, AuditOutcome
from familyhubs_sdk.timeline._display import (
    ContactCard,
    ContactPoint,
    FamilyMember,
    PersonHeader,
    SearchResult,
    SourceNotice,
    SourceState,
    TimelineEntry,
    TimelineFilters,
    TimelinePage,
)
from familyhubs_sdk.timeline._identity import IdentityResolver, ResolvedSubject, keys_by_source
from familyhubs_sdk.timeline._names import mask_identifier, normalise_name
from familyhubs_sdk.timeline._policy import AccessDecision, AccessPolicy, View
from familyhubs_sdk.views._canonical import Involvement, Person, TimelineEvent
from familyhubs_sdk.views._vocab import EVENT_KINDS, INVOLVEMENT_ROLES, RELATIONSHIPS
from familyhubs_sdk.web._viewer import Viewer

__all__ = ["AccessReason", "SearchQuery", "Timeline", "TimelineService"]

#: Most events one timeline read asks each source for.
EVENT_LIMIT = 2_000
_PERIODS = {"6m": 182, "1y": 365, "5y": 5 * 365 + 1}
_POINT_LABELS = {
    ("phone", "work"): "Work phone",
    ("phone", "duty"): "Duty phone",
    ("phone", "mobile"): "Mobile",
    ("email", "work"): "Work email",
    ("email", "duty"): "Duty email",
}


class AccessReason(BaseModel):
    """Why the viewer is looking: a reason code, the lawful basis, and for break-glass access a
    justification."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    reason: str = Field(min_length=1, max_length=100)
    basis: str = Field(default="public_task", min_length=1, max_length=100)
    break_glass_justification: str | None = Field(default=None, max_length=500)


class SearchQuery(BaseModel):
    """Find a child by NHS number, UPN, or name and date of birth."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    nhs_number: str | None = None
    upn: str | None = None
    given_name: str | None = Field(default=None, max_length=100)
    family_name: str | None = Field(default=None, max_length=100)
    birth_date: date | None = None


class Timeline(BaseModel):
    """The outcome of one timeline read: the decision, the page to render, and the audit row."""

    model_config = ConfigDict(frozen=True, arbitrary_types_allowed=True)

    decision: AccessDecision
    page: TimelinePage | None = None
    outcomes: tuple[SourceOutcome, ...] = ()
    audit_event: AuditEvent

    @property
    def allowed(self) -> bool:
        return self.decision.allowed


def _today() -> date:
    return datetime.now(UTC).date()


class TimelineService:
    """Reads a child's timeline across sources for one viewer, under the access policy."""

    def __init__(
        self,
        sources: Sequence[SourceConnector],
        *,
        resolver: IdentityResolver,
        policy: AccessPolicy,
        audit: AuditLog,
        source_labels: Mapping[str, str] | None = None,
        people: Iterable[Person] = (),
        today: Callable[[], date] = _today,
    ) -> None:
        self.sources = list(sources)
        self.federated = FederatedSource(self.sources)
        self.resolver = resolver
        self.policy = policy
        self.audit = audit
        self.labels = dict(source_labels or {})
        self._today = today
        self._people = list(people)

    # -- search ------------------------------------------------------------------------------

    def search(
        self, viewer: Viewer, query: SearchQuery, *, request_id: str | None = None
    ) -> list[SearchResult]:
        """Children matching ``query``; every search is audited (the query itself is not)."""
        # Searching comes before any relationship can be known: only the role's rule counts.
        rule = self.policy.rules.roles.get(viewer.role)
        if rule is None or "search" not in rule.views:
            self.audit.record(
                viewer, AuditAction.SEARCH, outcome=AuditOutcome.DENIED, request_id=request_id
            )
            return []
        subjects: dict[str, ResolvedSubject] = {}
        if query.nhs_number:
            found = self.resolver.resolve("nhs_number", query.nhs_number)
            subjects.update({found.master_id: found} if found else {})
        elif query.upn:
            found = self.resolver.resolve("upn", query.upn)
            subjects.update({found.master_id: found} if found else {})
        elif query.family_name and query.birth_date:
            family = normalise_name(query.family_name)
            given = normalise_name(query.given_name or "")
            for person in self._people:
                if (
                    person.birth_date == query.birth_date
                    and normalise_name(person.family_name or "") == family
                    and (not given or normalise_name(person.given_name or "").startswith(given))
                ):
                    found = self.resolver.resolve(
                        "source_id", f"{person.source_system}:{person.person_key}"
                    )
                    if found is not None:
                        subjects[found.master_id] = found
        results = []
        for subject in subjects.values():
            header = self._header(subject, self._read_people(subject).items)
            results.append(
                SearchResult(
                    subject_id=header.subject_id,
                    name=header.name,
                    birth_date=header.birth_date,
                    identifiers=header.identifiers,
                )
            )
        self.audit.record(viewer, AuditAction.SEARCH, request_id=request_id)
        return sorted(results, key=lambda r: (r.name, r.subject_id))

    # -- reads -------------------------------------------------------------------------------

    def timeline(
        self,
        viewer: Viewer,
        subject_id: str,
        reason: AccessReason,
        *,
        include_family: bool = False,
        filters: TimelineFilters | None = None,
        request_id: str | None = None,
    ) -> Timeline:
        """The timeline page for ``subject_id`` (a master id), or a denial."""
        return self._read(
            viewer,
            subject_id,
            reason,
            view="timeline",
            include_family=include_family,
            filters=filters or TimelineFilters(),
            request_id=request_id,
        )

    def export(
        self,
        viewer: Viewer,
        subject_id: str,
        reason: AccessReason,
        *,
        filters: TimelineFilters | None = None,
        request_id: str | None = None,
    ) -> Timeline:
        """The timeline for a download or print (see :func:`~.render.timeline_csv`): the same
        read as :meth:`timeline`, needing the role's ``export`` view, audited as an export."""
        return self._read(
            viewer,
            subject_id,
            reason,
            view="export",
            include_family=False,
            filters=filters or TimelineFilters(),
            request_id=request_id,
        )

    def contacts(
        self,
        viewer: Viewer,
        subject_id: str,
        reason: AccessReason,
        *,
        request_id: str | None = None,
    ) -> Timeline:
        """Only who to contact (the page's ``contacts``); audited as a contacts view."""
        return self._read(
            viewer,
            subject_id,
            reason,
            view="contacts",
            include_family=False,
            filters=TimelineFilters(),
            request_id=request_id,
        )

    def family(
        self,
        viewer: Viewer,
        subject_id: str,
        reason: AccessReason,
        *,
        request_id: str | None = None,
    ) -> Timeline:
        """Only the family (the page's ``family``); audited as a family view."""
        return self._read(
            viewer,
            subject_id,
            reason,
            view="family",
            include_family=False,
            filters=TimelineFilters(),
            request_id=request_id,
        )

    def _read(
        self,
        viewer: Viewer,
        subject_id: str,
        reason: AccessReason,
        *,
        view: View,
        include_family: bool,
        filters: TimelineFilters,
        request_id: str | None,
    ) -> Timeline:
        request_id = request_id or uuid.uuid4().hex
        action = {
            "timeline": AuditAction.TIMELINE_VIEW,
            "contacts": AuditAction.CONTACTS_VIEW,
            "family": AuditAction.FAMILY_VIEW,
            "export": AuditAction.EXPORT,
        }[view]
        subject = self.resolver.subject(subject_id)
        people = self._read_people(subject) if subject is not None else None
        birth = next((p.birth_date for p in people.items if p.birth_date), None) if people else None
        decision = self.policy.decide(
            viewer,
            subject_id,
            view=view,
            subject_birth_date=birth,
            break_glass_justification=reason.break_glass_justification,
        )
        if subject is None or people is None or not decision.allowed:
            if decision.allowed:  # an unknown subject is refused like any other
                decision = AccessDecision(allowed=False, reason="unknown_subject")
            event = self.audit.record(
                viewer,
                action,
                subject_id=subject_id,
                reason=reason.reason,
                basis=reason.basis,
                outcome=AuditOutcome.DENIED,
                request_id=request_id,
            )
            return Timeline(decision=decision, audit_event=event)
        header = self._header(subject, people.items)
        keys = keys_by_source(subject, self.sources)
        outcomes: list[SourceOutcome] = list(people.outcomes)
        family = self._family(subject, keys, decision) if view == "family" or include_family else []
        entries: list[TimelineEntry] = []
        cards: list[ContactCard] = []
        kind_counts: list[tuple[str, str, int]] = []
        notices: list[SourceNotice] = []
        if view in ("timeline", "contacts", "export"):
            event_keys = dict(keys)
            if include_family:
                for member in family:
                    relative = self.resolver.subject(member.subject_id)
                    if relative is not None:
                        for name, more in keys_by_source(relative, self.sources).items():
                            event_keys[name] = list(
                                dict.fromkeys([*event_keys.get(name, []), *more])
                            )
            read = self.federated.gather(
                event_keys, lambda c, k: [_Reads.of(c, k, keys.get(c.name, ()))]
            )
            events = sorted(
                (e for bundle in read.items for e in bundle.events),
                key=lambda e: (e.period_start, e.source_system, e.source_ref),
                reverse=True,
            )
            involvements = [i for bundle in read.items for i in bundle.involvements]
            outcomes = list(read.outcomes)
            visible = [e for e in events if decision.permits_event(e.kind, e.sensitivity)]
            cards = self._cards(visible, involvements, decision)
            names = {card.id: card.name for card in cards}
            all_entries = [self._entry(e, names) for e in visible]
            kind_counts = _kind_counts(all_entries)
            entries = _filtered(all_entries, filters, self._today())
            notices = self._notices(read.outcomes, keys, visible)
        event = self.audit.record(
            viewer,
            action,
            subject_id=subject_id,
            reason=reason.reason,
            basis=reason.basis,
            request_id=request_id,
            break_glass=decision.break_glass,
            justification=reason.break_glass_justification if decision.break_glass else None,
        )
        page = TimelinePage(
            person=header,
            entries=entries,
            contacts=cards,
            family=family,
            sources=notices,
            filters=filters,
            kind_counts=kind_counts,
        )
        return Timeline(decision=decision, page=page, outcomes=tuple(outcomes), audit_event=event)

    # -- building the display model -----------------------------------------------------------

    def _read_people(self, subject: ResolvedSubject) -> _People:
        keyed = {
            c.name: list(subject.keys_for(c.name, c.identifier))
            for c in self.sources
            if Capability.PEOPLE in c.capabilities
        }
        result = self.federated.read_people(keyed)
        return _People(result.items, result.outcomes)

    def _header(self, subject: ResolvedSubject, people: Sequence[Person]) -> PersonHeader:
        named = next((p for p in people if p.given_name or p.family_name), None)
        name = (
            " ".join(filter(None, [named.given_name, named.family_name]))
            if named
            else "Name not recorded"
        )
        birth = next((p.birth_date for p in people if p.birth_date), None)
        identifiers = []
        for label, values in (("NHS number", subject.nhs_numbers), ("UPN", subject.upns)):
            identifiers += [(label, mask_identifier(value)) for value in sorted(values)]
        age = None
        if birth is not None:
            today = self._today()
            years = today.year - birth.year - ((today.month, today.day) < (birth.month, birth.day))
            age = (
                f"{years} year{'s' if years != 1 else ''} old" if years >= 1 else "Under 1 year old"
            )
        return PersonHeader(
            subject_id=subject.master_id,
            name=name,
            birth_date=birth,
            age_text=age,
            identifiers=tuple(identifiers),
        )

    def _family(
        self, subject: ResolvedSubject, keys: Mapping[str, Sequence[str]], decision: AccessDecision
    ) -> list[FamilyMember]:
        if not decision.rule or "family" not in decision.rule.views:
            return []
        memberships = self.federated.read_family(keys).items
        members = []
        for membership in memberships:
            relative = self.resolver.resolve(
                "source_id", f"{membership.source_system}:{membership.related_person_key}"
            )
            if relative is None or relative.master_id == subject.master_id:
                continue
            people = self._read_people(relative).items
            header = self._header(relative, people)
            members.append(
                FamilyMember(
                    subject_id=relative.master_id,
                    name=header.name,
                    birth_date=header.birth_date,
                    relationship=RELATIONSHIPS.get(
                        membership.relationship, membership.relationship
                    ),
                )
            )
        return list({m.subject_id: m for m in members}.values())

    def _entry(self, event: TimelineEvent, names: Mapping[str, str]) -> TimelineEntry:
        kind = EVENT_KINDS[event.kind]
        card = f"{event.source_system}:{event.professional_id}" if event.professional_id else None
        return TimelineEntry(
            id=f"{event.source_system}:{event.source_ref}",
            kind=event.kind,
            kind_label=kind.label,
            start=event.period_start,
            end=event.period_end,
            status=event.status.value.replace("-", " ").capitalize() if event.status else None,
            service=event.service,
            label=event.display_label,
            professional_id=card if card in names else None,
            professional_name=names.get(card) if card else None,
            significant=kind.significant,
            sensitivity=event.sensitivity.value,
            source_name=self.labels.get(event.source_system, event.source_system),
        )

    def _cards(
        self,
        events: Sequence[TimelineEvent],
        involvements: Sequence[Involvement],
        decision: AccessDecision,
    ) -> list[ContactCard]:
        if not decision.rule or "contacts" not in decision.rule.views:
            return []
        today = self._today()
        latest: dict[tuple[str, str], Involvement] = {}
        for item in involvements:
            key = (item.source_system, item.professional_id)
            if key not in latest or item.period_start > latest[key].period_start:
                latest[key] = item
        wanted: dict[str, list[str]] = {}
        for source, professional in [
            *latest,
            *((e.source_system, e.professional_id) for e in events),
        ]:
            if professional:
                wanted.setdefault(source, [])
                if professional not in wanted[source]:
                    wanted[source].append(professional)
        found = self.federated.professional_contacts(wanted).items
        cards = []
        for contacts in found:
            p = contacts.professional
            involvement = latest.get((p.source_system, p.professional_id))
            current = involvement is not None and (
                involvement.period_end is None or involvement.period_end >= today
            )
            points = tuple(
                ContactPoint(
                    system=point.system.value,
                    value=point.value,
                    use=point.use.value,
                    label="Secure email"
                    if point.system.value == "secure_email"
                    else _POINT_LABELS.get((point.system.value, point.use.value), "Contact"),
                )
                for point in contacts.contact_points
            )
            cards.append(
                ContactCard(
                    id=f"{p.source_system}:{p.professional_id}",
                    name=p.name,
                    role=INVOLVEMENT_ROLES.get(involvement.role) if involvement else p.job_title,
                    team=(involvement.team if involvement and involvement.team else p.team),
                    organisation=p.organisation,
                    current=current,
                    last_involved=(
                        None
                        if current or involvement is None
                        else involvement.period_end or involvement.period_start
                    ),
                    contact_points=points,
                )
            )
        return decision.redact_contacts(cards)

    def _notices(
        self,
        outcomes: Sequence[SourceOutcome],
        keys: Mapping[str, Sequence[str]],
        events: Sequence[TimelineEvent],
    ) -> list[SourceNotice]:
        by_source = {o.source: o for o in outcomes}
        coverage = {c.source_system: c for c in self.federated.coverage().items}
        notices = []
        for connector in self.sources:
            if Capability.TIMELINE not in connector.capabilities:
                continue
            label = self.labels.get(connector.name, connector.name)
            outcome = by_source.get(connector.name)
            if outcome is not None and outcome.state in (OutcomeState.TIMEOUT, OutcomeState.ERROR):
                notices.append(SourceNotice(source_name=label, state=SourceState.UNAVAILABLE))
                continue
            covered = coverage.get(connector.name)
            notices.append(
                SourceNotice(
                    source_name=label,
                    state=SourceState.OK,
                    coverage_from=covered.coverage_start if covered else None,
                    record_count=sum(1 for e in events if e.source_system == connector.name)
                    if keys.get(connector.name)
                    else 0,
                )
            )
        for name, label in self.labels.items():
            if all(c.name != name for c in self.sources):
                notices.append(SourceNotice(source_name=label, state=SourceState.NOT_CONNECTED))
        return notices


class _Reads:
    """What one source returned for the timeline: events and involvements, in one worker."""

    def __init__(self, events: list[TimelineEvent], involvements: list[Involvement]) -> None:
        self.events = events
        self.involvements = involvements

    @classmethod
    def of(cls, connector: SourceConnector, keys: Sequence[str], own_keys: Sequence[str]) -> _Reads:
        events = (
            connector.read_timeline(keys, limit=EVENT_LIMIT)
            if Capability.TIMELINE in connector.capabilities
            else []
        )
        involvements = (
            connector.read_involvements(own_keys)
            if own_keys and Capability.INVOLVEMENTS in connector.capabilities
            else []
        )
        return cls(events, involvements)


class _People:
    def __init__(self, items: list[Person], outcomes: tuple[SourceOutcome, ...]) -> None:
        self.items = items
        self.outcomes = outcomes


def _kind_counts(entries: Sequence[TimelineEntry]) -> list[tuple[str, str, int]]:
    counts: dict[str, int] = {}
    for entry in entries:
        counts[entry.kind] = counts.get(entry.kind, 0) + 1
    return [(kind, EVENT_KINDS[kind].label, counts[kind]) for kind in sorted(counts)]


def _filtered(
    entries: list[TimelineEntry], filters: TimelineFilters, today: date
) -> list[TimelineEntry]:
    low: date | None = None
    high: date | None = None
    if filters.period in _PERIODS:
        low = today - timedelta(days=_PERIODS[filters.period])
    elif filters.period == "custom":
        low, high = filters.date_from, filters.date_to
    kept = []
    for entry in entries:
        day = entry.start.date() if isinstance(entry.start, datetime) else entry.start
        if filters.kinds and entry.kind not in filters.kinds:
            continue
        if filters.significant_only and not entry.significant:
            continue
        if (low and day < low) or (high and day > high):
            continue
        kept.append(entry)
    return kept
