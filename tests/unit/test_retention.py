"""Retention on SQLite: per-table windows, legal hold, and a purge that never loses a request."""

from __future__ import annotations

import itertools
import logging
import sqlite3
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
import sqlalchemy as sa
from tests.helpers.retention_rows import NOW, Rows, references, row_counts

from familyhubs_sdk.cli import main
from familyhubs_sdk.delivery._outbox import JobStatus
from familyhubs_sdk.errors import ConfigurationError, RequestNotFoundError, StoreError
from familyhubs_sdk.store import create_engine, upgrade
from familyhubs_sdk.store._retention import (
    _DEAD,
    _DELIVERED,
    PurgeReport,
    RetentionPolicy,
    place_legal_hold,
    purge,
    release_legal_hold,
)
from familyhubs_sdk.store._schema import (
    access_reviews,
    audit_events,
    delivery_attempts,
    evidence_files,
    outbox_jobs,
    person_links,
    rate_limits,
    support_requests,
)
from familyhubs_sdk.support import StoreRateLimit

#: Only requests are purged, after a year; everything else is kept.
REQUESTS_ONLY = RetentionPolicy(
    drafts_days=None,
    requests_days=365,
    evidence_days=None,
    outbox_days=None,
    analytics_days=None,
    rate_limit_window_minutes=None,
)
KEEP_ALL = REQUESTS_ONLY.model_copy(update={"requests_days": None})


@pytest.fixture
def engine(tmp_path: Path) -> Iterator[sa.Engine]:
    engine = create_engine(f"sqlite:///{tmp_path / 'fh.db'}")
    upgrade(engine)
    yield engine
    engine.dispose()


@pytest.fixture
def rows(engine: sa.Engine) -> Rows:
    return Rows(engine)


def run(engine: sa.Engine, policy: RetentionPolicy, rows: Rows, **options: Any) -> PurgeReport:
    return purge(engine, policy, evidence_storage=rows.storage, clock=lambda: NOW, **options)


def removed(report: PurgeReport) -> dict[str, int]:
    """The tables the report removed rows from."""
    return {table: count for table, count in report.removed.items() if count}


WHOLE_REQUEST = {
    "fh_support_requests": 1,
    "fh_request_status_history": 2,
    "fh_outbox_jobs": 1,
    "fh_delivery_attempts": 1,
    "fh_evidence_files": 1,
}

# -- the rules that win over every window ---------------------------------------------------------


def test_a_delivered_request_past_its_window_goes_with_everything_it_owns(
    engine: sa.Engine, rows: Rows
) -> None:
    rows.request(400)
    assert len(rows.storage.names) == 1

    report = run(engine, REQUESTS_ONLY, rows)

    assert removed(report) == WHOLE_REQUEST
    assert rows.storage.names == set()  # the bytes went too
    assert report.evidence_files_left == 0
    assert sum(row_counts(engine).values()) == 0


def test_a_request_on_legal_hold_is_kept_with_all_it_owns(engine: sa.Engine, rows: Rows) -> None:
    held = rows.request(4000, legal_hold=True)
    policy = RetentionPolicy.recommended()

    report = run(engine, policy, rows)

    assert report.total == 0
    assert held in references(engine)
    assert report.requests_on_legal_hold == 1
    assert len(rows.storage.names) == 1
    assert row_counts(engine)["fh_outbox_jobs"] == 1


@pytest.mark.parametrize(
    "jobs",
    [("pending",), ("in_flight",), ("dead",), ("delivered", "dead"), ("delivered", "pending")],
)
def test_a_request_the_la_has_not_received_is_kept(
    engine: sa.Engine, rows: Rows, jobs: tuple[str, ...]
) -> None:
    waiting = rows.request(4000, jobs=jobs)
    before = row_counts(engine)

    report = run(engine, RetentionPolicy.recommended(), rows)

    assert waiting in references(engine)
    assert report.total == 0
    assert row_counts(engine) == before  # its evidence and delivered sibling jobs too
    assert report.requests_undelivered == 1
    assert report.requests_on_legal_hold == 0


