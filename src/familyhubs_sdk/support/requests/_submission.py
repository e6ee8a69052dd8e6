"""Store a completed request and queue its delivery, in one transaction: the reference is shown
only once both are safely written.

The request row, its first status, one outbox job per delivery channel, the link from its
evidence files and the draft's "submitted" mark commit together or not at all. A form posted
twice (a double click, a retry after a dropped connection) makes one request: requests are
unique by draft, and the second post gets the first one's reference.
"""

from __future__ import annotations

import secrets
import uuid
from collections.abc import Callable, Sequence
from datetime import datetime
from typing import Protocol

import sqlalchemy as sa
from sqlalchemy.engine import Connection, Engine
from sqlalchemy.exc import IntegrityError

from familyhubs_sdk._clock import Clock, utc_now
from familyhubs_sdk.delivery._outbox import enqueue
from familyhubs_sdk.errors import StoreError
from familyhubs_sdk.store._schema import (
    drafts,
    evidence_files,
    request_status_history,
    support_requests,
)
from familyhubs_sdk.support.requests._request import SupportRequest

__all__ = [
    "REFERENCE_ALPHABET",
    "RequestMaker",
    "StoreSubmitter",
    "Submitter",
    "load_request",
    "new_reference",
]

#: No 0/O, 1/I/L, 2/Z, 5/S or 8/B: references are read out over the phone.
REFERENCE_ALPHABET = "ACDEFGHJKMNPQRTUVWXY34679"
REFERENCE_LENGTH = 8


def new_reference(choice: Callable[[str], str] = secrets.choice) -> str:
    """A reference like ``K7QD4RXA``: 25 ** 8, about 150 billion, possibilities."""
    return "".join(choice(REFERENCE_ALPHABET) for _ in range(REFERENCE_LENGTH))


class RequestMaker(Protocol):
    """Builds the request snapshot once the submitter has drawn its id, reference and time."""

    def __call__(self, *, id: str, reference: str, submitted_at: datetime) -> SupportRequest: ...


class Submitter(Protocol):
    """Stores a completed journey and returns the request as stored."""

    def submit(self, make: RequestMaker, *, draft_id: str | None = None) -> SupportRequest: ...

    def sent(self, draft_id: str) -> SupportRequest | None:
        """The request made from ``draft_id``, once it is submitted."""
        ...


def load_request(connection: Connection, *, request_id: str) -> SupportRequest | None:
    """The stored snapshot of one request, or ``None``."""
    payload = connection.scalar(
        sa.select(support_requests.c.payload).where(support_requests.c.id == request_id)
    )
    return None if payload is None else SupportRequest.from_payload(payload)


class StoreSubmitter:
    """Writes requests into the SDK's store with their delivery jobs.

    :param channels: the delivery channels every request goes to (names of the
        :class:`~familyhubs_sdk.delivery.DeliveryChannel` objects the outbox workers hold).
    """

    def __init__(
        self,
        engine: Engine,
        *,
        channels: Sequence[str] = ("file_drop",),
        clock: Clock = utc_now,
        reference: Callable[[], str] = new_reference,
    ) -> None:
        if not channels:
            raise StoreError("StoreSubmitter needs at least one delivery channel")
        self._engine = engine
        self.channels = tuple(channels)
        self._clock = clock
        self._reference = reference

    def submit(self, make: RequestMaker, *, draft_id: str | None = None) -> SupportRequest:
        for _attempt in range(5):
            request = make(
                id=str(uuid.uuid4()), reference=self._reference(), submitted_at=self._clock()
            )
            try:
                with self._engine.begin() as connection:
                    self._write(connection, request, draft_id)
            except IntegrityError:
                if draft_id is not None:
                    existing = self.sent(draft_id)
                    if existing is not None:
                        return existing  # posted twice: the first one stands
                continue  # the reference was taken: draw another
            return request
        raise StoreError("could not find a free request reference after 5 attempts")

    def _write(self, connection: Connection, request: SupportRequest, draft_id: str | None) -> None:
        now = request.submitted_at
        connection.execute(
            support_requests.insert().values(
                id=request.id,
                reference=request.reference,
                tree_id=request.tree_id,
                tree_version=request.tree_version,
                payload=request.to_payload(),
                status="new",
                referrer_id=request.referrer_id,
                created_at=now,
                updated_at=now,
                draft_id=draft_id,
            )
        )
        connection.execute(
            request_status_history.insert().values(
                request_id=request.id,
                from_status=None,
                to_status="new",
                changed_by=request.referrer_id,
                changed_at=now,
            )
        )
        enqueue(connection, request_id=request.id, channels=self.channels, now=now)
        if draft_id is None:
            return
        if request.evidence:
            connection.execute(
                evidence_files.update()
                .where(
                    evidence_files.c.draft_id == draft_id,
                    evidence_files.c.id.in_([e.id for e in request.evidence]),
                )
                .values(request_id=request.id)
            )
        # The answers now live in the request; the draft keeps only its reference.
        connection.execute(
            drafts.update()
            .where(drafts.c.id == draft_id, drafts.c.submitted_at.is_(None))
            .values(state={"reference": request.reference}, submitted_at=now)
        )

    def sent(self, draft_id: str) -> SupportRequest | None:
        with self._engine.connect() as connection:
            request_id = connection.scalar(
                sa.select(support_requests.c.id).where(support_requests.c.draft_id == draft_id)
            )
            return None if request_id is None else load_request(connection, request_id=request_id)
