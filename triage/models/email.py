"""The email outbox: every email the service sends, once.

`idempotency_key` names the event the email is about (for example
`offer-acknowledgement:42`), and is unique, so a task that runs twice finds the
email already there and, once it is marked sent, never sends it again.
"""

from __future__ import annotations

import enum
from datetime import datetime

from sqlalchemy import LargeBinary, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from triage.clock import now
from triage.db import Base
from triage.models.types import UTCDateTime


class EmailStatus(enum.StrEnum):
    PENDING = "pending"
    SENT = "sent"
    FAILED = "failed"


class EmailMessage(Base):
    __tablename__ = "email_messages"

    id: Mapped[int] = mapped_column(primary_key=True)
    idempotency_key: Mapped[str] = mapped_column(String(200), unique=True)
    to_address: Mapped[str] = mapped_column(String(320))
    subject: Mapped[str] = mapped_column(String(300))
    body: Mapped[str] = mapped_column(Text)
    status: Mapped[str] = mapped_column(String(20), default=EmailStatus.PENDING, index=True)
    attempts: Mapped[int] = mapped_column(default=0)
    last_error: Mapped[str | None] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=now)
    sent_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    # One file sent with the email (a meeting's calendar file, issue 14), or none.
    attachment_name: Mapped[str | None] = mapped_column(String(100))
    attachment_type: Mapped[str | None] = mapped_column(String(100))
    attachment_data: Mapped[bytes | None] = mapped_column(LargeBinary)
    # While a sender has claimed the email (emails.deliver): no other run sends it
    # until then, and no transaction is held open during the send.
    claimed_until: Mapped[datetime | None] = mapped_column(UTCDateTime())
    # The delivery task that claimed it (none for the sweeper): a new delivery of
    # the same task, handed on by the broker once the first is gone, takes it over.
    claimed_by: Mapped[str | None] = mapped_column(String(155))
