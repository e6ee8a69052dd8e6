"""The SDK's own tables, as SQLAlchemy Core :class:`~sqlalchemy.MetaData`.

Every table name starts with ``fh_`` so the SDK can share a database with the host application.
Schema changes ship as Alembic migrations in ``familyhubs_sdk/store/migrations``; a test checks
that the migration head and this module never drift apart.

Nothing here holds free-text case notes. Audit and analytics rows hold opaque references, never
the personal data that was shown or typed.
"""

from __future__ import annotations

import sqlalchemy as sa
import sqlalchemy.dialects.mysql

from familyhubs_sdk.store._types import UTCDateTime

__all__ = [
    "access_reviews",
    "analytics_events",
    "audit_events",
    "delivery_attempts",
    "drafts",
    "evidence_blobs",
    "evidence_files",
    "metadata",
    "outbox_jobs",
    "person_links",
    "rate_limits",
    "request_assignments",
    "request_notes",
    "request_status_history",
    "resume_tokens",
    "support_requests",
]

# Explicit constraint names keep migrations identical on every dialect.
metadata = sa.MetaData(
    naming_convention={
        "ix": "ix_%(table_name)s_%(column_0_N_name)s",
        "uq": "uq_%(table_name)s_%(column_0_N_name)s",
        "ck": "ck_%(table_name)s_%(constraint_name)s",
        "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
        "pk": "pk_%(table_name)s",
    }
)

# SQLite only auto-increments a column declared exactly INTEGER PRIMARY KEY.
_BigId = sa.BigInteger().with_variant(sa.Integer(), "sqlite")


def _uuid(
    name: str = "id",
    *args: sa.ForeignKey,
    primary_key: bool = False,
    nullable: bool = False,
    index: bool | None = None,
) -> sa.Column[str]:
    """A UUID column, stored as its 36-character text on every dialect."""
    return sa.Column(
        name, sa.String(36), *args, primary_key=primary_key, nullable=nullable, index=index
    )


drafts = sa.Table(
    "fh_drafts",
    metadata,
    _uuid(primary_key=True),
    sa.Column("tree_id", sa.String(100), nullable=False),
    sa.Column("tree_version", sa.String(40), nullable=False),
    sa.Column("state", sa.JSON(), nullable=False),
    sa.Column("created_at", UTCDateTime(), nullable=False),
    sa.Column("updated_at", UTCDateTime(), nullable=False),
    sa.Column("expires_at", UTCDateTime(), nullable=False, index=True),
    sa.Column("submitted_at", UTCDateTime(), nullable=True),
)

resume_tokens = sa.Table(
    "fh_resume_tokens",
    metadata,
    # SHA-256 of the token: the token itself is never stored.
    sa.Column("token_hash", sa.String(64), primary_key=True),
    _uuid(
        "draft_id",
        sa.ForeignKey("fh_drafts.id", ondelete="CASCADE"),
        nullable=False,
        index=True,
    ),
    sa.Column("purpose", sa.String(30), nullable=False),
    sa.Column("created_at", UTCDateTime(), nullable=False),
    sa.Column("expires_at", UTCDateTime(), nullable=False),
    sa.Column("used_at", UTCDateTime(), nullable=True),
)

support_requests = sa.Table(
    "fh_support_requests",
    metadata,
    _uuid(primary_key=True),
    sa.Column("reference", sa.String(8), nullable=False, unique=True),
    sa.Column("tree_id", sa.String(100), nullable=False),
    sa.Column("tree_version", sa.String(40), nullable=False),
    sa.Column("payload", sa.JSON(), nullable=False),
    sa.Column("status", sa.String(20), nullable=False),
    sa.Column("referrer_id", sa.String(200), nullable=False),
    sa.Column("created_at", UTCDateTime(), nullable=False, index=True),
    sa.Column("updated_at", UTCDateTime(), nullable=False),
    sa.Column("legal_hold", sa.Boolean(), nullable=False, server_default=sa.false()),
    # The draft it was sent from: unique, so a form posted twice makes one request.
    sa.Column("draft_id", sa.String(36), nullable=True),
    sa.Index(None, "draft_id", unique=True),
)

request_status_history = sa.Table(
    "fh_request_status_history",
    metadata,
    sa.Column("id", _BigId, primary_key=True, autoincrement=True),
    _uuid(
        "request_id",
        sa.ForeignKey("fh_support_requests.id", ondelete="CASCADE"),
        nullable=False,
        index=True,
    ),
    sa.Column("from_status", sa.String(20), nullable=True),
    sa.Column("to_status", sa.String(20), nullable=False),
    sa.Column("changed_by", sa.String(200), nullable=False),
    sa.Column("note", sa.String(1000), nullable=True),
    sa.Column("changed_at", UTCDateTime(), nullable=False),
)

