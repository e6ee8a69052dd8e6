"""One HTTP request of one journey as the journey's steps see it (:class:`Visit`), the draft it
works on (:class:`Draft`), and the session values they come from."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date
from typing import Any

from familyhubs_sdk.questiontree import JourneyState
from familyhubs_sdk.web import WebRequest

__all__ = [
    "DRAFT_SESSION_KEY",
    "JOURNEY_SESSION_KEY",
    "Draft",
    "Visit",
    "first_value",
    "session_value",
    "shown_percent",
]

#: The session key of the draft being filled in (a random id, nothing personal).
DRAFT_SESSION_KEY = "familyhubs_draft_id"
#: The session key of the journey's analytics key: never stored beside the draft or the request.
JOURNEY_SESSION_KEY = "familyhubs_journey_key"


@dataclass(frozen=True, slots=True)
class Visit:
    """One HTTP request of one journey, as every step is given it: the draft and journey key
    from the session, today's date (read once from the clock) and the change flag."""

    request: WebRequest
    draft_id: str | None
    journey_key: str
    today: date
    change: bool
    #: The highest percentage the progress bar has shown in this journey.
    progress_shown: int = 0

    @property
    def base(self) -> str:
        return self.request.base_path.rstrip("/")

    def url(self, path: str = "") -> str:
        return self.request.url(path)

    def session(self) -> dict[str, str | None]:
        """What the host's session should hold after this request."""
        return {DRAFT_SESSION_KEY: self.draft_id, JOURNEY_SESSION_KEY: self.journey_key}


@dataclass(frozen=True, slots=True)
class Draft:
    """The draft a step works on: its id and the journey's state on this tree."""

    id: str
    state: JourneyState


def session_value(session: Mapping[str, Any], key: str) -> str | None:
    value = session.get(key)
    return value if isinstance(value, str) and value else None


def shown_percent(value: Any) -> int:
    """The progress high-water mark from the session: a percentage, or 0 for anything else."""
    return value if isinstance(value, int) and 0 <= value <= 100 else 0


def first_value(form: Mapping[str, Any], name: str) -> str | None:
    """The first posted value of ``name`` as sent (``None`` when absent)."""
    values = form.get(name) or ()
    return str(values[0]) if values else None
