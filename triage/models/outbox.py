"""The task outbox: a row per background task, written in the same transaction as
the change that needs it. A relay publishes unsent rows to the broker, so a broker
that is down delays work and loses none."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, Index, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from triage.clock import now
from triage.db import Base
from triage.models.types import UTCDateTime


class OutboxMessage(Base):
    __tablename__ = "outbox_messages"
    __table_args__ = (Index("ix_outbox_messages_unsent", "sent_at", "id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    task_name: Mapped[str] = mapped_column(String(200))
    args: Mapped[list[Any]] = mapped_column(JSON)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=now)
    sent_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    attempts: Mapped[int] = mapped_column(default=0)
    last_error: Mapped[str | None] = mapped_column(Text)
    # The broker's task id, chosen when the row is written, so a row published twice
    # (a publisher that died after the broker took it) is one task counted once.
    task_id: Mapped[str | None] = mapped_column(String(64))
    # A publisher claims a row until then (a guarded UPDATE), so two never publish it
    # at once; a claim left by a publisher that died lapses.
    claimed_until: Mapped[datetime | None] = mapped_column(UTCDateTime())
