"""The lifecycle rules, pure and through the store: every one of the 25 moves, decline reasons,
notes, and the history each move leaves."""

from __future__ import annotations

import itertools
from pathlib import Path

import pytest
import sqlalchemy as sa
from tests.helpers.inbox_samples import (
    Clock,
    reference,
    sample_request,
    store_engine,
    store_request,
)

from familyhubs_sdk.errors import StatusChangeError
from familyhubs_sdk.store._schema import request_status_history, support_requests
from familyhubs_sdk.support.inbox._inbox import CHANGED_BY_MAX_LENGTH, RequestInbox
from familyhubs_sdk.support.inbox._lifecycle import (
    NOTE_MAX_LENGTH,
    RequestStatus,
    StatusChange,
    allowed_moves,
    validate_move,
)

S = RequestStatus
ALLOWED = {
    (S.NEW, S.OPENED),
    (S.NEW, S.WITHDRAWN),
    (S.OPENED, S.ACCEPTED),
    (S.OPENED, S.DECLINED),
    (S.OPENED, S.WITHDRAWN),
}
PAIRS = list(itertools.product(RequestStatus, RequestStatus))


def _id(pair: tuple[RequestStatus, RequestStatus]) -> str:
    return f"{pair[0]}-to-{pair[1]}"


def test_there_are_25_pairs_and_5_allowed() -> None:
    assert len(PAIRS) == 25
    assert {(a, b) for a, b in PAIRS if b in allowed_moves(a)} == ALLOWED


@pytest.mark.parametrize("pair", PAIRS, ids=_id)
def test_check_move_allows_exactly_the_lifecycle(pair: tuple[RequestStatus, RequestStatus]) -> None:
    source, target = pair
    if pair in ALLOWED:
        assert validate_move(source, target, "Because") == "Because"
        assert validate_move(source.value, target.value, "Because") == "Because"
    else:
        with pytest.raises(StatusChangeError) as refused:
            validate_move(source, target, "Because")
        assert f"from {source} to {target}" in str(refused.value)
        assert refused.value.code == "status_change_invalid"
        assert isinstance(refused.value, ValueError)


@pytest.mark.parametrize("status", list(RequestStatus))
def test_final_statuses_have_no_moves(status: RequestStatus) -> None:
    assert status.is_final is (status in (S.ACCEPTED, S.DECLINED, S.WITHDRAWN))
    assert status.label == status.value.capitalize()
    if status.is_final:
        with pytest.raises(StatusChangeError, match=f"{status} is final"):
            validate_move(status, S.OPENED)


@pytest.mark.parametrize("reason", [None, "", "   ", "\n\t", "\x00\x01"])
def test_a_decline_needs_a_reason(reason: str | None) -> None:
    with pytest.raises(StatusChangeError, match="from opened to declined needs a reason"):
        validate_move(S.OPENED, S.DECLINED, reason)


def test_other_moves_need_no_note_and_blank_notes_become_none() -> None:
    assert validate_move(S.NEW, S.OPENED) is None
    assert validate_move(S.OPENED, S.ACCEPTED, "   ") is None


def test_notes_are_cleaned_and_limited() -> None:
    assert validate_move(S.OPENED, S.ACCEPTED, " Two\nlines\x00\x7f ") == "Two\nlines"
    longest = "x" * NOTE_MAX_LENGTH
    assert validate_move(S.OPENED, S.DECLINED, f"  {longest}  ") == longest
    with pytest.raises(StatusChangeError, match="1001 characters; the most is 1000"):
        validate_move(S.OPENED, S.DECLINED, longest + "x")


def test_an_unknown_status_is_refused_without_echoing_it() -> None:
    with pytest.raises(StatusChangeError) as refused:
        validate_move("<script>", S.OPENED)
    assert "<script>" not in str(refused.value)
    assert "expected one of new, opened, accepted, declined, withdrawn" in str(refused.value)
    with pytest.raises(StatusChangeError):
        allowed_moves("closed")


