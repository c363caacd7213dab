"""Benefit profiles on waiting-list records

A pseudonymous benefit profile (age, disability benefits, LCWRA, care leaver,
looked after, overnight carer) for the rent affordability check on nomination.

Revision ID: 0018_benefit_profiles
Revises: 0017_task_deliveries
Create Date: 2026-12-03 12:45:00.000000
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0018_benefit_profiles"
down_revision: str | None = "0017_task_deliveries"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("waiting_people") as batch:
        batch.add_column(sa.Column("benefit_profile", sa.JSON(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("waiting_people") as batch:
        batch.drop_column("benefit_profile")
