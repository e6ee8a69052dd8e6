"""Where journeys in progress are kept between requests: in memory (tests) or the SDK's store."""

from __future__ import annotations

import threading
import uuid
from datetime import timedelta
from typing import Protocol

import sqlalchemy as sa
from sqlalchemy.engine import Engine

from familyhubs_sdk._clock import Clock, utc_now
from familyhubs_sdk.questiontree import JourneyState
from familyhubs_sdk.store._schema import drafts

__all__ = ["DRAFT_LIFETIME", "DraftStore", "InMemoryDraftStore", "SQLDraftStore"]

#: How long an untouched draft is kept before it may be purged.
DRAFT_LIFETIME = timedelta(days=28)

# Built once: SQLAlchemy then finds each compiled statement by the object's remembered cache key,
# instead of building and keying a new statement on every request.
_OPEN = (drafts.c.id == sa.bindparam("draft_id"), drafts.c.submitted_at.is_(None))
_LOAD = sa.select(drafts.c.state).where(*_OPEN, drafts.c.expires_at > sa.bindparam("now"))
_SAVE = drafts.update().where(*_OPEN)
_SUBMITTED = sa.select(drafts.c.state, drafts.c.submitted_at).where(
    drafts.c.id == sa.bindparam("draft_id")
)


class DraftStore(Protocol):
    """Keeps journey states by an opaque, random draft id."""

    def create(self, state: JourneyState) -> str: ...

    def load(self, draft_id: str) -> JourneyState | None: ...

    def save(self, draft_id: str, state: JourneyState) -> bool:
        """Keep ``state`` for an open draft; ``False`` when the draft is already sent (or gone),
        and nothing was written. Checking and writing must be one atomic step, so an answer
        posted while the request is being sent can never overwrite the sent draft."""
        ...

    def submitted(self, draft_id: str) -> str | None:
        """The reference of the request made from this draft, once it is submitted."""
        ...

    def mark_submitted(self, draft_id: str, reference: str) -> None: ...


class InMemoryDraftStore:
    """Drafts in a dict: for tests and single-process demos."""

    def __init__(self) -> None:
        self._states: dict[str, JourneyState] = {}
        self._references: dict[str, str] = {}
        self._lock = threading.Lock()  # a save and a send never interleave

    def create(self, state: JourneyState) -> str:
        draft_id = str(uuid.uuid4())
        with self._lock:
            self._states[draft_id] = state
        return draft_id

    def load(self, draft_id: str) -> JourneyState | None:
        with self._lock:
            if draft_id in self._references:  # a sent request cannot be edited again
                return None
            return self._states.get(draft_id)

    def save(self, draft_id: str, state: JourneyState) -> bool:
        with self._lock:
            if draft_id in self._references or draft_id not in self._states:
                return False
            self._states[draft_id] = state
            return True

    def submitted(self, draft_id: str) -> str | None:
        with self._lock:
            return self._references.get(draft_id)

    def mark_submitted(self, draft_id: str, reference: str) -> None:
        with self._lock:
            self._references.setdefault(draft_id, reference)  # the first reference stands


class SQLDraftStore:
    """Drafts in the SDK's ``fh_drafts`` table, pinned to their tree's id and version."""

    def __init__(self, engine: Engine, *, clock: Clock = utc_now) -> None:
        self._engine = engine
        self._clock = clock

    def create(self, state: JourneyState) -> str:
        draft_id = str(uuid.uuid4())
        now = self._clock()
        with self._engine.begin() as connection:
            connection.execute(
                drafts.insert().values(
                    id=draft_id,
                    tree_id=state.tree_id,
                    tree_version=state.tree_version,
                    state=state.model_dump(mode="json"),
                    created_at=now,
                    updated_at=now,
                    expires_at=now + DRAFT_LIFETIME,
                )
            )
        return draft_id

    def load(self, draft_id: str) -> JourneyState | None:
        now = self._clock()
        with self._engine.connect() as connection:
            # Open drafts only: a sent request cannot be edited again.
            row = connection.execute(_LOAD, {"draft_id": draft_id, "now": now}).first()
        return None if row is None else JourneyState.model_validate(row.state)

    def save(self, draft_id: str, state: JourneyState) -> bool:
        now = self._clock()
        with self._engine.begin() as connection:
            # The condition is the guard: the database applies this UPDATE or the send's to the
            # row one after the other, and re-checks it on the row as it is then, so once the
            # send has committed no answer can overwrite the sent draft (rowcount 0).
            written = connection.execute(
                _SAVE,
                {
                    "draft_id": draft_id,
                    "state": state.model_dump(mode="json"),
                    "updated_at": now,
                    "expires_at": now + DRAFT_LIFETIME,
                },
            )
        return bool(written.rowcount == 1)

    def submitted(self, draft_id: str) -> str | None:
        with self._engine.connect() as connection:
            row = connection.execute(_SUBMITTED, {"draft_id": draft_id}).first()
        if row is None or row.submitted_at is None or not isinstance(row.state, dict):
            return None
        reference = row.state.get("reference")
        return reference if isinstance(reference, str) and reference else None

    def mark_submitted(self, draft_id: str, reference: str) -> None:
        # StoreSubmitter has usually marked it already, in the request's own transaction.
        with self._engine.begin() as connection:
            # The answers now live in the request; the draft keeps only its reference.
            connection.execute(
                drafts.update()
                .where(drafts.c.id == draft_id, drafts.c.submitted_at.is_(None))
                .values(state={"reference": reference}, submitted_at=self._clock())
            )
