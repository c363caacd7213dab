"""The commissioner's working day: a decline names several Appendix C concerns,
each with its own reason; a policy version can be scheduled for its date.

Each offer declined so far named one concern, with the decision's reasons: that
pair is copied into the new table (concern at position 0, the reasons as its
reason), so nothing is lost. `offers.decision_concern` stays, holding the first
concern named: dropping it would make SQLite rebuild the offers table, which
every other table refers to.

Revision ID: 0019_commissioning_day
Revises: 0018_benefit_profiles
Create Date: 2026-12-03 12:45:00.000000
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0019_commissioning_day"
down_revision: str | None = "0018_benefit_profiles"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "offer_decision_concerns",
        sa.Column("offer_id", sa.Integer(), nullable=False),
        sa.Column("concern", sa.String(length=40), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("reason", sa.Text(), nullable=False),
        sa.ForeignKeyConstraint(
            ["offer_id"],
            ["offers.id"],
            name=op.f("fk_offer_decision_concerns_offer_id_offers"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("offer_id", "concern", name=op.f("pk_offer_decision_concerns")),
    )
    # A policy version can be scheduled for its effective date (added, no rebuild).
    with op.batch_alter_table("policy_versions", schema=None) as batch_op:
        batch_op.add_column(sa.Column("scheduled_for", sa.Date(), nullable=True))
    op.execute(
        "INSERT INTO offer_decision_concerns (offer_id, concern, position, reason)"
        " SELECT id, decision_concern, 0, COALESCE(decision_reasons, '')"
        " FROM offers WHERE decision_concern IS NOT NULL"
    )


def downgrade() -> None:
    # offers.decision_concern still holds each decline's first concern.
    op.drop_table("offer_decision_concerns")
    with op.batch_alter_table("policy_versions", schema=None) as batch_op:
        batch_op.drop_column("scheduled_for")
