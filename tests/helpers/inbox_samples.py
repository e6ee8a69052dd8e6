"""Requests for support written straight into the store, for the inbox tests and pages.

The inbox only reads ``fh_support_requests`` and ``fh_request_status_history``, so these tests
insert rows with a :class:`SupportRequest` payload, as :class:`StoreSubmitter` would, without
driving a journey.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Sequence
from datetime import UTC, datetime, timedelta
from functools import partial
from pathlib import Path
from typing import Any

import pytest
import sqlalchemy as sa

from familyhubs_sdk.errors import StatusChangeError
from familyhubs_sdk.store import create_engine, upgrade
from familyhubs_sdk.store._schema import request_status_history, support_requests
from familyhubs_sdk.support import default_tree
from familyhubs_sdk.support.inbox import _inbox as inbox_module
from familyhubs_sdk.support.inbox._inbox import RequestInbox
from familyhubs_sdk.support.inbox._lifecycle import RequestRecord, RequestStatus, validate_move
from familyhubs_sdk.support.requests._request import (
    EvidenceSummary,
    RequestAnswer,
    RequestOutcome,
    SupportRequest,
)

ALPHABET = "ACDEFGHJKMNPQRTUVWXY34679"
RECEIVED = datetime(2026, 5, 1, 9, 30, tzinfo=UTC)
CHILD_NAME = "Alex Example"
SECTION_TITLES = {section.id: section.title for section in default_tree().sections}


def reference(number: int) -> str:
    """The ``number``-th valid reference: ``AAAAAAAA``, ``AAAAAAAC``..."""
    digits = []
    for _ in range(8):
        number, digit = divmod(number, len(ALPHABET))
        digits.append(ALPHABET[digit])
    return "".join(reversed(digits))


def sample_request(
    number: int = 0,
    *,
    text: str | None = None,
    outcomes: bool = True,
    urgency: bool = True,
    evidence: bool = True,
    submitted_at: datetime | None = None,
) -> SupportRequest:
    """A request like the default tree's, received ``number`` hours after :data:`RECEIVED`.

    :param text: put into every label, answer, outcome and file name (for hostile strings).
    """

    def answer(
        question_id: str, label: str, value: str, section: str, **more: str
    ) -> RequestAnswer:
        return RequestAnswer(
            question_id=question_id,
            address=more.pop("address", question_id),
            label=text or label,
            value=text or value,
            section=section,
            **more,
        )

    answers = [
        answer("referrer_name", "What is your full name?", "Sam Patel", "about_you"),
        answer(
            "child_name",
            "What is the child’s full name?",
            CHILD_NAME,
            "family",
            address="children[0].child_name",
            repeat="Child 1",
        ),
        answer("needs", "Which areas is the family finding hard?", "Secure housing", "happening"),
        answer(
            "support_asked",
            "What support do you think would help?",
            "Help with a housing application.\nA school place nearer home.",
            "support",
        ),
    ]
    if urgency:
        answers.append(answer("urgency", "How soon?", "Within 2 weeks", "support"))
    return SupportRequest(
        id=f"00000000-0000-4000-8000-{number:012d}",
        reference=reference(number),
        tree_id="request-for-support",
        tree_version="1.0.0",
        submitted_at=submitted_at or RECEIVED + timedelta(hours=number),
        referrer_id="referrer-1",
        answers=tuple(answers),
        outcomes=(
            (RequestOutcome(id="housing", label=text or "Housing support"),) if outcomes else ()
        ),
        evidence=(
            (
                EvidenceSummary(
                    id="e1",
                    display_name=text or "school-letter.pdf",
                    content_type="application/pdf",
                    size_bytes=48_000,
                    sha256="0" * 64,
                ),
            )
            if evidence
            else ()
        ),
    )


def store_request(engine: sa.Engine, request: SupportRequest, *, status: str = "new") -> None:
    """Write ``request`` as :class:`StoreSubmitter` does: the row and its first history row."""
    with engine.begin() as connection:
        connection.execute(
            support_requests.insert().values(
                id=request.id,
                reference=request.reference,
                tree_id=request.tree_id,
                tree_version=request.tree_version,
                payload=request.to_payload(),
                status=status,
                referrer_id=request.referrer_id,
                created_at=request.submitted_at,
                updated_at=request.submitted_at,
            )
        )
        connection.execute(
            request_status_history.insert().values(
                request_id=request.id,
                from_status=None,
                to_status="new",
                changed_by=request.referrer_id,
                changed_at=request.submitted_at,
            )
        )


def store_engine(folder: Path) -> sa.Engine:
    """A migrated SQLite store in a file under ``folder`` (a file, so threads share it)."""
    engine = create_engine(f"sqlite:///{folder / 'inbox.db'}")
    upgrade(engine)
    return engine


class Clock:
    """A clock that moves on a minute each time it is read."""

    def __init__(self, start: datetime = RECEIVED + timedelta(days=1)) -> None:
        self.now = start

    def __call__(self) -> datetime:
        self.now += timedelta(minutes=1)
        return self.now


#: Moves two team members make on the same opened request at once: different moves, and the same.
RACES: list[list[tuple[RequestStatus, str | None]]] = [
    [(RequestStatus.ACCEPTED, None), (RequestStatus.DECLINED, "Out of area")],
    [(RequestStatus.DECLINED, "Out of area"), (RequestStatus.WITHDRAWN, None)],
    [(RequestStatus.ACCEPTED, None), (RequestStatus.ACCEPTED, None)],
]


def at_once(
    attempts: Sequence[Callable[[], object]], monkeypatch: pytest.MonkeyPatch
) -> list[object]:
    """Run every attempt in its own thread, all at the same moment; each result or the
    :class:`StatusChangeError` it raised, in order.

    A barrier holds every thread after it has read the request's status and checked its move,
    and before it writes: the worst interleaving, every time.
    """
    barrier = threading.Barrier(len(attempts), timeout=20)
    check = validate_move

    def check_then_wait(*args: Any) -> str | None:
        note = check(*args)
        barrier.wait()
        return note

    monkeypatch.setattr(inbox_module, "validate_move", check_then_wait)
    results: list[object] = [None] * len(attempts)

    def attempt(index: int) -> None:
        try:
            results[index] = attempts[index]()
        except StatusChangeError as exc:
            results[index] = exc

    threads = [threading.Thread(target=attempt, args=(i,)) for i in range(len(attempts))]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    monkeypatch.setattr(inbox_module, "validate_move", check)
    assert all(result is not None for result in results), results
    return results


def race(
    inboxes: Sequence[RequestInbox],
    moves: Sequence[tuple[RequestStatus, str | None]],
    monkeypatch: pytest.MonkeyPatch,
    *,
    number: int = 0,
) -> list[object]:
    """Each inbox tries its move on request ``number`` at the same moment (see :func:`at_once`)."""
    return at_once(
        [
            partial(inbox.change_status, reference(number), to, by=f"worker-{i}", note=note)
            for i, (inbox, (to, note)) in enumerate(zip(inboxes, moves, strict=True))
        ],
        monkeypatch,
    )


def assert_one_winner(engine: sa.Engine, results: Sequence[object], *, number: int = 0) -> None:
    """Exactly one move won, every other was told why, and history holds the winner's row only."""
    winners = [r for r in results if isinstance(r, RequestRecord)]
    losers = [r for r in results if isinstance(r, StatusChangeError)]
    assert len(winners) == 1, results
    assert len(losers) == len(results) - 1, results
    won = winners[0].status
    for loser in losers:
        assert str(loser) == (
            f"the request changed while you were looking: it is {won} now, not opened"
        )
    h, t = request_status_history, support_requests
    with engine.connect() as connection:
        status = connection.scalar(sa.select(t.c.status).where(t.c.reference == reference(number)))
        moves = connection.execute(
            sa.select(h.c.from_status, h.c.to_status)
            .join(t, t.c.id == h.c.request_id)
            .where(t.c.reference == reference(number), h.c.from_status.is_not(None))
        ).all()
    assert status == won
    assert [tuple(row) for row in moves] == [("opened", won.value)]


