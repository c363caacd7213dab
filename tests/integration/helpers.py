"""Helpers for the integration tests: waiting, and service processes (Celery
workers, beat, gunicorn) run as subprocesses that are always stopped."""

from __future__ import annotations

import base64
import contextlib
import http.client
import json
import os
import signal
import socket
import subprocess
import sys
import threading
import time
from collections.abc import Callable, Iterator, Mapping
from pathlib import Path
from typing import Any, TypeVar

from flask import Flask
from sqlalchemy import select

from tests import factories
from tests.servers import RedisServer
from triage import db
from triage.config import PROJECT_ROOT
from triage.models import EmailMessage, Offer, OutboxMessage, User
from triage.services import offers
from workers.celery_app import QUEUE_DEFAULT

T = TypeVar("T")

HOST = "127.0.0.1"
# The worker app with faults injected (tests/integration/fault_app.py), and the
# variables that ask it for them: seconds each email delivery waits between writing
# its .part file and renaming it, and seconds each score waits between running the
# rules and saving the score.
FAULT_APP = "tests.integration.fault_app"
DELIVERY_DELAY = "TEST_FAULT_DELIVERY_DELAY_SECONDS"
SCORING_DELAY = "TEST_FAULT_SCORING_DELAY_SECONDS"
# Set to "1": every score kills the process running it (SIGKILL), a poisoned task.
SCORING_KILLS = "TEST_FAULT_SCORING_KILLS_WORKER"
# Seconds a stopped process gets to finish before it is killed.
STOP_TIMEOUT = 15.0
# Variables that could point a subprocess at something other than the test servers.
_INHERITED_PREFIXES = ("TRIAGE_", "SMTP_", "MAIL_", "CELERY_", "TEST_FAULT_", "PG", "REDIS_")
_INHERITED_NAMES = {
    "GUNICORN_CMD_ARGS",
    "WEB_CONCURRENCY",
    "DATABASE_URL",
    "REDIS_URL",
    "UPLOAD_DIR",
    "EMAIL_BACKEND",
    "SECRET_KEY",
    "BROKER_VISIBILITY_TIMEOUT",
    "OUTBOX_RELAY_INTERVAL_SECONDS",
    "OUTBOX_RELAY_GRACE_SECONDS",
    "PUBLISH_AFTER_COMMIT",
    "TASK_MAX_DELIVERIES",
    "ABANDONED_TASK_SECONDS",
    "ABANDONED_TASKS_INTERVAL_SECONDS",
    "WORKER_CONCURRENCY",
    "WORKER_PREFETCH_MULTIPLIER",
    "SCORE_RETRY_BASE_SECONDS",
    "FLASK_APP",
}


def wait_for(
    predicate: Callable[[], T | None],
    timeout: float,
    *,
    interval: float = 0.1,
    message: str | Callable[[], str] = "condition not met",
) -> T:
    """Call `predicate` until it returns something truthy, and return that; fail
    after `timeout` seconds with `message` (a callable is called then, so it can
    show a log)."""
    deadline = time.monotonic() + timeout
    while True:
        result = predicate()
        if result:
            return result
        if time.monotonic() >= deadline:
            text = message() if callable(message) else message
            raise AssertionError(f"Timed out after {timeout:g}s: {text}")
        time.sleep(interval)


def bounded(call: Callable[[], T], timeout: float) -> tuple[T, float]:
    """Run `call` in a thread and return its result and how many seconds it took;
    fail if it has not finished after `timeout` (the thread is left behind, a
    daemon, so a hang fails the test rather than hanging it)."""
    outcome: dict[str, Any] = {}

    def run() -> None:
        started = time.monotonic()
        try:
            outcome["result"] = call()
        except BaseException as error:  # noqa: BLE001  (re-raised below)
            outcome["error"] = error
        outcome["seconds"] = time.monotonic() - started

    thread = threading.Thread(target=run, daemon=True)
    thread.start()
    thread.join(timeout)
    if thread.is_alive():
        raise AssertionError(f"still running after {timeout:g}s")
    if "error" in outcome:
        raise outcome["error"]
    return outcome["result"], outcome["seconds"]


