"""Accounts: invitations, confirmed addresses, possible duplicate organisations,
sign-in throttling

- `invitations`: emailed, single-use, expiring invitations (a colleague into an
  organisation, or a member of staff), kept as a hash of the link's token.
- `email_confirmations`: the link that confirms a registering person's address.
- `users.email_confirmed_at`: everyone who already has an account counts as
  confirmed (from when they registered); new registrations confirm by email.
- `organisations.join_token`: the shared join links stop working. Every token is
  cleared (the column stays, nullable, for rows written by older code paths).
- `organisations.possible_duplicate_of_id`: a registration that looks like an
  existing organisation, shown to staff.
- `sign_in_throttles` replaces `login_failures`: one counter per typed email
  address and per client address, updated in one statement.

Revision ID: 0016_accounts
Revises: 0015_password_resets
Create Date: 2026-12-03 12:45:00.000000
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import triage.models.types

revision: str = "0016_accounts"
down_revision: str | None = "0015_password_resets"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "invitations",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("email", sa.String(length=320), nullable=False),
        sa.Column("role", sa.String(length=40), nullable=False),
        sa.Column("organisation_id", sa.Integer(), nullable=True),
        sa.Column("invited_by_id", sa.Integer(), nullable=False),
        sa.Column("token_hash", sa.String(length=64), nullable=False),
        sa.Column("created_at", triage.models.types.UTCDateTime(timezone=True), nullable=False),
        sa.Column("expires_at", triage.models.types.UTCDateTime(timezone=True), nullable=False),
        sa.Column("accepted_at", triage.models.types.UTCDateTime(timezone=True), nullable=True),
        sa.Column("cancelled_at", triage.models.types.UTCDateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(
            ["invited_by_id"], ["users.id"], name=op.f("fk_invitations_invited_by_id_users")
        ),
        sa.ForeignKeyConstraint(
            ["organisation_id"],
            ["organisations.id"],
            name=op.f("fk_invitations_organisation_id_organisations"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_invitations")),
        sa.UniqueConstraint("token_hash", name=op.f("uq_invitations_token_hash")),
    )
    with op.batch_alter_table("invitations", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_invitations_organisation_id"), ["organisation_id"], unique=False
        )

    op.create_table(
        "email_confirmations",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("token_hash", sa.String(length=64), nullable=False),
        sa.Column("created_at", triage.models.types.UTCDateTime(timezone=True), nullable=False),
        sa.Column("expires_at", triage.models.types.UTCDateTime(timezone=True), nullable=False),
        sa.Column("used_at", triage.models.types.UTCDateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(
            ["user_id"],
            ["users.id"],
            name=op.f("fk_email_confirmations_user_id_users"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_email_confirmations")),
        sa.UniqueConstraint("token_hash", name=op.f("uq_email_confirmations_token_hash")),
    )
    with op.batch_alter_table("email_confirmations", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_email_confirmations_user_id"), ["user_id"], unique=False
        )

    op.create_table(
        "sign_in_throttles",
        sa.Column("key", sa.String(length=80), nullable=False),
        sa.Column("attempts", sa.Integer(), nullable=False),
        sa.Column("last_attempt_at", sa.Float(), nullable=False),
        sa.Column("next_allowed_at", sa.Float(), nullable=False),
        sa.PrimaryKeyConstraint("key", name=op.f("pk_sign_in_throttles")),
    )
    with op.batch_alter_table("login_failures", schema=None) as batch_op:
        batch_op.drop_index("ix_login_failures_email_key_at")
    op.drop_table("login_failures")

    with op.batch_alter_table("users", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column(
                "email_confirmed_at",
                triage.models.types.UTCDateTime(timezone=True),
                nullable=True,
            )
        )
    op.execute("UPDATE users SET email_confirmed_at = created_at")

    with op.batch_alter_table("organisations", schema=None) as batch_op:
        batch_op.add_column(sa.Column("possible_duplicate_of_id", sa.Integer(), nullable=True))
        batch_op.create_foreign_key(
            batch_op.f("fk_organisations_possible_duplicate_of_id_organisations"),
            "organisations",
            ["possible_duplicate_of_id"],
            ["id"],
            ondelete="SET NULL",
        )
        batch_op.alter_column("join_token", existing_type=sa.String(length=64), nullable=True)
    # Every shared join link stops working: anyone following one is told to ask a
    # colleague for an invitation.
    op.execute("UPDATE organisations SET join_token = NULL")


def downgrade() -> None:
    # Old code needs a join token on every organisation: each gets a new random one
    # (the old links stay dead).
    op.execute(
        "UPDATE organisations SET join_token = 'retired-' || CAST(id AS VARCHAR(20))"
        " WHERE join_token IS NULL"
    )
    with op.batch_alter_table("organisations", schema=None) as batch_op:
        batch_op.alter_column("join_token", existing_type=sa.String(length=64), nullable=False)
        batch_op.drop_constraint(
            batch_op.f("fk_organisations_possible_duplicate_of_id_organisations"),
            type_="foreignkey",
        )
        batch_op.drop_column("possible_duplicate_of_id")
    with op.batch_alter_table("users", schema=None) as batch_op:
        batch_op.drop_column("email_confirmed_at")

    op.create_table(
        "login_failures",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("email_key", sa.String(length=64), nullable=False),
        sa.Column("at", triage.models.types.UTCDateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_login_failures")),
    )
    with op.batch_alter_table("login_failures", schema=None) as batch_op:
        batch_op.create_index("ix_login_failures_email_key_at", ["email_key", "at"], unique=False)
    op.drop_table("sign_in_throttles")
    with op.batch_alter_table("email_confirmations", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_email_confirmations_user_id"))
    op.drop_table("email_confirmations")
    with op.batch_alter_table("invitations", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_invitations_organisation_id"))
    op.drop_table("invitations")
