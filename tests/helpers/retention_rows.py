"""Rows for the retention tests, written straight into the SDK's tables with SQLAlchemy Core.

Ages are in days before :data:`NOW`, so each test reads as "a request 800 days old".
"""

from __future__ import annotations

import itertools
import uuid
from collections.abc import Sequence
from datetime import UTC, datetime, timedelta

import sqlalchemy as sa

from familyhubs_sdk.store._schema import (
    analytics_events,
    delivery_attempts,
    drafts,
    evidence_files,
    metadata,
    outbox_jobs,
    rate_limits,
    request_assignments,
    request_notes,
    request_status_history,
    resume_tokens,
    support_requests,
)

NOW = datetime(2026, 6, 1, 12, 0, tzinfo=UTC)

_REFERENCE_ALPHABET = "ACDEFGHJKMNPQRTUVWXY34679"


class MemoryStorage:
    """Evidence bytes in a set; names in ``broken`` fail to delete, as a full disk would."""

    def __init__(self) -> None:
        self.names: set[str] = set()
        self.broken: set[str] = set()

    def delete(self, storage_name: str) -> None:
        if storage_name in self.broken:
            raise OSError("storage refused")
        self.names.discard(storage_name)


class Rows:
    """Writes requests, drafts, tokens and events, adding each evidence file to ``storage``;
    ages count back from ``now``."""

    def __init__(
        self, engine: sa.Engine, storage: MemoryStorage | None = None, *, now: datetime = NOW
    ) -> None:
        self.engine = engine
        self.storage = storage if storage is not None else MemoryStorage()
        self.now = now
        self._numbers = itertools.count()

    def ago(self, days: float) -> datetime:
        return self.now - timedelta(days=days)

    def _reference(self) -> str:
        number, letters = next(self._numbers), []
        for _ in range(8):
            number, digit = divmod(number, len(_REFERENCE_ALPHABET))
            letters.append(_REFERENCE_ALPHABET[digit])
        return "".join(letters)

    def _evidence(
        self, connection: sa.Connection, *, draft_id: str | None, request_id: str | None, age: float
    ) -> str:
        name = f"{uuid.uuid4().hex}.pdf"  # the shape storages accept
        connection.execute(
            evidence_files.insert().values(
                id=str(uuid.uuid4()),
                draft_id=draft_id,
                request_id=request_id,
                storage_name=name,
                display_name="letter.pdf",
                content_type="application/pdf",
                size_bytes=10,
                sha256="0" * 64,
                scan_status="clean",
                created_at=self.ago(age),
            )
        )
        self.storage.names.add(name)
        return name

    def request(
        self,
        age: float,
        *,
        jobs: Sequence[str] = ("delivered",),
        delivered_age: float | None = None,
        legal_hold: bool = False,
        evidence: int = 1,
        draft_id: str | None = None,
        triaged: bool = False,
    ) -> str:
        """A request ``age`` days old with one outbox job per status in ``jobs`` (each with one
        attempt), two status-history rows and ``evidence`` files; ``triaged`` adds the receiving
        team's assignment and two internal notes; returns its reference."""
        request_id, reference = str(uuid.uuid4()), self._reference()
        with self.engine.begin() as connection:
            connection.execute(
                support_requests.insert().values(
                    id=request_id,
                    reference=reference,
                    tree_id="request_for_support",
                    tree_version="1",
                    payload={"reference": reference},
                    status="new",
                    referrer_id="u-1",
                    created_at=self.ago(age),
                    updated_at=self.ago(age),
                    legal_hold=legal_hold,
                )
            )
            for from_status, to_status in ((None, "new"), ("new", "received")):
                connection.execute(
                    request_status_history.insert().values(
                        request_id=request_id,
                        from_status=from_status,
                        to_status=to_status,
                        changed_by="u-1",
                        changed_at=self.ago(age),
                    )
                )
            for status in jobs:
                job_id = str(uuid.uuid4())
                delivered = status == "delivered"
                connection.execute(
                    outbox_jobs.insert().values(
                        id=job_id,
                        request_id=request_id,
                        channel=f"channel-{job_id[:8]}",
                        idempotency_key=f"fh_{uuid.uuid4().hex}",
                        status=status,
                        attempts=1,
                        next_attempt_at=self.ago(age),
                        created_at=self.ago(age),
                        delivered_at=self.ago(age if delivered_age is None else delivered_age)
                        if delivered
                        else None,
                    )
                )
                connection.execute(
                    delivery_attempts.insert().values(
                        job_id=job_id,
                        attempted_at=self.ago(age),
                        outcome="delivered" if delivered else "failed",
                    )
                )
            for _ in range(evidence):
                self._evidence(connection, draft_id=draft_id, request_id=request_id, age=age)
            if triaged:
                connection.execute(
                    request_assignments.insert().values(
                        request_id=request_id,
                        assignee="team-early-help",
                        assigned_by="u-2",
                        assigned_at=self.ago(age),
                    )
                )
                connection.execute(
                    request_notes.insert(),
                    [
                        {
                            "request_id": request_id,
                            "author": "u-2",
                            "body": f"note {n}",
                            "created_at": self.ago(age),
                        }
                        for n in range(2)
                    ],
                )
        return reference

    def message_job(self, status: str, *, age: float, delivered_age: float | None = None) -> str:
        """An outbox job of no request (a message such as a resume link) queued ``age`` days
        ago, with one attempt; delivered ``delivered_age`` days ago when ``status`` is
        ``"delivered"``; returns its id."""
        job_id = str(uuid.uuid4())
        delivered = status == "delivered"
        with self.engine.begin() as connection:
            connection.execute(
                outbox_jobs.insert().values(
                    id=job_id,
                    request_id=None,
                    channel="notify",
                    idempotency_key=f"fh_{uuid.uuid4().hex}",
                    status=status,
                    attempts=1,
                    next_attempt_at=self.ago(age),
                    created_at=self.ago(age),
                    delivered_at=self.ago(age if delivered_age is None else delivered_age)
                    if delivered
                    else None,
                    message=None if delivered else {"kind": "resume_link"},
                )
            )
            connection.execute(
                delivery_attempts.insert().values(
                    job_id=job_id,
                    attempted_at=self.ago(age),
                    outcome="delivered" if delivered else "failed",
                )
            )
        return job_id

    def rate_limit(self, key: str, *, minutes_ago: float, window_minutes: int = 15) -> None:
        """A rate-limit count for ``key`` in the window ``minutes_ago`` fell in, numbered as
        ``StoreRateLimit`` numbers them."""
        at = self.now - timedelta(minutes=minutes_ago)
        with self.engine.begin() as connection:
            connection.execute(
                rate_limits.insert().values(
                    key=key, window_no=int(at.timestamp() // (window_minutes * 60)), attempts=3
                )
            )

    def draft(
        self,
        *,
        expired: float | None = None,
        submitted: float | None = None,
        evidence: int = 0,
        tokens: Sequence[str] = (),
    ) -> str:
        """A draft that expired ``expired`` days ago (negative: expires in the future) or was
        submitted ``submitted`` days ago, with unsent uploads and resume tokens (``"live"``,
        ``"used"`` or ``"expired"``); returns its id."""
        draft_id = str(uuid.uuid4())
        expires_at = self.ago(expired if expired is not None else -28)
        with self.engine.begin() as connection:
            connection.execute(
                drafts.insert().values(
                    id=draft_id,
                    tree_id="request_for_support",
                    tree_version="1",
                    state={},
                    created_at=expires_at - timedelta(days=28),
                    updated_at=expires_at - timedelta(days=28),
                    expires_at=expires_at,
                    submitted_at=None if submitted is None else self.ago(submitted),
                )
            )
            for _ in range(evidence):
                age = expired if expired is not None else (submitted or 0)
                self._evidence(connection, draft_id=draft_id, request_id=None, age=age + 28)
            for kind in tokens:
                connection.execute(
                    resume_tokens.insert().values(
                        token_hash=uuid.uuid4().hex + uuid.uuid4().hex,
                        draft_id=draft_id,
                        purpose="resume",
                        created_at=self.ago(30),
                        expires_at=self.ago(1) if kind == "expired" else self.ago(-1),
                        used_at=self.ago(2) if kind == "used" else None,
                    )
                )
        return draft_id

    def orphan_evidence(self, age: float) -> str:
        """An upload linked to neither a draft nor a request."""
        with self.engine.begin() as connection:
            return self._evidence(connection, draft_id=None, request_id=None, age=age)

    def analytics(self, *ages: float) -> None:
        with self.engine.begin() as connection:
            connection.execute(
                analytics_events.insert(),
                [
                    {
                        "tree_id": "request_for_support",
                        "tree_version": "1",
                        "journey_key": uuid.uuid4().hex,
                        "event": "answered",
                        "occurred_at": self.ago(age),
                    }
                    for age in ages
                ],
            )


def row_counts(engine: sa.Engine) -> dict[str, int]:
    """Rows in every SDK table."""
    with engine.connect() as connection:
        return {
            table.name: connection.scalar(sa.select(sa.func.count()).select_from(table)) or 0
            for table in metadata.sorted_tables
        }


def references(engine: sa.Engine) -> set[str]:
    with engine.connect() as connection:
        return set(connection.scalars(sa.select(support_requests.c.reference)))
