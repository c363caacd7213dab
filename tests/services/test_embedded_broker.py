"""The embedded broker's files (issue #16): kombu's filesystem transport created a
message file and then wrote it, so a worker listing the folder in between read an
empty file and stopped ("Unrecoverable error: JSONDecodeError"). Messages are now
written aside and renamed into place, and an exchange table caught half-written is
read again once its writer has finished."""

from __future__ import annotations

import json
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
