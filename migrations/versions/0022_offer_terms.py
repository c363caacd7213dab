"""Offer terms: voids, lease, length of stay, tenancy, client groups, funding, site, confidential address (issue 13)

Revision ID: 0022_offer_terms
Revises: 0021_offer_facts
Create Date: 2026-12-03 16:00:00.000000

Void liability was a yes/no ("is the council asked to cover voids?"); it becomes
who pays (the landlord or provider, the council, or shared) with its terms. The
yes/no answers move without loss: yes is the council paying, its terms not said;
no is the landlord or provider bearing voids; unanswered stays unanswered.
Downgrading maps back: the council or shared paying is yes. Every other new
column is nullable: existing offers have those answers "not said".
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0022_offer_terms"
down_revision: str | None = "0021_offer_facts"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

_offers = sa.table(
    "offers",
    sa.column("council_asked_to_cover_voids", sa.Boolean()),
    sa.column("void_payer", sa.String(30)),
)


def upgrade() -> None:
    with op.batch_alter_table("offers", schema=None) as batch_op:
        batch_op.add_column(sa.Column("confidential_address", sa.Boolean(), nullable=True))
        batch_op.add_column(sa.Column("intended_stay", sa.String(length=20), nullable=True))
        batch_op.add_column(sa.Column("tenancy_type", sa.String(length=30), nullable=True))
        batch_op.add_column(sa.Column("client_groups", sa.JSON(), nullable=True))
        batch_op.add_column(sa.Column("support_level", sa.String(length=20), nullable=True))
        batch_op.add_column(sa.Column("void_payer", sa.String(length=30), nullable=True))
        batch_op.add_column(sa.Column("voids_from", sa.String(length=30), nullable=True))
        batch_op.add_column(sa.Column("voids_from_weeks", sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column("void_rate_basis", sa.String(length=30), nullable=True))
        batch_op.add_column(sa.Column("void_rate_percent", sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column("void_rate_pence_per_week", sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column("void_cover_months", sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column("lease_years", sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column("break_clause", sa.Boolean(), nullable=True))
        batch_op.add_column(sa.Column("break_clause_after_years", sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column("repairs_by", sa.String(length=20), nullable=True))
        batch_op.add_column(sa.Column("capital_funding", sa.JSON(), nullable=True))
        batch_op.add_column(sa.Column("right_to_buy_percent", sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column("site_status", sa.String(length=20), nullable=True))

    op.execute(
        _offers.update().values(
            void_payer=sa.case(
                (_offers.c.council_asked_to_cover_voids.is_(sa.true()), "council_pays"),
                (_offers.c.council_asked_to_cover_voids.is_(sa.false()), "landlord_or_provider"),
                else_=None,
            )
        )
    )

    with op.batch_alter_table("offers", schema=None) as batch_op:
        batch_op.drop_column("council_asked_to_cover_voids")


def downgrade() -> None:
    with op.batch_alter_table("offers", schema=None) as batch_op:
        batch_op.add_column(sa.Column("council_asked_to_cover_voids", sa.Boolean(), nullable=True))

    op.execute(
        _offers.update().values(
            council_asked_to_cover_voids=sa.case(
                (_offers.c.void_payer.in_(["council_pays", "shared_cost"]), sa.true()),
                (_offers.c.void_payer == "landlord_or_provider", sa.false()),
                else_=None,
            )
        )
    )

    with op.batch_alter_table("offers", schema=None) as batch_op:
        for name in (
            "site_status",
            "right_to_buy_percent",
            "capital_funding",
            "repairs_by",
            "break_clause_after_years",
            "break_clause",
            "lease_years",
            "void_cover_months",
            "void_rate_pence_per_week",
            "void_rate_percent",
            "void_rate_basis",
            "voids_from_weeks",
            "voids_from",
            "void_payer",
            "support_level",
            "client_groups",
            "tenancy_type",
            "intended_stay",
            "confidential_address",
        ):
            batch_op.drop_column(name)
