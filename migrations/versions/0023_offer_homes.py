"""Homes: more unit kinds, accessibility per unit type, dispersed addresses (issue 13)

Revision ID: 0023_offer_homes
Revises: 0022_offer_terms
Create Date: 2026-12-03 16:00:00.000000

Accessibility moves from the offer to its unit types, without loss: the offer's
wheelchair-accessible and fully adapted counts are given to its unit types in
order (oldest first), each capped by the type's count (rules.offer.spread does
the same for offers read in formats 1 and 2); "is there a lift" and "is assistive
technology fitted" become every home of each type (yes) or none (no); unanswered
stays unanswered. Level access was never asked: it starts unanswered. A
downgrade puts the totals back on the offer (a lift or assistive technology in
any home is yes). New unit kinds need no schema change (kind is a string).
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0023_offer_homes"
down_revision: str | None = "0022_offer_terms"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

_offers = sa.table(
    "offers",
    sa.column("id", sa.Integer()),
    sa.column("units_wheelchair_accessible", sa.Integer()),
    sa.column("units_fully_adapted", sa.Integer()),
    sa.column("lift", sa.Boolean()),
    sa.column("assistive_technology", sa.Boolean()),
)
_unit_types = sa.table(
    "offer_unit_types",
    sa.column("id", sa.Integer()),
    sa.column("offer_id", sa.Integer()),
    sa.column("count", sa.Integer()),
    sa.column("wheelchair_accessible", sa.Integer()),
    sa.column("fully_adapted", sa.Integer()),
    sa.column("lift", sa.Integer()),
    sa.column("assistive_technology", sa.Integer()),
)
_UNIT_COLUMNS = (
    "bedrooms",
    "wheelchair_accessible",
    "fully_adapted",
    "level_access",
    "lift",
    "assistive_technology",
)


def _spread(total: int | None, counts: list[int]) -> list[int | None]:
    """Kept in step with rules.offer.spread (a migration must not import the app)."""
    if total is None:
        return [None] * len(counts)
    given: list[int | None] = []
    for count in counts:
        take = max(0, min(total, count))
        given.append(take)
        total -= take
    return given


def _every(answer: bool | None, count: int) -> int | None:
    return None if answer is None else (count if answer else 0)


def upgrade() -> None:
    with op.batch_alter_table("offer_unit_types", schema=None) as batch_op:
        for name in _UNIT_COLUMNS:
            batch_op.add_column(sa.Column(name, sa.Integer(), nullable=True))
    op.create_table(
        "offer_addresses",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("offer_id", sa.Integer(), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("address", sa.String(length=500), nullable=False),
        sa.Column("postcode", sa.String(length=8), nullable=False),
        sa.Column("units", sa.Integer(), nullable=False),
        sa.CheckConstraint("units >= 1", name=op.f("ck_offer_addresses_units_positive")),
        sa.ForeignKeyConstraint(
            ["offer_id"],
            ["offers.id"],
            name=op.f("fk_offer_addresses_offer_id_offers"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_offer_addresses")),
        sa.UniqueConstraint("offer_id", "position", name="uq_offer_addresses_offer_id_position"),
    )
    with op.batch_alter_table("offer_addresses", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_offer_addresses_offer_id"), ["offer_id"], unique=False)

    connection = op.get_bind()
    offers = connection.execute(sa.select(_offers)).mappings().all()
    for offer in offers:
        units = connection.execute(
            sa.select(_unit_types.c.id, _unit_types.c.count)
            .where(_unit_types.c.offer_id == offer["id"])
            .order_by(_unit_types.c.id)
        ).all()
        counts = [count for _id, count in units]
        wheelchair = _spread(offer["units_wheelchair_accessible"], counts)
        adapted = _spread(offer["units_fully_adapted"], counts)
        for (unit_id, count), w, a in zip(units, wheelchair, adapted, strict=True):
            connection.execute(
                _unit_types.update()
                .where(_unit_types.c.id == unit_id)
                .values(
                    wheelchair_accessible=w,
                    fully_adapted=a,
                    lift=_every(offer["lift"], count),
                    assistive_technology=_every(offer["assistive_technology"], count),
                )
            )

    with op.batch_alter_table("offers", schema=None) as batch_op:
        batch_op.drop_constraint(
            batch_op.f("ck_offers_wheelchair_units_not_negative"), type_="check"
        )
        batch_op.drop_constraint(batch_op.f("ck_offers_adapted_units_not_negative"), type_="check")
        for name in ("lift", "assistive_technology", "units_wheelchair_accessible"):
            batch_op.drop_column(name)
        batch_op.drop_column("units_fully_adapted")


def downgrade() -> None:
    with op.batch_alter_table("offers", schema=None) as batch_op:
        batch_op.add_column(sa.Column("lift", sa.Boolean(), nullable=True))
        batch_op.add_column(sa.Column("assistive_technology", sa.Boolean(), nullable=True))
        batch_op.add_column(sa.Column("units_wheelchair_accessible", sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column("units_fully_adapted", sa.Integer(), nullable=True))
        batch_op.create_check_constraint(
            batch_op.f("ck_offers_wheelchair_units_not_negative"),
            "units_wheelchair_accessible >= 0",
        )
        batch_op.create_check_constraint(
            batch_op.f("ck_offers_adapted_units_not_negative"), "units_fully_adapted >= 0"
        )

    connection = op.get_bind()
    rows = connection.execute(
        sa.select(
            _unit_types.c.offer_id,
            _unit_types.c.wheelchair_accessible,
            _unit_types.c.fully_adapted,
            _unit_types.c.lift,
            _unit_types.c.assistive_technology,
        ).order_by(_unit_types.c.id)
    ).all()
    by_offer: dict[int, list[sa.Row]] = {}
    for row in rows:
        by_offer.setdefault(row.offer_id, []).append(row)

    def total(values: list[int | None]) -> int | None:
        return None if all(value is None for value in values) else sum(v or 0 for v in values)

    for offer_id, units in by_offer.items():
        lift = total([unit.lift for unit in units])
        technology = total([unit.assistive_technology for unit in units])
        connection.execute(
            _offers.update()
            .where(_offers.c.id == offer_id)
            .values(
                units_wheelchair_accessible=total([unit.wheelchair_accessible for unit in units]),
                units_fully_adapted=total([unit.fully_adapted for unit in units]),
                lift=None if lift is None else lift > 0,
                assistive_technology=None if technology is None else technology > 0,
            )
        )

    with op.batch_alter_table("offer_addresses", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_offer_addresses_offer_id"))
    op.drop_table("offer_addresses")
    with op.batch_alter_table("offer_unit_types", schema=None) as batch_op:
        for name in reversed(_UNIT_COLUMNS):
            batch_op.drop_column(name)
