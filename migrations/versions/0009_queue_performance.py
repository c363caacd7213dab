"""queue performance

Revision ID: 0009_queue_performance
Revises: 0008_widen_offer_status
Create Date: 2026-11-23 18:40:00.000000
"""

from collections.abc import Sequence

from alembic import op

revision: str = "0009_queue_performance"
down_revision: str | None = "0008_widen_offer_status"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    # The queue reads each offer's newest score and its sort keys from this index
    # alone (an index-only scan on PostgreSQL), not from the wide score rows.
    with op.batch_alter_table("offer_scores", schema=None) as batch_op:
        batch_op.create_index(
            "ix_offer_scores_queue_keys",
            ["offer_id", "id", "red_flag_count", "band", "score"],
            unique=False,
        )


def downgrade() -> None:
    with op.batch_alter_table("offer_scores", schema=None) as batch_op:
        batch_op.drop_index("ix_offer_scores_queue_keys")
