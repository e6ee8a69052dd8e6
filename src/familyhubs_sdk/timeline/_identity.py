"""Identity resolution: which records in which sources are the same child, and the keys to ask for.

Linking is deterministic and conservative, on the identifiers the sources hold, strongest first:

1. records sharing a valid NHS number are one person;
2. then records sharing a UPN, unless that would put two different NHS numbers together;
3. then records sharing an LA person id, unless that would put two different NHS numbers, or two
   UPNs that were not already together, in one person.

When two links would each be safe but together would join different identifiers (a record sharing
one LA id with a child and another with her sister), neither is made: nothing says which is right,
and a wrong link shows one child's history as another's. So no linked person ever holds two NHS
numbers, and the result depends on the records only, never on their order.

Each :class:`~familyhubs_sdk.views.PersonLink` records the strongest identifier that
joined its record to the others. A record linked to nothing gets the method of its own strongest
identifier (the identifier a later record would be linked by), or ``manual`` when it has none:
only a person can link it. Master ids carry no personal data: ``"m_"`` and 32 hex digits of an
HMAC-SHA256, keyed with the host's secret, over the person's smallest ``(source_system,
person_key)``. Without the key nobody can compute a master id from a source key (or, where a
source keys people by NHS number, from an NHS number). They are stable however the records are
ordered and for as long as the key stays the same, not when a record with a smaller key joins or
the key is rotated; store the crosswalk if you need them to persist.

Records no shared identifier joins (a police record known by name and date of birth only) are
joined by links a person accepted: pass them as ``accepted`` (from
:meth:`~familyhubs_sdk.timeline.LinkStore.accepted`). They are applied after the identifiers, with
the same refusal to join different NHS numbers, UPNs or LA person ids, and a record they name that
no person view holds still gives its source the key to ask for. Proposals come from a
:class:`ProbabilisticLinker` (for example :class:`~familyhubs_sdk.timeline.SplinkLinker`); only a
person turns one into a link. :func:`accept_proposals` turns proposals at or above a threshold
straight into ``probabilistic`` links, for batch matching with no review.

>>> people = [
...     Person(source_system="lcs", person_key="C1", nhs_number="943 476 5919"),
...     Person(source_system="ehm", person_key="E7", nhs_number="9434765919", upn="V801200199003"),
...     Person(source_system="school", person_key="S3", upn="v801 2001 9900 3"),
... ]
>>> key = b"k" * 32  # in a portal: settings.derived_key("master_id")
>>> links = link_people(people, key=key)
>>> [(link.source_system, link.person_key, link.method.value) for link in links]
[('ehm', 'E7', 'nhs_number'), ('lcs', 'C1', 'nhs_number'), ('school', 'S3', 'upn')]
>>> resolver = DeterministicResolver(people, key=key)
>>> subject = resolver.resolve("nhs_number", "943-476-5919")
>>> subject.master_id
'm_960caf055a8e2e10dbec377e0a397204'
>>> subject.keys_for("school", IdentifierType.SOURCE_ID)
('S3',)
>>> subject.keys_for("health", IdentifierType.UPN)
('V801200199003',)
>>> resolver.resolve("source_id", "lcs:C1") == subject
True
"""

from __future__ import annotations

import hashlib
import hmac
import json
import math
from collections.abc import Collection, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from types import MappingProxyType
from typing import Protocol, runtime_checkable

from familyhubs_sdk.connectors._base import SourceConnector
from familyhubs_sdk.errors import ConfigurationError, IdentifierError
from familyhubs_sdk.views._canonical import Person, PersonLink
from familyhubs_sdk.views._identifiers import (
    is_valid_nhs_number,
    is_valid_upn,
    normalise_nhs_number,
    normalise_upn,
)
from familyhubs_sdk.views._vocab import IdentifierType, LinkMethod

__all__ = [
    "MASTER_ID",
    "AcceptedLink",
    "DeterministicResolver",
    "IdentityResolver",
    "LinkProposal",
    "ProbabilisticLinker",
    "ResolvedSubject",
    "accept_proposals",
    "keys_by_source",
    "link_people",
]

#: What :meth:`IdentityResolver.resolve` takes to look up a master id (not a source identifier).
MASTER_ID = "master_id"

#: The identifiers records are linked on, strongest first.
_LINKING = (LinkMethod.NHS_NUMBER, LinkMethod.UPN, LinkMethod.LA_PERSON_ID)

_Ref = tuple[str, str]  # (source_system, person_key): one source's record


