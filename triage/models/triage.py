"""What happens to an offer once submitted: the audit trail, messages between the
council and the submitter, score overrides and the concerns a decline names."""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING

from sqlalchemy import ForeignKey, Index, Numeric, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from triage.clock import now
from triage.db import Base
from triage.models.types import UTCDateTime

if TYPE_CHECKING:
    from triage.models.documents import Document


class AuditEvent(Base):
    """Append-only: who did what to which offer, and when (UTC). The service only
    ever inserts these rows (tests/web/test_audit_search.py checks its source), and
    on PostgreSQL a trigger refuses any UPDATE, DELETE or TRUNCATE of them
    (migration 0007). An offer with history cannot be deleted either: the foreign
    key restricts rather than cascades, so deleting an offer never takes its
    history with it, nor leaves events that no longer say which offer they were."""

    __tablename__ = "audit_events"
    __table_args__ = (
        Index("ix_audit_events_offer_id_at", "offer_id", "at"),
        # The admin audit search: newest first, and by person.
        Index("ix_audit_events_at", "at"),
        Index("ix_audit_events_actor_id", "actor_id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    offer_id: Mapped[int | None] = mapped_column(ForeignKey("offers.id", ondelete="RESTRICT"))
    # A waiting-list record seen or changed: which one, never what it says.
    person_id: Mapped[int | None] = mapped_column(
        ForeignKey("waiting_people.id", ondelete="RESTRICT"), index=True
    )
    actor_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    action: Mapped[str] = mapped_column(String(40), index=True)
    from_status: Mapped[str | None] = mapped_column(String(30))
    to_status: Mapped[str | None] = mapped_column(String(30))
    detail: Mapped[str | None] = mapped_column(Text)
    at: Mapped[datetime] = mapped_column(UTCDateTime(), default=now)


class OfferMessage(Base):
    """A request for information from the council, or the submitter's answer."""

    __tablename__ = "offer_messages"
    __table_args__ = (Index("ix_offer_messages_offer_id_created_at", "offer_id", "created_at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    offer_id: Mapped[int] = mapped_column(ForeignKey("offers.id", ondelete="CASCADE"))
    author_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    from_council: Mapped[bool]
    body: Mapped[str] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=now)

    attachments: Mapped[list[Document]] = relationship(
        order_by="Document.id", lazy="selectin", viewonly=True
    )


class ScoreOverride(Base):
    """A commissioner's own score or band for an offer, with the reason. The score
    it overrides stays recorded and shown beside it."""

    __tablename__ = "score_overrides"

    id: Mapped[int] = mapped_column(primary_key=True)
    offer_id: Mapped[int] = mapped_column(ForeignKey("offers.id", ondelete="CASCADE"), index=True)
    score_id: Mapped[int] = mapped_column(ForeignKey("offer_scores.id", ondelete="CASCADE"))
    score: Mapped[float] = mapped_column(Numeric(5, 1, asdecimal=False))
    band: Mapped[str] = mapped_column(String(20))
    justification: Mapped[str] = mapped_column(Text)
    by_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    at: Mapped[datetime] = mapped_column(UTCDateTime(), default=now)


class OfferDecisionConcern(Base):
    """One Appendix C concern a decline names, with its own reason: a decline may
    name several (the rent is not met *and* the quality falls short), and the
    submitter is told each. `Offer.decision_concern` keeps the first one named,
    for what read it before there could be several."""

    __tablename__ = "offer_decision_concerns"

    offer_id: Mapped[int] = mapped_column(
        ForeignKey("offers.id", ondelete="CASCADE"), primary_key=True
    )
    concern: Mapped[str] = mapped_column(String(40), primary_key=True)
    # The order the officer named them in (the form's), from 0.
    position: Mapped[int] = mapped_column(default=0)
    reason: Mapped[str] = mapped_column(Text)
