"""The access audit on every dialect: append-only rows, opaque subjects, safe CSV export."""

from __future__ import annotations

import csv
import io
from datetime import UTC, datetime, timedelta

import pytest
import sqlalchemy as sa
from pydantic import ValidationError

from familyhubs_sdk.errors import AccessReviewError, AuditPermissionError, ConfigurationError
from familyhubs_sdk.store import upgrade
from familyhubs_sdk.store._schema import audit_events
from familyhubs_sdk.timeline import (
    AccessPolicy,
    AccessReviews,
    AccessRules,
    AuditAction,
    AuditLog,
    AuditOutcome,
    Viewer,
)
from familyhubs_sdk.timeline._audit import EXPORT_COLUMNS

KEY = b"0123456789abcdef0123456789abcdef"
VIEWER = Viewer(id="u-7", name="Sam Patel", role="health_visitor", organisation="Exampleshire NHS")


class Clock:
    def __init__(self) -> None:
        self.now = datetime(2026, 5, 1, 9, 0, tzinfo=UTC)

    def __call__(self) -> datetime:
        self.now += timedelta(seconds=1)
        return self.now


@pytest.fixture
def audit(engine: sa.Engine) -> AuditLog:
    upgrade(engine)
    return AuditLog(engine, key=KEY, clock=Clock())


def test_each_record_is_one_row_with_every_required_field(
    audit: AuditLog, engine: sa.Engine
) -> None:
    audit.record(
        VIEWER,
        AuditAction.TIMELINE_VIEW,
        subject_id="NHS-9434765919-canary",
        reason="early_help_assessment",
        basis="public_task",
        request_id="req-1",
    )
    with engine.connect() as connection:
        rows = connection.execute(sa.select(audit_events)).mappings().all()
    assert len(rows) == 1
    row = rows[0]
    assert row["actor_id"] == "u-7"
    assert row["actor_role"] == "health_visitor"
    assert row["actor_organisation"] == "Exampleshire NHS"
    assert row["action"] == "timeline_view"
    assert row["reason"] == "early_help_assessment"
    assert row["basis"] == "public_task"
    assert row["outcome"] == "allowed"
    assert row["request_id"] == "req-1"
    assert row["occurred_at"] == datetime(2026, 5, 1, 9, 0, 1, tzinfo=UTC)
    assert row["subject_ref"].startswith("s1:")
    # The subject's identifier never reaches the table, in any column.
    assert "canary" not in repr(dict(row))
    assert "9434765919" not in repr(dict(row))


def test_query_filters_and_orders_newest_first(audit: AuditLog) -> None:
    other = VIEWER.model_copy(update={"id": "u-8"})
    audit.record(VIEWER, AuditAction.SEARCH)
    audit.record(VIEWER, AuditAction.TIMELINE_VIEW, subject_id="p1")
    audit.record(other, AuditAction.CONTACTS_VIEW, subject_id="p1")
    audit.record(other, AuditAction.TIMELINE_VIEW, subject_id="p2", outcome=AuditOutcome.DENIED)

    assert [e.action for e in audit.query(subject_id="p1")] == [
        AuditAction.CONTACTS_VIEW,
        AuditAction.TIMELINE_VIEW,
    ]
    assert [e.subject_ref for e in audit.query(actor_id="u-8")] == [
        audit.subject_ref("p2"),
        audit.subject_ref("p1"),
    ]
    assert len(audit.query(action=AuditAction.TIMELINE_VIEW)) == 2
    assert len(audit.query(limit=1)) == 1
    first = audit.query()[-1].occurred_at
    assert len(audit.query(since=first + timedelta(seconds=1))) == 3
    assert len(audit.query(until=first + timedelta(seconds=1))) == 1


def test_break_glass_needs_a_justification_and_is_flagged(audit: AuditLog) -> None:
    with pytest.raises(ValidationError, match="justification"):
        audit.record(VIEWER, AuditAction.TIMELINE_VIEW, subject_id="p1", break_glass=True)
    event = audit.record(
        VIEWER,
        AuditAction.TIMELINE_VIEW,
        subject_id="p1",
        break_glass=True,
        justification="Out of hours: child presented at A&E",
    )
    assert audit.query(subject_id="p1") == [event]
    assert event.break_glass is True


def test_csv_export_is_formula_safe(audit: AuditLog) -> None:
    hostile = VIEWER.model_copy(update={"organisation": '=HYPERLINK("http://x","y")'})
    audit.record(hostile, AuditAction.EXPORT, subject_id="p1", reason="+cmd|' /C calc'!A0")
    out = io.StringIO()
    assert audit.export_csv(out, subject_id="p1") == 1
    header, row = list(csv.reader(io.StringIO(out.getvalue())))
    assert tuple(header) == EXPORT_COLUMNS
    record = dict(zip(header, row, strict=True))
    assert record["actor_organisation"].startswith("'=")
    assert record["reason"].startswith("'+")


def test_the_sdk_offers_no_way_to_change_history(audit: AuditLog) -> None:
    public = {name for name in dir(audit) if not name.startswith("_")}
    assert public == {"export_csv", "query", "record", "record_each", "subject_ref"}
    # Reviews of emergency access are kept beside the audit, never in it.
    reviews = AccessReviews(
        audit._engine, audit=audit, policy=AccessPolicy(AccessRules(roles={}))
    )
    assert {n for n in dir(reviews) if not n.startswith("_")} == {
        "audit", "item", "may_review", "policy", "queue", "review"
    }


