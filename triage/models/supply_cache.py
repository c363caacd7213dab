"""What the commissioners' dashboard reads instead of working it out afresh: each
offer's stays in each stage of the workflow, written by triage.workflow.perform
with the status change that starts or ends them (each cohort's share of an
offer's units is stored on offer_cohorts: see triage.models.offers)."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import ColumnElement, ForeignKey, Index, String, func
from sqlalchemy.orm import Mapped, mapped_column

from triage.db import Base
from triage.models.types import UTCDateTime


class OfferStageStay(Base):
    """A stay of an offer in a stage: when it entered and when it left (None: it
    is still there). Written by triage.workflow.perform in the transaction of the
    status change that starts it (and closes the stay before it); the audit trail
    stays the record, this is what the dashboard's median times read."""

    __tablename__ = "offer_stage_stays"
    __table_args__ = (
        # Closing an offer's open stay.
        Index("ix_offer_stage_stays_offer_id_left_at", "offer_id", "left_at"),
        # The median per stage: read from the index alone.
        Index("ix_offer_stage_stays_stage_entered_at_left_at", "stage", "entered_at", "left_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    offer_id: Mapped[int] = mapped_column(ForeignKey("offers.id", ondelete="CASCADE"))
    stage: Mapped[str] = mapped_column(String(30))
    entered_at: Mapped[datetime] = mapped_column(UTCDateTime())
    left_at: Mapped[datetime | None] = mapped_column(UTCDateTime())


def sqlite_days_in_stage() -> ColumnElement[Any]:
    """Days an ended stay lasted, as SQLite works it out: the expression
    SQLITE_DAYS_INDEX holds, so a query that orders by it exactly reads the index
    in order instead of sorting every stay (the dashboard's median per stage)."""
    return func.julianday(OfferStageStay.left_at) - func.julianday(OfferStageStay.entered_at)


# SQLite only (PostgreSQL works the medians out with percentile_cont, fast
# enough): the ended stays of each stage in order of how long they lasted.
SQLITE_DAYS_INDEX = Index(
    "ix_offer_stage_stays_stage_days",
    OfferStageStay.stage,
    sqlite_days_in_stage(),
    sqlite_where=OfferStageStay.left_at.is_not(None),
).ddl_if(dialect="sqlite")
