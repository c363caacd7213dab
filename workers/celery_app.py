"""The Celery app, built from the Flask app so tasks run inside its app context."""

from __future__ import annotations

import logging
from pathlib import Path
from typing import Any

from celery import Celery, Task
from celery.schedules import crontab
from celery.signals import after_setup_logger, after_setup_task_logger
from flask import Flask, has_app_context

from triage import log_filters
from triage.tasks import TaskName

QUEUE_DEFAULT = "triage"


def broker_options(app: Flask) -> dict[str, Any]:
    if app.config["REDIS_URL"]:
        timeout = app.config["BROKER_PUBLISH_TIMEOUT_SECONDS"]
        return {
            "visibility_timeout": app.config["BROKER_VISIBILITY_TIMEOUT"],
            # The Redis transport ignores broker_connection_timeout: without these a
            # broker that stops answering holds a publish (and the relay) forever.
            "socket_timeout": timeout,
            "socket_connect_timeout": timeout,
            # Look for messages a dead worker held every ~10 s (kombu's default scans
            # only every tenth sweep), so they come back soon after visibility_timeout.
            "unacked_restore_throttle": 1,
        }
    # The embedded broker: messages are files in the instance folder, so a worker
    # and the web app on one machine need no server.
    folder = Path(app.config["INSTANCE_DIR"]) / "broker"
    for sub in ("queue", "processed", "control"):
        (folder / sub).mkdir(parents=True, exist_ok=True)
    return {
        "data_folder_in": str(folder / "queue"),
        "data_folder_out": str(folder / "queue"),
        "processed_folder": str(folder / "processed"),
        # Kombu keeps its exchange tables here; by default in the working directory.
        "control_folder": str(folder / "control"),
        "store_processed": False,
    }


@after_setup_logger.connect
@after_setup_task_logger.connect
def redact_worker_logs(logger: logging.Logger, **_kwargs: Any) -> None:
    """The worker's log handlers, set up by Celery when it starts, get the filter
    that keeps secrets and personal data out of the logs (triage.log_filters)."""
    log_filters.install(logger)


def make_celery(app: Flask) -> Celery:
    class FlaskTask(Task):
        def __call__(self, *args: Any, **kwargs: Any) -> Any:
            # Called inside an app context already (a direct call, a test): use it.
            if has_app_context():
                return self.run(*args, **kwargs)
            with app.app_context():
                return self.run(*args, **kwargs)

    broker_url = app.config["REDIS_URL"] or "filesystem://"
    celery = Celery(app.name, task_cls=FlaskTask)
    celery.conf.update(
        broker_url=broker_url,
        broker_transport_options=broker_options(app),
        broker_connection_retry_on_startup=True,
        broker_connection_timeout=app.config["BROKER_PUBLISH_TIMEOUT_SECONDS"],
        task_default_queue=QUEUE_DEFAULT,
        task_ignore_result=True,
        # A task is acknowledged only when it has finished, and handed back if
        # the process running it dies, so no work is lost with a worker.
        task_acks_late=True,
        task_reject_on_worker_lost=True,
        worker_prefetch_multiplier=1,
        worker_cancel_long_running_tasks_on_connection_loss=True,
        task_serializer="json",
        accept_content=["json"],
        timezone="UTC",
        enable_utc=True,
        beat_schedule={
            "relay-outbox": {
                "task": TaskName.RELAY_OUTBOX,
                "schedule": app.config["OUTBOX_RELAY_INTERVAL_SECONDS"],
            },
            "deliver-stuck-emails": {
                "task": TaskName.DELIVER_PENDING_EMAILS,
                "schedule": app.config["DELIVER_PENDING_EMAILS_INTERVAL_SECONDS"],
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
            },
            # The retention policy, applied daily at a quiet hour, UTC.
            "apply-retention": {
                "task": TaskName.APPLY_RETENTION,
                "schedule": crontab(hour=app.config["RETENTION_HOUR_UTC"], minute=0),
            },
        },
        beat_schedule_filename=str(Path(app.config["INSTANCE_DIR"]) / "celerybeat-schedule"),
        worker_hijack_root_logger=False,
    )
    celery.set_default()
    app.extensions["celery"] = celery
    return celery
