"""The existing-supply register: the supported living and extra care the council
already has, scheme by scheme, which staff keep (issue 13). The location rule
finds the areas less well served from it (`as_scheme()` is its translation to
the rules' terms), and a shared house recorded for young people in transition
ends the shared-housing exception."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import CheckConstraint, Integer, String
from sqlalchemy.orm import Mapped, mapped_column

from rules.existing_supply import RegisteredScheme
from triage.clock import now
from triage.db import Base
from triage.models.types import UTCDateTime


class SupplyScheme(Base):
    """A line of the register: one scheme, or a group of schemes of one kind
    (`schemes` of them) with no address yet, as the strategy's Appendix A totals
    are seeded (migration 0024)."""

    __tablename__ = "supply_schemes"
    __table_args__ = (
        CheckConstraint("units >= 1", name="some_units"),
        CheckConstraint("schemes >= 1", name="some_schemes"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(200))
    # rules.existing_supply.Accommodation: extra care, shared house, supported living.
    accommodation: Mapped[str] = mapped_column(String(30))
    units: Mapped[int] = mapped_column(Integer)
    schemes: Mapped[int] = mapped_column(Integer, default=1)
    # None: not placed yet (counted in the city's total, in no area).
    postcode: Mapped[str | None] = mapped_column(String(10))
    # A policy cohort code; None: not recorded.
    cohort: Mapped[str | None] = mapped_column(String(60))
    # Where the figures come from, or what is assumed (the seed says so).
    note: Mapped[str | None] = mapped_column(String(500))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=now)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=now, onupdate=now)

    def as_scheme(self) -> RegisteredScheme:
        return RegisteredScheme(
            name=self.name,
            accommodation=self.accommodation,
            units=self.units,
            postcode=self.postcode,
            cohort=self.cohort,
            schemes=self.schemes,
        )
