"""Rate-limit counters in the store, shared by every web process and node.

Revision ID: 0008
Revises: 0007
Create Date: 2026-12-04 21:45:00
"""

from alembic import op
import sqlalchemy as sa

revision = "0008"
down_revision = "0007"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "fh_rate_limits",
        sa.Column("key", sa.String(length=200), nullable=False),
        sa.Column("window_no", sa.BigInteger(), nullable=False),
        sa.Column("attempts", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("key", name=op.f("pk_fh_rate_limits")),
    )


def downgrade() -> None:
    op.drop_table("fh_rate_limits")
