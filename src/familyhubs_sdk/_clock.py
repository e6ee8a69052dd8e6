"""Injected time: one name (``clock``) and one shape across the SDK.

Every class that needs the time takes ``clock: Clock = utc_now`` — a callable returning an aware
UTC :class:`~datetime.datetime` — so tests pass a fixed or stepping clock and nothing reads the
system time behind their back. The pure cores (the question-tree engine, the access policy's
rules) take the date they work on as a value (``today``) from whoever holds the clock.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime

__all__ = ["Clock", "utc_now"]

#: What the SDK calls for the current time: an aware datetime in UTC.
Clock = Callable[[], datetime]


def utc_now() -> datetime:
    """The current time, aware, in UTC: the default ``clock`` everywhere."""
    return datetime.now(UTC)
