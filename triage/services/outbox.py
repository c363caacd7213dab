"""Writing to the task outbox, publishing it after commit, and relaying what is left.

Publish after commit, with the outbox as the safety net (Warehouse's pattern):

- `enqueue` adds a row to the caller's transaction and notes it on the session;
- once that transaction commits, a session hook (`_publish_after_commit`) publishes
  the rows at once, so a task reaches the broker within milliseconds of the change
  it is about, and never before that change is committed;
- `relay_pending` (a beat task, sent only when such rows exist) sweeps rows still
  unsent after a short grace period: the broker was down, or the process died
  between the commit and the publish. Nothing is lost while the broker is down:
  the row stays and is tried again.

A publisher first claims its rows with a guarded UPDATE (`claimed_until`, only on
rows unsent and unclaimed) and commits the claim, so the hook and a relay, or two
relays, never publish one row at once; a claim left by a publisher that died
lapses after `CLAIM_SECONDS`. A row published and then not marked sent (the
process died in between) is published again: every task is safe to run twice, and
its task id, fixed in the row, is the same both times.
"""

from __future__ import annotations

import logging
import uuid
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from datetime import timedelta
from typing import Any

from flask import current_app, has_app_context
from sqlalchemy import Connection, event, exists, or_, select, update
from sqlalchemy.orm import Session

from triage import broker, clock, db
from triage.models import OutboxMessage

logger = logging.getLogger(__name__)

# publish(task_name, args, task_id)
Publisher = Callable[[str, list[Any], str | None], None]

_PENDING = "triage.outbox_pending"
# A claim lapses after this long: far beyond a publish (its timeout is seconds).
CLAIM_SECONDS = 60
# The hook publishes at most this many rows of one transaction; a larger batch (a
# rescoring run of every open offer) is left to the relay, off the request.
AFTER_COMMIT_LIMIT = 200
# Rows claimed, published and marked sent together.
BATCH = 100
_ALL = "triage.outbox_publish_all"


def enqueue(task_name: str, *args: Any) -> OutboxMessage:
    message = OutboxMessage(task_name=task_name, args=list(args), task_id=str(uuid.uuid4()))
    db.session.add(message)
    db.session.info.setdefault(_PENDING, []).append(message)
    return message


def resend(task_name: str, args: list[Any], task_id: str) -> OutboxMessage:
    """A task sent again under its own id (one a dead worker held), so its
    deliveries go on being counted together."""
    message = OutboxMessage(task_name=task_name, args=list(args), task_id=task_id)
    db.session.add(message)
    db.session.info.setdefault(_PENDING, []).append(message)
    return message


# --- Publishing after commit -------------------------------------------------------


@contextmanager
def publishing_all() -> Iterator[None]:
    """Within this block the after-commit hook publishes every row its transaction
    wrote, not only the first AFTER_COMMIT_LIMIT: for a bulk submission whose caller
    wants its tasks running at once (the scoring burst benchmark), off any request."""
    session = db.session()
    session.info[_ALL] = True
    try:
        yield
    finally:
        session.info.pop(_ALL, None)


@event.listens_for(db.session, "after_commit")
def _publish_after_commit(session: Session) -> None:
    pending: list[OutboxMessage] = session.info.pop(_PENDING, [])
    if not pending or not has_app_context() or not current_app.config["PUBLISH_AFTER_COMMIT"]:
        return
    if not session.info.get(_ALL):
        pending = pending[:AFTER_COMMIT_LIMIT]
    ids = [message.id for message in pending if message.id is not None]
    app = current_app._get_current_object()  # type: ignore[attr-defined]

    def publish(task_name: str, args: list[Any], task_id: str | None) -> None:
        broker.publish(app, task_name, args, task_id)

    # The session cannot run SQL inside its own after_commit: a connection of its own.
    engine = app.extensions["triage.engine"]
    try:
        with engine.connect() as connection:
            # In batches, so the first tasks run while the rest are being sent.
            for start in range(0, len(ids), BATCH):
                batch = ids[start : start + BATCH]
                published, claimed = _publish_rows(
                    connection, publish, OutboxMessage.id.in_(batch), len(batch)
                )
                if published < claimed:
                    break  # the broker failed: the rest are the relay's
    except Exception:  # the rows stay unsent, for the relay: never fail the commit
        logger.warning("Outbox rows left for the relay", exc_info=True)


@event.listens_for(db.session, "after_rollback")
def _forget_rolled_back(session: Session) -> None:
    # Rows of a transaction rolled back were never written: nothing to publish.
    session.info.pop(_PENDING, None)


# --- The relay ---------------------------------------------------------------------


