"""The emergency-access review queue, and the viewer's name on each audit event.

Revision ID: 0005
Revises: 0004
Create Date: 2026-12-04 21:00:00
"""

from alembic import op
import sqlalchemy as sa

from familyhubs_sdk.store._types import UTCDateTime

revision = "0005"
down_revision = "0004"
branch_labels = None
depends_on = None

_ID = sa.BigInteger().with_variant(sa.Integer(), "sqlite")


def upgrade() -> None:
    with op.batch_alter_table("fh_audit_events", schema=None) as batch_op:
        batch_op.add_column(sa.Column("actor_name", sa.String(length=200), nullable=True))
    op.create_table(
        "fh_access_reviews",
        sa.Column("id", _ID, autoincrement=True, nullable=False),
        sa.Column("subject_ref", sa.String(length=64), nullable=False),
        sa.Column("actor_id", sa.String(length=200), nullable=False),
        sa.Column("day", sa.Date(), nullable=False),
        sa.Column("outcome", sa.String(length=30), nullable=False),
        sa.Column("note", sa.String(length=500), nullable=True),
        sa.Column("reviewer_id", sa.String(length=200), nullable=False),
        sa.Column("reviewer_name", sa.String(length=200), nullable=True),
        sa.Column("reviewed_at", UTCDateTime(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_fh_access_reviews")),
        sa.UniqueConstraint(
            "subject_ref",
            "actor_id",
            "day",
            name=op.f("uq_fh_access_reviews_subject_ref_actor_id_day"),
        ),
    )


def downgrade() -> None:
    op.drop_table("fh_access_reviews")
    with op.batch_alter_table("fh_audit_events", schema=None) as batch_op:
        batch_op.drop_column("actor_name")
