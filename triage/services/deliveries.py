"""Counting each task's deliveries in the database, and sending again a task whose
worker died holding it (the embedded broker).

A broker hands back a message whose worker died (Redis after its visibility
timeout; Celery's `task_reject_on_worker_lost` at once), with the retry count it
carried unchanged, so a task that kills its worker came back forever. `begin`
counts every delivery of a task id here before the task runs; past
`TASK_MAX_DELIVERIES` the task gives up and leaves a visible state instead.

On the embedded (filesystem) broker a worker holds each message it fetched in
the broker's `reserved` folder until it acknowledges it (triage.broker), so a
worker killed while it holds one, started or not, leaves it there: the sweeper
(`resend_abandoned`, and the worker when it starts) puts it back in the queue. The
delivery row is the second net: a task started a while ago and not finished, whose
process no longer exists (on this machine: the embedded broker is one machine by
definition) and whose message is nowhere in the broker, is sent again under the
same task id, through the outbox.
"""

from __future__ import annotations

import logging
import os
import socket
from collections.abc import Callable
from contextvars import ContextVar
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

from flask import current_app
from sqlalchemy import delete, event, or_, select, update
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session

from triage import broker, clock, db
from triage.models import TaskDelivery
from triage.services import outbox

logger = logging.getLogger(__name__)

HOST = socket.gethostname()
# A resent task nobody has started yet is sent again only after this many times
# ABANDONED_TASK_SECONDS (it may simply be waiting behind a backlog).
UNSTARTED_FACTOR = 5


def begin(task_id: str, task_name: str, args: list[Any]) -> int:
    """Count a delivery of `task_id`, held by this process, and commit it before
    the task runs (a task that kills its worker must still be counted). Returns
    which delivery this is: 1 for the first."""
    now = clock.now()
    values = {
        "task_id": task_id,
        "task_name": task_name,
        "args": args,
        "deliveries": 1,
        "started_at": now,
        "worker_host": HOST,
        "worker_pid": os.getpid(),
    }
    insert = (
        postgresql.insert if db.session.get_bind().dialect.name == "postgresql" else sqlite.insert
    )
    statement = (
        insert(TaskDelivery)
        .values(values)
        .on_conflict_do_update(
            index_elements=[TaskDelivery.task_id],
            set_={
                "deliveries": TaskDelivery.deliveries + 1,
                "started_at": now,
                "worker_host": HOST,
                "worker_pid": os.getpid(),
            },
        )
        .returning(TaskDelivery.deliveries)
    )
    number = _on_its_own(statement, lambda result: result.scalar())
    return int(number or 1)


def finish(task_id: str) -> None:
    """The task ended (done, failed and handled, or handed to a retry): no process
    holds it any more."""
    _on_its_own(
        delete(TaskDelivery).where(
            TaskDelivery.task_id == task_id, TaskDelivery.finished_at.is_(None)
        )
    )


# The task whose delivery row the next commit in this context deletes. A context
# variable, not the session's info: a session removed mid-task (an app context
# ended) must not take it with it.
_finish_with_commit: ContextVar[str | None] = ContextVar("finish_with_commit", default=None)


def finish_with_next_commit(task_id: str) -> None:
    """The task's delivery is finished by the commit of its own transaction, not
    by a round trip of its own after it: for a task whose work is one transaction
    (scoring), done and finished are then one commit (issue 16: the scoring
    burst). Until a commit succeeds, `finish_pending` says so."""
    _finish_with_commit.set(task_id)


def finish_pending() -> str | None:
    """The task id still to finish: no commit took it (the task wrote nothing, or
    failed). Forgotten here, so the caller finishes it on its own."""
    task_id = _finish_with_commit.get()
    _finish_with_commit.set(None)
    return task_id


@event.listens_for(db.session, "before_commit")
def _finish_in_commit(session: Session) -> None:
    task_id = _finish_with_commit.get()
    if task_id is not None:
        session.execute(
            delete(TaskDelivery).where(
                TaskDelivery.task_id == task_id, TaskDelivery.finished_at.is_(None)
            )
        )


@event.listens_for(db.session, "after_commit")
def _finished_in_commit(_session: Session) -> None:
    # Kept after a rollback: the task's next transaction (a second try) takes it.
    _finish_with_commit.set(None)