def test_a_message_about_a_request_that_failed_for_good_does_not_keep_the_request(
    engine: sa.Engine, rows: Rows
) -> None:
    reference = rows.request(4000)
    with engine.begin() as connection:
        request_id = connection.scalar(
            sa.select(support_requests.c.id).where(support_requests.c.reference == reference)
        )
        connection.execute(
            outbox_jobs.insert().values(
                id="receipt-refused",
                request_id=request_id,
                channel="notify",
                idempotency_key="fh_receipt_refused",
                status=JobStatus.DEAD.value,
                attempts=1,
                next_attempt_at=rows.ago(4000),
                created_at=rows.ago(4000),
                message={"kind": "referrer_receipt"},
            )
        )

    report = run(engine, RetentionPolicy.recommended(), rows)

    assert reference not in references(engine)
    assert report.requests_undelivered == 0
    assert row_counts(engine)["fh_outbox_jobs"] == 0  # the refused message went with it


def test_the_delivered_status_is_the_outboxs() -> None:
    assert JobStatus.DELIVERED.value == _DELIVERED


def test_a_request_whose_delivered_jobs_were_purged_counts_as_delivered(
    engine: sa.Engine, rows: Rows
) -> None:
    reference = rows.request(400, delivered_age=300)
    outbox_first = KEEP_ALL.model_copy(update={"outbox_days": 200})
    assert removed(run(engine, outbox_first, rows)) == {
        "fh_outbox_jobs": 1,
        "fh_delivery_attempts": 1,
    }

    report = run(engine, REQUESTS_ONLY, rows)

    assert reference not in references(engine)
    assert report.removed["fh_support_requests"] == 1


def test_legal_hold_can_be_placed_and_released(engine: sa.Engine, rows: Rows) -> None:
    reference = rows.request(400)

    assert place_legal_hold(engine, reference.lower()) is True
    assert place_legal_hold(engine, reference) is False
    assert run(engine, REQUESTS_ONLY, rows).total == 0

    assert release_legal_hold(engine, f" {reference} ") is True
    assert release_legal_hold(engine, reference) is False
    assert run(engine, REQUESTS_ONLY, rows).removed["fh_support_requests"] == 1

    with pytest.raises(RequestNotFoundError, match="no support request has the reference"):
        place_legal_hold(engine, reference)


# -- each table's window, counted back from an injected now ---------------------------------------


def test_requests_are_kept_until_strictly_older_than_the_window(
    engine: sa.Engine, rows: Rows
) -> None:
    on_the_day = rows.request(365)
    rows.request(365.0001)

    run(engine, REQUESTS_ONLY, rows)

    assert references(engine) == {on_the_day}


def test_by_default_every_request_and_its_records_are_kept(engine: sa.Engine, rows: Rows) -> None:
    rows.request(5000, delivered_age=5000)

    report = run(engine, RetentionPolicy(), rows)

    assert report.total == 0
    assert report.requests_on_legal_hold == report.requests_undelivered == 0


def test_evidence_window_removes_files_of_old_requests_but_keeps_the_requests(
    engine: sa.Engine, rows: Rows
) -> None:
    old = rows.request(100, evidence=2)
    young = rows.request(80)
    held = rows.request(100, legal_hold=True)
    waiting = rows.request(100, jobs=("dead",))
    kept_names = set(rows.storage.names)

    report = run(engine, KEEP_ALL.model_copy(update={"evidence_days": 90}), rows)

    assert removed(report) == {"fh_evidence_files": 2}
    assert references(engine) == {old, young, held, waiting}
    assert len(kept_names - rows.storage.names) == 2
    assert len(rows.storage.names) == 3


def test_uploads_never_sent_go_once_they_and_their_draft_are_past_the_evidence_window(
    engine: sa.Engine, rows: Rows
) -> None:
    rows.draft(expired=100, evidence=1)  # expired, never sent: unreachable
    rows.draft(submitted=100, evidence=1)  # left out of the request it became
    rows.orphan_evidence(100)  # its draft is gone
    rows.draft(expired=10, evidence=1)  # draft ended too recently
    rows.draft(expired=-5, evidence=1)  # draft still open
    rows.orphan_evidence(10)  # too young

    report = run(engine, KEEP_ALL.model_copy(update={"evidence_days": 30}), rows)

    assert removed(report) == {"fh_evidence_files": 3}
    assert len(rows.storage.names) == 3
    assert row_counts(engine)["fh_drafts"] == 4


