"""red flag count on scores

Revision ID: 0004_red_flag_count
Revises: 0003_rent_confirmation
Create Date: 2026-11-23 16:54:17.378197
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0004_red_flag_count"
down_revision: str | None = "0003_rent_confirmation"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("offer_scores", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("red_flag_count", sa.Integer(), nullable=False, server_default="0")
        )
    # Count the flags of scores already recorded (JSON functions differ by database,
    # so in Python).
    scores = sa.table(
        "offer_scores",
        sa.column("id", sa.Integer),
        sa.column("red_flags", sa.JSON),
        sa.column("red_flag_count", sa.Integer),
    )
    connection = op.get_bind()
    for score_id, red_flags in connection.execute(sa.select(scores.c.id, scores.c.red_flags)).all():
        connection.execute(
            scores.update()
            .where(scores.c.id == score_id)
            .values(red_flag_count=len(red_flags or []))
        )
    with op.batch_alter_table("offer_scores", schema=None) as batch_op:
        batch_op.alter_column("red_flag_count", server_default=None)


def downgrade() -> None:
    with op.batch_alter_table("offer_scores", schema=None) as batch_op:
        batch_op.drop_column("red_flag_count")
