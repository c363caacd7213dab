"""Offer facts: rent type, nomination rights, CQC and Ofsted registration (issue 13)

Revision ID: 0021_offer_facts
Revises: 0020_offer_changes
Create Date: 2026-12-03 14:00:00.000000

New, nullable columns: existing offers keep every answer they had. The rules read
an offer with no rent type as social rent (what the form assumed before it asked),
and one with no nomination rights or registration as "not said", so no data
needs moving.
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0021_offer_facts"
down_revision: str | None = "0020_offer_changes"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("offers", schema=None) as batch_op:
        batch_op.add_column(sa.Column("rent_type", sa.String(length=20), nullable=True))
        batch_op.add_column(sa.Column("nomination_share_percent", sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column("nomination_term_years", sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column("cqc_registered", sa.Boolean(), nullable=True))
        batch_op.add_column(sa.Column("ofsted_registered", sa.Boolean(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("offers", schema=None) as batch_op:
        batch_op.drop_column("ofsted_registered")
        batch_op.drop_column("cqc_registered")
        batch_op.drop_column("nomination_term_years")
        batch_op.drop_column("nomination_share_percent")
        batch_op.drop_column("rent_type")
