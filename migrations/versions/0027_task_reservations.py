"""An email's claim by its sender (issue 16)

Revision ID: 0027_task_reservations
Revises: 0026_queue_speed
Create Date: 2026-12-03 16:00:00.000000

`emails.deliver` claims a row in one short transaction, sends with none open, and
records the result in another: `claimed_until` says until when a sender holds it,
`claimed_by` which delivery task. New, nullable columns: no email is claimed when
they are added. (The embedded broker's reservations are files, not rows: see
triage.broker.)
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import triage.models.types

revision: str = "0027_task_reservations"
down_revision: str | None = "0026_queue_speed"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("email_messages", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column(
                "claimed_until", triage.models.types.UTCDateTime(timezone=True), nullable=True
            )
        )
        batch_op.add_column(sa.Column("claimed_by", sa.String(length=155), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("email_messages", schema=None) as batch_op:
        batch_op.drop_column("claimed_by")
        batch_op.drop_column("claimed_until")