#: A secret for the access audit in tests (32 bytes or more).
AUDIT_KEY = b"inbox-audit-key-for-tests-only-0123456789"


def triage_request(
    number: int,
    *,
    child: str = CHILD_NAME,
    born: str | None = "2020-03-27",
    due: str | None = None,
    needs: Sequence[tuple[str, str]] = (("housing", "Secure housing"),),
    abuse: Sequence[str] = (),
    urgency: str | None = None,
    organisation: str = "Hillside Primary School",
    lead: str = "Jo Example",
    note_text: str | None = None,
) -> SupportRequest:
    """A request with the answers the triage list reads, in the default tree's shape."""

    def answer(question_id: str, value: str, raw: Any, section: str, **more: str) -> RequestAnswer:
        return RequestAnswer(
            question_id=question_id,
            address=more.pop("address", question_id),
            label=question_id,
            value=value,
            raw=raw,
            section=section,
            **more,
        )

    answers = [
        answer("referrer_organisation", organisation, organisation, "about_you"),
        answer("lead_name", lead, lead, "family"),
        answer(
            "child_name", child, child, "family", address="children[0].child_name", repeat="Child 1"
        ),
    ]
    if born:
        answers.append(
            answer(
                "child_birth_date",
                born,
                born,
                "family",
                address="children[0].child_birth_date",
                repeat="Child 1",
            )
        )
    if due:
        answers.append(
            answer(
                "child_due_date",
                due,
                due,
                "family",
                address="children[0].child_due_date",
                repeat="Child 1",
            )
        )
    answers.append(
        answer("needs", ", ".join(label for _, label in needs), [v for v, _ in needs], "happening")
    )
    if abuse:
        answers.append(answer("domestic_abuse_detail", ", ".join(abuse), list(abuse), "happening"))
    if urgency:
        answers.append(answer("urgency", urgency, urgency, "support"))
    if note_text:
        answers.append(answer("support_asked", note_text, note_text, "support"))
    return SupportRequest(
        id=f"00000000-0000-4000-8000-{number:012d}",
        reference=reference(number),
        tree_id="request-for-support",
        tree_version="1.0.0",
        submitted_at=RECEIVED + timedelta(hours=number),
        referrer_id="referrer-1",
        answers=tuple(answers),
        outcomes=(RequestOutcome(id="housing", label="Housing support"),),
    )
