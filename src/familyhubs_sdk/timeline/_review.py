"""The emergency access review queue: information governance checks every use of break-glass.

Each item is one professional's emergency (break-glass) reads of one subject on one day (UTC),
read from the access audit itself — so nothing can use emergency access without it landing here.
An item is pending until someone whose role has ``audit: true`` reviews it, with an outcome and a
note; the review is kept beside the audit and is itself audited (``access_review``). The queue
names subjects by their opaque audit reference only.

>>> from familyhubs_sdk.store import create_engine, upgrade
>>> from familyhubs_sdk.timeline import AccessPolicy, AccessRules, AuditAction, AuditLog, Viewer
>>> engine = create_engine("sqlite://"); upgrade(engine)
>>> audit = AuditLog(engine, key=b"k" * 32)
>>> hv = Viewer(id="hv", name="Hari Bell", role="health_visitor", organisation="NHS")
>>> _ = audit.record(hv, AuditAction.TIMELINE_VIEW, subject_id="p1", reason="health_care",
...                  break_glass=True, justification="A&E called about a fall")
>>> rules = AccessRules.from_yaml("roles: {information_governance: {audit: true}}")
>>> reviews = AccessReviews(engine, audit=audit, policy=AccessPolicy(rules))
>>> ig = Viewer(id="ig", name="Ines Grant", role="information_governance", organisation="LA")
>>> [(item.actor_name, item.views, item.status) for item in reviews.queue(ig)]
[('Hari Bell', 1, 'pending')]
>>> done = reviews.review(ig, reviews.queue(ig)[0].key, "appropriate", "Confirmed with A&E.")
>>> done.status, done.outcome, reviews.queue(ig, status="pending")
('reviewed', 'appropriate', [])
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable, Mapping
from datetime import date, datetime
from typing import Any, Literal

import sqlalchemy as sa
from pydantic import BaseModel, ConfigDict
from sqlalchemy.engine import Engine

from familyhubs_sdk._clock import Clock, utc_now
from familyhubs_sdk.errors import AccessReviewError, AuditPermissionError
from familyhubs_sdk.store._schema import access_reviews, audit_events
from familyhubs_sdk.timeline._audit import AuditAction, AuditLog, AuditOutcome
from familyhubs_sdk.timeline._policy import AccessPolicy
from familyhubs_sdk.web._viewer import Viewer

__all__ = [
    "REVIEW_NOTE_LIMIT",
    "REVIEW_OUTCOMES",
    "AccessReviewItem",
    "AccessReviews",
    "ReviewStatus",
]

#: What a review may conclude, by code, with the words the screens use.
REVIEW_OUTCOMES: Mapping[str, str] = {
    "appropriate": "Appropriate",
    "not_appropriate": "Not appropriate: raised with the professional's manager",
    "more_information": "More information asked for",
}
#: The longest note a review keeps.
REVIEW_NOTE_LIMIT = 500
#: The most emergency reads the queue reads from the audit at once (newest first).
_QUEUE_EVENTS = 5_000

ReviewStatus = Literal["pending", "reviewed"]


class AccessReviewItem(BaseModel):
    """One professional's emergency access to one record on one day, and its review."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    #: Opaque and stable: names the item in a URL without naming anyone.
    key: str
    subject_ref: str
    actor_id: str
    actor_name: str | None = None
    actor_role: str
    actor_organisation: str
    day: date
    first_at: datetime
    last_at: datetime
    #: How many screens of the record were read with emergency access that day.
    views: int
    #: Why the professional said they needed emergency access (the first they gave that day).
    justification: str | None = None
    status: ReviewStatus = "pending"
    outcome: str | None = None
    note: str | None = None
    reviewer_id: str | None = None
    reviewer_name: str | None = None
    reviewed_at: datetime | None = None


def may_audit(policy: AccessPolicy, viewer: Viewer) -> bool:
    """Whether ``viewer``'s role has ``audit: true`` in ``policy``'s rules (unknown: no)."""
    rule = policy.rules.roles.get(viewer.role)
    return rule is not None and rule.audit


def require_audit(policy: AccessPolicy, viewer: Viewer, what: str) -> None:
    """Refuse a viewer whose role lacks the ``audit`` permission: ``what`` is for information
    governance alone."""
    if not may_audit(policy, viewer):
        raise AuditPermissionError(
            f"role {viewer.role!r} has no audit permission: {what} is for information governance"
        )


def _key(subject_ref: str, actor_id: str, day: date) -> str:
    digest = hashlib.sha256(f"{subject_ref}\x1f{actor_id}\x1f{day.isoformat()}".encode())
    return f"r1-{digest.hexdigest()[:32]}"


