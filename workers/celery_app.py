"""The Celery app, built from the Flask app so tasks run inside its app context."""

from __future__ import annotations

import logging
from collections.abc import Callable
from pathlib import Path
from typing import Any

from celery import Celery, Task
from celery.schedules import crontab, schedstate, schedule
from celery.signals import after_setup_logger, after_setup_task_logger, worker_ready
from flask import Flask, has_app_context

from triage import broker, log_filters
from triage.broker import QUEUE_DEFAULT, broker_options
from triage.services import deliveries, outbox
from triage.tasks import PRIORITY, TaskName

logger = logging.getLogger(__name__)

__all__ = ["QUEUE_DEFAULT", "WhenWaiting", "broker_options", "make_celery"]


class WhenWaiting(schedule):
    """An interval schedule that sends its task only when there is work for it.

    Every `run_every` seconds beat asks the database one cheap question (is an
    outbox row still unsent past its grace period? is a task held by a dead
    worker?) and sends the task only if so: an idle system sends no task at all.
    The question is named, not stored, so the schedule pickles into beat's file."""

    def __init__(
        self,
        run_every: Any = None,
        relative: bool = False,
        nowfun: Any = None,
        question: str = "",
        app: Any = None,
    ) -> None:
        super().__init__(run_every, relative, nowfun, app=app)
        self.question = question

    def __reduce__(self) -> Any:
        return self.__class__, (self.run_every, self.relative, self.nowfun, self.question)

    def is_due(self, last_run_at: Any) -> Any:
        state = super().is_due(last_run_at)
        flask_app = getattr(self.app, "flask_app", None)
        if not state.is_due or flask_app is None or self.question not in QUESTIONS:
            return state
        try:
            with flask_app.app_context():
                waiting = QUESTIONS[self.question](flask_app)
        except Exception:  # the database is down: ask again next time
            logger.warning("Beat could not ask the database %s", self.question, exc_info=True)
            waiting = False
        if waiting:
            return state
        return schedstate(is_due=False, next=self.seconds)


QUESTIONS: dict[str, Callable[[Flask], bool]] = {
    "outbox": lambda _app: outbox.has_waiting(),
    "abandoned": lambda app: broker.embedded(app) and deliveries.has_abandoned(),
}


@worker_ready.connect
def restore_orphaned_messages(sender: Any = None, **_kwargs: Any) -> None:
    """A worker starting on the embedded broker first puts back the messages a dead
    worker held (started or not), so they run now rather than at the next sweep."""
    flask_app = getattr(getattr(sender, "app", None), "flask_app", None)
    if flask_app is not None:
        broker.restore_orphaned(flask_app)


@after_setup_logger.connect
@after_setup_task_logger.connect
def redact_worker_logs(logger: logging.Logger, **_kwargs: Any) -> None:
    """The worker's log handlers, set up by Celery when it starts, get the filter
    that keeps secrets and personal data out of the logs (triage.log_filters)."""
    log_filters.install(logger)


# Messages fetched ahead per worker process. On the embedded broker each next one is
# then in hand when a task ends, instead of waiting for the next poll of the folder
# (up to EMBEDDED_POLLING_SECONDS, for every task), and the messages are held in
# the broker's reserved folder, so a worker that dies loses none of them.
EMBEDDED_PREFETCH = 4
# On Redis one: fetching ahead no longer scores a burst faster (1,000 scores in
# 8.0 to 8.4 s with 1 and with 4, issue 16, once a score task took two round
# trips fewer), and a worker killed outright (not stopped: a warm shutdown hands
# its unstarted messages back at once) holds back only the task it was running,
# not three more, until BROKER_VISIBILITY_TIMEOUT hands them to another worker.
REDIS_PREFETCH = 1


def prefetch_multiplier(app: Flask) -> int:
    """WORKER_PREFETCH_MULTIPLIER, else the broker's default."""
    configured = app.config.get("WORKER_PREFETCH_MULTIPLIER")
    if configured:
        return int(configured)
    return EMBEDDED_PREFETCH if broker.embedded(app) else REDIS_PREFETCH


