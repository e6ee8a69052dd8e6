"""Initial schema: drafts, requests, outbox, evidence, analytics, audit and person links.

Revision ID: 0001
Revises: (none)
Create Date: 2026-11-22 12:24:40.486677
"""

from alembic import op
import sqlalchemy as sa

from familyhubs_sdk.store._types import UTCDateTime

revision = "0001"
down_revision = None
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "fh_analytics_events",
        sa.Column(
            "id",
            sa.BigInteger().with_variant(sa.Integer(), "sqlite"),
            autoincrement=True,
            nullable=False,
        ),
        sa.Column("tree_id", sa.String(length=100), nullable=False),
        sa.Column("tree_version", sa.String(length=40), nullable=False),
        sa.Column("journey_key", sa.String(length=64), nullable=False),
        sa.Column("event", sa.String(length=30), nullable=False),
        sa.Column("question_id", sa.String(length=100), nullable=True),
        sa.Column("duration_ms", sa.Integer(), nullable=True),
        sa.Column("error_code", sa.String(length=50), nullable=True),
        sa.Column("occurred_at", UTCDateTime(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_fh_analytics_events")),
    )
    with op.batch_alter_table("fh_analytics_events", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_fh_analytics_events_tree_id_occurred_at"),
            ["tree_id", "occurred_at"],
            unique=False,
        )

    op.create_table(
        "fh_audit_events",
        sa.Column(
            "id",
            sa.BigInteger().with_variant(sa.Integer(), "sqlite"),
            autoincrement=True,
            nullable=False,
        ),
        sa.Column("occurred_at", UTCDateTime(), nullable=False),
        sa.Column("request_id", sa.String(length=64), nullable=False),
        sa.Column("actor_id", sa.String(length=200), nullable=False),
        sa.Column("actor_role", sa.String(length=100), nullable=False),
        sa.Column("actor_organisation", sa.String(length=200), nullable=False),
        sa.Column("action", sa.String(length=30), nullable=False),
        sa.Column("subject_ref", sa.String(length=64), nullable=True),
        sa.Column("reason", sa.String(length=100), nullable=True),
        sa.Column("basis", sa.String(length=100), nullable=True),
        sa.Column("outcome", sa.String(length=20), nullable=False),
        sa.Column("break_glass", sa.Boolean(), server_default=sa.false(), nullable=False),
        sa.Column("justification", sa.String(length=500), nullable=True),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_fh_audit_events")),
    )
    with op.batch_alter_table("fh_audit_events", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_fh_audit_events_actor_id_occurred_at"),
            ["actor_id", "occurred_at"],
            unique=False,
        )
        batch_op.create_index(
            batch_op.f("ix_fh_audit_events_subject_ref_occurred_at"),
            ["subject_ref", "occurred_at"],
            unique=False,
        )

    op.create_table(
        "fh_drafts",
        sa.Column("id", sa.String(length=36), nullable=False),
        sa.Column("tree_id", sa.String(length=100), nullable=False),
        sa.Column("tree_version", sa.String(length=40), nullable=False),
        sa.Column("state", sa.JSON(), nullable=False),
        sa.Column("created_at", UTCDateTime(), nullable=False),
        sa.Column("updated_at", UTCDateTime(), nullable=False),
        sa.Column("expires_at", UTCDateTime(), nullable=False),
        sa.Column("submitted_at", UTCDateTime(), nullable=True),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_fh_drafts")),
    )
    with op.batch_alter_table("fh_drafts", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_fh_drafts_expires_at"), ["expires_at"], unique=False)

    op.create_table(
        "fh_person_links",
        sa.Column(
            "id",
            sa.BigInteger().with_variant(sa.Integer(), "sqlite"),
            autoincrement=True,
            nullable=False,
        ),
        sa.Column("master_id", sa.String(length=64), nullable=False),
        sa.Column("source_system", sa.String(length=50), nullable=False),
        sa.Column("source_person_id", sa.String(length=100), nullable=False),
        sa.Column("link_method", sa.String(length=30), nullable=False),
        sa.Column("confidence", sa.Float(), nullable=True),
        sa.Column("created_at", UTCDateTime(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_fh_person_links")),
        sa.UniqueConstraint(
            "source_system",
            "source_person_id",
            name=op.f("uq_fh_person_links_source_system_source_person_id"),
        ),
    )
    with op.batch_alter_table("fh_person_links", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_fh_person_links_master_id"), ["master_id"], unique=False
        )

    op.create_table(
        "fh_support_requests",
        sa.Column("id", sa.String(length=36), nullable=False),
        sa.Column("reference", sa.String(length=8), nullable=False),
        sa.Column("tree_id", sa.String(length=100), nullable=False),
        sa.Column("tree_version", sa.String(length=40), nullable=False),
        sa.Column("payload", sa.JSON(), nullable=False),
        sa.Column("status", sa.String(length=20), nullable=False),
        sa.Column("referrer_id", sa.String(length=200), nullable=False),
        sa.Column("created_at", UTCDateTime(), nullable=False),
        sa.Column("updated_at", UTCDateTime(), nullable=False),
        sa.Column("legal_hold", sa.Boolean(), server_default=sa.false(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_fh_support_requests")),
        sa.UniqueConstraint("reference", name=op.f("uq_fh_support_requests_reference")),
    )
    with op.batch_alter_table("fh_support_requests", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_fh_support_requests_created_at"), ["created_at"], unique=False
        )

    op.create_table(
        "fh_evidence_files",
        sa.Column("id", sa.String(length=36), nullable=False),
        sa.Column("draft_id", sa.String(length=36), nullable=True),
        sa.Column("request_id", sa.String(length=36), nullable=True),
        sa.Column("storage_name", sa.String(length=64), nullable=False),
        sa.Column("display_name", sa.String(length=255), nullable=False),
        sa.Column("content_type", sa.String(length=100), nullable=False),
        sa.Column("size_bytes", sa.BigInteger(), nullable=False),
        sa.Column("sha256", sa.String(length=64), nullable=False),
        sa.Column("scan_status", sa.String(length=20), nullable=False),
        sa.Column("created_at", UTCDateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["draft_id"],
            ["fh_drafts.id"],
            name=op.f("fk_fh_evidence_files_draft_id_fh_drafts"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["request_id"],
            ["fh_support_requests.id"],
            name=op.f("fk_fh_evidence_files_request_id_fh_support_requests"),
            ondelete="RESTRICT",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_fh_evidence_files")),
        sa.UniqueConstraint("storage_name", name=op.f("uq_fh_evidence_files_storage_name")),
    )
    with op.batch_alter_table("fh_evidence_files", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_fh_evidence_files_request_id"), ["request_id"], unique=False
        )

    op.create_table(
        "fh_outbox_jobs",
        sa.Column("id", sa.String(length=36), nullable=False),
        sa.Column("request_id", sa.String(length=36), nullable=False),
        sa.Column("channel", sa.String(length=50), nullable=False),
        sa.Column("idempotency_key", sa.String(length=64), nullable=False),
        sa.Column("status", sa.String(length=20), nullable=False),
        sa.Column("attempts", sa.Integer(), server_default="0", nullable=False),
        sa.Column("next_attempt_at", UTCDateTime(), nullable=False),
        sa.Column("lease_expires_at", UTCDateTime(), nullable=True),
        sa.Column("created_at", UTCDateTime(), nullable=False),
        sa.Column("delivered_at", UTCDateTime(), nullable=True),
        sa.Column("last_error", sa.String(length=500), nullable=True),
        sa.ForeignKeyConstraint(
            ["request_id"],
            ["fh_support_requests.id"],
            name=op.f("fk_fh_outbox_jobs_request_id_fh_support_requests"),
            ondelete="RESTRICT",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_fh_outbox_jobs")),
        sa.UniqueConstraint("idempotency_key", name=op.f("uq_fh_outbox_jobs_idempotency_key")),
    )
    with op.batch_alter_table("fh_outbox_jobs", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_fh_outbox_jobs_request_id"), ["request_id"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_fh_outbox_jobs_status_next_attempt_at"),
            ["status", "next_attempt_at"],
            unique=False,
        )

    op.create_table(
        "fh_request_status_history",
        sa.Column(
            "id",
            sa.BigInteger().with_variant(sa.Integer(), "sqlite"),
            autoincrement=True,
            nullable=False,
        ),
        sa.Column("request_id", sa.String(length=36), nullable=False),
        sa.Column("from_status", sa.String(length=20), nullable=True),
        sa.Column("to_status", sa.String(length=20), nullable=False),
        sa.Column("changed_by", sa.String(length=200), nullable=False),
        sa.Column("note", sa.String(length=1000), nullable=True),
        sa.Column("changed_at", UTCDateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["request_id"],
            ["fh_support_requests.id"],
            name=op.f("fk_fh_request_status_history_request_id_fh_support_requests"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_fh_request_status_history")),
    )
    with op.batch_alter_table("fh_request_status_history", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_fh_request_status_history_request_id"), ["request_id"], unique=False
        )

    op.create_table(
        "fh_resume_tokens",
        sa.Column("token_hash", sa.String(length=64), nullable=False),
        sa.Column("draft_id", sa.String(length=36), nullable=False),
        sa.Column("purpose", sa.String(length=30), nullable=False),
        sa.Column("created_at", UTCDateTime(), nullable=False),
        sa.Column("expires_at", UTCDateTime(), nullable=False),
        sa.Column("used_at", UTCDateTime(), nullable=True),
        sa.ForeignKeyConstraint(
            ["draft_id"],
            ["fh_drafts.id"],
            name=op.f("fk_fh_resume_tokens_draft_id_fh_drafts"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("token_hash", name=op.f("pk_fh_resume_tokens")),
    )
    with op.batch_alter_table("fh_resume_tokens", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_fh_resume_tokens_draft_id"), ["draft_id"], unique=False
        )

    op.create_table(
        "fh_delivery_attempts",
        sa.Column(
            "id",
            sa.BigInteger().with_variant(sa.Integer(), "sqlite"),
            autoincrement=True,
            nullable=False,
        ),
        sa.Column("job_id", sa.String(length=36), nullable=False),
        sa.Column("attempted_at", UTCDateTime(), nullable=False),
        sa.Column("outcome", sa.String(length=20), nullable=False),
        sa.Column("detail", sa.String(length=500), nullable=True),
        sa.Column("duration_ms", sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(
            ["job_id"],
            ["fh_outbox_jobs.id"],
            name=op.f("fk_fh_delivery_attempts_job_id_fh_outbox_jobs"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_fh_delivery_attempts")),
    )
    with op.batch_alter_table("fh_delivery_attempts", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_fh_delivery_attempts_job_id"), ["job_id"], unique=False
        )


def downgrade() -> None:
    with op.batch_alter_table("fh_delivery_attempts", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_fh_delivery_attempts_job_id"))

    op.drop_table("fh_delivery_attempts")
    with op.batch_alter_table("fh_resume_tokens", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_fh_resume_tokens_draft_id"))

    op.drop_table("fh_resume_tokens")
    with op.batch_alter_table("fh_request_status_history", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_fh_request_status_history_request_id"))

    op.drop_table("fh_request_status_history")
    with op.batch_alter_table("fh_outbox_jobs", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_fh_outbox_jobs_status_next_attempt_at"))
        batch_op.drop_index(batch_op.f("ix_fh_outbox_jobs_request_id"))

    op.drop_table("fh_outbox_jobs")
    with op.batch_alter_table("fh_evidence_files", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_fh_evidence_files_request_id"))

    op.drop_table("fh_evidence_files")
    with op.batch_alter_table("fh_support_requests", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_fh_support_requests_created_at"))

    op.drop_table("fh_support_requests")
    with op.batch_alter_table("fh_person_links", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_fh_person_links_master_id"))

    op.drop_table("fh_person_links")
    with op.batch_alter_table("fh_drafts", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_fh_drafts_expires_at"))

    op.drop_table("fh_drafts")
    with op.batch_alter_table("fh_audit_events", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_fh_audit_events_subject_ref_occurred_at"))
        batch_op.drop_index(batch_op.f("ix_fh_audit_events_actor_id_occurred_at"))

    op.drop_table("fh_audit_events")
    with op.batch_alter_table("fh_analytics_events", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_fh_analytics_events_tree_id_occurred_at"))

    op.drop_table("fh_analytics_events")
