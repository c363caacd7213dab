"""The queue sorted by score walks an index on PostgreSQL (issue 15)

Revision ID: 0028_queue_score_index
Revises: 0027_task_reservations
Create Date: 2026-12-03 20:00:00.000000

See SCORE_INDEX in triage/models/queue_keys.py: offers' queue score, unscored
first, submitted offers only. PostgreSQL only: SQLite sorts the queue's narrow
rows fast enough, and cannot place NULL in an index.
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0028_queue_score_index"
down_revision: str | None = "0027_task_reservations"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    if op.get_bind().dialect.name != "postgresql":
        return
    op.create_index(
        "ix_offers_queue_score",
        "offers",
        [sa.text("queue_score ASC NULLS FIRST")],
        unique=False,
        postgresql_where=sa.text("submitted_at IS NOT NULL"),
    )


def downgrade() -> None:
    if op.get_bind().dialect.name != "postgresql":
        return
    op.drop_index("ix_offers_queue_score", table_name="offers")
