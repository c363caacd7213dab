"""Benefit profiles on waiting-list records

(Placeholder: filled in by the work that needs it; a no-op until then.)

Revision ID: 0018_benefit_profiles
Revises: 0017_task_deliveries
Create Date: 2026-12-03 12:45:00.000000
"""

from collections.abc import Sequence

revision: str = "0018_benefit_profiles"
down_revision: str | None = "0017_task_deliveries"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    pass


def downgrade() -> None:
    pass
