"""Task deliveries, counted in the database rather than in the message.

A message that kills the worker running it comes back with its retry count
unchanged (the count lives in the message, and the message is the one handed
back), so a poisoned task would be delivered forever. Each delivery of a task id
is counted here instead, before the task runs: after the last one allowed the
task gives up and leaves a visible state (an offer "scoring failed", an email
"failed"). The row also says which process holds the task, so on the embedded
broker, which loses a message its worker held, a sweeper can tell a task held by
a dead process and send it again. A row is deleted when its task finishes.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, Index, String
from sqlalchemy.orm import Mapped, mapped_column

from triage.clock import now
from triage.db import Base
from triage.models.types import UTCDateTime


class TaskDelivery(Base):
    __tablename__ = "task_deliveries"
    __table_args__ = (Index("ix_task_deliveries_unfinished", "finished_at", "started_at"),)

    # The broker's task id: the same for every redelivery and retry of one message.
    task_id: Mapped[str] = mapped_column(String(64), primary_key=True)
    task_name: Mapped[str] = mapped_column(String(200))
    args: Mapped[list[Any]] = mapped_column(JSON)
    deliveries: Mapped[int] = mapped_column(default=0)
    started_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=now)
    # The process running the current delivery (host name and pid).
    worker_host: Mapped[str | None] = mapped_column(String(255))
    worker_pid: Mapped[int | None]
    # Set when the task gave up after its last delivery (the row is kept to say so).
    finished_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
