"""The professional directory: one card per professional, whichever sources mention them.

By default a professional id is looked up in the source that mentions it (``lcs:S0003`` in the
``lcs`` connector). A **namespace** says that several sources share one set of staff ids and names
the connectors that hold them — typically an HR export mapped to ``professional`` and
``professional_contact_point``::

    directory = ProfessionalDirectory([
        DirectoryNamespace(name="hr", directory=("hr",), sources=("lcs", "health")),
    ])

Then ``S0003`` from ``lcs`` and ``S0003`` from ``health`` are the same person, looked up once in
``hr``, shown on one card (``hr:S0003``). Staff who have left (``period_end`` on or before today)
keep their card, by name with the day they left, but show only duty contact points (their team's
line), never their own.

>>> directory = ProfessionalDirectory([DirectoryNamespace(name="hr", sources=("lcs", "health"))])
>>> directory.card_id("lcs", "S0003"), directory.card_id("health", "S0003")
('hr:S0003', 'hr:S0003')
>>> directory.card_id("police", "S0003")
'police:S0003'
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from datetime import date
from typing import Annotated, Any

from pydantic import BaseModel, ConfigDict, Field, StringConstraints, model_validator

from familyhubs_sdk.connectors._base import ProfessionalContacts, SourceConnector
from familyhubs_sdk.connectors._federated import FederatedSource
from familyhubs_sdk.errors import ConfigurationError
from familyhubs_sdk.timeline._display import ContactCard, ContactPoint
from familyhubs_sdk.views._canonical import Involvement, ProfessionalContactPoint, TimelineEvent
from familyhubs_sdk.views._vocab import INVOLVEMENT_ROLES

__all__ = ["DirectoryNamespace", "ProfessionalDirectory"]

#: Contacts one connector was already asked for: the ids asked, and what it found.
KnownContacts = tuple[frozenset[str], Sequence[ProfessionalContacts]]

_Name = Annotated[str, StringConstraints(pattern=r"^[A-Za-z0-9_.-]{1,64}$")]
_POINT_LABELS = {
    ("phone", "work"): "Work phone",
    ("phone", "duty"): "Duty phone",
    ("phone", "mobile"): "Mobile",
    ("email", "work"): "Work email",
    ("email", "duty"): "Duty email",
}


class DirectoryNamespace(BaseModel):
    """Sources whose professional ids are one set, and the connectors that hold that set."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    #: Shown in card ids (``hr:S0003``).
    name: _Name
    #: Connectors holding the namespace's ``professional`` views; by default the one named
    #: ``name``. The first that knows a professional gives their name and role; contact points
    #: from all of them are shown.
    directory: tuple[_Name, ...] = ()
    #: Sources (their ``source_system``) whose professional ids are in this namespace.
    sources: tuple[_Name, ...] = Field(min_length=1)

    @model_validator(mode="after")
    def _default_directory(self) -> DirectoryNamespace:
        if not self.directory:
            object.__setattr__(self, "directory", (self.name,))
        return self