def service_environment(settings: Mapping[str, str | Path]) -> dict[str, str]:
    """The environment for a service subprocess: this one's, without any setting
    that names a database, broker, mail server or folder, plus `settings`."""
    env = {
        key: value
        for key, value in os.environ.items()
        if key not in _INHERITED_NAMES and not key.startswith(_INHERITED_PREFIXES)
    }
    env["PYTHONUNBUFFERED"] = "1"
    env.update({key: str(value) for key, value in settings.items()})
    return env


class Service:
    """A subprocess in its own process group, with its output in a log file."""

    def __init__(self, name: str, command: list[str], env: Mapping[str, str], log: Path) -> None:
        self.name = name
        self.command = command
        self.log_path = log
        with log.open("ab") as output:
            self.process = subprocess.Popen(  # noqa: S603
                command,
                cwd=PROJECT_ROOT,
                env=dict(env),
                stdin=subprocess.DEVNULL,
                stdout=output,
                stderr=subprocess.STDOUT,
                start_new_session=True,
            )

    @property
    def pid(self) -> int:
        return self.process.pid

    @property
    def running(self) -> bool:
        return self.process.poll() is None

    def log(self) -> str:
        try:
            return self.log_path.read_text(errors="replace")
        except OSError:
            return ""

    def describe(self) -> str:
        return f"{self.name} (pid {self.pid}, exit {self.process.poll()}) log:\n{self.log()}"

    def _signal_group(self, signum: int) -> None:
        with contextlib.suppress(ProcessLookupError, PermissionError):
            os.killpg(self.pid, signum)

    def kill(self) -> None:
        """SIGKILL the whole process group: the main process and every child."""
        self._signal_group(signal.SIGKILL)
        self.process.wait(timeout=STOP_TIMEOUT)

    def terminate(self) -> None:
        """Ask for a warm shutdown: SIGTERM to the main process only, which lets
        its children finish (signalled too, Celery's pool children would die
        mid-task); `stop` waits for it."""
        if self.running:
            self.process.send_signal(signal.SIGTERM)

    def stop(self, timeout: float = STOP_TIMEOUT) -> None:
        """SIGTERM, then SIGKILL whatever of the process group is left after `timeout`."""
        self.terminate()
        with contextlib.suppress(subprocess.TimeoutExpired):
            self.process.wait(timeout=timeout)
        # Kill the group either way, so no child outlives its main process.
        self._signal_group(signal.SIGKILL)
        self.process.wait(timeout=timeout)


class Services:
    """Starts service subprocesses for one test and stops all of them after it."""

    def __init__(self, logs: Path) -> None:
        self.logs = logs
        self.started: list[Service] = []

    def start(self, name: str, args: list[str], env: Mapping[str, str]) -> Service:
        log = self.logs / f"{name}.log"
        service = Service(name, args, env, log)
        self.started.append(service)
        return service

    def worker(
        self,
        name: str,
        env: Mapping[str, str],
        *,
        beat: bool = True,
        concurrency: int = 1,
        app: str = "workers.app",
    ) -> Service:
        """`celery -A workers.app worker`, with embedded beat unless told not to;
        `app=FAULT_APP` runs the same worker with the faults its environment asks for."""
        args = [
            sys.executable,
            "-m",
            "celery",
            "-A",
            app,
            "worker",
            "--loglevel=INFO",
            f"--concurrency={concurrency}",
            f"--hostname={name}@%h",
            "--without-gossip",
            "--without-mingle",
            "--without-heartbeat",
        ]
        if beat:
            args.append("--beat")
        return self.start(name, args, env)

    def beat(self, name: str, env: Mapping[str, str]) -> Service:
        return self.start(
            name,
            [sys.executable, "-m", "celery", "-A", "workers.app", "beat", "--loglevel=INFO"],
            env,
        )

    def gunicorn(self, name: str, port: int, env: Mapping[str, str]) -> Service:
        return self.start(
            name,
            [
                sys.executable,
                "-m",
                "gunicorn",
                "--bind",
                f"{HOST}:{port}",
                "--workers",
                "1",
                "--graceful-timeout",
                "5",
                "triage.wsgi:app",
            ],
            env,
        )

    def describe(self) -> str:
        return "\n\n".join(service.describe() for service in self.started)

    def stop_all(self) -> None:
        """Stop every service, all at once; each is killed if it will not stop."""
        for service in self.started:
            service.terminate()
        failures = []
        for service in self.started:
            try:
                service.stop()
            except subprocess.TimeoutExpired as error:
                failures.append(error)
        if failures:
            raise failures[0]


