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
>>> resolver = DeterministicResolver(lcs.people, key=b"m" * 32)
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

import logging
from collections.abc import Iterable, Mapping, Sequence
from concurrent.futures import Future
from dataclasses import dataclass, field, replace
from datetime import date, datetime, timedelta
from functools import partial

from pydantic import BaseModel, ConfigDict, Field

from familyhubs_sdk._clock import Clock, utc_now
from familyhubs_sdk.connectors._base import Capability, SourceConnector
from familyhubs_sdk.connectors._faults import collect_row_faults
from familyhubs_sdk.connectors._federated import (
    Federated,
    FederatedSource,
    OutcomeState,
    SourceOutcome,
)
from familyhubs_sdk.timeline._audit import AuditAction, AuditEvent, AuditLog, AuditOutcome
from familyhubs_sdk.timeline._directory import KnownContacts, ProfessionalDirectory
from familyhubs_sdk.timeline._display import (
    ContactCard,
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
from familyhubs_sdk.timeline._names import mask_identifier
from familyhubs_sdk.timeline._policy import AccessDecision, AccessPolicy, View, age_on
from familyhubs_sdk.timeline._search import SEARCH_LIMIT, SearchQuery, SubjectFinder
from familyhubs_sdk.views._canonical import Involvement, Person, TimelineEvent
from familyhubs_sdk.views._vocab import EVENT_KINDS, RELATIONSHIPS, Sensitivity
from familyhubs_sdk.web._viewer import Viewer

__all__ = [
    "SEARCH_LIMIT",
    "VIEWED_BY_LIMIT",
    "AccessReason",
    "SearchQuery",
    "Timeline",
    "TimelineService",
    "ViewedBy",
]

logger = logging.getLogger(__name__)

#: From this age a subject is an adult to the screens' words.
ADULT_AGE = 18
#: Most events one timeline read asks each source for.
EVENT_LIMIT = 2_000
#: Most audit events "who has viewed this record" lists, newest first.
VIEWED_BY_LIMIT = 200
_PERIODS = {"6m": 182, "1y": 365, "5y": 5 * 365 + 1}


class AccessReason(BaseModel):
    """Why the viewer is looking: a reason code, the lawful basis, and for break-glass access a
    justification."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    reason: str = Field(min_length=1, max_length=100)
    basis: str = Field(default="public_task", min_length=1, max_length=100)
    break_glass_justification: str | None = Field(default=None, max_length=500)


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


class ViewedBy(BaseModel):
    """The outcome of asking who has viewed a record: the decision, the audit events about the
    subject (empty when refused), and the audit row this question wrote."""

    model_config = ConfigDict(frozen=True, arbitrary_types_allowed=True)

    decision: AccessDecision
    events: tuple[AuditEvent, ...] = ()
    audit_event: AuditEvent

    @property
    def allowed(self) -> bool:
        return self.decision.allowed


_ACTIONS: Mapping[View, AuditAction] = {
    "timeline": AuditAction.TIMELINE_VIEW,
    "contacts": AuditAction.CONTACTS_VIEW,
    "family": AuditAction.FAMILY_VIEW,
    "export": AuditAction.EXPORT,
}


@dataclass(frozen=True, slots=True, kw_only=True)
class _Read:
    """One read as a public method asks for it: who looks, at whom, why, through which view."""

    viewer: Viewer
    subject_id: str
    reason: AccessReason
    view: View
    include_family: bool = False
    filters: TimelineFilters = field(default_factory=TimelineFilters)
    #: ``None`` lets the audit log make one.
    request_id: str | None = None

    @property
    def action(self) -> AuditAction:
        return _ACTIONS[self.view]

    @property
    def reads_events(self) -> bool:
        """Whether this view reads the sources' events (the family view reads only the family)."""
        return self.view in ("timeline", "contacts", "export")

    @property
    def reads_family(self) -> bool:
        return self.view == "family" or self.include_family


@dataclass(frozen=True, slots=True)
class _Subject:
    """The subject resolved: their keys in every source, and their person records."""

    resolved: ResolvedSubject
    people: Federated[Person]

    @property
    def birth_date(self) -> date | None:
        return next((p.birth_date for p in self.people.items if p.birth_date), None)


@dataclass(frozen=True, slots=True, kw_only=True)
class _Records:
    """What the sources returned for one read: unfiltered from :meth:`TimelineService._fetch`,
    only what the decision permits after :meth:`TimelineService._filter`."""

    #: The subject's own keys, by source; involvements are read for these keys only.
    keys: Mapping[str, Sequence[str]]
    family: list[FamilyMember]
    #: Newest first.
    events: list[TimelineEvent] = field(default_factory=list)
    involvements: list[Involvement] = field(default_factory=list)
    outcomes: tuple[SourceOutcome, ...] = ()
    #: Per source: how many events the decision hides that the screen may count.
    hidden: Mapping[str, int] = field(default_factory=dict)
    #: Sources that may hold events the viewer cannot see, of a sensitivity never counted.
    may_hold_hidden: frozenset[str] = frozenset()
    #: Contacts each source's reader already read (see :meth:`ProfessionalDirectory.cards`).
    contacts: Mapping[str, KnownContacts] = field(default_factory=dict)


class TimelineService:
    """Reads a child's timeline across sources for one viewer, under the access policy.

    Every read runs the same stages — resolve the subject, decide access, fetch from the sources,
    filter by the decision, build the contact cards and the page, audit — and writes exactly one
    audit row, denials included. ``clock`` gives the date that ages and periods count from.
    """

    def __init__(
        self,
        sources: Sequence[SourceConnector],
        *,
        resolver: IdentityResolver,
        policy: AccessPolicy,
        audit: AuditLog,
        source_labels: Mapping[str, str] | None = None,
        people: Iterable[Person] = (),
        clock: Clock = utc_now,
        directory: ProfessionalDirectory | None = None,
    ) -> None:
        self.sources = list(sources)
        self.federated = FederatedSource(self.sources)
        self.resolver = resolver
        self.policy = policy
        self.audit = audit
        self.labels = dict(source_labels or {})
        self._clock = clock
        #: Where professionals' cards come from (see :class:`ProfessionalDirectory`).
        self.directory = directory or ProfessionalDirectory()
        self._people = list(people)
        self._finder = SubjectFinder(resolver, self._people)

    def close(self) -> None:
        """Stop the worker threads the sources are read on and close the sources' connections."""
        self.federated.close()

    # -- search ------------------------------------------------------------------------------

    def search(
        self, viewer: Viewer, query: SearchQuery, *, request_id: str | None = None
    ) -> list[SearchResult]:
        """Children matching ``query`` that this viewer's role may find, at most
        :data:`SEARCH_LIMIT`, sorted by name.

        A role searching its ``caseload`` (the default) finds only subjects the relationship
        hook says it works with, or an exact NHS number match; no role finds a subject outside
        its age limit. Each subject returned is audited (one ``search`` row each, one request
        id); a search that returns nobody writes one row naming nobody. The query itself, names
        and identifiers are never audited.
        """
        # Searching comes before any reason is given: only the role's rule and its hooks count.
        rule = self.policy.rules.roles.get(viewer.role)
        if rule is None or "search" not in rule.views:
            self.audit.record(
                viewer, AuditAction.SEARCH, outcome=AuditOutcome.DENIED, request_id=request_id
            )
            return []
        today = self._clock().date()
        by_nhs_number = bool(query.nhs_number)
        results: list[SearchResult] = []
        for subject in self._matches(query):
            if len(results) == SEARCH_LIMIT:
                break
            header = self._header(subject, self._read_people(subject).items, today)
            if not self.policy.may_find(
                viewer,
                subject.master_id,
                exact_nhs_number=by_nhs_number,
                subject_birth_date=header.birth_date,
            ):
                continue
            results.append(
                SearchResult(
                    subject_id=header.subject_id,
                    name=header.name,
                    birth_date=header.birth_date,
                    identifiers=header.identifiers,
                )
            )
        self.audit.record_each(
            viewer, AuditAction.SEARCH, [r.subject_id for r in results], request_id=request_id
        )
        return sorted(results, key=lambda r: (r.name, r.subject_id))

    def _matches(self, query: SearchQuery) -> list[ResolvedSubject]:
        """The people ``query`` finds, closest first (see :class:`SubjectFinder`)."""
        return self._finder.matches(query)

    def is_adult(self, subject_id: str) -> bool:
        """Whether ``subject_id`` is 18 or over (``False`` when unknown or with no date of
        birth): the screens' words follow it ("this person's record", not "this child's")."""
        subject = self._resolve_master_id(subject_id)
        birth = subject.birth_date if subject is not None else None
        return birth is not None and age_on(birth, self._clock().date()) >= ADULT_AGE

    # -- who has viewed -----------------------------------------------------------------------

    def viewed_by_decision(self, viewer: Viewer, subject_id: str) -> AccessDecision:
        """Whether ``viewer`` may see who has viewed ``subject_id`` (see
        :meth:`AccessPolicy.decide_viewed_by`), without reading the audit or recording this
        question: for deciding whether to offer the link."""
        subject = self._resolve_master_id(subject_id)
        if subject is None:
            return AccessDecision(allowed=False, reason="unknown_subject")
        return self.policy.decide_viewed_by(
            viewer, subject_id, subject_birth_date=subject.birth_date
        )

    def viewed_by(
        self,
        viewer: Viewer,
        subject_id: str,
        reason: AccessReason,
        *,
        request_id: str | None = None,
        limit: int = VIEWED_BY_LIMIT,
    ) -> ViewedBy:
        """Who has viewed ``subject_id``'s record (the newest ``limit`` audit events about it),
        for a role with ``audit: true`` or a viewer with a legitimate relationship to the
        subject; audited as ``viewed_by``, refusals included."""
        decision = self.viewed_by_decision(viewer, subject_id)
        events = (
            tuple(self.audit.query(subject_id=subject_id, limit=limit)) if decision.allowed else ()
        )
        event = self.audit.record(
            viewer,
            AuditAction.VIEWED_BY,
            subject_id=subject_id,
            reason=reason.reason,
            basis=reason.basis,
            outcome=AuditOutcome.ALLOWED if decision.allowed else AuditOutcome.DENIED,
            request_id=request_id,
        )
        return ViewedBy(decision=decision, events=events, audit_event=event)

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
            _Read(
                viewer=viewer,
                subject_id=subject_id,
                reason=reason,
                view="timeline",
                include_family=include_family,
                filters=filters or TimelineFilters(),
                request_id=request_id,
            )
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
            _Read(
                viewer=viewer,
                subject_id=subject_id,
                reason=reason,
                view="export",
                filters=filters or TimelineFilters(),
                request_id=request_id,
            )
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
            _Read(
                viewer=viewer,
                subject_id=subject_id,
                reason=reason,
                view="contacts",
                request_id=request_id,
            )
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
            _Read(
                viewer=viewer,
                subject_id=subject_id,
                reason=reason,
                view="family",
                request_id=request_id,
            )
        )

    def _read(self, read: _Read) -> Timeline:
        """One read, in stages: resolve → decide → fetch → filter → cards → page → audit.

        The audit row is written on every path, once; a refusal reads nothing past the subject's
        own person records (needed for age rules).
        """
        subject = self._resolve(read)
        decision = self._decide(read, subject)
        if subject is None or not decision.allowed:
            return Timeline(decision=decision, audit_event=self._audit(read, decision))
        # The audit row is written while the sources are read (its round trip overlaps theirs);
        # the page is returned only once that row is committed, and not at all if it fails.
        audited = self._audit_meanwhile(read, decision)
        today = self._clock().date()
        records = self._filter(self._fetch(read, subject, decision, today), decision)
        cards = self._cards(records, decision, today)
        page = self._page(read, subject, records, cards, today)
        event = audited.result()
        return Timeline(decision=decision, page=page, outcomes=records.outcomes, audit_event=event)

    # -- the stages of a read -----------------------------------------------------------------

    def _resolve(self, read: _Read) -> _Subject | None:
        """The subject behind the master id with their person records, or ``None`` if unknown."""
        return self._resolve_master_id(read.subject_id)

    def _resolve_master_id(self, subject_id: str) -> _Subject | None:
        resolved = self.resolver.subject(subject_id)
        if resolved is None:
            return None
        return _Subject(resolved, self._read_people(resolved))

    def _decide(self, read: _Read, subject: _Subject | None) -> AccessDecision:
        """The policy's decision; an unknown subject is refused like any other."""
        decision = self.policy.decide(
            read.viewer,
            read.subject_id,
            view=read.view,
            subject_birth_date=subject.birth_date if subject is not None else None,
            break_glass_justification=read.reason.break_glass_justification,
        )
        if subject is None and decision.allowed:
            return AccessDecision(allowed=False, reason="unknown_subject")
        return decision

    def _fetch(
        self, read: _Read, subject: _Subject, decision: AccessDecision, today: date
    ) -> _Records:
        """Everything the view needs from the sources, at once: the family (if shown), then
        events and involvements, the family's events included when asked for."""
        keys = keys_by_source(subject.resolved, self.sources)
        family = self._family(subject.resolved, keys, decision, today) if read.reads_family else []
        if not read.reads_events:
            return _Records(keys=keys, family=family, outcomes=subject.people.outcomes)
        # Who to contact is read by each source's own reader, after its records, where the
        # directory looks its professionals up in that source: no second wave of reads.
        contacts = self.directory if _shows_contacts(decision) else None
        found = self.federated.gather(
            self._with_family_keys(keys, family) if read.include_family else keys,
            lambda c, k: [_SourceReads.of(c, k, keys.get(c.name, ()), contacts)],
        )
        events = sorted(
            (e for bundle in found.items for e in bundle.events),
            key=lambda e: (e.period_start, e.source_system, e.source_ref),
            reverse=True,
        )
        return _Records(
            keys=keys,
            family=family,
            events=events,
            involvements=[i for bundle in found.items for i in bundle.involvements],
            outcomes=found.outcomes,
            contacts={
                bundle.source: bundle.contacts
                for bundle in found.items
                if bundle.contacts is not None
            },
        )

    def _filter(self, records: _Records, decision: AccessDecision) -> _Records:
        """Only the events the decision permits, noting per source what it hid (hidden is
        never shown as absent; see :class:`~familyhubs_sdk.timeline.SourceRule`)."""
        visible: list[TimelineEvent] = []
        hidden: dict[str, int] = {}
        for event in records.events:
            if decision.permits_event(event.kind, event.sensitivity):
                visible.append(event)
            elif self.policy.rules.source(event.source_system).discloses(event.sensitivity):
                hidden[event.source_system] = hidden.get(event.source_system, 0) + 1
        may_hold = frozenset(
            c.name
            for c in self.sources
            if any(
                not self.policy.rules.source(c.name).discloses(level)
                and not decision.sees_all(level)
                for level in Sensitivity
            )
        )
        return replace(records, events=visible, hidden=hidden, may_hold_hidden=may_hold)

    def _cards(self, records: _Records, decision: AccessDecision, today: date) -> list[ContactCard]:
        """Who to contact: everyone involved with the child or named on a permitted event, with
        only the contact points the decision permits."""
        if not _shows_contacts(decision):
            return []
        cards = self.directory.cards(
            self.federated, records.involvements, records.events, today, known=records.contacts
        )
        return [self._reachable(card) for card in decision.redact_contacts(cards)]

    def _reachable(self, card: ContactCard) -> ContactCard:
        """A card with no contact point the viewer may see gets its source's duty contact, so
        every card says how to reach someone."""
        if card.contact_points or card.source_system is None:
            return card
        ask = self.policy.rules.source(card.source_system).ask
        if ask is None:
            return card
        return card.model_copy(update={"contact_points": ask.card("").contact_points})

    def _page(
        self,
        read: _Read,
        subject: _Subject,
        records: _Records,
        cards: list[ContactCard],
        today: date,
    ) -> TimelinePage:
        """The display model: the read's filters apply to the entries, never to the counts."""
        names = {card.id: card.name for card in cards}
        entries = [self._entry(e, names) for e in records.events]
        return TimelinePage(
            person=self._header(subject.resolved, subject.people.items, today),
            entries=_matching(entries, read.filters, today),
            contacts=cards,
            family=records.family,
            sources=self._notices(records) if read.reads_events else [],
            filters=read.filters,
            kind_counts=_kind_counts(entries),
        )

    def _audit_meanwhile(self, read: _Read, decision: AccessDecision) -> Future[AuditEvent]:
        """The read's audit row, written on the sources' pool while they are read. SQLite is
        written here and now: an in-memory database is one connection per thread, and a file's
        write gains nothing from overlapping."""
        engine = getattr(self.audit, "_engine", None)
        if engine is not None and engine.dialect.name != "sqlite":
            return self.federated.submit(partial(self._audit, read, decision))
        done: Future[AuditEvent] = Future()
        done.set_result(self._audit(read, decision))
        return done

    def _audit(self, read: _Read, decision: AccessDecision) -> AuditEvent:
        """The read's one audit row: who, why and the outcome, never what was shown."""
        break_glass = decision.allowed and decision.break_glass
        return self.audit.record(
            read.viewer,
            read.action,
            subject_id=read.subject_id,
            reason=read.reason.reason,
            basis=read.reason.basis,
            outcome=AuditOutcome.ALLOWED if decision.allowed else AuditOutcome.DENIED,
            request_id=read.request_id,
            break_glass=break_glass,
            justification=read.reason.break_glass_justification if break_glass else None,
        )

    # -- building the display model -----------------------------------------------------------

    def _read_people(self, subject: ResolvedSubject) -> Federated[Person]:
        keyed = {
            c.name: list(subject.keys_for(c.name, c.identifier))
            for c in self.sources
            if Capability.PEOPLE in c.capabilities
        }
        return self.federated.read_people(keyed)

    def _header(
        self, subject: ResolvedSubject, people: Sequence[Person], today: date
    ) -> PersonHeader:
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
            years = age_on(birth, today)
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
        self,
        subject: ResolvedSubject,
        keys: Mapping[str, Sequence[str]],
        decision: AccessDecision,
        today: date,
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
            header = self._header(relative, self._read_people(relative).items, today)
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

    def _with_family_keys(
        self, keys: Mapping[str, Sequence[str]], family: Sequence[FamilyMember]
    ) -> dict[str, list[str]]:
        """The subject's keys with their family's added, per source, each key once."""
        merged = {name: list(own) for name, own in keys.items()}
        for member in family:
            relative = self.resolver.subject(member.subject_id)
            if relative is not None:
                for name, more in keys_by_source(relative, self.sources).items():
                    merged[name] = list(dict.fromkeys([*merged.get(name, []), *more]))
        return merged

    def _entry(self, event: TimelineEvent, names: Mapping[str, str]) -> TimelineEntry:
        kind = EVENT_KINDS[event.kind]
        card = (
            self.directory.card_id(event.source_system, event.professional_id)
            if event.professional_id
            else None
        )
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

    def _notices(self, records: _Records) -> list[SourceNotice]:
        by_source = {o.source: o for o in records.outcomes}
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
            ask = self.policy.rules.source(connector.name).ask
            notices.append(
                SourceNotice(
                    source_name=label,
                    state=SourceState.OK,
                    coverage_from=covered.coverage_start if covered else None,
                    record_count=sum(1 for e in records.events if e.source_system == connector.name)
                    if records.keys.get(connector.name)
                    else 0,
                    hidden_count=records.hidden.get(connector.name, 0),
                    may_hold_hidden=connector.name in records.may_hold_hidden,
                    ask=ask.card(connector.name) if ask is not None else None,
                    skipped_count=outcome.skipped_rows if outcome is not None else 0,
                )
            )
        for name, label in self.labels.items():
            if all(c.name != name for c in self.sources):
                notices.append(SourceNotice(source_name=label, state=SourceState.NOT_CONNECTED))
        return notices


