"""Status changes on every dialect: the optimistic guard holds against real concurrent writers.

PostgreSQL (READ COMMITTED) makes the second ``UPDATE`` wait for the first to commit and then
re-check its ``WHERE``; MariaDB's InnoDB (REPEATABLE READ) reads the latest committed row for an
``UPDATE``; SQLite serialises writers. Each must leave exactly one winner and one history row.
"""

from __future__ import annotations

import threading
from collections.abc import Iterator
from functools import partial

import pytest
import sqlalchemy as sa
from sqlalchemy.engine import URL
from tests.helpers.inbox_samples import (
    AUDIT_KEY,
    RACES,
    RECEIVED,
    Clock,
    assert_one_winner,
    at_once,
    race,
    reference,
    sample_request,
    store_request,
    triage_request,
)

from familyhubs_sdk.errors import StatusChangeError, TriageError
from familyhubs_sdk.store import create_engine, upgrade
from familyhubs_sdk.support.inbox import InboxQuery, TriageRecord
from familyhubs_sdk.support.inbox._inbox import RequestInbox
from familyhubs_sdk.support.inbox._lifecycle import NOTE_MAX_LENGTH, RequestRecord, RequestStatus
from familyhubs_sdk.timeline import AuditLog, Viewer

S = RequestStatus
TEAM = Viewer(id="rt-1", name="Rae Tan", role="receiving_team", organisation="Front door")


@pytest.fixture
def engines(database_url: URL) -> Iterator[tuple[sa.Engine, sa.Engine]]:
    """Two engines on one migrated database: two web servers of the same service."""
    first, second = create_engine(database_url), create_engine(database_url)
    upgrade(first)
    yield first, second
    first.dispose()
    second.dispose()


def test_two_team_members_changing_one_request_at_once_cannot_both_win(
    engines: tuple[sa.Engine, sa.Engine], monkeypatch: pytest.MonkeyPatch
) -> None:
    first, second = engines
    for number in range(len(RACES)):
        store_request(first, sample_request(number), status="opened")
    for number, moves in enumerate(RACES):
        inboxes = [RequestInbox(first, clock=Clock()), RequestInbox(second, clock=Clock())]
        results = race(inboxes, moves, monkeypatch, number=number)
        assert_one_winner(first, results, number=number)


def test_six_at_once_still_leave_one_winner(
    engines: tuple[sa.Engine, sa.Engine], monkeypatch: pytest.MonkeyPatch
) -> None:
    first, second = engines
    store_request(first, sample_request(), status="opened")
    moves = [(S.ACCEPTED, None), (S.DECLINED, "Out of area"), (S.WITHDRAWN, None)] * 2
    inboxes = [RequestInbox(engine) for engine in (first, second) * 3]
    assert_one_winner(first, race(inboxes, moves, monkeypatch))


def test_opening_at_once_opens_once(
    engines: tuple[sa.Engine, sa.Engine], monkeypatch: pytest.MonkeyPatch
) -> None:
    first, second = engines
    store_request(first, sample_request())
    seen = at_once(
        [partial(RequestInbox(e).open, reference(0), by=f"w{i}") for i, e in enumerate(engines)],
        monkeypatch,
    )
    assert [r.status if isinstance(r, RequestRecord) else r for r in seen] == [S.OPENED] * 2
    record = RequestInbox(second).get(reference(0))
    assert record is not None
    assert [change.to_status for change in record.history] == [S.NEW, S.OPENED]


def test_a_change_round_trips_with_its_note_and_times(
    engines: tuple[sa.Engine, sa.Engine],
) -> None:
    first, _ = engines
    store_request(first, sample_request())
    clock = Clock()
    inbox = RequestInbox(first, clock=clock)
    inbox.open(reference(0), by="worker-1")
    note = "Réponse – " + "é" * (NOTE_MAX_LENGTH - 11) + "🙂"
    record = inbox.change_status(reference(0), S.DECLINED, by="worker-2", note=note)

    assert record.status is S.DECLINED
    assert record.updated_at == clock.now
    assert record.history[-1].note == note
    assert len(note) == NOTE_MAX_LENGTH
    page = inbox.list(S.DECLINED)
    assert [row.reference for row in page.rows] == [reference(0)]
    assert page.counts[S.DECLINED] == 1
    with pytest.raises(StatusChangeError, match="from declined to opened"):
        inbox.change_status(reference(0), S.OPENED, by="worker-3")


def test_two_team_members_assigning_one_request_at_once_cannot_both_win(
    engines: tuple[sa.Engine, sa.Engine], monkeypatch: pytest.MonkeyPatch
) -> None:
    first, second = engines
    store_request(first, triage_request(0), status="opened")
    audit = AuditLog(first, key=AUDIT_KEY)
    inboxes = [RequestInbox(engine, audit=audit, clock=Clock()) for engine in (first, second)]
    barrier = threading.Barrier(2, timeout=20)
    ready = RequestInbox._audit_log

    def together(self: RequestInbox) -> AuditLog:
        barrier.wait()  # both changes start at the same moment
        return ready(self)

    monkeypatch.setattr(RequestInbox, "_audit_log", together)
    results: list[object] = [None, None]

    def attempt(index: int, assignee: str) -> None:
        viewer = Viewer(id=f"rt-{index}", name="Team", role="receiving_team", organisation="LA")
        try:
            results[index] = inboxes[index].assign(
                reference(0), assignee, viewer=viewer, expected=None
            )
        except TriageError as exc:
            results[index] = exc

    threads = [
        threading.Thread(target=attempt, args=(i, name))
        for i, name in enumerate(("team-north", "team-south"))
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    winners = [r for r in results if isinstance(r, TriageRecord)]
    losers = [r for r in results if isinstance(r, TriageError)]
    assert len(winners) == 1, results
    assert len(losers) == 1, results
    assert winners[0].assignment is not None
    monkeypatch.setattr(RequestInbox, "_audit_log", ready)
    stored = inboxes[0].read(reference(0), viewer=TEAM)
    assert stored is not None
    assert stored.assignment == winners[0].assignment


def test_the_triage_list_filters_and_searches_on_every_dialect(
    engines: tuple[sa.Engine, sa.Engine],
) -> None:
    first, _second = engines
    store_request(first, triage_request(0, child="Ann Ash", abuse=("current",)))
    store_request(first, triage_request(1, child="Ben Birch"), status="opened")
    inbox = RequestInbox(first, audit=AuditLog(first, key=AUDIT_KEY), clock=Clock())
    inbox.change_status(reference(1), S.ACCEPTED, by="rt-1")
    inbox.assign(reference(1), "team-north", viewer=TEAM, expected=None)
    inbox.add_note(reference(1), "Spoke to the school ☺ — and the GP", viewer=TEAM)

    def refs(query: InboxQuery) -> list[str]:
        return [row.reference for row in inbox.triage(query, viewer=TEAM).rows]

    assert refs(InboxQuery(flag="domestic_abuse_now")) == [reference(0)]
    assert refs(InboxQuery(assignee="team-north")) == [reference(1)]
    assert refs(InboxQuery(assignee="unassigned")) == [reference(0)]
    assert refs(InboxQuery(search="birch")) == [reference(1)]
    assert refs(InboxQuery(received_from=RECEIVED.date(), received_to=RECEIVED.date())) == [
        reference(1),
        reference(0),
    ]
    read = inbox.read(reference(1), viewer=TEAM)
    assert read is not None
    assert [note.body for note in read.notes] == ["Spoke to the school ☺ — and the GP"]
    assert [e.request.reference for e in inbox.export_accepted(RECEIVED, viewer=TEAM).requests] == [
        reference(1)
    ]