class AcceptedLink(Protocol):
    """Two source records a person said are the same child (e.g. a
    :class:`~familyhubs_sdk.timeline.ReviewedLink` they accepted)."""

    @property
    def left(self) -> tuple[str, str]:
        """``(source_system, person_key)`` of one record."""
        ...

    @property
    def right(self) -> tuple[str, str]:
        """``(source_system, person_key)`` of the other."""
        ...

    @property
    def method(self) -> LinkMethod:
        """How the link was found: ``probabilistic`` or ``manual``."""
        ...


@dataclass(frozen=True, slots=True)
class _Record:
    """A source record reduced to what linking uses; invalid identifiers are left out."""

    ref: _Ref
    ids: Mapping[LinkMethod, str]

    @classmethod
    def of(cls, person: Person) -> _Record:
        ids: dict[LinkMethod, str] = {}
        # Person validates both on construction; checking again keeps an unvalidated record
        # (built with model_construct) from ever linking on a bad number.
        if person.nhs_number is not None and is_valid_nhs_number(person.nhs_number):
            ids[LinkMethod.NHS_NUMBER] = person.nhs_number
        if person.upn is not None and is_valid_upn(person.upn):
            ids[LinkMethod.UPN] = person.upn
        if person.la_person_id is not None:
            ids[LinkMethod.LA_PERSON_ID] = person.la_person_id
        return cls((person.source_system, person.person_key), MappingProxyType(ids))


class _Clusters:
    """Union-find over record positions, merging only when no identifier would conflict."""

    def __init__(self, records: Sequence[_Record]) -> None:
        self.records = records
        self._parent = list(range(len(records)))

    def find(self, i: int) -> int:
        while self._parent[i] != i:
            self._parent[i] = self._parent[self._parent[i]]
            i = self._parent[i]
        return i

    def members(self) -> dict[int, list[int]]:
        clusters: dict[int, list[int]] = {}
        for i in range(len(self.records)):
            clusters.setdefault(self.find(i), []).append(i)
        return clusters

    def merge_groups(
        self, groups: Iterable[Collection[int]], guards: Sequence[LinkMethod]
    ) -> list[list[int]]:
        """Join each group of records unless a guard identifier would conflict; returns the
        records of each cluster that grew.

        Every decision is taken against the clusters as they stood before this call, and groups
        that share a cluster are judged together, so the result does not depend on group order.
        """
        members = self.members()
        held = {
            root: {
                guard: frozenset(
                    value for i in rows if (value := self.records[i].ids.get(guard)) is not None
                )
                for guard in guards
            }
            for root, rows in members.items()
        }

        def conflicts(roots: Collection[int]) -> bool:
            for guard in guards:
                sets = [held[root][guard] for root in roots]
                together = frozenset().union(*sets)
                # Safe only when one cluster already holds every value the merge brings together.
                if together and not any(values >= together for values in sets):
                    return True
            return False

        joined = _Clusters([self.records[root] for root in members])
        position = {root: n for n, root in enumerate(members)}
        for group in groups:
            roots = sorted({self.find(i) for i in group})
            if len(roots) > 1 and not conflicts(roots):
                for root in roots[1:]:
                    joined.union(position[roots[0]], position[root])
        roots_of = list(members)
        grown: list[list[int]] = []
        for component in joined.members().values():
            roots = [roots_of[n] for n in component]
            if len(roots) < 2 or conflicts(roots):
                continue
            for root in roots[1:]:
                self.union(roots[0], root)
            grown.append(sorted(i for root in roots for i in members[root]))
        return grown

    def union(self, a: int, b: int) -> None:
        a, b = self.find(a), self.find(b)
        if a != b:
            self._parent[max(a, b)] = min(a, b)


def _distinct_records(people: Iterable[Person]) -> list[_Record]:
    """One record per ``(source_system, person_key)``, sorted; a key seen twice must agree."""
    by_ref: dict[_Ref, _Record] = {}
    for person in people:
        record = _Record.of(person)
        seen = by_ref.setdefault(record.ref, record)
        if seen.ids != record.ids:
            raise ValueError(
                f"a person key of source {record.ref[0]!r} appears twice with different identifiers"
            )
    return [by_ref[ref] for ref in sorted(by_ref)]


#: Shortest key accepted for master ids, in bytes (as for the audit's subject references).
_MIN_KEY_BYTES = 32


def _checked_key(key: bytes) -> bytes:
    if not isinstance(key, bytes) or len(key) < _MIN_KEY_BYTES:
        raise ConfigurationError(
            f"the master id key must be at least {_MIN_KEY_BYTES} bytes; pass "
            'settings.derived_key("master_id") (it needs FAMILYHUBS_SECRET_KEY)'
        )
    return key


