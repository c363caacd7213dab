"""The embedded broker's files (issue #16): kombu's filesystem transport created a
message file and then wrote it, so a worker listing the folder in between read an
empty file and stopped ("Unrecoverable error: JSONDecodeError"). Messages are now
written aside and renamed into place, and an exchange table caught half-written is
read again once its writer has finished."""

from __future__ import annotations

import json
import subprocess
import threading
import time
from pathlib import Path

from flask import Flask
from kombu import Connection

from triage import broker


def _connection(app: Flask) -> Connection:
    return Connection(broker.broker_url(app), transport_options=broker.broker_options(app))


def test_a_message_appears_whole_or_not_at_all(app: Flask) -> None:
    with _connection(app) as connection:
        channel = connection.default_channel
        channel._put("triage", {"body": "x" * 100_000})
    queue = Path(broker.broker_options(app)["data_folder_out"])
    [message] = list(queue.iterdir())
    assert message.name.endswith(".triage.msg")  # no .part file left behind
    assert json.loads(message.read_text())["body"] == "x" * 100_000


def test_an_exchange_table_caught_half_written_is_read_once_it_is_written(app: Flask) -> None:
    with _connection(app) as connection:
        channel = connection.default_channel
        table = Path(broker.broker_options(app)["control_folder"]) / "triage.exchange"
        table.write_text("")  # created, not yet written

        def finish_writing() -> None:
            time.sleep(0.2)
            table.write_text(json.dumps([["triage", "", "triage"]]))

        writer = threading.Thread(target=finish_writing)
        writer.start()
        try:
            found = channel.get_table("triage")
        finally:
            writer.join()
    assert [tuple(row) for row in found] == [("triage", "", "triage")]


def test_the_worker_and_the_web_app_use_the_safe_transport(app: Flask) -> None:
    from workers.celery_app import make_celery

    assert make_celery(app).conf.broker_url == "triagefs://"
    with _connection(app) as connection:
        assert isinstance(connection.transport, broker.FilesystemTransport)


def _held(app: Flask) -> list[Path]:
    return sorted((Path(app.config["INSTANCE_DIR"]) / "broker" / broker.RESERVED).iterdir())


def _queued(app: Flask) -> list[Path]:
    return sorted(Path(broker.broker_options(app)["data_folder_in"]).glob("*.msg"))


def _dead_pid() -> int:
    process = subprocess.Popen(["true"])
    process.wait()
    return process.pid


def test_a_fetched_message_is_held_until_it_is_acknowledged(app: Flask) -> None:
    broker.publish(app, "offers.score", [1], task_id="task-1")
    with _connection(app) as connection:
        queue = connection.SimpleQueue("triage")
        message = queue.get(timeout=1)
        # Fetched, not yet acknowledged: out of the queue, held under this process.
        assert _queued(app) == []
        [held] = _held(app)
        assert held.name.startswith(f"{broker.process_token()}~")
        assert broker.task_ids_in_broker(app) == {"task-1"}
        message.ack()
        assert _held(app) == []
        queue.close()


def test_a_rejected_message_goes_back_to_the_queue(app: Flask) -> None:
    broker.publish(app, "offers.score", [1], task_id="task-1")
    with _connection(app) as connection:
        queue = connection.SimpleQueue("triage")
        queue.get(timeout=1).reject(requeue=True)
        assert _held(app) == []
        assert len(_queued(app)) == 1
        queue.close()


def test_a_message_held_by_a_dead_process_is_put_back_and_a_live_ones_left(
    app: Flask,
) -> None:
    broker.publish(app, "offers.score", [1], task_id="dead-holder")
    broker.publish(app, "offers.score", [2], task_id="live-holder")
    with _connection(app) as connection:
        queue = connection.SimpleQueue("triage")
        queue.get(timeout=1)
        queue.get(timeout=1)
        # The first as if fetched by a worker since killed (SIGKILL: no ack, no restore).
        first = _held(app)[0]
        name = first.name.partition("~")[2]
        first.rename(first.with_name(f"{broker.process_token(_dead_pid())}~{name}"))
        assert broker.has_orphaned(app)
        restored = broker.restore_orphaned(app)
        assert len(restored) == 1 and restored[0] in {"dead-holder", "live-holder"}
        # Back in the queue under its old name (first in line); the other stays held.
        assert [path.name for path in _queued(app)] == [name]
        assert len(_held(app)) == 1
        assert not broker.has_orphaned(app)
        assert broker.restore_orphaned(app) == []
        queue.close()


def test_a_later_process_with_a_dead_holders_pid_is_not_taken_for_it() -> None:
    token = broker.process_token()
    pid, _, started = token.partition("-")
    assert broker.holder_alive(token)
    assert not broker.holder_alive(f"{pid}-{int(started) + 1}")
    assert not broker.holder_alive(broker.process_token(_dead_pid()))


def test_workers_fetch_ahead_on_the_embedded_broker_only_unless_told_otherwise(
    app: Flask,
) -> None:
    from workers.celery_app import EMBEDDED_PREFETCH, REDIS_PREFETCH, make_celery

    assert make_celery(app).conf.worker_prefetch_multiplier == EMBEDDED_PREFETCH > 1
    app.config["REDIS_URL"] = "redis://127.0.0.1:1/0"
    assert make_celery(app).conf.worker_prefetch_multiplier == REDIS_PREFETCH == 1
    app.config["WORKER_PREFETCH_MULTIPLIER"] = 4
    assert make_celery(app).conf.worker_prefetch_multiplier == 4
    app.config["WORKER_PREFETCH_MULTIPLIER"] = 8
    assert make_celery(app).conf.worker_prefetch_multiplier == 8