def _on_its_own(statement: Any, read: Callable[[Any], Any] = lambda _result: None) -> Any:
    """Run one statement as a transaction of its own (autocommit), and `read` its
    result. Every task runs `begin` and `finish`: as one statement each, instead of
    BEGIN, the statement and COMMIT, they cost one round trip to the database, not
    three (issue 16: the scoring burst)."""
    engine = db.session.get_bind().engine
    with engine.connect().execution_options(isolation_level="AUTOCOMMIT") as connection:
        return read(connection.execute(statement))


def gave_up(task_id: str) -> None:
    """The task gave up after its last delivery: kept, to say so."""
    with db.unit_of_work():
        db.session.execute(
            update(TaskDelivery)
            .where(TaskDelivery.task_id == task_id)
            .values(finished_at=clock.now(), worker_pid=None)
        )


def max_deliveries() -> int:
    return int(current_app.config["TASK_MAX_DELIVERIES"])


# --- Tasks held by a dead worker (the embedded broker) --------------------------------


def process_gone(pid: int) -> bool:
    """No live process `pid` on this machine (a zombie, killed and not yet reaped
    by its parent, counts as gone)."""
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return True
    except PermissionError:
        return False
    try:
        stat = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return False
    return stat.rpartition(")")[2].split()[:1] == ["Z"]


def _unfinished_before(now: datetime) -> Any:
    seconds = float(current_app.config["ABANDONED_TASK_SECONDS"])
    return (
        TaskDelivery.finished_at.is_(None),
        or_(
            (TaskDelivery.worker_pid.is_not(None))
            & (TaskDelivery.started_at < now - timedelta(seconds=seconds)),
            TaskDelivery.started_at < now - timedelta(seconds=seconds * UNSTARTED_FACTOR),
        ),
    )


def _abandoned(now: datetime) -> list[tuple[str, int | None]]:
    """(task id, pid) of each task held by a dead process of this machine, or resent
    and still not started long after."""
    rows = db.session.execute(
        select(TaskDelivery.task_id, TaskDelivery.worker_host, TaskDelivery.worker_pid).where(
            *_unfinished_before(now)
        )
    ).all()
    db.session.rollback()
    return [
        (task_id, pid)
        for task_id, host, pid in rows
        if pid is None or (host == HOST and process_gone(pid))
    ]


def has_abandoned() -> bool:
    """Whether a task was abandoned: a message held by a dead worker (a folder
    listing), or a delivery row of one (one indexed query), for beat."""
    return broker.has_orphaned(current_app) or bool(_abandoned(clock.now()))


def resend_abandoned() -> int:
    """Put back in the queue the messages held by workers that died (embedded
    broker), then send again, under the same task id, each task started a while
    ago, not finished, held by a process of this machine that no longer exists (or,
    resent once already, still not started long after) and whose message is not in
    the broker any more. Returns how many tasks came back."""
    restored = broker.restore_orphaned(current_app)
    now = clock.now()
    if restored:
        # Put back, not lost: the delivery row waits for the message to start again
        # (begin), and is not resent meanwhile.
        with db.unit_of_work():
            db.session.execute(
                update(TaskDelivery)
                .where(TaskDelivery.task_id.in_(restored), TaskDelivery.finished_at.is_(None))
                .values(worker_pid=None, started_at=now)
            )
    resent = len(restored)
    abandoned = _abandoned(now)
    in_broker = broker.task_ids_in_broker(current_app) if abandoned else set()
    for task_id, pid in abandoned:
        if task_id in in_broker:
            continue  # queued or held (a pool process died and its message was put back)
        with db.unit_of_work():
            # Guarded: only if no one (a redelivery, another sweeper) moved it since.
            claimed = db.session.execute(
                update(TaskDelivery)
                .where(
                    TaskDelivery.task_id == task_id,
                    TaskDelivery.finished_at.is_(None),
                    TaskDelivery.worker_pid.is_(None)
                    if pid is None
                    else TaskDelivery.worker_pid == pid,
                )
                .values(worker_pid=None, started_at=now)
                .returning(TaskDelivery.task_name, TaskDelivery.args)
            ).first()
            if claimed is None:
                continue
            task_name, args = claimed
            outbox.resend(task_name, list(args), task_id)
        logger.warning("Task %s (%s) held by a dead worker: sent again", task_id, task_name)
        resent += 1
    return resent
