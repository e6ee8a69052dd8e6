"""The life of a request for support after it is sent: its statuses and the moves between them.

Pure rules and data, no I/O, so the store (:class:`~familyhubs_sdk.support.inbox.RequestInbox`),
the status form (which offers only the moves allowed from where a request is) and a host's own
code all decide the same way::

    new ──► opened ──► accepted
     │        ├──────► declined    (needs a reason)
     └────────┴──────► withdrawn

Accepted, declined and withdrawn are final: the referrer and the family have been told, so a
mistake is put right with a new request, not by quietly moving this one back.

>>> [str(status) for status in allowed_moves("opened")]
['accepted', 'declined', 'withdrawn']
>>> validate_move("opened", "accepted", "  Allocated to Hub North  ")
'Allocated to Hub North'
>>> try:
...     validate_move("declined", "accepted")
... except StatusChangeError as exc:
...     print(exc)
a request cannot move from declined to accepted: declined is final
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum
from types import MappingProxyType
from typing import Protocol

from sqlalchemy.engine import Connection

from familyhubs_sdk.errors import StatusChangeError
from familyhubs_sdk.support.requests._request import SupportRequest

__all__ = [
    "NOTE_MAX_LENGTH",
    "RequestRecord",
    "RequestStatus",
    "StatusChange",
    "StatusChangeHook",
    "allowed_moves",
    "validate_move",
]

#: The longest note a status change keeps (``fh_request_status_history.note``).
NOTE_MAX_LENGTH = 1000


class RequestStatus(StrEnum):
    """Where a request is with the receiving team. Stored as its value in
    ``fh_support_requests.status``."""

    NEW = "new"
    OPENED = "opened"
    ACCEPTED = "accepted"
    DECLINED = "declined"
    WITHDRAWN = "withdrawn"

    @property
    def label(self) -> str:
        """As a person reads it: ``"Declined"``."""
        return self.value.capitalize()

    @property
    def is_final(self) -> bool:
        """Nothing leaves this status."""
        return not _MOVES[self]


_MOVES: Mapping[RequestStatus, tuple[RequestStatus, ...]] = MappingProxyType(
    {
        RequestStatus.NEW: (RequestStatus.OPENED, RequestStatus.WITHDRAWN),
        RequestStatus.OPENED: (
            RequestStatus.ACCEPTED,
            RequestStatus.DECLINED,
            RequestStatus.WITHDRAWN,
        ),
        RequestStatus.ACCEPTED: (),
        RequestStatus.DECLINED: (),
        RequestStatus.WITHDRAWN: (),
    }
)

# Notes are typed by people and shown back to people: keep line breaks and tabs, drop the other
# control characters (PostgreSQL refuses NUL outright).
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")


def _status(value: str) -> RequestStatus:
    try:
        return RequestStatus(value)
    except ValueError:
        # The value may come from a crafted form: say what is allowed, never echo it.
        expected = ", ".join(status.value for status in RequestStatus)
        raise StatusChangeError(f"not a request status (expected one of {expected})") from None


def allowed_moves(status: RequestStatus | str) -> tuple[RequestStatus, ...]:
    """The statuses a request can move to from ``status``, in the order a form offers them."""
    return _MOVES[_status(status)]


def validate_move(
    from_status: RequestStatus | str, to_status: RequestStatus | str, note: str | None = None
) -> str | None:
    """Refuse a move the rules do not allow, and return the note as it will be kept.

    The note is cleaned (control characters other than line breaks dropped, outer whitespace
    trimmed; blank becomes ``None``) before it is checked, so a reason of only spaces does not
    count as a reason.

    :raises StatusChangeError: the move is not allowed, a decline has no reason, or the note is
        longer than :data:`NOTE_MAX_LENGTH`. The message names both statuses.
    """
    source, target = _status(from_status), _status(to_status)
    if target not in _MOVES[source]:
        why = f": {source} is final" if source.is_final else ""
        raise StatusChangeError(f"a request cannot move from {source} to {target}{why}")
    cleaned = _CONTROL.sub("", note or "").strip() or None
    if cleaned is not None and len(cleaned) > NOTE_MAX_LENGTH:
        raise StatusChangeError(
            f"the note on a move from {source} to {target} is {len(cleaned)} characters; "
            f"the most is {NOTE_MAX_LENGTH}"
        )
    if target is RequestStatus.DECLINED and cleaned is None:
        raise StatusChangeError(f"a move from {source} to {target} needs a reason")
    return cleaned


@dataclass(frozen=True, slots=True)
class StatusChange:
    """One row of a request's history. The first has no ``from_status``: the request arriving."""

    from_status: RequestStatus | None
    to_status: RequestStatus
    #: The user id of whoever made the change (the referrer for the first row).
    changed_by: str
    changed_at: datetime
    note: str | None = None


@dataclass(frozen=True, slots=True)
class RequestRecord:
    """A request as the receiving team sees it: what was sent, where it is, how it got there."""

    request: SupportRequest
    status: RequestStatus
    received_at: datetime
    updated_at: datetime
    #: Oldest first; the first row is the request arriving as ``new``.
    history: tuple[StatusChange, ...]

    @property
    def reference(self) -> str:
        return self.request.reference

    @property
    def allowed_moves(self) -> tuple[RequestStatus, ...]:
        """Where the request can go from here."""
        return allowed_moves(self.status)


class StatusChangeHook(Protocol):
    """Told of every status change inside its transaction, so what it writes (the referrer's
    update in the outbox: :class:`~familyhubs_sdk.support.messages.RequestMessages`) commits with
    the change or not at all. Raise to refuse the change."""

    def status_changed(
        self, connection: Connection, *, request: SupportRequest, change: StatusChange
    ) -> None: ...