class AccessReviews:
    """The review queue in the SDK's store ``engine`` (the one ``audit`` writes to); every
    method needs a viewer whose role has ``audit: true`` in ``policy``'s rules, or raises
    :class:`AuditPermissionError`."""

    def __init__(
        self, engine: Engine, *, audit: AuditLog, policy: AccessPolicy, clock: Clock = utc_now
    ) -> None:
        self.audit = audit
        self.policy = policy
        self._engine = engine
        self._clock = clock

    def may_review(self, viewer: Viewer) -> bool:
        """Whether ``viewer``'s role has the ``audit`` permission."""
        return may_audit(self.policy, viewer)

    def queue(
        self, viewer: Viewer, *, status: ReviewStatus | None = None
    ) -> list[AccessReviewItem]:
        """Every emergency access, pending first then newest first, or only those of
        ``status``."""
        self._check(viewer)
        items = self._items()
        if status is not None:
            items = [item for item in items if item.status == status]
        return sorted(items, key=lambda i: (i.status != "pending", -i.last_at.timestamp()))

    def item(self, viewer: Viewer, key: str) -> AccessReviewItem:
        """The item with ``key``; :class:`AccessReviewError` if there is none."""
        self._check(viewer)
        found = next((item for item in self._items() if item.key == key), None)
        if found is None:
            raise AccessReviewError("no emergency access to review has that key")
        return found

    def review(self, viewer: Viewer, key: str, outcome: str, note: str) -> AccessReviewItem:
        """Record ``viewer``'s review of the item with ``key`` and audit it, in one transaction.

        :raises AccessReviewError: unknown key, already reviewed, an outcome not in
            :data:`REVIEW_OUTCOMES`, or a note longer than :data:`REVIEW_NOTE_LIMIT`.
        """
        item = self.item(viewer, key)
        if outcome not in REVIEW_OUTCOMES:
            raise AccessReviewError(f"the review outcome must be one of {sorted(REVIEW_OUTCOMES)}")
        note = note.strip()
        if len(note) > REVIEW_NOTE_LIMIT:
            raise AccessReviewError(
                f"the review note is longer than {REVIEW_NOTE_LIMIT} characters"
            )
        if item.status == "reviewed":
            raise AccessReviewError("this emergency access was already reviewed")
        now = self._clock()
        with self._engine.begin() as connection:
            try:
                connection.execute(
                    access_reviews.insert().values(
                        subject_ref=item.subject_ref,
                        actor_id=item.actor_id,
                        day=item.day,
                        outcome=outcome,
                        note=note or None,
                        reviewer_id=viewer.id,
                        reviewer_name=viewer.name,
                        reviewed_at=now,
                    )
                )
            except sa.exc.IntegrityError:
                # Someone else reviewed it between reading and writing.
                raise AccessReviewError("this emergency access was already reviewed") from None
            self.audit.record(
                viewer, AuditAction.ACCESS_REVIEW, subject_ref=item.subject_ref,
                reason="access_review", outcome=AuditOutcome.ALLOWED, connection=connection,
            )  # fmt: skip
        return item.model_copy(
            update={
                "status": "reviewed",
                "outcome": outcome,
                "note": note or None,
                "reviewer_id": viewer.id,
                "reviewer_name": viewer.name,
                "reviewed_at": now,
            }
        )

    def _check(self, viewer: Viewer) -> None:
        require_audit(self.policy, viewer, "the review queue")

    def _items(self) -> list[AccessReviewItem]:
        """Emergency reads grouped per professional, subject and day, with their reviews."""
        events = audit_events.c
        statement = (
            sa.select(
                events.subject_ref,
                events.actor_id,
                events.actor_name,
                events.actor_role,
                events.actor_organisation,
                events.occurred_at,
                events.justification,
            )
            .where(
                events.break_glass.is_(True),
                events.outcome == AuditOutcome.ALLOWED.value,
                events.subject_ref.is_not(None),
            )
            .order_by(events.occurred_at.desc(), events.id.desc())
            .limit(_QUEUE_EVENTS)
        )
        with self._engine.connect() as connection:
            rows = list(connection.execute(statement))
            reviews = {
                (r.subject_ref, r.actor_id, r.day): r
                for r in connection.execute(sa.select(access_reviews))
            }
        return [
            self._item(group, reviews.get(grouping)) for grouping, group in _grouped(rows).items()
        ]

    @staticmethod
    def _item(group: list[Any], review: Any | None) -> AccessReviewItem:
        newest, oldest = group[0], group[-1]
        day = oldest.occurred_at.date()
        return AccessReviewItem(
            key=_key(oldest.subject_ref, oldest.actor_id, day),
            subject_ref=oldest.subject_ref,
            actor_id=oldest.actor_id,
            actor_name=newest.actor_name,
            actor_role=newest.actor_role,
            actor_organisation=newest.actor_organisation,
            day=day,
            first_at=oldest.occurred_at,
            last_at=newest.occurred_at,
            views=len(group),
            justification=oldest.justification,
            status="reviewed" if review is not None else "pending",
            outcome=review.outcome if review is not None else None,
            note=review.note if review is not None else None,
            reviewer_id=review.reviewer_id if review is not None else None,
            reviewer_name=review.reviewer_name if review is not None else None,
            reviewed_at=review.reviewed_at if review is not None else None,
        )


def _grouped(rows: Iterable[Any]) -> dict[tuple[str, str, date], list[Any]]:
    """Rows (newest first) by (subject, professional, UTC day), each group newest first."""
    groups: dict[tuple[str, str, date], list[Any]] = {}
    for row in rows:
        groups.setdefault((row.subject_ref, row.actor_id, row.occurred_at.date()), []).append(row)
    return groups
