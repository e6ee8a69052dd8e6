"""Messages to people in the outbox: a job may belong to no request and carries its message.

Revision ID: 0007
Revises: 0006
Create Date: 2026-12-04 21:10:00
"""

from alembic import op
import sqlalchemy as sa

revision = "0007"
down_revision = "0006"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("fh_outbox_jobs", schema=None) as batch_op:
        batch_op.add_column(sa.Column("message", sa.JSON(), nullable=True))
        batch_op.alter_column(
            "request_id", existing_type=sa.String(length=36), nullable=True
        )


def downgrade() -> None:
    with op.batch_alter_table("fh_outbox_jobs", schema=None) as batch_op:
        batch_op.alter_column(
            "request_id", existing_type=sa.String(length=36), nullable=False
        )
        batch_op.drop_column("message")