def relay_grace() -> timedelta:
    """How old an unsent row must be before the relay takes it: younger ones are
    the after-commit hook's (none when the hook is off)."""
    if not current_app.config["PUBLISH_AFTER_COMMIT"]:
        return timedelta(0)
    return timedelta(seconds=float(current_app.config["OUTBOX_RELAY_GRACE_SECONDS"]))


def _waiting(now: Any) -> Any:
    """Unsent rows older than the grace period and not claimed by a live publisher."""
    return (
        OutboxMessage.sent_at.is_(None),
        OutboxMessage.created_at <= now - relay_grace(),
        or_(OutboxMessage.claimed_until.is_(None), OutboxMessage.claimed_until < now),
    )


def has_waiting() -> bool:
    """Whether the relay has anything to do: one indexed query, for the beat
    schedule, which sends the relay task only then."""
    now = clock.now()
    found = db.session.scalar(select(exists().where(*_waiting(now))))
    db.session.rollback()
    return bool(found)


def relay_pending(publish: Publisher, *, batch_size: int = 100, max_batches: int = 20) -> int:
    """Publish unsent outbox rows past the grace period, oldest first, a batch at a
    time until none are left (or `max_batches` batches, so one run cannot hold a
    worker forever); returns how many were sent."""
    sent = 0
    for _ in range(max_batches):
        now = clock.now()
        candidates = (
            select(OutboxMessage.id)
            .where(*_waiting(now))
            .order_by(OutboxMessage.id)
            .limit(batch_size)
            # Two relays at once on PostgreSQL: the second skips rows the first is
            # claiming instead of waiting for them (SQLite serialises writers).
            .with_for_update(skip_locked=True)
        )
        # A connection of its own: each claim and each mark commits on its own, so
        # rows are claimed (not locked) while the broker is called.
        with db.session.get_bind().engine.connect() as connection:
            published, claimed = _publish_rows(
                connection, publish, OutboxMessage.id.in_(candidates.scalar_subquery()), batch_size
            )
        sent += published
        if published < claimed or claimed < batch_size:
            break
    return sent


# --- Claim, publish, mark ------------------------------------------------------------


def _publish_rows(
    connection: Connection, publish: Publisher, which: Any, limit: int
) -> tuple[int, int]:
    """Claim the unsent, unclaimed rows `which` selects (committed, so the claim
    holds while the broker is called), publish them in order, and mark those
    published sent. Stops at the first failure: the broker is unreachable and the
    rest would fail the same way. Returns (published, claimed)."""
    now = clock.now()
    claimed = sorted(
        connection.execute(
            update(OutboxMessage)
            .where(
                which,
                OutboxMessage.sent_at.is_(None),
                or_(OutboxMessage.claimed_until.is_(None), OutboxMessage.claimed_until < now),
            )
            .values(claimed_until=now + timedelta(seconds=CLAIM_SECONDS))
            .returning(
                OutboxMessage.id, OutboxMessage.task_name, OutboxMessage.args, OutboxMessage.task_id
            )
            .execution_options(synchronize_session=False)
        ).all()
    )[:limit]
    connection.commit()
    published: list[int] = []
    failure: tuple[int, str] | None = None
    for message_id, task_name, args, task_id in claimed:
        try:
            publish(task_name, args, task_id)
        except Exception as error:
            failure = (message_id, f"{type(error).__name__}: {error}"[:2000])
            logger.warning("Outbox message %s not published: %s", message_id, type(error).__name__)
            break
        published.append(message_id)
    _mark(connection, published, [row[0] for row in claimed], failure)
    connection.commit()
    return len(published), len(claimed)


def _mark(
    connection: Connection,
    published: Sequence[int],
    claimed: Sequence[int],
    failure: tuple[int, str] | None,
) -> None:
    if published:
        connection.execute(
            update(OutboxMessage)
            .where(OutboxMessage.id.in_(published))
            .values(
                attempts=OutboxMessage.attempts + 1,
                sent_at=clock.now(),
                last_error=None,
                claimed_until=None,
            )
            .execution_options(synchronize_session=False)
        )
    if failure is not None:
        failed_id, error = failure
        connection.execute(
            update(OutboxMessage)
            .where(OutboxMessage.id == failed_id)
            .values(attempts=OutboxMessage.attempts + 1, last_error=error)
            .execution_options(synchronize_session=False)
        )
    untried = sorted(set(claimed) - set(published))
    if untried:
        # Released, for the next relay (the failed row included).
        connection.execute(
            update(OutboxMessage)
            .where(OutboxMessage.id.in_(untried))
            .values(claimed_until=None)
            .execution_options(synchronize_session=False)
        )
