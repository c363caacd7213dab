"""The broker: its settings, the embedded filesystem transport, and publishing.

Redis when REDIS_URL is set; otherwise the embedded broker, whose messages are
files in the instance folder, so a worker and the web app on one machine need no
server. Both the worker and the web app publish (the web app from the outbox's
after-commit hook), so both build their connection from here.
"""

from __future__ import annotations

import os
import time
import uuid
from pathlib import Path
from typing import Any

from celery import Celery
from flask import Flask
from kombu.transport import TRANSPORT_ALIASES, filesystem
from kombu.utils.json import dumps

# The one task queue; the worker consumes it and every publisher sends to it.
QUEUE_DEFAULT = "triage"
# The embedded broker's URL scheme: kombu's filesystem transport, made safe below.
EMBEDDED_SCHEME = "triagefs"
TRANSPORT_ALIASES[EMBEDDED_SCHEME] = "triage.broker:FilesystemTransport"
# How often a worker looks in the embedded broker's folder for a message.
EMBEDDED_POLLING_SECONDS = 0.1
# How long a reader waits for a control file another process is still writing.
_TABLE_READ_ATTEMPTS = 100


class FilesystemChannel(filesystem.Channel):
    """kombu's filesystem channel, without its two half-written-file races.

    kombu creates a message file and then writes it, and a worker listing the
    folder in between read an empty file and stopped with "Unrecoverable error:
    JSONDecodeError". Here a message is written under a name the reader ignores
    (".part") and renamed into place, which is atomic on one file system. The
    exchange tables (control files) have the same gap between creating and
    locking: an empty read there is tried again once the writer has finished."""

    def _put(self, queue: Any, payload: Any, **kwargs: Any) -> Any:  # type: ignore[override]
        name = f"{round(time.monotonic() * 1000)}_{uuid.uuid4()}.{queue}.msg"
        final = os.path.join(self.data_folder_out, name)
        partial = f"{final}.part"
        try:
            with open(partial, "wb", buffering=0) as file:
                file.write(dumps(payload).encode())
            os.replace(partial, final)
        except OSError as exc:
            raise filesystem.ChannelError(f"Cannot add file {name!r} to directory") from exc

    def get_table(self, exchange: str) -> Any:
        return self._while_half_written(super().get_table, exchange)

    def _queue_bind(self, *args: Any) -> Any:
        return self._while_half_written(super()._queue_bind, *args)

    @staticmethod
    def _while_half_written(call: Any, *args: Any) -> Any:
        for _attempt in range(_TABLE_READ_ATTEMPTS - 1):
            try:
                return call(*args)
            except ValueError:  # an empty or partial JSON file: its writer is still at it
                time.sleep(0.01)
        return call(*args)


class FilesystemTransport(filesystem.Transport):
    Channel = FilesystemChannel


def broker_url(app: Flask) -> str:
    return app.config["REDIS_URL"] or f"{EMBEDDED_SCHEME}://"


def embedded(app: Flask) -> bool:
    """The embedded broker: it loses a message its worker held when that worker is
    killed, so the delivery sweeper (services.deliveries) sends such tasks again."""
    return not app.config["REDIS_URL"]


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
        # kombu polls the folder once a second by default, and a worker that has
        # just finished a task waits for the next poll: about a task a second. The
        # folder is listed ten times a second instead (a directory read, cheap).
        "polling_interval": EMBEDDED_POLLING_SECONDS,
    }


def publisher_app(app: Flask) -> Celery:
    """The Celery app that publishes for `app`: the worker's own when this process
    is a worker, else a small one that only sends (the web app's)."""
    celery = app.extensions.get("celery") or app.extensions.get("triage.publisher")
    if celery is None:
        celery = Celery(app.name, set_as_current=False)
        celery.conf.update(
            broker_url=broker_url(app),
            broker_transport_options=broker_options(app),
            broker_connection_timeout=app.config["BROKER_PUBLISH_TIMEOUT_SECONDS"],
            task_default_queue=QUEUE_DEFAULT,
            task_serializer="json",
            accept_content=["json"],
        )
        app.extensions["triage.publisher"] = celery
    return celery


def publish(app: Flask, task_name: str, args: list[Any], task_id: str | None = None) -> None:
    """Send one task, failing fast when the broker is down (the connection timeout
    bounds the wait): the outbox row stays unsent and is tried again."""
    publisher_app(app).send_task(task_name, args=args, task_id=task_id, retry=False)