def _master_id(refs: Iterable[_Ref], key: bytes) -> str:
    # Keyed, so a master id cannot be computed from a (possibly sequential, or NHS number)
    # source key by anyone without the secret; 128 bits keeps collisions out of reach.
    message = json.dumps(list(min(refs)), ensure_ascii=False).encode()
    return f"m_{hmac.new(key, message, hashlib.sha256).hexdigest()[:32]}"


def _with_linked_refs(records: list[_Record], accepted: Sequence[AcceptedLink]) -> list[_Record]:
    """``records`` plus a bare record for each linked one no person view holds, sorted."""
    known = {record.ref for record in records}
    bare = {
        ref for link in accepted for ref in (_ref(link.left), _ref(link.right)) if ref not in known
    }
    if not bare:
        return records
    empty: Mapping[LinkMethod, str] = MappingProxyType({})
    return sorted([*records, *(_Record(ref, empty) for ref in bare)], key=lambda r: r.ref)


def _ref(end: Sequence[str]) -> _Ref:
    source_system, person_key = end
    return (str(source_system), str(person_key))


def _link(
    people: Iterable[Person], key: bytes, accepted: Iterable[AcceptedLink] = ()
) -> tuple[list[_Record], list[PersonLink]]:
    pairs = list(accepted)
    records = _with_linked_refs(_distinct_records(people), pairs)
    clusters = _Clusters(records)
    methods: dict[int, LinkMethod] = {}
    for n, method in enumerate(_LINKING):
        groups: dict[str, list[int]] = {}
        for i, record in enumerate(records):
            if (value := record.ids.get(method)) is not None:
                groups.setdefault(value, []).append(i)
        for grown in clusters.merge_groups(groups.values(), guards=_LINKING[:n]):
            for i in grown:
                methods.setdefault(i, method)
    # Accepted links last: a person's decision joins what no identifier did, never what the
    # identifiers keep apart.
    position = {record.ref: i for i, record in enumerate(records)}
    joined: dict[int, LinkMethod] = {}
    for link in pairs:
        for end in (link.left, link.right):
            joined.setdefault(position[_ref(end)], LinkMethod(link.method))
    for grown in clusters.merge_groups(
        [(position[_ref(link.left)], position[_ref(link.right)]) for link in pairs],
        guards=_LINKING,
    ):
        for i in grown:
            if i in joined:
                methods.setdefault(i, joined[i])
    links: list[PersonLink] = []
    for rows in clusters.members().values():
        master_id = _master_id((records[i].ref for i in rows), key)
        for i in rows:
            record = records[i]
            method = methods.get(i) or next(
                (m for m in _LINKING if m in record.ids), LinkMethod.MANUAL
            )
            links.append(
                PersonLink(
                    source_system=record.ref[0],
                    person_key=record.ref[1],
                    master_id=master_id,
                    method=method,
                )
            )
    links.sort(key=lambda link: (link.source_system, link.person_key))
    return records, links


def link_people(people: Iterable[Person], *, key: bytes) -> list[PersonLink]:
    """Link the people of every source: one :class:`PersonLink` per distinct source record.

    Ordered by ``(source_system, person_key)``; the same records in any order give the same links.
    A ``(source_system, person_key)`` given twice is one record, and raises ``ValueError`` if its
    identifiers differ. ``key`` (at least 32 bytes, e.g. ``settings.derived_key("master_id")``)
    keys the master ids; a shorter one raises :class:`~familyhubs_sdk.errors.ConfigurationError`.
    """
    return _link(people, _checked_key(key))[1]


@dataclass(frozen=True, slots=True)
class ResolvedSubject:
    """One linked person: their identifiers, and each source's own keys for them."""

    master_id: str
    nhs_numbers: frozenset[str] = frozenset()
    upns: frozenset[str] = frozenset()
    la_person_ids: frozenset[str] = frozenset()
    #: Each source's person keys for this person, sorted.
    keys_by_source: Mapping[str, tuple[str, ...]] = field(
        default_factory=lambda: MappingProxyType({}), hash=False
    )
    #: How this person's records were linked.
    methods: frozenset[LinkMethod] = frozenset()

    def keys_for(self, connector_name: str, identifier: IdentifierType | str) -> tuple[str, ...]:
        """The keys to ask a source for, by what it keys people on (empty when it has none).

        ``connector_name`` matters only for a source keyed by its own ids: it is the
        ``source_system`` of that source's records.
        """
        kind = _identifier_type(identifier)
        if kind is IdentifierType.NHS_NUMBER:
            return tuple(sorted(self.nhs_numbers))
        if kind is IdentifierType.UPN:
            return tuple(sorted(self.upns))
        if kind is IdentifierType.LA_PERSON_ID:
            return tuple(sorted(self.la_person_ids))
        return self.keys_by_source.get(connector_name, ())


