"""What the commissioners' dashboard reads instead of working it out afresh: each
offer's stays in each stage of the workflow, written by triage.workflow.perform
with the status change that starts or ends them (each cohort's share of an
offer's units is stored on offer_cohorts: see triage.models.offers)."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, Index, String
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