class ProfessionalDirectory:
    """Finds the professionals a child's records mention and builds one card for each."""

    def __init__(self, namespaces: Sequence[DirectoryNamespace] = ()) -> None:
        self.namespaces = tuple(namespaces)
        self._by_source: dict[str, DirectoryNamespace] = {}
        self._by_directory: dict[str, DirectoryNamespace] = {}
        for space in self.namespaces:
            for source in space.sources:
                if source in self._by_source:
                    raise ConfigurationError(f"source {source!r} is in two directory namespaces")
                self._by_source[source] = space
            for connector in space.directory:
                if connector in self._by_directory:
                    raise ConfigurationError(
                        f"connector {connector!r} holds two directory namespaces"
                    )
                self._by_directory[connector] = space

    @classmethod
    def from_data(cls, data: Any) -> ProfessionalDirectory:
        """From configuration: one mapping or a list of them, e.g.
        ``{namespace: hr, directory: [hr], sources: [lcs, health]}``."""
        items = data if isinstance(data, list) else [data]
        try:
            spaces = [
                DirectoryNamespace.model_validate(
                    {("name" if k == "namespace" else k): v for k, v in item.items()}
                )
                for item in items
            ]
        except (AttributeError, ValueError) as exc:
            raise ConfigurationError(f"directory: {exc}".splitlines()[0]) from None
        return cls(spaces)

    def card_id(self, source: str, professional_id: str) -> str:
        """The card a source's professional id is shown on."""
        space = self._by_source.get(source)
        return f"{space.name if space else source}:{professional_id}"

    def looks_up_in_itself(self, source: str) -> bool:
        """Whether ``source``'s professional ids are looked up in ``source``'s own connector (no
        namespace sends them elsewhere): then its reader can fetch them with its records."""
        space = self._by_source.get(source)
        return space is None or space.directory == (source,)

    def cards(
        self,
        federated: FederatedSource,
        involvements: Iterable[Involvement],
        events: Iterable[TimelineEvent],
        today: date,
        *,
        known: Mapping[str, KnownContacts] | None = None,
    ) -> list[ContactCard]:
        """A card for everyone involved with the child or named on one of ``events``, each once,
        looked up where their namespace says.

        ``known`` holds, per connector, contacts already read with the source's records (the
        ids asked for, and what was found): a connector asked for every id it is wanted for is
        not asked again. Only the professionals that ``involvements`` and ``events`` name get a
        card, whatever else ``known`` holds.
        """
        latest = _latest_involvements(involvements, self.card_id)
        mentioned = [(i.source_system, i.professional_id) for i in latest.values()]
        mentioned += [(e.source_system, e.professional_id) for e in events if e.professional_id]
        wanted = self._wanted(mentioned)
        named_by: dict[str, str] = {}
        for source, professional in mentioned:
            named_by.setdefault(self.card_id(source, professional), source)
        ready: dict[str, list[ProfessionalContacts]] = {}
        for connector, ids in wanted.items():
            asked, found_there = (known or {}).get(connector, (frozenset(), ()))
            if asked.issuperset(ids):
                keep = set(ids)
                ready[connector] = [
                    c for c in found_there if c.professional.professional_id in keep
                ]
        rest = {connector: ids for connector, ids in wanted.items() if connector not in ready}
        if rest:
            for connector, contacts in federated.gather(rest, _tagged).items:
                ready.setdefault(connector, []).append(contacts)
        found = [
            (connector, contacts) for connector in wanted for contacts in ready.get(connector, ())
        ]
        merged: dict[str, ProfessionalContacts] = {}
        for connector, contacts in found:
            space = self._by_directory.get(connector)
            p = contacts.professional
            card = f"{space.name if space else p.source_system}:{p.professional_id}"
            merged[card] = _merge(merged.get(card), contacts)
        return [
            _card(card, contacts, latest.get(card), today, named_by.get(card))
            for card, contacts in merged.items()
        ]

    def _wanted(self, mentioned: Iterable[tuple[str, str]]) -> dict[str, list[str]]:
        """Professional ids to ask each connector for, each once, in first-mentioned order."""
        wanted: dict[str, list[str]] = {}
        for source, professional in mentioned:
            space = self._by_source.get(source)
            for connector in space.directory if space else (source,):
                ids = wanted.setdefault(connector, [])
                if professional not in ids:
                    ids.append(professional)
        return wanted


def _tagged(
    connector: SourceConnector, ids: Sequence[str]
) -> list[tuple[str, ProfessionalContacts]]:
    return [(connector.name, contacts) for contacts in connector.professional_contacts(ids)]


def _merge(first: ProfessionalContacts | None, more: ProfessionalContacts) -> ProfessionalContacts:
    """The first directory's professional, with every directory's contact points once each."""
    if first is None:
        return more
    seen = {(p.system, p.value) for p in first.contact_points}
    extra = [p for p in more.contact_points if (p.system, p.value) not in seen]
    return first.model_copy(update={"contact_points": (*first.contact_points, *extra)})


def _latest_involvements(
    involvements: Iterable[Involvement], card_id: Any
) -> dict[str, Involvement]:
    """Each professional's most recent involvement, by card."""
    latest: dict[str, Involvement] = {}
    for item in involvements:
        key = card_id(item.source_system, item.professional_id)
        if key not in latest or item.period_start > latest[key].period_start:
            latest[key] = item
    return latest


def _card(
    card_id: str,
    contacts: ProfessionalContacts,
    involvement: Involvement | None,
    today: date,
    source_system: str | None,
) -> ContactCard:
    """One professional's card; their latest involvement says their role and whether it is
    current. Someone who has left is shown by name, with only duty contact points."""
    p = contacts.professional
    left = p.period_end if p.period_end is not None and p.period_end <= today else None
    current = (
        left is None
        and involvement is not None
        and (involvement.period_end is None or involvement.period_end >= today)
    )
    points = [
        point for point in contacts.contact_points if left is None or point.use.value == "duty"
    ]
    return ContactCard(
        id=card_id,
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
        contact_points=tuple(_point(point) for point in points),
        left_on=left,
        source_system=source_system,
    )


def _point(point: ProfessionalContactPoint) -> ContactPoint:
    return ContactPoint(
        system=point.system.value,
        value=point.value,
        use=point.use.value,
        label="Secure email"
        if point.system.value == "secure_email"
        else _POINT_LABELS.get((point.system.value, point.use.value), "Contact"),
    )