def test_subject_refs_are_keyed_and_stable(engine: sa.Engine) -> None:
    first = AuditLog(engine, key=KEY).subject_ref("p1")
    assert first == AuditLog(engine, key=KEY).subject_ref("p1")
    assert first != AuditLog(engine, key=b"x" * 32).subject_ref("p1")
    with pytest.raises(ConfigurationError, match="32 bytes"):
        AuditLog(engine, key=b"short")


def test_record_joins_the_callers_transaction(audit: AuditLog, engine: sa.Engine) -> None:
    def write_then_fail() -> None:
        with engine.begin() as connection:
            audit.record(VIEWER, AuditAction.SEARCH, connection=connection)
            raise RuntimeError("the caller's work failed")

    with pytest.raises(RuntimeError):
        write_then_fail()
    assert audit.query() == []


def test_viewed_by_fragment_lists_the_subjects_views(audit: AuditLog) -> None:
    from familyhubs_sdk.timeline import render_viewed_by

    audit.record(VIEWER, AuditAction.TIMELINE_VIEW, subject_id="p1", reason="early_help_assessment")
    audit.record(
        VIEWER,
        AuditAction.CONTACTS_VIEW,
        subject_id="p1",
        break_glass=True,
        justification="urgent",
        outcome=AuditOutcome.DENIED,
    )
    audit.record(VIEWER, AuditAction.TIMELINE_VIEW, subject_id="someone-else")
    html = render_viewed_by(audit.query(subject_id="p1"))
    # One row per professional and day: header + Sam Patel's row.
    assert html.count('<tr class="govuk-table__row">') == 2
    assert "Sam Patel<br>" in html
    assert "Health visitor, Exampleshire NHS" in html
    assert '<time datetime="2026-05-01T09:00:01+00:00">09:00</time>' in html
    assert "Early help assessment" in html
    assert "Emergency access" in html
    assert "Refused" in html
    assert "Nobody has viewed this record yet." in render_viewed_by([])


def test_reading_a_record_again_the_same_day_adds_to_its_row_not_a_row(audit: AuditLog) -> None:
    from familyhubs_sdk.timeline import render_viewed_by

    for _ in range(4):  # the record, then three filter changes: each read is audited
        audit.record(VIEWER, AuditAction.TIMELINE_VIEW, subject_id="p1", reason="health_care")
    other = VIEWER.model_copy(update={"id": "u-8", "name": "Ola Brown"})
    audit.record(other, AuditAction.CONTACTS_VIEW, subject_id="p1", reason="health_care")
    assert len(audit.query(subject_id="p1")) == 5
    html = render_viewed_by(audit.query(subject_id="p1"))
    assert html.count('<tr class="govuk-table__row">') == 3  # header + one row per viewer
    assert "Timeline (4 times)" in html
    assert "09:00</time> to <time" in html  # first and last look
    assert "Ola Brown<br>" in html


RULES = AccessRules.from_yaml(
    """
roles:
  health_visitor: {views: [timeline], requires_relationship: true, may_break_glass: true}
  information_governance: {audit: true}
"""
)
IG = Viewer(id="ig-1", name="Ines Grant", role="information_governance", organisation="LA")


def test_every_emergency_access_lands_in_the_review_queue_and_its_review_is_audited(
    audit: AuditLog, engine: sa.Engine
) -> None:
    reviews = AccessReviews(engine, audit=audit, policy=AccessPolicy(RULES))
    for _ in range(3):
        audit.record(VIEWER, AuditAction.TIMELINE_VIEW, subject_id="p1", reason="health_care",
                     break_glass=True, justification="A&E called")  # fmt: skip
    audit.record(VIEWER, AuditAction.TIMELINE_VIEW, subject_id="p2", reason="health_care")
    [item] = reviews.queue(IG)
    assert (item.actor_name, item.views, item.status, item.justification) == (
        "Sam Patel", 3, "pending", "A&E called"
    )
    assert item.subject_ref == audit.subject_ref("p1")
    with pytest.raises(AccessReviewError):
        reviews.review(IG, item.key, "fine", "")  # not an outcome
    with pytest.raises(AccessReviewError):
        reviews.review(IG, item.key, "appropriate", "x" * 501)
    done = reviews.review(IG, item.key, "appropriate", " Checked with the ward. ")
    assert (done.status, done.note, done.reviewer_name) == ("reviewed", "Checked with the ward.",
                                                            "Ines Grant")  # fmt: skip
    assert reviews.queue(IG, status="pending") == []
    assert reviews.queue(IG, status="reviewed")[0].outcome == "appropriate"
    with pytest.raises(AccessReviewError, match="already reviewed"):
        reviews.review(IG, item.key, "not_appropriate", "")
    [review_event] = audit.query(action=AuditAction.ACCESS_REVIEW)
    assert (review_event.actor_id, review_event.subject_ref) == ("ig-1", item.subject_ref)


def test_the_review_queue_needs_the_audit_permission(audit: AuditLog, engine: sa.Engine) -> None:
    reviews = AccessReviews(engine, audit=audit, policy=AccessPolicy(RULES))
    audit.record(VIEWER, AuditAction.TIMELINE_VIEW, subject_id="p1", reason="health_care",
                 break_glass=True, justification="A&E called")  # fmt: skip
    key = reviews.queue(IG)[0].key
    for call in (
        lambda: reviews.queue(VIEWER),
        lambda: reviews.item(VIEWER, key),
        lambda: reviews.review(VIEWER, key, "appropriate", ""),
    ):
        with pytest.raises(AuditPermissionError):
            call()
    assert reviews.queue(IG)[0].status == "pending"