outbox_jobs = sa.Table(
    "fh_outbox_jobs",
    metadata,
    _uuid(primary_key=True),
    # None for a message that belongs to no request (a draft's resume link).
    _uuid(
        "request_id",
        sa.ForeignKey("fh_support_requests.id", ondelete="RESTRICT"),
        nullable=True,
        index=True,
    ),
    sa.Column("channel", sa.String(50), nullable=False),
    sa.Column("idempotency_key", sa.String(64), nullable=False, unique=True),
    sa.Column("status", sa.String(20), nullable=False),
    sa.Column("attempts", sa.Integer(), nullable=False, server_default="0"),
    sa.Column("next_attempt_at", UTCDateTime(), nullable=False),
    sa.Column("lease_expires_at", UTCDateTime(), nullable=True),
    sa.Column("created_at", UTCDateTime(), nullable=False),
    sa.Column("delivered_at", UTCDateTime(), nullable=True),
    sa.Column("last_error", sa.String(500), nullable=True),
    # A message to a person (kind, address, reference, link): cleared once it is delivered.
    sa.Column("message", sa.JSON(), nullable=True),
    sa.Index(None, "status", "next_attempt_at"),
)

delivery_attempts = sa.Table(
    "fh_delivery_attempts",
    metadata,
    sa.Column("id", _BigId, primary_key=True, autoincrement=True),
    _uuid(
        "job_id",
        sa.ForeignKey("fh_outbox_jobs.id", ondelete="CASCADE"),
        nullable=False,
        index=True,
    ),
    sa.Column("attempted_at", UTCDateTime(), nullable=False),
    sa.Column("outcome", sa.String(20), nullable=False),
    sa.Column("detail", sa.String(500), nullable=True),
    sa.Column("duration_ms", sa.Integer(), nullable=True),
)

evidence_files = sa.Table(
    "fh_evidence_files",
    metadata,
    _uuid(primary_key=True),
    _uuid("draft_id", sa.ForeignKey("fh_drafts.id", ondelete="SET NULL"), nullable=True),
    _uuid(
        "request_id",
        sa.ForeignKey("fh_support_requests.id", ondelete="RESTRICT"),
        nullable=True,
        index=True,
    ),
    # Generated name under which the bytes are stored; the upload's own name is display-only.
    sa.Column("storage_name", sa.String(64), nullable=False, unique=True),
    sa.Column("display_name", sa.String(255), nullable=False),
    sa.Column("content_type", sa.String(100), nullable=False),
    sa.Column("size_bytes", sa.BigInteger(), nullable=False),
    sa.Column("sha256", sa.String(64), nullable=False),
    sa.Column("scan_status", sa.String(20), nullable=False),
    sa.Column("created_at", UTCDateTime(), nullable=False),
)

evidence_blobs = sa.Table(
    "fh_evidence_blobs",
    metadata,
    # The bytes of evidence files, for hosts that keep them in the database (see
    # DatabaseEvidenceStorage); LONGBLOB on MariaDB and MySQL, whose BLOB stops at 64 KB.
    sa.Column("storage_name", sa.String(64), primary_key=True),
    sa.Column(
        "data",
        sa.LargeBinary().with_variant(sa.dialects.mysql.LONGBLOB(), "mysql", "mariadb"),
        nullable=False,
    ),
    sa.Column("created_at", UTCDateTime(), nullable=False),
)

analytics_events = sa.Table(
    "fh_analytics_events",
    metadata,
    sa.Column("id", _BigId, primary_key=True, autoincrement=True),
    sa.Column("tree_id", sa.String(100), nullable=False),
    sa.Column("tree_version", sa.String(40), nullable=False),
    # A random per-journey key, unrelated to the draft id, the referrer or the family.
    sa.Column("journey_key", sa.String(64), nullable=False),
    sa.Column("event", sa.String(30), nullable=False),
    sa.Column("question_id", sa.String(100), nullable=True),
    sa.Column("duration_ms", sa.Integer(), nullable=True),
    sa.Column("error_code", sa.String(50), nullable=True),
    sa.Column("occurred_at", UTCDateTime(), nullable=False),
    sa.Index(None, "tree_id", "occurred_at"),
)

