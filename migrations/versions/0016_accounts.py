"""Accounts: invitations, confirmed addresses, staff deactivation, sign-in throttling

(Placeholder: the accounts work fills this in.)

Revision ID: 0016_accounts
Revises: 0015_password_resets
Create Date: 2026-12-03 12:45:00.000000
"""

from collections.abc import Sequence

revision: str = "0016_accounts"
down_revision: str | None = "0015_password_resets"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    pass


def downgrade() -> None:
    pass
