"""Meetings the council proposes to an offer's submitter (issue 14).

One row a meeting: proposing it again, or agreeing the time the submitter
suggested, changes the same row and raises its `sequence`, so a calendar that
holds the meeting (by its `uid`) moves it rather than adding a second one
(RFC 5545 section 3.8.7.4). The people who will attend are free text (names and
roles), nothing more about them.
"""

from __future__ import annotations

import enum
from datetime import datetime

from sqlalchemy import CheckConstraint, ForeignKey, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from triage.clock import now
from triage.db import Base
from triage.models.types import UTCDateTime


class MeetingStatus(enum.StrEnum):
    PROPOSED = "proposed"
    ACCEPTED = "accepted"
    ANOTHER_TIME_SUGGESTED = "another_time_suggested"
    CANCELLED = "cancelled"
    HELD = "held"
    NOT_HELD = "not_held"


MEETING_STATUS_LABELS = {
    MeetingStatus.PROPOSED: "Proposed, waiting for the submitter",
    MeetingStatus.ACCEPTED: "Accepted",
    MeetingStatus.ANOTHER_TIME_SUGGESTED: "The submitter suggested another time",
    MeetingStatus.CANCELLED: "Cancelled",
    MeetingStatus.HELD: "Held",
    MeetingStatus.NOT_HELD: "Did not happen",
}

# A meeting still to happen (or whose outcome is not recorded yet).
OPEN_MEETING_STATUSES = frozenset(
    {MeetingStatus.PROPOSED, MeetingStatus.ACCEPTED, MeetingStatus.ANOTHER_TIME_SUGGESTED}
)


class Meeting(Base):
    __tablename__ = "meetings"
    __table_args__ = (
        CheckConstraint("ends_at > starts_at", name="ends_after_start"),
        CheckConstraint("place IS NOT NULL OR link IS NOT NULL", name="place_or_link"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    offer_id: Mapped[int] = mapped_column(ForeignKey("offers.id", ondelete="CASCADE"), index=True)
    # The calendar's name for this meeting, the same in every email about it.
    uid: Mapped[str] = mapped_column(String(100), unique=True)
    sequence: Mapped[int] = mapped_column(default=0)
    proposed_by_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    starts_at: Mapped[datetime] = mapped_column(UTCDateTime())
    ends_at: Mapped[datetime] = mapped_column(UTCDateTime())
    place: Mapped[str | None] = mapped_column(String(300))
    link: Mapped[str | None] = mapped_column(String(500))
    attendees: Mapped[str] = mapped_column(Text)
    note: Mapped[str | None] = mapped_column(Text)
    status: Mapped[str] = mapped_column(String(30), default=MeetingStatus.PROPOSED)
    # The submitter's suggestion, while status is another_time_suggested.
    suggested_starts_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    suggested_ends_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    suggestion: Mapped[str | None] = mapped_column(Text)
    outcome_notes: Mapped[str | None] = mapped_column(Text)
    outcome_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    outcome_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=now)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=now)

    @property
    def status_label(self) -> str:
        return MEETING_STATUS_LABELS[MeetingStatus(self.status)]

    @property
    def is_open(self) -> bool:
        return self.status in OPEN_MEETING_STATUSES