def test_drafts_go_after_their_grace_with_unsent_uploads_and_tokens(
    engine: sa.Engine, rows: Rows
) -> None:
    rows.draft(expired=31, evidence=2, tokens=("live", "used"))  # past expiry + grace
    rows.draft(submitted=31)  # sent long enough ago
    kept_open = rows.draft(expired=29, evidence=1)  # inside the grace
    kept_sent = rows.draft(submitted=29)
    sent = rows.draft(submitted=40, evidence=1)
    rows.request(10, draft_id=sent, evidence=1)  # a file sent with the request stays with it

    report = run(engine, KEEP_ALL.model_copy(update={"drafts_days": 30}), rows)

    assert removed(report) == {"fh_drafts": 3, "fh_resume_tokens": 2, "fh_evidence_files": 3}
    with engine.connect() as connection:
        drafts_left = set(connection.scalars(sa.text("SELECT id FROM fh_drafts")))
        request_files = connection.execute(
            sa.select(evidence_files.c.draft_id).where(evidence_files.c.request_id.is_not(None))
        ).all()
    assert drafts_left == {kept_open, kept_sent}
    assert request_files == [(None,)]  # unlinked from its purged draft, not removed


def test_resume_tokens_go_as_soon_as_they_are_used_or_expired(
    engine: sa.Engine, rows: Rows
) -> None:
    rows.draft(tokens=("live", "used", "expired"))

    report = run(engine, KEEP_ALL, rows)

    assert removed(report) == {"fh_resume_tokens": 2}
    assert row_counts(engine)["fh_resume_tokens"] == 1


def test_outbox_window_removes_delivered_jobs_of_requests_no_rule_protects(
    engine: sa.Engine, rows: Rows
) -> None:
    rows.request(100, jobs=("delivered", "delivered"), delivered_age=95)
    rows.request(100, delivered_age=80)  # delivered too recently
    rows.request(100, jobs=("delivered",), delivered_age=95, legal_hold=True)
    rows.request(100, jobs=("delivered", "dead"), delivered_age=95)

    report = run(engine, KEEP_ALL.model_copy(update={"outbox_days": 90}), rows)

    assert removed(report) == {"fh_outbox_jobs": 2, "fh_delivery_attempts": 2}
    assert row_counts(engine)["fh_support_requests"] == 4


def test_assignments_and_internal_notes_go_with_their_request_and_stay_while_it_stays(
    engine: sa.Engine, rows: Rows
) -> None:
    rows.request(400, triaged=True)
    held = rows.request(400, triaged=True, legal_hold=True)
    young = rows.request(100, triaged=True)

    report = run(engine, REQUESTS_ONLY, rows)

    assert removed(report) == WHOLE_REQUEST | {"fh_request_assignments": 1, "fh_request_notes": 2}
    assert references(engine) == {held, young}
    counts = row_counts(engine)
    assert (counts["fh_request_assignments"], counts["fh_request_notes"]) == (2, 4)


def test_messages_of_no_request_go_after_the_outbox_window_unless_still_on_their_way(
    engine: sa.Engine, rows: Rows
) -> None:
    gone = {
        rows.message_job("delivered", age=100, delivered_age=95),
        rows.message_job("dead", age=95),
    }
    kept = {
        rows.message_job("delivered", age=100, delivered_age=80),
        rows.message_job("dead", age=80),
        rows.message_job("pending", age=400),
        rows.message_job("in_flight", age=400),
    }
    with_request = rows.request(100, delivered_age=95)
    policy = KEEP_ALL.model_copy(update={"outbox_days": 90})

    assert run(engine, KEEP_ALL, rows).total == 0  # kept until the LA sets an outbox window
    report = run(engine, policy, rows)

    # The request's own delivered job goes too; the request stays.
    assert removed(report) == {"fh_outbox_jobs": 3, "fh_delivery_attempts": 3}
    with engine.connect() as connection:
        left = set(connection.scalars(sa.select(outbox_jobs.c.id)))
        attempts = set(connection.scalars(sa.select(delivery_attempts.c.job_id)))
    assert kept <= left
    assert not gone & left
    assert not gone & attempts
    assert references(engine) == {with_request}
    assert run(engine, policy, rows).total == 0


