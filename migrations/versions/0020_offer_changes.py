"""Offer changes: the council returns an offer for changes to named sections

Revision ID: 0020_offer_changes
Revises: 0019_commissioning_day
Create Date: 2026-12-03 13:00:00.000000
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import triage.models.types

revision: str = "0020_offer_changes"
down_revision: str | None = "0019_commissioning_day"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    # The status column is a plain String(40): "changes_requested" needs no change to it.
    op.create_table(
        "offer_change_requests",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("offer_id", sa.Integer(), nullable=False),
        sa.Column("round", sa.Integer(), nullable=False),
        sa.Column("sections", sa.JSON(), nullable=False),
        sa.Column("reason", sa.Text(), nullable=False),
        sa.Column("requested_by_id", sa.Integer(), nullable=False),
        sa.Column("requested_at", triage.models.types.UTCDateTime(timezone=True), nullable=False),
        sa.Column("before", sa.JSON(), nullable=False),
        sa.Column("after", sa.JSON(), nullable=True),
        sa.Column("resubmitted_at", triage.models.types.UTCDateTime(timezone=True), nullable=True),
        sa.Column("resubmitted_by_id", sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(
            ["offer_id"],
            ["offers.id"],
            name=op.f("fk_offer_change_requests_offer_id_offers"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["requested_by_id"],
            ["users.id"],
            name=op.f("fk_offer_change_requests_requested_by_id_users"),
        ),
        sa.ForeignKeyConstraint(
            ["resubmitted_by_id"],
            ["users.id"],
            name=op.f("fk_offer_change_requests_resubmitted_by_id_users"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_offer_change_requests")),
        sa.UniqueConstraint("offer_id", "round", name="uq_offer_change_requests_round"),
    )
    with op.batch_alter_table("offer_change_requests", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_offer_change_requests_offer_id"), ["offer_id"], unique=False
        )
    with op.batch_alter_table("offers", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("answers_round", sa.Integer(), server_default="0", nullable=False)
        )


def downgrade() -> None:
    with op.batch_alter_table("offers", schema=None) as batch_op:
        batch_op.drop_column("answers_round")
    with op.batch_alter_table("offer_change_requests", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_offer_change_requests_offer_id"))
    op.drop_table("offer_change_requests")
