"""What staff keep to themselves about an offer: internal notes, flags on what
needs checking, and the notifications that tell an officer about their offers.
Submitters never see any of these."""

from __future__ import annotations

import enum
from datetime import datetime

from sqlalchemy import CheckConstraint, ForeignKey, Index, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from triage.clock import now
from triage.db import Base
from triage.models.types import UTCDateTime


class InternalNote(Base):
    """A note staff add to an offer's case. Notes are only ever added: a correction
    is another note, so what was written stays on the record."""

    __tablename__ = "internal_notes"
    __table_args__ = (Index("ix_internal_notes_offer_id_created_at", "offer_id", "created_at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    offer_id: Mapped[int] = mapped_column(ForeignKey("offers.id", ondelete="CASCADE"))
    author_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    body: Mapped[str] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=now)


class OfferFlag(Base):
    """Something about an offer to check before deciding it. Open until someone
    resolves it, with a note saying how; raised and resolved both stay recorded."""

    __tablename__ = "offer_flags"
    __table_args__ = (
        Index("ix_offer_flags_offer_id_resolved_at", "offer_id", "resolved_at"),
        # Resolved means by someone, at a time, with a resolution: all or nothing.
        CheckConstraint(
            "(resolved_at IS NULL AND resolved_by_id IS NULL AND resolution IS NULL)"
            " OR (resolved_at IS NOT NULL AND resolved_by_id IS NOT NULL"
            " AND resolution IS NOT NULL)",
            name="resolved_together",
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    offer_id: Mapped[int] = mapped_column(ForeignKey("offers.id", ondelete="CASCADE"))
    text: Mapped[str] = mapped_column(String(200))
    raised_by_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    raised_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=now)
    resolved_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    resolved_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    resolution: Mapped[str | None] = mapped_column(Text)

    @property
    def is_open(self) -> bool:
        return self.resolved_at is None


class NotificationKind(enum.StrEnum):
    ASSIGNED = "assigned"
    SUBMITTER_ANSWERED = "submitter_answered"
    MEETING_ANSWERED = "meeting_answered"


class StaffNotification(Base):
    """Something an officer should know about an offer of theirs. It is emailed
    once: at once, or in the next daily digest, as the officer prefers; `sent_at`
    says when its email was written (the email outbox then delivers it)."""

    __tablename__ = "staff_notifications"
    __table_args__ = (Index("ix_staff_notifications_unsent", "sent_at", "user_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    offer_id: Mapped[int] = mapped_column(ForeignKey("offers.id", ondelete="CASCADE"))
    kind: Mapped[str] = mapped_column(String(40))
    summary: Mapped[str] = mapped_column(String(500))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=now)
    sent_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    email_id: Mapped[int | None] = mapped_column(ForeignKey("email_messages.id"))
