"""The dashboard's median days per stage read from an index on SQLite (issue 15)

Revision ID: 0029_stage_days_index
Revises: 0028_queue_score_index
Create Date: 2026-12-03 20:10:00.000000

See SQLITE_DAYS_INDEX in triage/models/supply_cache.py: the ended stays of each
stage in order of the days they lasted, so each stage's median is read at its
place in the index instead of sorting every stay after each change. SQLite only:
PostgreSQL's percentile_cont is fast enough.
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0029_stage_days_index"
down_revision: str | None = "0028_queue_score_index"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    if op.get_bind().dialect.name != "sqlite":
        return
    op.create_index(
        "ix_offer_stage_stays_stage_days",
        "offer_stage_stays",
        ["stage", sa.text("(julianday(left_at) - julianday(entered_at))")],
        unique=False,
        sqlite_where=sa.text("left_at IS NOT NULL"),
    )


def downgrade() -> None:
    if op.get_bind().dialect.name != "sqlite":
        return
    op.drop_index("ix_offer_stage_stays_stage_days", table_name="offer_stage_stays")
