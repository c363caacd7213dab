"""Writing to the task outbox and relaying it to the broker.

`enqueue` adds a row to the caller's transaction and never touches the broker, so
a web request cannot hang on it. `relay_pending` runs in a worker (on the beat
schedule): it claims unsent rows, publishes each with a timeout, and marks it
sent. A row whose publish fails stays unsent and is tried again on the next run.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import select

from triage import db
from triage.models import OutboxMessage

logger = logging.getLogger(__name__)

Publisher = Callable[[str, list[Any]], None]


def enqueue(task_name: str, *args: Any) -> OutboxMessage:
    message = OutboxMessage(task_name=task_name, args=list(args))
    db.session.add(message)
    return message


def relay_pending(publish: Publisher, *, batch_size: int = 100) -> int:
    """Publish unsent outbox rows; returns how many were sent."""
    ids = db.session.scalars(
        select(OutboxMessage.id)
        .where(OutboxMessage.sent_at.is_(None))
        .order_by(OutboxMessage.id)
        .limit(batch_size)
    ).all()
    db.session.commit()
    sent = 0
    for message_id in ids:
        # Each row is locked while it is published and marked sent (the commit
        # below ends the lock), so two relays running at once (two beat ticks, two
        # workers) never publish the same row; SQLite ignores this and serialises
        # writers instead.
        message = db.session.scalar(
            select(OutboxMessage)
            .where(OutboxMessage.id == message_id, OutboxMessage.sent_at.is_(None))
            .with_for_update(skip_locked=True)
            .execution_options(populate_existing=True)
        )
        if message is None:
            # Another relay has it, or has sent it.
            db.session.rollback()
            continue
        message.attempts += 1
        try:
            publish(message.task_name, message.args)
        except Exception as error:
            message.last_error = f"{type(error).__name__}: {error}"[:2000]
            logger.warning("Outbox message %s not published: %s", message.id, type(error).__name__)
            db.session.commit()
            # The broker is unreachable: the rest would fail the same way.
            break
        message.sent_at = datetime.now(UTC)
        message.last_error = None
        db.session.commit()
        sent += 1
    db.session.commit()
    return sent
