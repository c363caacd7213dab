"""The commissioner's working day

(Placeholder: filled in by the work that needs it; a no-op until then.)

Revision ID: 0019_commissioning_day
Revises: 0018_benefit_profiles
Create Date: 2026-12-03 12:45:00.000000
"""

from collections.abc import Sequence

revision: str = "0019_commissioning_day"
down_revision: str | None = "0018_benefit_profiles"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    pass


def downgrade() -> None:
    pass