def http_get(port: int, path: str, timeout: float = 5.0) -> tuple[int, str] | None:
    """GET http://127.0.0.1:port/path: (status, body), or None if nothing answers."""
    connection = http.client.HTTPConnection(HOST, port, timeout=timeout)
    try:
        connection.request("GET", path)
        response = connection.getresponse()
        return response.status, response.read().decode(errors="replace")
    except OSError:
        return None
    finally:
        connection.close()


@contextlib.contextmanager
def black_hole(port: int) -> Iterator[int]:
    """Listen on 127.0.0.1:port and never answer: a client that connects hangs
    instead of being refused, so anything that talks to this port is slow."""
    listener = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    try:
        listener.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        listener.bind((HOST, port))
        listener.listen(64)
        yield port
    finally:
        listener.close()


def submit_offer(app: Flask, account: factories.Account) -> Offer:
    """A complete offer submitted through the service layer, as the declaration
    page does: its outbox rows are written and not yet sent."""
    draft = factories.complete_offer(account)
    with app.app_context():
        offer = db.session.get(Offer, draft.id)
        user = db.session.get(User, account.id)
        assert offer is not None and user is not None
        assert offers.submit(offer, user, account.user.full_name)
        return offer


def _detached(rows: list[T]) -> list[T]:
    """Rows read in an app context, usable after it: the teardown rolls the session
    back, which would expire them (and, detached, they could not be reloaded)."""
    db.session.expunge_all()
    return rows


def email_rows(app: Flask) -> list[EmailMessage]:
    with app.app_context():
        return _detached(list(db.session.scalars(select(EmailMessage).order_by(EmailMessage.id))))


def outbox_rows(app: Flask) -> list[OutboxMessage]:
    with app.app_context():
        return _detached(list(db.session.scalars(select(OutboxMessage).order_by(OutboxMessage.id))))


def delivered(mail_dir: Path) -> list[Path]:
    """The emails the file backend has delivered."""
    return sorted(mail_dir.glob("*.eml"))


def partial(mail_dir: Path) -> list[Path]:
    """Emails the file backend has started and not finished writing."""
    return sorted(mail_dir.glob(".*.part"))


def _task_of(message: dict[str, Any]) -> tuple[str, list[Any]]:
    args = json.loads(base64.b64decode(message["body"]))[0]
    return message["headers"]["task"], args


def broker_messages(redis: RedisServer) -> dict[str, list[tuple[str, list[Any]]]]:
    """(task name, args) of each message waiting in the task queue ("queued"), and
    of each taken by a worker and not yet acknowledged ("unacked"). Queued: highest
    priority first (kombu keeps a list per priority, the default one under the
    queue's own name), each list oldest first."""
    with redis.client() as client:
        lists = [QUEUE_DEFAULT] + sorted(
            key.decode() for key in client.keys(f"{QUEUE_DEFAULT}\x06\x16*")
        )
        queued = [raw for name in lists for raw in reversed(client.lrange(name, 0, -1))]
        unacked = client.hvals("unacked")
    return {
        # LPUSH adds at the head: oldest first reads from the tail.
        "queued": [_task_of(json.loads(raw)) for raw in queued],
        "unacked": [_task_of(json.loads(raw)[0]) for raw in unacked],
    }