def keys_by_source(
    subject: ResolvedSubject, connectors: Iterable[SourceConnector]
) -> dict[str, list[str]]:
    """Each connector's name with the keys to read from it; connectors with none are left out."""
    found: dict[str, list[str]] = {}
    for connector in connectors:
        keys = subject.keys_for(connector.name, connector.identifier)
        if keys:
            found[connector.name] = list(keys)
    return found


@runtime_checkable
class IdentityResolver(Protocol):
    """Finds the linked person behind an identifier a professional searched by."""

    def resolve(self, identifier_type: IdentifierType | str, value: str) -> ResolvedSubject | None:
        """The person with this identifier, or ``None``.

        ``identifier_type`` is an :class:`IdentifierType` or :data:`MASTER_ID`; a ``source_id`` is
        written ``"<source_system>:<person_key>"``. Raises :class:`IdentifierError` for a malformed
        identifier, never treating it as "no record".
        """
        ...

    def subject(self, master_id: str) -> ResolvedSubject | None:
        """The person with this master id, or ``None``."""
        ...


class DeterministicResolver:
    """An :class:`IdentityResolver` over records linked by :func:`link_people`.

    :param key: keys the master ids (at least 32 bytes): ``settings.derived_key("master_id")``.
        The same key gives the same ids; a new key gives new ones (see ``docs/security.md``).
    :param accepted: links a person accepted between records no identifier joins (from
        :meth:`~familyhubs_sdk.timeline.LinkStore.accepted`), applied after the identifiers and
        never joining different NHS numbers, UPNs or LA person ids.
    """

    def __init__(
        self, people: Iterable[Person], *, key: bytes, accepted: Iterable[AcceptedLink] = ()
    ) -> None:
        records, links = _link(people, _checked_key(key), accepted)
        #: The crosswalk, as :func:`link_people` returns it.
        self.links: tuple[PersonLink, ...] = tuple(links)
        by_ref = {record.ref: record for record in records}
        grouped: dict[str, list[PersonLink]] = {}
        for link in links:
            grouped.setdefault(link.master_id, []).append(link)
        self._subjects = {
            master_id: _subject(master_id, group, by_ref) for master_id, group in grouped.items()
        }
        self._by_source = {(link.source_system, link.person_key): link.master_id for link in links}
        self._by_identifier: dict[IdentifierType, dict[str, set[str]]] = {
            IdentifierType.NHS_NUMBER: {},
            IdentifierType.UPN: {},
            IdentifierType.LA_PERSON_ID: {},
        }
        for subject in self._subjects.values():
            for kind, values in (
                (IdentifierType.NHS_NUMBER, subject.nhs_numbers),
                (IdentifierType.UPN, subject.upns),
                (IdentifierType.LA_PERSON_ID, subject.la_person_ids),
            ):
                for value in values:
                    self._by_identifier[kind].setdefault(value, set()).add(subject.master_id)

    def subject(self, master_id: str) -> ResolvedSubject | None:
        """The person with this master id, or ``None``."""
        return self._subjects.get(master_id)

    def resolve(self, identifier_type: IdentifierType | str, value: str) -> ResolvedSubject | None:
        """The person with this identifier, or ``None``; see :meth:`IdentityResolver.resolve`.

        NHS numbers may have spaces or hyphens and UPNs any case or spaces. An identifier shared
        by people who could not be linked (a UPN on two children's records) raises
        :class:`IdentifierError` rather than picking one.
        """
        if identifier_type == MASTER_ID:
            return self.subject(value.strip())
        kind = _identifier_type(identifier_type)
        if kind is IdentifierType.SOURCE_ID:
            source, colon, key = value.partition(":")
            if not colon or not source.strip() or not key.strip():
                raise IdentifierError("a source id is written '<source_system>:<person_key>'")
            master_id = self._by_source.get((source.strip(), key.strip()))
            return None if master_id is None else self._subjects[master_id]
        masters = self._by_identifier[kind].get(_normalise(kind, value), set())
        if len(masters) > 1:
            raise IdentifierError(
                f"this {kind.value} is held by more than one person whose records could not be "
                "linked; search by NHS number or by a source's own id"
            )
        return self._subjects[next(iter(masters))] if masters else None