def test_the_dead_status_is_the_outboxs() -> None:
    assert JobStatus.DEAD.value == _DEAD


def test_rate_limit_counts_go_once_their_window_has_ended(engine: sa.Engine, rows: Rows) -> None:
    limit = StoreRateLimit(engine, 2, per=timedelta(minutes=15), clock=lambda: NOW)
    assert [limit("203.0.113.7 a1") for _ in range(3)] == [True, True, False]
    rows.rate_limit("203.0.113.7 b2", minutes_ago=16)
    rows.rate_limit("203.0.113.7 c3", minutes_ago=60 * 24 * 30)
    only_limits = KEEP_ALL.model_copy(update={"rate_limit_window_minutes": 15})

    assert run(engine, KEEP_ALL, rows).total == 0  # KEEP_ALL keeps rate-limit counts too
    report = run(engine, only_limits, rows)

    assert removed(report) == {"fh_rate_limits": 2}
    with engine.connect() as connection:
        assert set(connection.scalars(sa.select(rate_limits.c.key))) == {"203.0.113.7 a1"}
    assert limit("203.0.113.7 a1") is False  # the running count still refuses


def test_the_default_rate_limit_window_is_the_one_build_flow_uses() -> None:
    from familyhubs_sdk import load_settings
    from familyhubs_sdk.support import JourneyOptions, build_flow
    from familyhubs_sdk.web import CsrfRule

    engine = create_engine("sqlite://")
    flow = build_flow(
        load_settings(database_url="sqlite://"),
        engine=engine,
        options=JourneyOptions(csrf=CsrfRule(exempt=True)),
        analytics=None,
    )
    window = timedelta(minutes=RetentionPolicy().rate_limit_window_minutes or 0)
    assert f"per={window!r}" in repr(flow.resume)
    engine.dispose()


def test_the_audit_its_reviews_and_person_links_are_never_purged(
    engine: sa.Engine, rows: Rows
) -> None:
    long_ago = rows.ago(4000)
    with engine.begin() as connection:
        connection.execute(
            audit_events.insert().values(
                occurred_at=long_ago,
                request_id="r-1",
                actor_id="u-1",
                actor_role="social_worker",
                actor_organisation="LA",
                action="timeline_view",
                outcome="allowed",
                break_glass=True,
            )
        )
        connection.execute(
            access_reviews.insert().values(
                subject_ref="s" * 64,
                actor_id="u-1",
                day=long_ago.date(),
                outcome="justified",
                reviewer_id="u-9",
                reviewed_at=long_ago,
            )
        )
        connection.execute(
            person_links.insert().values(
                source_system="police",
                source_person_id="P1",
                linked_source_system="lcs",
                linked_person_id="L1",
                link_method="manual",
                status="rejected",
                created_at=long_ago,
                decided_at=long_ago,
            )
        )
    shortest = RetentionPolicy(
        drafts_days=1,
        requests_days=1,
        evidence_days=1,
        outbox_days=1,
        analytics_days=1,
        rate_limit_window_minutes=1,
    )

    report = run(engine, shortest, rows)

    assert report.total == 0
    assert not {"fh_audit_events", "fh_access_reviews", "fh_person_links"} & set(report.removed)
    counts = row_counts(engine)
    assert (counts["fh_audit_events"], counts["fh_access_reviews"]) == (1, 1)
    assert counts["fh_person_links"] == 1


def test_analytics_keep_13_months_by_default(engine: sa.Engine, rows: Rows) -> None:
    rows.analytics(394, 395, 396, 1000)

    report = run(engine, RetentionPolicy(), rows)

    assert removed(report) == {"fh_analytics_events": 2}


# -- how the purge runs ---------------------------------------------------------------------------


