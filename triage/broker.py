"""The broker: its settings, the embedded filesystem transport, and publishing.

Redis when REDIS_URL is set; otherwise the embedded broker, whose messages are
files in the instance folder, so a worker and the web app on one machine need no
server. Both the worker and the web app publish (the web app from the outbox's
after-commit hook), so both build their connection from here.
"""

from __future__ import annotations

import contextlib
import logging
import os
import time
import uuid
from pathlib import Path
from typing import Any

from celery import Celery
from flask import Flask
from kombu.transport import TRANSPORT_ALIASES, filesystem
from kombu.utils.json import dumps, loads

from triage.tasks import PRIORITY

# The one task queue; the worker consumes it and every publisher sends to it.
QUEUE_DEFAULT = "triage"
# The embedded broker's URL scheme: kombu's filesystem transport, made safe below.
EMBEDDED_SCHEME = "triagefs"
TRANSPORT_ALIASES[EMBEDDED_SCHEME] = "triage.broker:FilesystemTransport"
# How often a worker looks in the embedded broker's folder for a message.
EMBEDDED_POLLING_SECONDS = 0.1
# How long a reader waits for a control file another process is still writing.
_TABLE_READ_ATTEMPTS = 100
# The embedded broker's folder of messages fetched and not yet acknowledged, each
# named "<holder>~<its name in the queue>"; the holder is "<pid>-<start time>".
RESERVED = "reserved"
HOLDER_SEPARATOR = "~"

logger = logging.getLogger(__name__)


def process_token(pid: int | None = None) -> str:
    """This process (or `pid`) as "<pid>-<start time>": the start time (clock ticks
    since boot, from /proc) tells a process from a later one given the same pid.
    This process's is read once (a forked child has a pid of its own)."""
    if pid is not None:
        return f"{pid}-{_start_time(pid) or 0}"
    own = os.getpid()
    if own not in _OWN_TOKEN:
        _OWN_TOKEN.clear()
        _OWN_TOKEN[own] = f"{own}-{_start_time(own) or 0}"
    return _OWN_TOKEN[own]


_OWN_TOKEN: dict[int, str] = {}


def _start_time(pid: int) -> str | None:
    try:
        stat = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return None
    fields = stat.rpartition(")")[2].split()
    # After the command: state is field 3, start time field 22 (proc(5)).
    if not fields or fields[0] == "Z":
        return None  # a zombie: killed, not yet reaped
    return fields[19] if len(fields) > 19 else None


