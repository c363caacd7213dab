"""Existing-supply register, seeded with the strategy's Appendix A totals (issue 13)

Revision ID: 0024_supply_register
Revises: 0023_offer_homes
Create Date: 2026-12-03 16:00:00.000000

The register starts as the strategy's Appendix A totals: 3 extra care schemes
(170 units), 36 shared houses (140 units) and 73 supported living schemes (322
units), 632 units in all. Appendix A maps the schemes but gives no names,
addresses or cohorts, so each kind is one line with no postcode (counted in the
city's total, in no area) and no cohort: a documented assumption, not a guess at
addresses. Staff replace the lines with the schemes one by one (Admin > Existing
supply). The city's postcode sectors are a policy setting, not a table.
"""

from collections.abc import Sequence
from datetime import UTC, datetime

import sqlalchemy as sa
from alembic import op

from triage.models.types import UTCDateTime

revision: str = "0024_supply_register"
down_revision: str | None = "0023_offer_homes"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

SEEDED_AT = datetime(2026, 12, 3, 16, 0, tzinfo=UTC)
ASSUMPTION = (
    "The strategy's Appendix A total for this kind of home. Appendix A gives no scheme "
    "names, addresses or cohorts, so it is in no area yet: replace it with the schemes "
    "one by one."
)
SEED = [
    ("Extra care schemes (Appendix A total)", "extra_care", 3, 170),
    ("Shared houses (Appendix A total)", "shared_house", 36, 140),
    ("Supported living schemes (Appendix A total)", "supported_living", 73, 322),
]


def upgrade() -> None:
    table = op.create_table(
        "supply_schemes",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("accommodation", sa.String(length=30), nullable=False),
        sa.Column("units", sa.Integer(), nullable=False),
        sa.Column("schemes", sa.Integer(), nullable=False),
        sa.Column("postcode", sa.String(length=10), nullable=True),
        sa.Column("cohort", sa.String(length=60), nullable=True),
        sa.Column("note", sa.String(length=500), nullable=True),
        sa.Column("created_at", UTCDateTime(), nullable=False),
        sa.Column("updated_at", UTCDateTime(), nullable=False),
        sa.CheckConstraint("units >= 1", name=op.f("ck_supply_schemes_some_units")),
        sa.CheckConstraint("schemes >= 1", name=op.f("ck_supply_schemes_some_schemes")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_supply_schemes")),
    )
    op.bulk_insert(
        table,
        [
            {
                "name": name,
                "accommodation": accommodation,
                "schemes": schemes,
                "units": units,
                "postcode": None,
                "cohort": None,
                "note": ASSUMPTION,
                "created_at": SEEDED_AT,
                "updated_at": SEEDED_AT,
            }
            for name, accommodation, schemes, units in SEED
        ],
    )


def downgrade() -> None:
    op.drop_table("supply_schemes")
