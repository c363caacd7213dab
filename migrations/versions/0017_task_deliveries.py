"""Task deliveries counted in the database; outbox rows claimed and named

`task_deliveries` counts each delivery of a task id, so a task that kills its
worker gives up after a bounded number (the count in the message never moves
when the message itself is handed back). `outbox_messages` gets the task id a
row is published under and `claimed_until`, the guarded claim that keeps two
publishers (the after-commit hook and the relay) from sending one row at once.

Revision ID: 0017_task_deliveries
Revises: 0016_accounts
Create Date: 2026-12-03 12:45:00.000000
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import triage.models.types

revision: str = "0017_task_deliveries"
down_revision: str | None = "0016_accounts"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "task_deliveries",
        sa.Column("task_id", sa.String(length=64), nullable=False),
        sa.Column("task_name", sa.String(length=200), nullable=False),
        sa.Column("args", sa.JSON(), nullable=False),
        sa.Column("deliveries", sa.Integer(), nullable=False),
        sa.Column("started_at", triage.models.types.UTCDateTime(timezone=True), nullable=False),
        sa.Column("worker_host", sa.String(length=255), nullable=True),
        sa.Column("worker_pid", sa.Integer(), nullable=True),
        sa.Column("finished_at", triage.models.types.UTCDateTime(timezone=True), nullable=True),
        sa.PrimaryKeyConstraint("task_id", name=op.f("pk_task_deliveries")),
    )
    with op.batch_alter_table("task_deliveries", schema=None) as batch_op:
        batch_op.create_index(
            "ix_task_deliveries_unfinished", ["finished_at", "started_at"], unique=False
        )
    with op.batch_alter_table("outbox_messages", schema=None) as batch_op:
        batch_op.add_column(sa.Column("task_id", sa.String(length=64), nullable=True))
        batch_op.add_column(
            sa.Column(
                "claimed_until", triage.models.types.UTCDateTime(timezone=True), nullable=True
            )
        )


def downgrade() -> None:
    with op.batch_alter_table("outbox_messages", schema=None) as batch_op:
        batch_op.drop_column("claimed_until")
        batch_op.drop_column("task_id")
    with op.batch_alter_table("task_deliveries", schema=None) as batch_op:
        batch_op.drop_index("ix_task_deliveries_unfinished")
    op.drop_table("task_deliveries")
