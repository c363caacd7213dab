"""Acknowledgement emails written with the submission: offers.acknowledged_at goes

The acknowledgement is an email row written in the submit transaction, like every
other email, so there is no separate task whose progress the offer must record.

Revision ID: 0012_acknowledgement_in_submit
Revises: 0011_dashboard_precompute
Create Date: 2026-12-03 09:00:00.000000
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import triage.models.types

revision: str = "0012_acknowledgement_in_submit"
down_revision: str | None = "0011_dashboard_precompute"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    # Dropped in place (SQLite 3.35 and later can): rebuilding the table would trip
    # the foreign keys of every row that points at an offer.
    with op.batch_alter_table("offers", recreate="never") as batch_op:
        batch_op.drop_column("acknowledged_at")


def downgrade() -> None:
    with op.batch_alter_table("offers", recreate="never") as batch_op:
        batch_op.add_column(
            sa.Column("acknowledged_at", triage.models.types.UTCDateTime(), nullable=True)
        )