def make_celery(app: Flask) -> Celery:
    class FlaskTask(Task):
        def __call__(self, *args: Any, **kwargs: Any) -> Any:
            # Called inside an app context already (a direct call, a test): use it.
            if has_app_context():
                return self.run(*args, **kwargs)
            with app.app_context():
                return self.run(*args, **kwargs)

    celery = Celery(app.name, task_cls=FlaskTask)
    # For WhenWaiting, which asks the database through the Flask app.
    celery.flask_app = app
    if app.config["WORKER_CONCURRENCY"]:
        celery.conf.worker_concurrency = app.config["WORKER_CONCURRENCY"]
    celery.conf.update(
        broker_url=broker.broker_url(app),
        broker_transport_options=broker_options(app),
        broker_connection_retry_on_startup=True,
        broker_connection_timeout=app.config["BROKER_PUBLISH_TIMEOUT_SECONDS"],
        task_default_queue=QUEUE_DEFAULT,
        task_ignore_result=True,
        # A task is acknowledged only when it has finished, and handed back if
        # the process running it dies, so no work is lost with a worker.
        task_acks_late=True,
        task_reject_on_worker_lost=True,
        worker_prefetch_multiplier=prefetch_multiplier(app),
        worker_cancel_long_running_tasks_on_connection_loss=True,
        task_serializer="json",
        accept_content=["json"],
        timezone="UTC",
        enable_utc=True,
        beat_schedule={
            # Only when rows are still unsent past the grace period: the
            # after-commit hook publishes the rest at once.
            "relay-outbox": {
                "task": TaskName.RELAY_OUTBOX,
                "schedule": WhenWaiting(
                    app.config["OUTBOX_RELAY_INTERVAL_SECONDS"], question="outbox"
                ),
            },
            # Embedded broker only: tasks held by a worker that died.
            "resend-abandoned-tasks": {
                "task": TaskName.RESEND_ABANDONED_TASKS,
                "schedule": WhenWaiting(
                    app.config["ABANDONED_TASKS_INTERVAL_SECONDS"], question="abandoned"
                ),
            },
            "deliver-stuck-emails": {
                "task": TaskName.DELIVER_PENDING_EMAILS,
                "schedule": app.config["DELIVER_PENDING_EMAILS_INTERVAL_SECONDS"],
                "options": {"priority": PRIORITY[TaskName.DELIVER_PENDING_EMAILS]},
            },
            "resend-stuck-offers": {
                "task": TaskName.RESEND_STUCK_OFFERS,
                "schedule": app.config["RESEND_STUCK_OFFERS_INTERVAL_SECONDS"],
            },
            "purge-abandoned-imports": {
                "task": TaskName.PURGE_ABANDONED_IMPORTS,
                "schedule": app.config["PURGE_ABANDONED_IMPORTS_INTERVAL_SECONDS"],
            },
            # Staff who chose a daily digest get it at this hour, UTC (timezone above).
            "staff-notification-digests": {
                "task": TaskName.SEND_NOTIFICATION_DIGESTS,
                "schedule": crontab(hour=app.config["NOTIFICATION_DIGEST_HOUR_UTC"], minute=0),
                "options": {"priority": PRIORITY[TaskName.SEND_NOTIFICATION_DIGESTS]},
            },
            # The retention policy, applied daily at a quiet hour, UTC.
            "apply-retention": {
                "task": TaskName.APPLY_RETENTION,
                "schedule": crontab(hour=app.config["RETENTION_HOUR_UTC"], minute=0),
            },
            # A policy version scheduled for today is put in force (hourly, so
            # early in the UK morning whatever the season).
            "activate-scheduled-policy": {
                "task": TaskName.ACTIVATE_SCHEDULED_POLICY,
                "schedule": crontab(minute=app.config["POLICY_SCHEDULE_MINUTE"]),
            },
        },
        beat_schedule_filename=str(Path(app.config["INSTANCE_DIR"]) / "celerybeat-schedule"),
        worker_hijack_root_logger=False,
    )
    celery.set_default()
    app.extensions["celery"] = celery
    return celery