def mixed(rows: Rows) -> None:
    """Something for every window, and something every rule keeps."""
    rows.request(800)
    rows.request(800, legal_hold=True)
    rows.request(800, jobs=("dead",))
    rows.request(500, evidence=2, delivered_age=400)
    rows.request(100, jobs=("pending",))
    rows.draft(expired=60, evidence=1, tokens=("used", "live"))
    rows.draft(submitted=45)
    rows.draft(tokens=("expired",), evidence=1)
    rows.orphan_evidence(200)
    rows.analytics(500, 10)


def test_a_dry_run_changes_nothing_and_counts_what_the_real_run_removes(
    engine: sa.Engine, rows: Rows
) -> None:
    mixed(rows)
    before, names = row_counts(engine), set(rows.storage.names)
    policy = RetentionPolicy.recommended()

    dry = run(engine, policy, rows, dry_run=True)

    assert row_counts(engine) == before
    assert rows.storage.names == names
    assert dry.dry_run
    real = run(engine, policy, rows)
    assert not real.dry_run
    assert dry.removed == real.removed
    assert (dry.requests_on_legal_hold, dry.requests_undelivered) == (1, 1)
    assert removed(real) == {
        "fh_drafts": 2,
        "fh_resume_tokens": 3,
        "fh_support_requests": 1,
        "fh_request_status_history": 2,
        "fh_outbox_jobs": 2,
        "fh_delivery_attempts": 2,
        "fh_evidence_files": 5,
        "fh_analytics_events": 1,
    }
    assert len(names) - len(rows.storage.names) == 5


def test_a_second_run_removes_nothing(engine: sa.Engine, rows: Rows) -> None:
    mixed(rows)
    policy = RetentionPolicy.recommended()
    assert run(engine, policy, rows).total > 0

    again = run(engine, policy, rows)

    assert again.total == 0
    assert list(again.removed) == [
        "fh_drafts",
        "fh_resume_tokens",
        "fh_support_requests",
        "fh_request_status_history",
        "fh_request_assignments",
        "fh_request_notes",
        "fh_outbox_jobs",
        "fh_delivery_attempts",
        "fh_evidence_files",
        "fh_analytics_events",
        "fh_rate_limits",
    ]


def test_requests_are_removed_a_batch_per_transaction(engine: sa.Engine, rows: Rows) -> None:
    for _ in range(7):
        rows.request(400)
    events: list[str] = []

    @sa.event.listens_for(engine, "before_cursor_execute")
    def _delete(_conn: Any, _cursor: Any, statement: str, *args: Any) -> None:
        if statement.startswith("DELETE FROM fh_support_requests"):
            events.append("delete")

    sa.event.listen(engine, "commit", lambda _conn: events.append("commit"))

    report = run(engine, REQUESTS_ONLY.model_copy(update={"batch_size": 2}), rows)

    assert removed(report) == {table: 7 * count for table, count in WHOLE_REQUEST.items()}
    deletes = [i for i, event in enumerate(events) if event == "delete"]
    assert len(deletes) == 4  # 2 + 2 + 2 + 1 requests
    for this, following in itertools.pairwise(deletes):
        assert "commit" in events[this:following]  # each batch committed before the next


def test_a_crash_mid_purge_leaves_whole_requests(engine: sa.Engine, rows: Rows) -> None:
    for _ in range(7):
        rows.request(400)

    @sa.event.listens_for(engine, "before_cursor_execute")
    def _crash(_conn: Any, _cursor: Any, statement: str, *args: Any) -> None:
        if statement.startswith("DELETE FROM fh_request_status_history"):
            _crash.calls = getattr(_crash, "calls", 0) + 1  # type: ignore[attr-defined]
            if _crash.calls == 3:  # type: ignore[attr-defined]
                raise RuntimeError("power cut")

    with pytest.raises(RuntimeError, match="power cut"):
        run(engine, REQUESTS_ONLY.model_copy(update={"batch_size": 2}), rows)

    counts = row_counts(engine)
    assert counts["fh_support_requests"] == 3
    assert counts["fh_request_status_history"] == 6
    assert counts["fh_outbox_jobs"] == counts["fh_delivery_attempts"] == 3
    assert counts["fh_evidence_files"] == len(rows.storage.names) == 3


