"""Triage of requests: who a request is assigned to, and the receiving team's internal notes.

Revision ID: 0006
Revises: 0005
Create Date: 2026-12-04 21:00:00
"""

from alembic import op
import sqlalchemy as sa

from familyhubs_sdk.store._types import UTCDateTime

revision = "0006"
down_revision = "0005"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "fh_request_assignments",
        sa.Column("request_id", sa.String(length=36), nullable=False),
        sa.Column("assignee", sa.String(length=200), nullable=False),
        sa.Column("assigned_by", sa.String(length=200), nullable=False),
        sa.Column("assigned_at", UTCDateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["request_id"],
            ["fh_support_requests.id"],
            name=op.f("fk_fh_request_assignments_request_id_fh_support_requests"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("request_id", name=op.f("pk_fh_request_assignments")),
    )
    with op.batch_alter_table("fh_request_assignments", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_fh_request_assignments_assignee"), ["assignee"], unique=False
        )

    op.create_table(
        "fh_request_notes",
        sa.Column(
            "id",
            sa.BigInteger().with_variant(sa.Integer(), "sqlite"),
            autoincrement=True,
            nullable=False,
        ),
        sa.Column("request_id", sa.String(length=36), nullable=False),
        sa.Column("author", sa.String(length=200), nullable=False),
        sa.Column("body", sa.String(length=2000), nullable=False),
        sa.Column("created_at", UTCDateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["request_id"],
            ["fh_support_requests.id"],
            name=op.f("fk_fh_request_notes_request_id_fh_support_requests"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_fh_request_notes")),
    )
    with op.batch_alter_table("fh_request_notes", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_fh_request_notes_request_id"), ["request_id"], unique=False
        )


def downgrade() -> None:
    op.drop_table("fh_request_notes")
    op.drop_table("fh_request_assignments")