audit_events = sa.Table(
    "fh_audit_events",
    metadata,
    sa.Column("id", _BigId, primary_key=True, autoincrement=True),
    sa.Column("occurred_at", UTCDateTime(), nullable=False),
    sa.Column("request_id", sa.String(64), nullable=False),
    sa.Column("actor_id", sa.String(200), nullable=False),
    sa.Column("actor_role", sa.String(100), nullable=False),
    sa.Column("actor_organisation", sa.String(200), nullable=False),
    sa.Column("action", sa.String(30), nullable=False),
    # Opaque reference to the child or family, never a name or identifier.
    sa.Column("subject_ref", sa.String(64), nullable=True),
    sa.Column("reason", sa.String(100), nullable=True),
    sa.Column("basis", sa.String(100), nullable=True),
    sa.Column("outcome", sa.String(20), nullable=False),
    sa.Column("break_glass", sa.Boolean(), nullable=False, server_default=sa.false()),
    # Typed by the viewer when they use break-glass access; never the data they saw.
    sa.Column("justification", sa.String(500), nullable=True),
    # The professional's name as their sign-in gave it, for "who has viewed this record".
    sa.Column("actor_name", sa.String(200), nullable=True),
    sa.Index(None, "subject_ref", "occurred_at"),
    sa.Index(None, "actor_id", "occurred_at"),
)

# Reviewed links between two source records no shared identifier joins: proposed by a linker,
# accepted or rejected by a person. Accepted rows feed identity resolution; rejected rows stop the
# same pair being proposed again. Keys and match weights only, never names or dates of birth.
person_links = sa.Table(
    "fh_person_links",
    metadata,
    sa.Column("id", _BigId, primary_key=True, autoincrement=True),
    sa.Column("source_system", sa.String(50), nullable=False),
    sa.Column("source_person_id", sa.String(100), nullable=False),
    sa.Column("linked_source_system", sa.String(50), nullable=False),
    sa.Column("linked_person_id", sa.String(100), nullable=False),
    sa.Column("link_method", sa.String(30), nullable=False),
    sa.Column("status", sa.String(20), nullable=False, index=True),
    sa.Column("confidence", sa.Float(), nullable=True),
    sa.Column("match_weight", sa.Float(), nullable=True),
    sa.Column("matched_fields", sa.String(200), nullable=True),
    sa.Column("created_at", UTCDateTime(), nullable=False),
    sa.Column("decided_by", sa.String(200), nullable=True),
    sa.Column("decided_at", UTCDateTime(), nullable=True),
    sa.UniqueConstraint(
        "source_system",
        "source_person_id",
        "linked_source_system",
        "linked_person_id",
        name="uq_fh_person_links_pair",
    ),
)

# Who in the receiving team is dealing with a request: a person's or a team's id from the host's
# directory. One row per assigned request, removed with the request.
request_assignments = sa.Table(
    "fh_request_assignments",
    metadata,
    _uuid(
        "request_id",
        sa.ForeignKey("fh_support_requests.id", ondelete="CASCADE"),
        primary_key=True,
    ),
    sa.Column("assignee", sa.String(200), nullable=False, index=True),
    sa.Column("assigned_by", sa.String(200), nullable=False),
    sa.Column("assigned_at", UTCDateTime(), nullable=False),
)

# The receiving team's internal triage notes on a request: typed by the team, for the team. Never
# sent to the referrer or the family, never exported; removed with the request.
request_notes = sa.Table(
    "fh_request_notes",
    metadata,
    sa.Column("id", _BigId, primary_key=True, autoincrement=True),
    _uuid(
        "request_id",
        sa.ForeignKey("fh_support_requests.id", ondelete="CASCADE"),
        nullable=False,
        index=True,
    ),
    sa.Column("author", sa.String(200), nullable=False),
    sa.Column("body", sa.String(2000), nullable=False),
    sa.Column("created_at", UTCDateTime(), nullable=False),
)

# One review of emergency (break-glass) access: one professional's emergency reads of one subject
# on one day (UTC), as the audit holds them; pending until information governance reviews it.
access_reviews = sa.Table(
    "fh_access_reviews",
    metadata,
    sa.Column("id", _BigId, primary_key=True, autoincrement=True),
    sa.Column("subject_ref", sa.String(64), nullable=False),
    sa.Column("actor_id", sa.String(200), nullable=False),
    sa.Column("day", sa.Date(), nullable=False),
    sa.Column("outcome", sa.String(30), nullable=False),
    sa.Column("note", sa.String(500), nullable=True),
    sa.Column("reviewer_id", sa.String(200), nullable=False),
    sa.Column("reviewer_name", sa.String(200), nullable=True),
    sa.Column("reviewed_at", UTCDateTime(), nullable=False),
    sa.UniqueConstraint("subject_ref", "actor_id", "day"),
)

# Rate-limit counters shared by every web process: one row per key (a client and what it tried,
# never a token), counting allowed attempts in the current fixed window of time.
rate_limits = sa.Table(
    "fh_rate_limits",
    metadata,
    sa.Column("key", sa.String(200), primary_key=True),
    sa.Column("window_no", sa.BigInteger(), nullable=False),
    sa.Column("attempts", sa.Integer(), nullable=False),
)