def test_on_sqlite_a_batch_holds_the_write_lock_before_it_deletes(
    engine: sa.Engine, rows: Rows
) -> None:
    rows.request(400)
    outcomes: list[str] = []

    @sa.event.listens_for(engine, "before_cursor_execute")
    def _hold_meanwhile(_conn: Any, _cursor: Any, statement: str, *args: Any) -> None:
        # Between choosing the batch and deleting it, someone places a legal hold.
        if statement.startswith("DELETE FROM fh_delivery_attempts") and not outcomes:
            other = sqlite3.connect(str(engine.url.database), timeout=0)
            try:
                other.execute("UPDATE fh_support_requests SET legal_hold = 1")
                other.commit()
                outcomes.append("hold placed")
            except sqlite3.OperationalError as exc:
                outcomes.append(str(exc))
            finally:
                other.close()

    report = run(engine, REQUESTS_ONLY, rows)

    assert outcomes == ["database is locked"]  # the hold waits for the batch to commit
    assert report.removed["fh_support_requests"] == 1


def test_a_request_that_changes_mid_batch_rolls_the_batch_back(
    engine: sa.Engine, rows: Rows
) -> None:
    rows.request(400)
    before = row_counts(engine)

    @sa.event.listens_for(engine, "before_cursor_execute")
    def _hold_inside(_conn: Any, cursor: Any, statement: str, *args: Any) -> None:
        if statement.startswith("DELETE FROM fh_request_status_history"):
            cursor.connection.execute("UPDATE fh_support_requests SET legal_hold = 1")

    with pytest.raises(StoreError, match="rolled back"):
        run(engine, REQUESTS_ONLY, rows)

    assert row_counts(engine) == before


def test_children_are_removed_even_where_foreign_keys_are_off(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'plain.db'}"
    migrated = create_engine(url)
    upgrade(migrated)
    migrated.dispose()
    plain = sa.create_engine(url)  # no PRAGMA foreign_keys: ON DELETE CASCADE does nothing
    rows = Rows(plain)
    rows.request(400)
    rows.draft(expired=60, evidence=1, tokens=("live",))

    report = run(plain, REQUESTS_ONLY.model_copy(update={"drafts_days": 30}), rows)

    assert report.total == 9
    assert sum(row_counts(plain).values()) == 0
    plain.dispose()


def test_storage_failures_are_counted_and_logged_not_raised(
    engine: sa.Engine, rows: Rows, caplog: pytest.LogCaptureFixture
) -> None:
    rows.request(400, evidence=3)
    rows.storage.broken = {sorted(rows.storage.names)[0]}

    with caplog.at_level(logging.WARNING, logger="familyhubs_sdk.store._retention"):
        report = run(engine, REQUESTS_ONLY, rows)

    assert report.removed["fh_evidence_files"] == 3
    assert report.evidence_files_left == 1
    assert rows.storage.names == rows.storage.broken
    assert "could not delete evidence file" in caplog.text
    assert "storage refused" not in caplog.text  # the exception's text could hold a path


def test_without_storage_the_bytes_left_behind_are_counted(engine: sa.Engine, rows: Rows) -> None:
    rows.request(400, evidence=2)

    report = purge(engine, REQUESTS_ONLY, clock=lambda: NOW)

    assert report.evidence_files_left == 2
    assert report.removed["fh_evidence_files"] == 2


def test_the_clock_must_be_timezone_aware(engine: sa.Engine) -> None:
    with pytest.raises(ValueError, match="timezone-aware"):
        purge(engine, REQUESTS_ONLY, clock=lambda: NOW.replace(tzinfo=None))


# -- the policy ----------------------------------------------------------------------------------


def test_defaults_delete_only_what_nobody_can_use() -> None:
    policy = RetentionPolicy()
    assert (policy.requests_days, policy.evidence_days, policy.outbox_days) == (None,) * 3
    assert (policy.drafts_days, policy.analytics_days, policy.batch_size) == (30, 395, 500)
    assert policy.rate_limit_window_minutes == 15
    recommended = RetentionPolicy.recommended()
    assert (recommended.requests_days, recommended.evidence_days) == (730, 90)


