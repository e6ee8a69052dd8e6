"""Evidence bytes in the database, for hosts without a private file store.

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-23 13:40:00
"""

from alembic import op
import sqlalchemy as sa
from sqlalchemy.dialects import mysql

from familyhubs_sdk.store._types import UTCDateTime

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "fh_evidence_blobs",
        sa.Column("storage_name", sa.String(length=64), nullable=False),
        sa.Column(
            "data",
            sa.LargeBinary().with_variant(mysql.LONGBLOB(), "mysql", "mariadb"),
            nullable=False,
        ),
        sa.Column("created_at", UTCDateTime(), nullable=False),
        sa.PrimaryKeyConstraint("storage_name", name=op.f("pk_fh_evidence_blobs")),
    )


def downgrade() -> None:
    op.drop_table("fh_evidence_blobs")
