"""Counting each task's deliveries in the database, and sending again a task whose
worker died holding it (the embedded broker).

A broker hands back a message whose worker died (Redis after its visibility
timeout; Celery's `task_reject_on_worker_lost` at once), with the retry count it
carried unchanged, so a task that kills its worker came back forever. `begin`
counts every delivery of a task id here before the task runs; past
`TASK_MAX_DELIVERIES` the task gives up and leaves a visible state instead.

The embedded (filesystem) broker deletes a message when a worker takes it, so a
worker killed while it holds one loses it. The delivery row says which process
holds the task: `resend_abandoned` sends again a task started a while ago and not
finished whose process no longer exists (on this machine: the embedded broker is
one machine by definition), under the same task id, through the outbox.
"""

from __future__ import annotations

import logging
import os
import socket
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

from flask import current_app
from sqlalchemy import delete, or_, select, update
from sqlalchemy.dialects import postgresql, sqlite

from triage import clock, db
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
    with db.unit_of_work():
        number = db.session.scalar(statement)
    return int(number or 1)


def finish(task_id: str) -> None:
    """The task ended (done, failed and handled, or handed to a retry): no process
    holds it any more."""
    with db.unit_of_work():
        db.session.execute(
            delete(TaskDelivery).where(
                TaskDelivery.task_id == task_id, TaskDelivery.finished_at.is_(None)
            )
        )


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
    """Whether a task was abandoned (one indexed query, for beat)."""
    return bool(_abandoned(clock.now()))


def resend_abandoned() -> int:
    """Send again, under the same task id, each task started a while ago, not
    finished, and held by a process of this machine that no longer exists (or,
    resent once already, still not started long after). Returns how many."""
    now = clock.now()
    resent = 0
    for task_id, pid in _abandoned(now):
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