def test_limits_match_the_schema() -> None:
    note, changed_by = request_status_history.c.note.type, request_status_history.c.changed_by.type
    assert isinstance(note, sa.String)
    assert isinstance(changed_by, sa.String)
    assert (note.length, changed_by.length) == (NOTE_MAX_LENGTH, CHANGED_BY_MAX_LENGTH)


# -- through the store ------------------------------------------------------------------------


def _state(engine: sa.Engine, number: int) -> tuple[str, object, list[tuple[object, ...]]]:
    with engine.connect() as connection:
        status, updated_at = connection.execute(
            sa.select(support_requests.c.status, support_requests.c.updated_at).where(
                support_requests.c.reference == reference(number)
            )
        ).one()
        history = connection.execute(
            sa.select(
                request_status_history.c.from_status,
                request_status_history.c.to_status,
                request_status_history.c.changed_by,
                request_status_history.c.note,
            ).order_by(request_status_history.c.id)
        ).all()
    return status, updated_at, [tuple(row) for row in history]


@pytest.mark.parametrize("pair", PAIRS, ids=_id)
def test_the_store_enforces_every_move(
    tmp_path: Path, pair: tuple[RequestStatus, RequestStatus]
) -> None:
    source, target = pair
    engine = store_engine(tmp_path)
    store_request(engine, sample_request(), status=source.value)
    clock = Clock()
    inbox = RequestInbox(engine, clock=clock)
    before = _state(engine, 0)

    if pair in ALLOWED:
        record = inbox.change_status(reference(0), target, by="worker-7", note=" Because ")
        status, updated_at, history = _state(engine, 0)
        assert status == target.value == record.status
        assert updated_at == clock.now == record.updated_at
        assert history == [*before[2], (source.value, target.value, "worker-7", "Because")]
        assert record.history[-1] == StatusChange(source, target, "worker-7", clock.now, "Because")
    else:
        with pytest.raises(StatusChangeError, match=f"from {source} to {target}"):
            inbox.change_status(reference(0), target, by="worker-7", note="Because")
        assert _state(engine, 0) == before
    engine.dispose()


def test_a_decline_without_a_reason_writes_nothing(tmp_path: Path) -> None:
    engine = store_engine(tmp_path)
    store_request(engine, sample_request(), status="opened")
    before = _state(engine, 0)
    with pytest.raises(StatusChangeError, match="needs a reason"):
        RequestInbox(engine).change_status(reference(0), S.DECLINED, by="worker-7", note="  ")
    assert _state(engine, 0) == before
    engine.dispose()


def test_history_records_each_move_in_order(tmp_path: Path) -> None:
    engine = store_engine(tmp_path)
    store_request(engine, sample_request())
    clock = Clock()
    inbox = RequestInbox(engine, clock=clock)
    inbox.open(reference(0), by="worker-1")
    record = inbox.change_status(reference(0), S.DECLINED, by="worker-2", note="Out of area")

    assert [(c.from_status, c.to_status, c.changed_by, c.note) for c in record.history] == [
        (None, S.NEW, "referrer-1", None),
        (S.NEW, S.OPENED, "worker-1", None),
        (S.OPENED, S.DECLINED, "worker-2", "Out of area"),
    ]
    assert record.history[1].changed_at < record.history[2].changed_at
    assert record.allowed_moves == ()
    engine.dispose()


@pytest.mark.parametrize("by", ["", "   ", "x" * (CHANGED_BY_MAX_LENGTH + 1)])
def test_a_change_needs_who_made_it(tmp_path: Path, by: str) -> None:
    engine = store_engine(tmp_path)
    store_request(engine, sample_request())
    with pytest.raises(StatusChangeError, match="id of who made it"):
        RequestInbox(engine).change_status(reference(0), S.OPENED, by=by)
    engine.dispose()