def _subject(
    master_id: str, links: Sequence[PersonLink], by_ref: Mapping[_Ref, _Record]
) -> ResolvedSubject:
    ids = [by_ref[(link.source_system, link.person_key)].ids for link in links]
    keys: dict[str, list[str]] = {}
    for link in links:
        keys.setdefault(link.source_system, []).append(link.person_key)

    def values(method: LinkMethod) -> frozenset[str]:
        return frozenset(value for held in ids if (value := held.get(method)) is not None)

    return ResolvedSubject(
        master_id=master_id,
        nhs_numbers=values(LinkMethod.NHS_NUMBER),
        upns=values(LinkMethod.UPN),
        la_person_ids=values(LinkMethod.LA_PERSON_ID),
        keys_by_source=MappingProxyType(
            {source: tuple(sorted(found)) for source, found in sorted(keys.items())}
        ),
        methods=frozenset(link.method for link in links),
    )


def _identifier_type(identifier: IdentifierType | str) -> IdentifierType:
    try:
        return IdentifierType(identifier)
    except ValueError:
        raise IdentifierError(
            f"unknown identifier type {identifier!r}; expected one of "
            + ", ".join(kind.value for kind in IdentifierType)
        ) from None


def _normalise(kind: IdentifierType, value: str) -> str:
    if kind is IdentifierType.NHS_NUMBER:
        return normalise_nhs_number(value)
    if kind is IdentifierType.UPN:
        return normalise_upn(value)
    la_person_id = value.strip()
    if not la_person_id:
        raise IdentifierError("an LA person id cannot be blank")
    return la_person_id


@dataclass(frozen=True, slots=True)
class LinkProposal:
    """A probabilistic linker's guess that two records are the same person."""

    left: Person
    right: Person
    #: How sure the linker is, from 0 to 1 (e.g. Splink's match probability).
    score: float
    #: The fields that agreed, e.g. ``("family_name", "birth_date")``.
    matched_fields: tuple[str, ...] = ()
    #: The linker's match weight (log2 of the Bayes factor), where it gives one.
    match_weight: float | None = None

    def __post_init__(self) -> None:
        if math.isnan(self.score) or not 0.0 <= self.score <= 1.0:
            raise ValueError("a proposal's score must be between 0 and 1")
        if self.match_weight is not None and not math.isfinite(self.match_weight):
            raise ValueError("a proposal's match weight must be a finite number")
        if (self.left.source_system, self.left.person_key) == (
            self.right.source_system,
            self.right.person_key,
        ):
            raise ValueError("a proposal links two different records")


@runtime_checkable
class ProbabilisticLinker(Protocol):
    """Proposes links between records no shared identifier joins (an adapter, e.g. over Splink)."""

    def propose(self, people: Sequence[Person]) -> list[LinkProposal]:
        """Pairs of records that may be the same person, each with a score."""
        ...


def accept_proposals(
    proposals: Iterable[LinkProposal], threshold: float, *, key: bytes
) -> list[PersonLink]:
    """``probabilistic`` links for the records of proposals scoring at or above ``threshold``.

    ``key`` keys the master ids, as for :func:`link_people`.

    Proposals below the threshold join nothing. Accepted ones never join records with different
    NHS numbers, UPNs or LA person ids. Each linked record's confidence is the best score among
    the accepted proposals that joined it; records left on their own get no link.
    """
    if math.isnan(threshold) or not 0.0 <= threshold <= 1.0:
        raise ValueError("the threshold must be between 0 and 1")
    _checked_key(key)
    accepted = [proposal for proposal in proposals if proposal.score >= threshold]
    records = _distinct_records(
        person for proposal in accepted for person in (proposal.left, proposal.right)
    )
    position = {record.ref: i for i, record in enumerate(records)}
    pairs = [
        (
            position[(proposal.left.source_system, proposal.left.person_key)],
            position[(proposal.right.source_system, proposal.right.person_key)],
            proposal.score,
        )
        for proposal in accepted
    ]
    clusters = _Clusters(records)
    clusters.merge_groups([(left, right) for left, right, _ in pairs], guards=_LINKING)
    confidence: dict[int, float] = {}
    for left, right, score in pairs:
        if clusters.find(left) == clusters.find(right):
            for i in (left, right):
                confidence[i] = max(score, confidence.get(i, 0.0))
    links: list[PersonLink] = []
    for rows in clusters.members().values():
        if len(rows) < 2:
            continue
        master_id = _master_id((records[i].ref for i in rows), key)
        links.extend(
            PersonLink(
                source_system=records[i].ref[0],
                person_key=records[i].ref[1],
                master_id=master_id,
                method=LinkMethod.PROBABILISTIC,
                confidence=confidence[i],
            )
            for i in rows
        )
    links.sort(key=lambda link: (link.source_system, link.person_key))
    return links