@pytest.mark.parametrize("keep", [None, "keep", "Forever", "none", ""])
def test_from_mapping_reads_keep_for_ever(keep: str | None) -> None:
    policy = RetentionPolicy.from_mapping({"drafts_days": keep, "requests_days": "730"})
    assert policy.drafts_days is None
    assert policy.requests_days == 730
    assert policy.analytics_days == 395


@pytest.mark.parametrize(
    ("data", "fault"),
    [
        ({"requests_days": 0}, "requests_days"),
        ({"evidence_days": -5}, "evidence_days"),
        ({"drafts_days": True}, "drafts_days"),
        ({"outbox_days": 1.5}, "outbox_days"),
        ({"batch_size": 0}, "batch_size"),
        ({"request_days": 730}, "request_days"),
    ],
)
def test_from_mapping_names_the_setting_at_fault(data: dict[str, Any], fault: str) -> None:
    with pytest.raises(ConfigurationError, match=f"retention policy: {fault}"):
        RetentionPolicy.from_mapping(data)


def test_policy_from_yaml_and_files(tmp_path: Path) -> None:
    path = tmp_path / "retention.yaml"
    path.write_text("requests_days: 2190\nevidence_days: null\n", encoding="utf-8")
    assert RetentionPolicy.load(path) == RetentionPolicy(requests_days=2190)
    assert RetentionPolicy.from_yaml("") == RetentionPolicy()
    with pytest.raises(ConfigurationError, match="expected a mapping"):
        RetentionPolicy.from_yaml("- 1\n- 2\n")
    with pytest.raises(ConfigurationError, match="not valid YAML"):
        RetentionPolicy.from_yaml("requests_days: [")
    with pytest.raises(ConfigurationError, match="cannot be read"):
        RetentionPolicy.load(tmp_path / "missing.yaml")


def test_policy_from_environment() -> None:
    environ = {
        "FAMILYHUBS_RETENTION__REQUESTS_DAYS": "730",
        "FAMILYHUBS_RETENTION__ANALYTICS_DAYS": "keep",
        "FAMILYHUBS_DATA_DIR": "/elsewhere",
    }
    policy = RetentionPolicy.from_env(environ)
    assert (policy.requests_days, policy.analytics_days) == (730, None)
    with pytest.raises(ConfigurationError, match="FAMILYHUBS_RETENTION__"):
        RetentionPolicy.from_env({"FAMILYHUBS_RETENTION__REQUEST_DAYS": "keep"})


# -- the command line ----------------------------------------------------------------------------


@pytest.fixture
def cli_db(tmp_path: Path) -> tuple[str, Rows, Path]:
    url = f"sqlite:///{tmp_path / 'cli.db'}"
    engine = create_engine(url)
    upgrade(engine)
    policy = tmp_path / "policy.yaml"
    policy.write_text("requests_days: 365\nanalytics_days: 30\n", encoding="utf-8")
    return url, Rows(engine, now=datetime.now(UTC)), policy  # the command counts from the clock


def test_cli_dry_run_prints_counts_per_table_and_changes_nothing(
    cli_db: tuple[str, Rows, Path], capsys: pytest.CaptureFixture[str]
) -> None:
    url, rows, policy = cli_db
    rows.request(400)
    rows.request(400, legal_hold=True)
    rows.analytics(40, 40, 1)
    before = row_counts(rows.engine)

    status = main(["retention", "purge", "--dry-run", "--policy", str(policy), "--url", url])

    out = capsys.readouterr().out
    assert status == 0
    assert row_counts(rows.engine) == before
    lines = out.splitlines()
    assert lines[0] == (
        "policy: drafts 30 days, requests 365 days, evidence kept, outbox kept, analytics 30 days, "
        "rate limits 15-minute windows"
    )
    assert lines[1] == "would remove (dry run, nothing changed):"
    counts = dict(line.split() for line in lines[2:14])
    assert counts == {
        "fh_drafts": "0",
        "fh_resume_tokens": "0",
        "fh_support_requests": "1",
        "fh_request_status_history": "2",
        "fh_request_assignments": "0",
        "fh_request_notes": "0",
        "fh_outbox_jobs": "1",
        "fh_delivery_attempts": "1",
        "fh_evidence_files": "1",
        "fh_analytics_events": "2",
        "fh_rate_limits": "0",
        "total": "8",
    }
    assert lines[14] == "kept past the requests window: 1 on legal hold, 0 not yet delivered"


