"""Assignment and internal notes: what the receiving team adds to a request while triaging it.

Both live beside the request, never in it: the request stays the snapshot as sent. Notes are for
the team only — no channel, message or export reads ``fh_request_notes`` — and every write is
audited by :class:`~familyhubs_sdk.support.inbox.RequestInbox`.

Assignment is optimistic like a status change: the form posts back who the request was assigned
to when the page was drawn, and a change made meanwhile by a colleague is refused, not overtaken.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.engine import Connection

from familyhubs_sdk.errors import TriageError
from familyhubs_sdk.store._schema import request_assignments, request_notes

__all__ = [
    "ASSIGNEE_MAX_LENGTH",
    "INTERNAL_NOTE_MAX_LENGTH",
    "Assignee",
    "Assignment",
    "InternalNote",
    "add_note",
    "assignment_of",
    "clean_note",
    "notes_of",
    "set_assignment",
]

#: The longest internal note kept (``fh_request_notes.body``).
INTERNAL_NOTE_MAX_LENGTH = 2000
#: The longest person or team id an assignment keeps.
ASSIGNEE_MAX_LENGTH = 200

_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")


@dataclass(frozen=True, slots=True)
class Assignee:
    """A person or team a request can be assigned to, from the host's directory.

    >>> Assignee("team-north", "Hub North team")
    Assignee(id='team-north', name='Hub North team')
    """

    id: str
    name: str


@dataclass(frozen=True, slots=True)
class Assignment:
    """Who is dealing with a request, who said so and when."""

    assignee: str
    assigned_by: str
    assigned_at: datetime


@dataclass(frozen=True, slots=True)
class InternalNote:
    """One internal note: for the receiving team only, never sent or exported."""

    author: str
    body: str
    created_at: datetime


def clean_note(text: str) -> str:
    """The note as it will be kept: control characters other than line breaks dropped, outer
    whitespace trimmed.

    :raises TriageError: the note is empty or longer than :data:`INTERNAL_NOTE_MAX_LENGTH`.
    """
    cleaned = _CONTROL.sub("", text).strip()
    if not cleaned:
        raise TriageError("an internal note cannot be empty")
    if len(cleaned) > INTERNAL_NOTE_MAX_LENGTH:
        raise TriageError(
            f"an internal note is {len(cleaned)} characters; the most is {INTERNAL_NOTE_MAX_LENGTH}"
        )
    return cleaned


def assignment_of(connection: Connection, request_id: str) -> Assignment | None:
    t = request_assignments
    row = connection.execute(
        sa.select(t.c.assignee, t.c.assigned_by, t.c.assigned_at).where(
            t.c.request_id == request_id
        )
    ).first()
    return Assignment(row.assignee, row.assigned_by, row.assigned_at) if row else None


def set_assignment(
    connection: Connection,
    request_id: str,
    assignee: str | None,
    *,
    by: str,
    now: datetime,
    expected: str | None,
) -> None:
    """Assign the request to ``assignee`` (``None`` to unassign) if it is still assigned to
    ``expected`` (``None``: to nobody).

    :raises TriageError: a colleague changed the assignment first, or the id is too long.
    """
    if assignee is not None and not 0 < len(assignee) <= ASSIGNEE_MAX_LENGTH:
        raise TriageError(f"an assignee id is 1 to {ASSIGNEE_MAX_LENGTH} characters")
    t = request_assignments
    # Row locks, so two assignments of one request queue up instead of both reading "nobody".
    current = connection.execute(
        sa.select(t.c.assignee).where(t.c.request_id == request_id).with_for_update()
    ).scalar()
    if current != expected:
        raise TriageError("the request was assigned by someone else while you were looking")
    if current is not None:
        connection.execute(t.delete().where(t.c.request_id == request_id))
    if assignee is not None:
        connection.execute(
            t.insert().values(
                request_id=request_id, assignee=assignee, assigned_by=by, assigned_at=now
            )
        )


def add_note(connection: Connection, request_id: str, body: str, *, by: str, now: datetime) -> None:
    """Keep an internal note (cleaned with :func:`clean_note`)."""
    connection.execute(
        request_notes.insert().values(
            request_id=request_id, author=by, body=clean_note(body), created_at=now
        )
    )


def notes_of(connection: Connection, request_id: str) -> tuple[InternalNote, ...]:
    """The request's internal notes, newest first."""
    t = request_notes
    rows = connection.execute(
        sa.select(t.c.author, t.c.body, t.c.created_at)
        .where(t.c.request_id == request_id)
        .order_by(t.c.created_at.desc(), t.c.id.desc())
    ).all()
    return tuple(InternalNote(row.author, row.body, row.created_at) for row in rows)
