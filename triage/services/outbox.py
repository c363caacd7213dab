"""Writing to the task outbox and relaying it to the broker.

`enqueue` adds a row to the caller's transaction and never touches the broker, so
a web request cannot hang on it. `relay_pending` runs in a worker (on the beat
schedule): it claims a batch of unsent rows, publishes each with a timeout, and
marks the batch sent, batch after batch until none are left. A row whose publish
fails stays unsent and is tried again on the next run.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import Any

from sqlalchemy import select, update

from triage import clock, db
from triage.models import OutboxMessage

logger = logging.getLogger(__name__)

Publisher = Callable[[str, list[Any]], None]


def enqueue(task_name: str, *args: Any) -> OutboxMessage:
    message = OutboxMessage(task_name=task_name, args=list(args))
    db.session.add(message)
    return message


def relay_pending(publish: Publisher, *, batch_size: int = 100, max_batches: int = 20) -> int:
    """Publish unsent outbox rows, oldest first, a batch at a time until none are
    left (or `max_batches` batches, so one run cannot hold a worker forever);
    returns how many were sent."""
    sent = 0
    for _ in range(max_batches):
        # A transaction a batch, on purpose: each batch's rows are locked only
        # while it is published, and one published is never published again.
        with db.unit_of_work():
            published, more = _relay_batch(publish, batch_size)
        sent += published
        if not more:
            break
    return sent


def _relay_batch(publish: Publisher, batch_size: int) -> tuple[int, bool]:
    """Claim up to `batch_size` unsent rows, publish them in order and mark those
    published sent, in the caller's transaction. Returns how many were sent, and whether
    there may be more to send."""
    # The rows stay locked until the caller commits, so two relays running at once
    # (two beat ticks, two workers) never publish the same row: the second skips
    # them and takes the next ones. SQLite ignores this and serialises writers.
    # A relay that dies mid-batch leaves its rows unsent, to be published again:
    # every task is safe to run twice.
    claimed = db.session.execute(
        select(OutboxMessage.id, OutboxMessage.task_name, OutboxMessage.args)
        .where(OutboxMessage.sent_at.is_(None))
        .order_by(OutboxMessage.id)
        .limit(batch_size)
        .with_for_update(skip_locked=True)
    ).all()
    published: list[int] = []
    failed = False
    for message_id, task_name, args in claimed:
        try:
            publish(task_name, args)
        except Exception as error:
            db.session.execute(
                update(OutboxMessage)
                .where(OutboxMessage.id == message_id)
                .values(
                    attempts=OutboxMessage.attempts + 1,
                    last_error=f"{type(error).__name__}: {error}"[:2000],
                )
            )
            logger.warning("Outbox message %s not published: %s", message_id, type(error).__name__)
            # The broker is unreachable: the rest would fail the same way.
            failed = True
            break
        published.append(message_id)
    if published:
        db.session.execute(
            update(OutboxMessage)
            .where(OutboxMessage.id.in_(published))
            .values(
                attempts=OutboxMessage.attempts + 1,
                sent_at=clock.now(),
                last_error=None,
            )
            .execution_options(synchronize_session=False)
        )
    return len(published), not failed and len(claimed) == batch_size