def holder_alive(token: str) -> bool:
    """Whether the process a reserved file names still runs (and is that process,
    not a later one with its pid)."""
    pid, _, started = token.partition("-")
    if not pid.isdigit():
        return False
    try:
        os.kill(int(pid), 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        pass
    current = _start_time(int(pid))
    if current is None:
        # /proc unreadable (not Linux): the pid alone; a zombie reads as gone.
        return not Path("/proc").is_dir()
    return started in ("0", current)


class FilesystemChannel(filesystem.Channel):
    """kombu's filesystem channel, without its two half-written-file races, and
    holding a message until it is acknowledged.

    kombu creates a message file and then writes it, and a worker listing the
    folder in between read an empty file and stopped with "Unrecoverable error:
    JSONDecodeError". Here a message is written under a name the reader ignores
    (".part") and renamed into place, which is atomic on one file system. The
    exchange tables (control files) have the same gap between creating and
    locking: an empty read there is tried again once the writer has finished.

    kombu deletes a message file when a worker fetches it, so a worker killed
    before it acknowledged the message (running it, or holding it unstarted: a
    retry's countdown, a prefetched message) lost it. Here fetching moves the file
    into the `reserved` folder under a name that says which process holds it; the
    acknowledgement deletes it, a rejection or a warm shutdown puts the message
    back as kombu does, and `restore_orphaned` puts back the messages of a process
    that no longer exists (a visibility timeout that is "until the holder dies")."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._held: dict[str, str] = {}

    @property
    def reserved_folder(self) -> str:
        return str(Path(self.data_folder_in).parent / RESERVED)

    def _get(self, queue: Any) -> Any:  # type: ignore[override]
        wanted = f"{queue}.msg"
        holder = process_token()
        for filename in sorted(os.listdir(self.data_folder_in)):
            if filename.partition(".")[2] != wanted:
                continue
            held = os.path.join(self.reserved_folder, f"{holder}{HOLDER_SEPARATOR}{filename}")
            try:
                # Atomic: of two workers listing the folder, one moves the file.
                os.replace(os.path.join(self.data_folder_in, filename), held)
            except OSError:
                continue  # taken by another worker in the meantime
            try:
                with open(held, "rb") as file:
                    payload = loads(file.read())
            except (OSError, ValueError) as exc:
                raise filesystem.ChannelError(f"Cannot read file {held!r}") from exc
            tag = payload.get("properties", {}).get("delivery_tag")
            if tag is not None:
                self._held[tag] = held
            return payload
        raise filesystem.Empty()

    def _release(self, delivery_tag: Any) -> None:
        held = self._held.pop(delivery_tag, None)
        if held is not None:
            with contextlib.suppress(FileNotFoundError):
                os.remove(held)

    def basic_ack(self, delivery_tag: Any, multiple: bool = False) -> None:
        super().basic_ack(delivery_tag, multiple)
        self._release(delivery_tag)

    def basic_reject(self, delivery_tag: Any, requeue: bool = False) -> None:
        super().basic_reject(delivery_tag, requeue)
        self._release(delivery_tag)

    def _restore(self, message: Any) -> None:
        # Put back (a rejection with requeue, a warm shutdown): a new file in the
        # queue, then the held one goes.
        super()._restore(message)
        self._release(message.delivery_tag)

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
    for sub in ("queue", "processed", "control", RESERVED):
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
    publisher_app(app).send_task(
        task_name, args=args, task_id=task_id, retry=False, priority=PRIORITY.get(task_name)
    )


# --- Messages held by a dead worker (the embedded broker) ---------------------------


def _folders(app: Flask) -> tuple[Path, Path]:
    folder = Path(app.config["INSTANCE_DIR"]) / "broker"
    return folder / "queue", folder / RESERVED


def _orphans(app: Flask) -> list[Path]:
    _queue, reserved = _folders(app)
    if not reserved.is_dir():
        return []
    return [
        path
        for path in sorted(reserved.iterdir())
        if HOLDER_SEPARATOR in path.name
        and not holder_alive(path.name.partition(HOLDER_SEPARATOR)[0])
    ]


def has_orphaned(app: Flask) -> bool:
    """Whether a dead process holds a message (a directory listing, for beat)."""
    return embedded(app) and bool(_orphans(app))


def restore_orphaned(app: Flask) -> list[str]:
    """Put back in the queue each message held by a process that no longer exists,
    under its old name (so it comes first); returns their task ids. Safe to run in
    two processes at once: a rename succeeds once."""
    if not embedded(app):
        return []
    queue, _reserved = _folders(app)
    restored = []
    for path in _orphans(app):
        task_id = _task_id(path)
        try:
            os.replace(path, queue / path.name.partition(HOLDER_SEPARATOR)[2])
        except FileNotFoundError:
            continue  # another sweeper put it back first
        logger.warning("Task %s held by a dead worker: put back in the queue", task_id)
        if task_id:
            restored.append(task_id)
    return restored


def task_ids_in_broker(app: Flask) -> set[str]:
    """The task ids of every message in the embedded broker, queued or held: such a
    task is not lost, whatever its delivery row says."""
    if not embedded(app):
        return set()
    queue, reserved = _folders(app)
    paths = [*queue.glob("*.msg"), *reserved.glob(f"*{HOLDER_SEPARATOR}*")]
    return {task_id for path in paths if (task_id := _task_id(path))}


def _task_id(path: Path) -> str | None:
    try:
        message = loads(path.read_bytes())
    except (OSError, ValueError):
        return None
    task_id = message.get("headers", {}).get("id")
    return str(task_id) if task_id else None
