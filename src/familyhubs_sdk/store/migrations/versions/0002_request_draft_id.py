"""Requests remember the draft they were sent from (unique: one request per draft).

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-23 12:40:00
"""

from alembic import op
import sqlalchemy as sa

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("fh_support_requests", schema=None) as batch_op:
        batch_op.add_column(sa.Column("draft_id", sa.String(length=36), nullable=True))
        batch_op.create_index(
            batch_op.f("ix_fh_support_requests_draft_id"), ["draft_id"], unique=True
        )


def downgrade() -> None:
    with op.batch_alter_table("fh_support_requests", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_fh_support_requests_draft_id"))
        batch_op.drop_column("draft_id")