def test_cli_purge_refuses_to_orphan_evidence_bytes(
    cli_db: tuple[str, Rows, Path], capsys: pytest.CaptureFixture[str]
) -> None:
    url, rows, policy = cli_db
    rows.request(400)
    before = row_counts(rows.engine)

    status = main(["retention", "purge", "--policy", str(policy), "--url", url])

    err = capsys.readouterr().err
    assert status == 2
    assert err.count("\n") == 1
    assert err.startswith(
        "familyhubs: error: 1 evidence files are due for removal; give --evidence-dir"
    )
    assert err.rstrip().endswith("[configuration_invalid]")
    assert row_counts(rows.engine) == before


def test_cli_purge_deletes_evidence_bytes_from_the_evidence_folder(
    cli_db: tuple[str, Rows, Path], tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    url, rows, policy = cli_db
    rows.request(400, evidence=2)
    kept = rows.request(400, legal_hold=True)
    folder = tmp_path / "evidence"
    folder.mkdir()
    for name in rows.storage.names:
        (folder / name).write_bytes(b"%PDF-")

    status = main(
        ["retention", "purge", "--policy", str(policy), "--url", url, "--evidence-dir", str(folder)]
    )

    assert status == 0
    assert "warning" not in capsys.readouterr().out
    assert references(rows.engine) == {kept}
    assert len(list(folder.iterdir())) == 1  # the held request's file
    missing = ["--evidence-dir", str(tmp_path / "nowhere")]
    assert main(["retention", "purge", "--url", url, *missing]) == 2
    assert "no such folder [configuration_invalid]" in capsys.readouterr().err


def test_cli_purge_removes_and_holds_protect(
    cli_db: tuple[str, Rows, Path], capsys: pytest.CaptureFixture[str]
) -> None:
    url, rows, policy = cli_db
    kept = rows.request(400, evidence=0)
    gone = rows.request(400, evidence=0)

    assert main(["retention", "hold", kept.lower(), "--url", url]) == 0
    assert capsys.readouterr().out == f"{kept}: placed on legal hold\n"
    assert main(["retention", "hold", kept, "--url", url]) == 0
    assert capsys.readouterr().out == f"{kept}: already on legal hold\n"

    assert main(["retention", "purge", "--policy", str(policy), "--url", url]) == 0
    out = capsys.readouterr().out
    assert "removed:\n" in out
    assert references(rows.engine) == {kept}
    assert gone

    assert main(["retention", "release", kept, "--url", url]) == 0
    assert capsys.readouterr().out == f"{kept}: released from legal hold\n"
    assert main(["retention", "release", kept, "--url", url]) == 0
    assert capsys.readouterr().out == f"{kept}: not on legal hold\n"


def test_cli_errors_are_one_line_with_a_code(
    cli_db: tuple[str, Rows, Path], tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    url, _rows, _policy = cli_db
    assert main(["retention", "hold", "ZZZZZZZZ", "--url", url]) == 2
    err = capsys.readouterr().err
    assert err == (
        "familyhubs: error: no support request has the reference 'ZZZZZZZZ' [request_not_found]\n"
    )

    bad = tmp_path / "bad.yaml"
    bad.write_text("requests_days: 0\n", encoding="utf-8")
    assert main(["retention", "purge", "--policy", str(bad), "--url", url]) == 2
    err = capsys.readouterr().err
    assert err.startswith(f"familyhubs: error: {bad}: requests_days:")
    assert "Traceback" not in err


def test_cli_reads_the_policy_from_the_environment(
    cli_db: tuple[str, Rows, Path],
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    url, rows, _policy = cli_db
    rows.request(400, evidence=0)
    monkeypatch.setenv("FAMILYHUBS_RETENTION__REQUESTS_DAYS", "365")

    assert main(["retention", "purge", "--url", url]) == 0

    assert "requests 365 days" in capsys.readouterr().out
    assert references(rows.engine) == set()
