"""Waiting-list records reduced under the retention policy say when

The daily retention job reduces the record of someone who left the waiting list
(moved in, or no longer waiting) to what statistics need once the retention
period has passed, and marks it with `reduced_at`.

Revision ID: 0014_retention
Revises: 0013_placement_versions
Create Date: 2026-12-05 09:00:00.000000
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import triage.models.types

revision: str = "0014_retention"
down_revision: str | None = "0013_placement_versions"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("waiting_people") as batch_op:
        batch_op.add_column(
            sa.Column("reduced_at", triage.models.types.UTCDateTime(timezone=True), nullable=True)
        )


def downgrade() -> None:
    with op.batch_alter_table("waiting_people") as batch_op:
        batch_op.drop_column("reduced_at")
