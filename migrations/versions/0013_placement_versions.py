"""Nominations get a version, like waiting-list records: the mapper's version_id_col

Two officers recording an outcome for one nomination at the same moment cannot
both save: the second update matches no row and is refused.

Revision ID: 0013_placement_versions
Revises: 0012_acknowledgement_in_submit
Create Date: 2026-12-04 09:00:00.000000
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0013_placement_versions"
down_revision: str | None = "0012_acknowledgement_in_submit"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("nominations") as batch_op:
        batch_op.add_column(sa.Column("version", sa.Integer(), server_default="1", nullable=False))


def downgrade() -> None:
    with op.batch_alter_table("nominations") as batch_op:
        batch_op.drop_column("version")
