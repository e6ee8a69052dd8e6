"""Store a completed request: its reference is shown only once it is safely written."""

from __future__ import annotations

import secrets
import uuid
from collections.abc import Callable, Sequence
from datetime import UTC, datetime
from typing import Any, Protocol

from sqlalchemy.engine import Engine
from sqlalchemy.exc import IntegrityError

from familyhubs_sdk.errors import StoreError
from familyhubs_sdk.questiontree import IndicatedOutcome, SummaryRow
from familyhubs_sdk.store.schema import request_status_history, support_requests

__all__ = ["REFERENCE_ALPHABET", "StoreSubmitter", "Submitter", "new_reference"]

#: No 0/O, 1/I/L, 2/Z, 5/S or 8/B: references are read out over the phone.
REFERENCE_ALPHABET = "ACDEFGHJKMNPQRTUVWXY34679"
REFERENCE_LENGTH = 8


def new_reference(choice: Callable[[str], str] = secrets.choice) -> str:
    """A reference like ``K7QD4RXA``: 25 ** 8, about 150 billion, possibilities."""
    return "".join(choice(REFERENCE_ALPHABET) for _ in range(REFERENCE_LENGTH))


class Submitter(Protocol):
    """Stores a completed journey and returns its reference."""

    def submit(
        self,
        *,
        tree_id: str,
        tree_version: str,
        answers: Sequence[SummaryRow],
        outcomes: Sequence[IndicatedOutcome],
        referrer_id: str,
    ) -> str: ...


def _now() -> datetime:
    return datetime.now(UTC)


class StoreSubmitter:
    """Writes the request and its first status in one transaction in the SDK's store."""

    def __init__(
        self,
        engine: Engine,
        *,
        clock: Callable[[], datetime] = _now,
        reference: Callable[[], str] = new_reference,
    ) -> None:
        self._engine = engine
        self._clock = clock
        self._reference = reference

    def submit(
        self,
        *,
        tree_id: str,
        tree_version: str,
        answers: Sequence[SummaryRow],
        outcomes: Sequence[IndicatedOutcome],
        referrer_id: str,
    ) -> str:
        payload: dict[str, Any] = {
            "answers": [
                {
                    "question_id": row.question_id,
                    "address": row.address,
                    "label": row.label,
                    "value": row.value,
                    "section": row.section,
                    "repeat": row.repeat_label,
                }
                for row in answers
            ],
            "outcomes": [
                {"id": o.id, "label": o.label, "reasons": [list(r) for r in o.reasons]}
                for o in outcomes
            ],
        }
        for _attempt in range(5):
            reference = self._reference()
            now = self._clock()
            request_id = str(uuid.uuid4())
            try:
                with self._engine.begin() as connection:
                    connection.execute(
                        support_requests.insert().values(
                            id=request_id,
                            reference=reference,
                            tree_id=tree_id,
                            tree_version=tree_version,
                            payload=payload,
                            status="new",
                            referrer_id=referrer_id,
                            created_at=now,
                            updated_at=now,
                        )
                    )
                    connection.execute(
                        request_status_history.insert().values(
                            request_id=request_id,
                            from_status=None,
                            to_status="new",
                            changed_by=referrer_id,
                            changed_at=now,
                        )
                    )
            except IntegrityError:
                continue  # the reference was taken: draw another
            return reference
        raise StoreError("could not find a free request reference after 5 attempts")
