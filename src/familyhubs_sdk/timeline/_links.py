"""Reviewed links between source records: proposed by a linker, decided by a person, used by the
identity resolver.

A source that knows a child only by name and date of birth (a police extract) shares no
identifier with the others, so the deterministic rules leave its records on their own. A
:class:`~familyhubs_sdk.timeline.ProbabilisticLinker` (e.g.
:class:`~familyhubs_sdk.timeline.SplinkLinker`) proposes pairs; :class:`LinkStore` keeps them in
the SDK's ``fh_person_links`` table until someone in information governance accepts or rejects
each one. Accepted links feed :class:`~familyhubs_sdk.timeline.DeterministicResolver`
(``accepted=store.accepted()``); rejected ones are remembered, so the same pair is never proposed
again. Only a viewer whose role has ``audit: true`` in the access rules may decide or link
(:class:`~familyhubs_sdk.errors.AuditPermissionError` otherwise). Every decision writes an audit
event per record, in the same transaction: who, when, the
link id and the records' opaque references, never a name. Given the current ``resolver``, it also
writes one per person the two records belong to, under the person's master id, so the person's
"who has viewed" lists the decision; an accepted link's person keeps the master id of the side
holding the smaller ``(source_system, person_key)``, which is one of these.

The table holds keys, match weights and the names of the fields that agreed, never the values.

>>> from familyhubs_sdk.store import create_engine, upgrade
>>> from familyhubs_sdk.timeline import AccessPolicy, AccessRules
>>> from familyhubs_sdk.views import Person
>>> engine = create_engine("sqlite://"); upgrade(engine)
>>> rules = AccessRules.from_yaml("roles: {information_governance: {audit: true}}")
>>> store = LinkStore(engine, audit=AuditLog(engine, key=b"k" * 32), policy=AccessPolicy(rules))
>>> child = Person(source_system="lcs", person_key="C1", given_name="Ada", family_name="Ng")
>>> police = Person(source_system="police", person_key="PN7", given_name="Ada", family_name="Ng")
>>> [new] = store.propose([LinkProposal(child, police, score=0.999, match_weight=10.3,
...                                     matched_fields=("family_name", "birth_date"))])
>>> new.status.value, new.left, new.right
('proposed', ('lcs', 'C1'), ('police', 'PN7'))
>>> officer = Viewer(id="ig-1", name="Ira Gold", role="information_governance", organisation="LA")
>>> store.accept(new.id, officer).status.value
'accepted'
>>> [link.right for link in store.accepted()]
[('police', 'PN7')]
>>> store.propose([LinkProposal(child, police, score=0.999)])  # decided pairs are not proposed
[]
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime
from enum import StrEnum

import sqlalchemy as sa
from pydantic import BaseModel, ConfigDict
from sqlalchemy.engine import Engine

from familyhubs_sdk._clock import Clock, utc_now
from familyhubs_sdk.errors import LinkReviewError
from familyhubs_sdk.store._schema import person_links
from familyhubs_sdk.timeline._audit import AuditAction, AuditLog
from familyhubs_sdk.timeline._identity import IdentityResolver, LinkProposal, ResolvedSubject
from familyhubs_sdk.timeline._policy import AccessPolicy
from familyhubs_sdk.timeline._review import require_audit
from familyhubs_sdk.views._vocab import LinkMethod
from familyhubs_sdk.web._viewer import Viewer

__all__ = ["LinkStatus", "LinkStore", "ReviewedLink"]

#: Most proposals one review page lists, strongest first.
REVIEW_LIMIT = 200

_Ref = tuple[str, str]


class LinkStatus(StrEnum):
    """Where a link is in its review."""

    PROPOSED = "proposed"
    ACCEPTED = "accepted"
    REJECTED = "rejected"


class ReviewedLink(BaseModel):
    """One link between two source records and its review: keys and weights, never names."""

    model_config = ConfigDict(frozen=True)

    id: int
    #: ``(source_system, person_key)`` of each record; ``left`` sorts first.
    left: tuple[str, str]
    right: tuple[str, str]
    method: LinkMethod
    status: LinkStatus
    #: The linker's match probability, 0 to 1 (``None`` for a manual link).
    score: float | None = None
    #: The linker's match weight, where it gives one.
    match_weight: float | None = None
    #: The fields that agreed, e.g. ``("family_name", "birth_date")``.
    matched_fields: tuple[str, ...] = ()
    proposed_at: datetime
    #: Who accepted or rejected it (a viewer id), and when.
    decided_by: str | None = None
    decided_at: datetime | None = None


class LinkStore:
    """Proposed, accepted and rejected links in the SDK's store (``fh_person_links``).

    :param audit: where each accept and reject is recorded.
    :param policy: whose rules say which roles may decide: those with ``audit: true``.
    """

    def __init__(
        self, engine: Engine, *, audit: AuditLog, policy: AccessPolicy, clock: Clock = utc_now
    ) -> None:
        self._engine = engine
        self._audit = audit
        self._policy = policy
        self._clock = clock

    # -- proposing ---------------------------------------------------------------------------

    def propose(
        self, proposals: Iterable[LinkProposal], *, resolver: IdentityResolver | None = None
    ) -> list[ReviewedLink]:
        """Store the new proposals for review and return them.

        Left out: pairs within one source (its own duplicates are its own to fix), pairs already
        stored whatever their status (so a rejected pair is never proposed again), and, given a
        ``resolver``, pairs it already resolves to one person.
        """
        fresh: dict[tuple[_Ref, _Ref], LinkProposal] = {}
        for proposal in proposals:
            pair = _pair(
                (proposal.left.source_system, proposal.left.person_key),
                (proposal.right.source_system, proposal.right.person_key),
            )
            if pair[0][0] == pair[1][0] or _already_one(resolver, pair):
                continue
            best = fresh.get(pair)
            if best is None or proposal.score > best.score:
                fresh[pair] = proposal
        now = self._clock()
        with self._engine.begin() as conn:
            known = _stored_pairs(conn, fresh)
            rows = [
                {
                    **_pair_columns(pair),
                    "link_method": LinkMethod.PROBABILISTIC.value,
                    "status": LinkStatus.PROPOSED.value,
                    "confidence": proposal.score,
                    "match_weight": proposal.match_weight,
                    "matched_fields": ",".join(proposal.matched_fields)[:200] or None,
                    "created_at": now,
                }
                for pair, proposal in sorted(fresh.items())
                if pair not in known
            ]
            if rows:
                conn.execute(person_links.insert(), rows)
        return [self._find(row) for row in rows]

    def link(
        self,
        left: tuple[str, str],
        right: tuple[str, str],
        viewer: Viewer,
        *,
        resolver: IdentityResolver | None = None,
    ) -> ReviewedLink:
        """Link two records by hand (accepted at once, ``manual``), audited like an accept."""
        self._check(viewer)
        pair = _pair(left, right)
        if pair[0] == pair[1]:
            raise LinkReviewError("a link joins two different records")
        _refuse_conflict(resolver, pair)
        with self._engine.begin() as conn:
            if _stored_pairs(conn, [pair]):
                raise LinkReviewError("these two records already have a link; decide that one")
            conn.execute(
                person_links.insert().values(
                    **_pair_columns(pair),
                    link_method=LinkMethod.MANUAL.value,
                    status=LinkStatus.PROPOSED.value,
                    created_at=self._clock(),
                )
            )
        return self.accept(self._find(_pair_columns(pair)).id, viewer, resolver=resolver)

    # -- reviewing ---------------------------------------------------------------------------

    def pending(self, *, limit: int = REVIEW_LIMIT) -> list[ReviewedLink]:
        """Proposals awaiting a decision, strongest first."""
        return self._select(LinkStatus.PROPOSED, limit=limit)

    def accepted(self) -> list[ReviewedLink]:
        """Every accepted link, oldest decision first: what the identity resolver consumes."""
        return self._select(LinkStatus.ACCEPTED, limit=None)

    def get(self, link_id: int) -> ReviewedLink:
        """The link with this id; :class:`~familyhubs_sdk.errors.LinkReviewError` if none."""
        with self._engine.connect() as conn:
            row = conn.execute(sa.select(person_links).where(person_links.c.id == link_id)).first()
        if row is None:
            raise LinkReviewError(f"no proposed link has id {link_id}")
        return _link_of(row._mapping)

    def accept(
        self,
        link_id: int,
        viewer: Viewer,
        *,
        resolver: IdentityResolver | None = None,
        request_id: str | None = None,
    ) -> ReviewedLink:
        """Accept a proposal: from now on its two records are one person.

        Given the current ``resolver``, a link that would join two different NHS numbers, UPNs
        or LA person ids is refused (:class:`~familyhubs_sdk.errors.LinkReviewError`); the
        resolver would ignore it anyway.
        """
        self._check(viewer)
        _refuse_conflict(resolver, _pair(*_ends(self.get(link_id))))
        return self._decide(link_id, viewer, LinkStatus.ACCEPTED, request_id, resolver)

    def reject(
        self,
        link_id: int,
        viewer: Viewer,
        *,
        resolver: IdentityResolver | None = None,
        request_id: str | None = None,
    ) -> ReviewedLink:
        """Reject a proposal: its records stay apart and the pair is never proposed again.

        Given the current ``resolver``, the decision is also audited under each record's person
        (master id), as for :meth:`accept`.
        """
        self._check(viewer)
        return self._decide(link_id, viewer, LinkStatus.REJECTED, request_id, resolver)

    def _decide(
        self,
        link_id: int,
        viewer: Viewer,
        status: LinkStatus,
        request_id: str | None,
        resolver: IdentityResolver | None,
    ) -> ReviewedLink:
        self._check(viewer)
        link = self.get(link_id)
        # Record references alone would leave the decision out of the person's own audit view,
        # which is keyed by master id.
        subject_ids = [f"{source}:{key}" for source, key in _ends(link)]
        subject_ids += _master_ids(resolver, _pair(*_ends(link)))
        now = self._clock()
        action = (
            AuditAction.LINK_ACCEPT if status is LinkStatus.ACCEPTED else AuditAction.LINK_REJECT
        )
        with self._engine.begin() as conn:
            # Only a proposal still undecided changes: two reviewers deciding at once cannot
            # both win.
            changed = conn.execute(
                person_links.update()
                .where(
                    person_links.c.id == link_id,
                    person_links.c.status == LinkStatus.PROPOSED.value,
                )
                .values(status=status.value, decided_by=viewer.id, decided_at=now)
            ).rowcount
            if changed != 1:
                raise LinkReviewError(f"link {link_id} was already {link.status.value}")
            for subject_id in subject_ids:
                self._audit.record(
                    viewer,
                    action,
                    subject_id=subject_id,
                    reason=f"person_link:{link_id}",
                    request_id=request_id,
                    connection=conn,
                )
        return self.get(link_id)

    def _check(self, viewer: Viewer) -> None:
        require_audit(self._policy, viewer, "deciding links between records")

    def _select(self, status: LinkStatus, *, limit: int | None) -> list[ReviewedLink]:
        table = person_links
        statement = sa.select(table).where(table.c.status == status.value)
        if status is LinkStatus.PROPOSED:
            statement = statement.order_by(
                table.c.match_weight.desc(), table.c.confidence.desc(), table.c.id
            )
        else:
            statement = statement.order_by(table.c.decided_at, table.c.id)
        if limit is not None:
            statement = statement.limit(limit)
        with self._engine.connect() as conn:
            return [_link_of(row._mapping) for row in conn.execute(statement)]

    def _find(self, columns: dict[str, object]) -> ReviewedLink:
        table = person_links
        with self._engine.connect() as conn:
            row = conn.execute(
                sa.select(table).where(
                    table.c.source_system == columns["source_system"],
                    table.c.source_person_id == columns["source_person_id"],
                    table.c.linked_source_system == columns["linked_source_system"],
                    table.c.linked_person_id == columns["linked_person_id"],
                )
            ).one()
        return _link_of(row._mapping)


def _pair(a: _Ref, b: _Ref) -> tuple[_Ref, _Ref]:
    """The two records in one order, so a pair is one row however it was proposed."""
    a, b = (str(a[0]), str(a[1])), (str(b[0]), str(b[1]))
    return (a, b) if a <= b else (b, a)


def _pair_columns(pair: tuple[_Ref, _Ref]) -> dict[str, object]:
    (source, key), (linked_source, linked_key) = pair
    return {
        "source_system": source,
        "source_person_id": key,
        "linked_source_system": linked_source,
        "linked_person_id": linked_key,
    }


def _ends(link: ReviewedLink) -> tuple[_Ref, _Ref]:
    return link.left, link.right


def _stored_pairs(
    conn: sa.Connection, pairs: Iterable[tuple[_Ref, _Ref]]
) -> set[tuple[_Ref, _Ref]]:
    """Which of ``pairs`` already have a row, whatever its status."""
    wanted = set(pairs)
    if not wanted:
        return set()
    table = person_links
    sources = sorted({pair[0][0] for pair in wanted})
    rows = conn.execute(
        sa.select(
            table.c.source_system,
            table.c.source_person_id,
            table.c.linked_source_system,
            table.c.linked_person_id,
        ).where(
            table.c.source_system.in_(sources),
            table.c.source_person_id.in_(sorted({pair[0][1] for pair in wanted})),
        )
    )
    stored = {((row[0], row[1]), (row[2], row[3])) for row in rows}
    return wanted & stored


def _subjects(
    resolver: IdentityResolver | None, pair: tuple[_Ref, _Ref]
) -> tuple[ResolvedSubject | None, ResolvedSubject | None]:
    if resolver is None:
        return None, None
    left, right = (resolver.resolve("source_id", f"{s}:{k}") for s, k in pair)
    return left, right


def _master_ids(resolver: IdentityResolver | None, pair: tuple[_Ref, _Ref]) -> list[str]:
    """The distinct master ids of the people the two records belong to, where resolvable."""
    found: list[str] = []
    for subject in _subjects(resolver, pair):
        if subject is not None and subject.master_id not in found:
            found.append(subject.master_id)
    return found


def _already_one(resolver: IdentityResolver | None, pair: tuple[_Ref, _Ref]) -> bool:
    left, right = _subjects(resolver, pair)
    return left is not None and right is not None and left.master_id == right.master_id


def _refuse_conflict(resolver: IdentityResolver | None, pair: tuple[_Ref, _Ref]) -> None:
    left, right = _subjects(resolver, pair)
    if left is None or right is None or left.master_id == right.master_id:
        return
    for what, mine, theirs in (
        ("NHS numbers", left.nhs_numbers, right.nhs_numbers),
        ("UPNs", left.upns, right.upns),
        ("LA person ids", left.la_person_ids, right.la_person_ids),
    ):
        if mine and theirs and mine != theirs:
            raise LinkReviewError(
                f"accepting this link would join two different {what}; reject it instead"
            )


def _link_of(row: sa.RowMapping) -> ReviewedLink:
    fields = row["matched_fields"]
    return ReviewedLink(
        id=row["id"],
        left=(row["source_system"], row["source_person_id"]),
        right=(row["linked_source_system"], row["linked_person_id"]),
        method=LinkMethod(row["link_method"]),
        status=LinkStatus(row["status"]),
        score=row["confidence"],
        match_weight=row["match_weight"],
        matched_fields=tuple(fields.split(",")) if fields else (),
        proposed_at=row["created_at"],
        decided_by=row["decided_by"],
        decided_at=row["decided_at"],
    )
