"""Rounds of changes: the council returns a submitted offer for changes to named
sections, and the submitter changes them and resubmits (issue 14)."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, ForeignKey, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from triage.clock import now
from triage.db import Base
from triage.models.types import UTCDateTime


class OfferChangeRequest(Base):
    """One round: which sections the council asked to change and why, the answers
    in them when it asked (`before`) and when the submitter resubmitted (`after`),
    each a list of {"section", "title", "rows": [[question, answer], ...]}."""

    __tablename__ = "offer_change_requests"
    __table_args__ = (UniqueConstraint("offer_id", "round", name="uq_offer_change_requests_round"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    offer_id: Mapped[int] = mapped_column(ForeignKey("offers.id", ondelete="CASCADE"), index=True)
    round: Mapped[int]
    sections: Mapped[list[str]] = mapped_column(JSON)
    reason: Mapped[str] = mapped_column(Text)
    requested_by_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    requested_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=now)
    before: Mapped[list[dict[str, Any]]] = mapped_column(JSON)
    after: Mapped[list[dict[str, Any]] | None] = mapped_column(JSON)
    resubmitted_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    resubmitted_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))

    @property
    def is_open(self) -> bool:
        return self.resubmitted_at is None