def _shows_contacts(decision: AccessDecision) -> bool:
    return decision.rule is not None and "contacts" in decision.rule.views


@dataclass(frozen=True, slots=True)
class _SourceReads:
    """What one source returned for the timeline, in one worker: events, involvements and, when
    the page shows who to contact, the contacts of the professionals they name."""

    source: str
    events: list[TimelineEvent]
    involvements: list[Involvement]
    contacts: KnownContacts | None = None

    @classmethod
    def of(
        cls,
        connector: SourceConnector,
        keys: Sequence[str],
        own_keys: Sequence[str],
        directory: ProfessionalDirectory | None,
    ) -> _SourceReads:
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
        contacts = None
        if (
            directory is not None
            and Capability.CONTACTS in connector.capabilities
            and directory.looks_up_in_itself(connector.name)
        ):
            contacts = _contacts_named(connector, events, involvements)
        return cls(connector.name, events, involvements, contacts)


def _contacts_named(
    connector: SourceConnector,
    events: Sequence[TimelineEvent],
    involvements: Sequence[Involvement],
) -> KnownContacts | None:
    """The contacts of every professional ``events`` and ``involvements`` name (cards are made
    later, only for those on events the viewer may see), or ``None`` if the read failed: then
    the cards ask again, and the source's records still count."""
    ids = list(
        dict.fromkeys(
            [i.professional_id for i in involvements]
            + [e.professional_id for e in events if e.professional_id]
        )
    )
    if not ids:
        return frozenset(), ()
    try:
        # Faults in these rows are the directory's, not the timeline's: kept out of its count.
        with collect_row_faults():
            found = connector.professional_contacts(ids)
    except Exception as exc:  # the kind only: a driver's message can carry data
        logger.warning(
            "source %s: contacts not read with its records (%s); asked again for the cards",
            connector.name,
            type(exc).__name__,
        )
        return None
    return frozenset(ids), found


def _kind_counts(entries: Sequence[TimelineEntry]) -> list[tuple[str, str, int]]:
    counts: dict[str, int] = {}
    for entry in entries:
        counts[entry.kind] = counts.get(entry.kind, 0) + 1
    return [(kind, EVENT_KINDS[kind].label, counts[kind]) for kind in sorted(counts)]


def _matching(
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
