"""Meetings with the council (issue 14)

Revision ID: 0025_meetings
Revises: 0024_supply_register
Create Date: 2026-12-03 16:00:00.000000

A meeting proposed to an offer's submitter, and a file (its calendar file) an
email may carry.
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import triage.models.types

revision: str = "0025_meetings"
down_revision: str | None = "0024_supply_register"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "meetings",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("offer_id", sa.Integer(), nullable=False),
        sa.Column("uid", sa.String(length=100), nullable=False),
        sa.Column("sequence", sa.Integer(), nullable=False),
        sa.Column("proposed_by_id", sa.Integer(), nullable=False),
        sa.Column("starts_at", triage.models.types.UTCDateTime(timezone=True), nullable=False),
        sa.Column("ends_at", triage.models.types.UTCDateTime(timezone=True), nullable=False),
        sa.Column("place", sa.String(length=300), nullable=True),
        sa.Column("link", sa.String(length=500), nullable=True),
        sa.Column("attendees", sa.Text(), nullable=False),
        sa.Column("note", sa.Text(), nullable=True),
        sa.Column("status", sa.String(length=30), nullable=False),
        sa.Column(
            "suggested_starts_at", triage.models.types.UTCDateTime(timezone=True), nullable=True
        ),
        sa.Column(
            "suggested_ends_at", triage.models.types.UTCDateTime(timezone=True), nullable=True
        ),
        sa.Column("suggestion", sa.Text(), nullable=True),
        sa.Column("outcome_notes", sa.Text(), nullable=True),
        sa.Column("outcome_by_id", sa.Integer(), nullable=True),
        sa.Column("outcome_at", triage.models.types.UTCDateTime(timezone=True), nullable=True),
        sa.Column("created_at", triage.models.types.UTCDateTime(timezone=True), nullable=False),
        sa.Column("updated_at", triage.models.types.UTCDateTime(timezone=True), nullable=False),
        sa.CheckConstraint("ends_at > starts_at", name=op.f("ck_meetings_ends_after_start")),
        sa.CheckConstraint(
            "place IS NOT NULL OR link IS NOT NULL", name=op.f("ck_meetings_place_or_link")
        ),
        sa.ForeignKeyConstraint(
            ["offer_id"],
            ["offers.id"],
            name=op.f("fk_meetings_offer_id_offers"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["proposed_by_id"], ["users.id"], name=op.f("fk_meetings_proposed_by_id_users")
        ),
        sa.ForeignKeyConstraint(
            ["outcome_by_id"], ["users.id"], name=op.f("fk_meetings_outcome_by_id_users")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_meetings")),
        sa.UniqueConstraint("uid", name=op.f("uq_meetings_uid")),
    )
    with op.batch_alter_table("meetings", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_meetings_offer_id"), ["offer_id"], unique=False)
    with op.batch_alter_table("email_messages", schema=None) as batch_op:
        batch_op.add_column(sa.Column("attachment_name", sa.String(length=100), nullable=True))
        batch_op.add_column(sa.Column("attachment_type", sa.String(length=100), nullable=True))
        batch_op.add_column(sa.Column("attachment_data", sa.LargeBinary(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("email_messages", schema=None) as batch_op:
        batch_op.drop_column("attachment_data")
        batch_op.drop_column("attachment_type")
        batch_op.drop_column("attachment_name")
    with op.batch_alter_table("meetings", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_meetings_offer_id"))
    op.drop_table("meetings")
