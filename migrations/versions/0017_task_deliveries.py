"""Task deliveries counted in the database

(Placeholder: filled in by the work that needs it; a no-op until then.)

Revision ID: 0017_task_deliveries
Revises: 0016_accounts
Create Date: 2026-12-03 12:45:00.000000
"""

from collections.abc import Sequence

revision: str = "0017_task_deliveries"
down_revision: str | None = "0016_accounts"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    pass


def downgrade() -> None:
    pass
