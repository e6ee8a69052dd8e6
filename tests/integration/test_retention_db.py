"""Retention on every dialect: the same windows and never-delete rules, and row locks respected."""

from __future__ import annotations

import pytest
import sqlalchemy as sa
from tests.helpers.retention_rows import NOW, Rows, references, row_counts

from familyhubs_sdk.store import upgrade
from familyhubs_sdk.store._retention import (
    RetentionPolicy,
    place_legal_hold,
    purge,
    release_legal_hold,
)
from familyhubs_sdk.store._schema import outbox_jobs, rate_limits, support_requests

POLICY = RetentionPolicy.recommended().model_copy(update={"batch_size": 2})


@pytest.fixture
def rows(engine: sa.Engine) -> Rows:
    upgrade(engine)
    return Rows(engine)


def test_purge_keeps_held_and_undelivered_requests_and_removes_the_rest(
    engine: sa.Engine, rows: Rows
) -> None:
    held = rows.request(800, legal_hold=True)
    waiting = {rows.request(800, jobs=(status,)) for status in ("pending", "in_flight", "dead")}
    for _ in range(5):
        rows.request(800, jobs=("delivered", "delivered"), evidence=2)
    files_kept = rows.request(400, delivered_age=395)  # its evidence and delivery record go
    rows.draft(expired=60, evidence=1, tokens=("used", "live"))
    rows.draft(tokens=("expired", "live"), evidence=1)
    rows.orphan_evidence(200)
    rows.analytics(500, 500, 10)
    before, names = row_counts(engine), set(rows.storage.names)

    dry = purge(engine, POLICY, clock=lambda: NOW, evidence_storage=rows.storage, dry_run=True)
    assert row_counts(engine) == before
    assert rows.storage.names == names

    real = purge(engine, POLICY, clock=lambda: NOW, evidence_storage=rows.storage)

    assert real.removed == dry.removed
    assert {table: count for table, count in real.removed.items() if count} == {
        "fh_drafts": 1,
        "fh_resume_tokens": 3,
        "fh_support_requests": 5,
        "fh_request_status_history": 10,
        "fh_outbox_jobs": 11,
        "fh_delivery_attempts": 11,
        "fh_evidence_files": 13,
        "fh_analytics_events": 2,
    }
    assert (real.requests_on_legal_hold, real.requests_undelivered) == (1, 3)
    assert references(engine) == {held, files_kept} | waiting
    assert len(names - rows.storage.names) == 13
    assert real.evidence_files_left == 0
    after = row_counts(engine)
    assert after["fh_evidence_files"] == len(rows.storage.names) == 5  # 4 kept requests, 1 draft
    assert purge(engine, POLICY, clock=lambda: NOW, evidence_storage=rows.storage).total == 0


def test_triage_records_message_jobs_and_rate_limits_on_every_dialect(
    engine: sa.Engine, rows: Rows
) -> None:
    for _ in range(3):
        rows.request(800, triaged=True)
    held = rows.request(800, triaged=True, legal_hold=True)
    sent = {rows.message_job("delivered", age=400, delivered_age=370) for _ in range(3)}
    given_up = rows.message_job("dead", age=400)
    on_its_way = rows.message_job("pending", age=400)
    recent = rows.message_job("delivered", age=10, delivered_age=10)
    for n in range(3):
        rows.rate_limit(f"198.51.100.{n} k", minutes_ago=60)
    rows.rate_limit("198.51.100.9 k", minutes_ago=0)  # NOW starts a window

    dry = purge(engine, POLICY, clock=lambda: NOW, evidence_storage=rows.storage, dry_run=True)
    real = purge(engine, POLICY, clock=lambda: NOW, evidence_storage=rows.storage)

    assert real.removed == dry.removed
    assert {table: count for table, count in real.removed.items() if count} == {
        "fh_support_requests": 3,
        "fh_request_status_history": 6,
        "fh_request_assignments": 3,
        "fh_request_notes": 6,
        "fh_outbox_jobs": 3 + 4,
        "fh_delivery_attempts": 3 + 4,
        "fh_evidence_files": 3,
        "fh_rate_limits": 3,
    }
    assert references(engine) == {held}
    with engine.connect() as connection:
        jobs = set(connection.scalars(sa.select(outbox_jobs.c.id)))
        limits = set(connection.scalars(sa.select(rate_limits.c.key)))
    assert {on_its_way, recent} <= jobs
    assert not (sent | {given_up}) & jobs
    assert limits == {"198.51.100.9 k"}
    counts = row_counts(engine)
    assert (counts["fh_request_assignments"], counts["fh_request_notes"]) == (1, 2)
    assert purge(engine, POLICY, clock=lambda: NOW, evidence_storage=rows.storage).total == 0


def test_legal_hold_on_every_dialect(engine: sa.Engine, rows: Rows) -> None:
    reference = rows.request(800)
    assert place_legal_hold(engine, reference) is True
    assert place_legal_hold(engine, reference) is False
    assert purge(engine, POLICY, clock=lambda: NOW, evidence_storage=rows.storage).total == 0
    assert release_legal_hold(engine, reference) is True
    assert purge(engine, POLICY, clock=lambda: NOW, evidence_storage=rows.storage).total == 6
    assert references(engine) == set()


@pytest.mark.parametrize("dialect", ["postgresql", "mariadb"], indirect=True)
def test_a_request_another_transaction_has_locked_waits_for_the_next_run(
    engine: sa.Engine, rows: Rows
) -> None:
    locked, free = rows.request(800), rows.request(800)
    with engine.connect() as other:
        other.execute(
            sa.select(support_requests.c.id)
            .where(support_requests.c.reference == locked)
            .with_for_update()
        )
        report = purge(engine, POLICY, clock=lambda: NOW, evidence_storage=rows.storage)
        other.rollback()

    assert report.removed["fh_support_requests"] == 1
    assert references(engine) == {locked}
    assert free
    assert purge(engine, POLICY, clock=lambda: NOW, evidence_storage=rows.storage).total == 6
