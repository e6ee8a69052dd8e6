"""Accepted person links: who linked, how and when, for review.

``fh_person_links`` was a crosswalk nothing wrote; it becomes the review table of links between two
source records (proposed, accepted or rejected), so it is replaced rather than altered.

Revision ID: 0004
Revises: 0003
Create Date: 2026-12-04 21:00:00
"""

from alembic import op
import sqlalchemy as sa

from familyhubs_sdk.store._types import UTCDateTime

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None

_ID = sa.BigInteger().with_variant(sa.Integer(), "sqlite")


def upgrade() -> None:
    with op.batch_alter_table("fh_person_links", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_fh_person_links_master_id"))
    op.drop_table("fh_person_links")
    op.create_table(
        "fh_person_links",
        sa.Column("id", _ID, autoincrement=True, nullable=False),
        sa.Column("source_system", sa.String(length=50), nullable=False),
        sa.Column("source_person_id", sa.String(length=100), nullable=False),
        sa.Column("linked_source_system", sa.String(length=50), nullable=False),
        sa.Column("linked_person_id", sa.String(length=100), nullable=False),
        sa.Column("link_method", sa.String(length=30), nullable=False),
        sa.Column("status", sa.String(length=20), nullable=False),
        sa.Column("confidence", sa.Float(), nullable=True),
        sa.Column("match_weight", sa.Float(), nullable=True),
        sa.Column("matched_fields", sa.String(length=200), nullable=True),
        sa.Column("created_at", UTCDateTime(), nullable=False),
        sa.Column("decided_by", sa.String(length=200), nullable=True),
        sa.Column("decided_at", UTCDateTime(), nullable=True),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_fh_person_links")),
        sa.UniqueConstraint(
            "source_system",
            "source_person_id",
            "linked_source_system",
            "linked_person_id",
            name="uq_fh_person_links_pair",
        ),
    )
    with op.batch_alter_table("fh_person_links", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_fh_person_links_status"), ["status"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("fh_person_links", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_fh_person_links_status"))
    op.drop_table("fh_person_links")
    op.create_table(
        "fh_person_links",
        sa.Column("id", _ID, autoincrement=True, nullable=False),
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
