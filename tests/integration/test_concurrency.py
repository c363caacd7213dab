"""Work done twice at the same moment, on PostgreSQL: the acknowledgement task
delivered twice, and two outbox relays."""

from __future__ import annotations

import threading
from collections import Counter
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

import pytest
from celery import Celery
from flask import Flask
from sqlalchemy.orm import scoped_session

from tests import factories
from tests.integration.helpers import delivered, email_rows, outbox_rows, submit_offer
from triage import db
from triage.models import EmailMessage
from triage.models.email import EmailStatus
from triage.services import email_backends, outbox
from triage.services.offers import ACKNOWLEDGE_TASK

pytestmark = pytest.mark.integration

OFFERS = 3


def test_the_same_task_run_twice_at_once_writes_and_sends_one_email(
    app: Flask,
    celery_app: Celery,
    submitter: factories.Account,
    mail_dir: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    # Each delivery is slow, so the second run reaches the row while the first
    # still holds it.
    app.config["FAULT_DELIVERY_DELAY_SECONDS"] = 0.3
    sends: Counter[str] = Counter()
    lock = threading.Lock()
    send = email_backends.FileBackend.send

    def counting_send(self: email_backends.FileBackend, email: EmailMessage) -> None:
        with lock:
            sends[email.idempotency_key] += 1
        send(self, email)

    monkeypatch.setattr(email_backends.FileBackend, "send", counting_send)
    offer_ids = [submit_offer(app, submitter).id for _ in range(OFFERS)]
    keys = [f"offer-acknowledgement:{offer_id}" for offer_id in offer_ids]

    # Both runs look for the email before either writes it, so one insert meets
    # the unique key: the worst moment for a redelivery to arrive.
    both_looked = {key: threading.Barrier(2, timeout=10) for key in keys}
    add = scoped_session.add

    def add_once_both_looked(self: scoped_session, instance: object, **kwargs: Any) -> None:
        if isinstance(instance, EmailMessage):
            both_looked[instance.idempotency_key].wait()
        add(self, instance, **kwargs)

    monkeypatch.setattr(scoped_session, "add", add_once_both_looked)
    task = celery_app.tasks[ACKNOWLEDGE_TASK]

    for offer_id in offer_ids:
        # Each run as a worker runs it: in the task's app context, in its own
        # thread with its own session and database connection.
        with ThreadPoolExecutor(max_workers=2) as pool:
            runs = [pool.submit(task.apply, args=[offer_id], throw=True) for _ in range(2)]
            for finished in runs:
                finished.result(timeout=30)

    rows = email_rows(app)
    assert sorted(row.idempotency_key for row in rows) == sorted(keys)
    assert all((row.status, row.attempts) == (EmailStatus.SENT, 1) for row in rows)
    assert sends == dict.fromkeys(keys, 1)
    assert len(delivered(mail_dir)) == OFFERS


def test_two_relays_at_once_publish_each_outbox_message_once(app: Flask) -> None:
    """Two relays overlap (two beat ticks on a worker with concurrency 2, or two
    workers): the second starts while the first is publishing its second message."""
    with app.app_context():
        for number in range(3):
            outbox.enqueue("test.task", number)
        db.session.commit()
    published: list[tuple[str, list[Any]]] = []
    first_is_publishing_its_second = threading.Event()
    second_finished = threading.Event()

    def first_publish(task_name: str, args: list[Any]) -> None:
        published.append(("first", args))
        if len(published) == 2:
            first_is_publishing_its_second.set()
            assert second_finished.wait(timeout=10)

    def second_publish(task_name: str, args: list[Any]) -> None:
        published.append(("second", args))

    def first() -> int:
        with app.app_context():
            return outbox.relay_pending(first_publish)

    def second() -> int:
        try:
            assert first_is_publishing_its_second.wait(timeout=10)
            with app.app_context():
                return outbox.relay_pending(second_publish)
        finally:
            second_finished.set()

    with ThreadPoolExecutor(max_workers=2) as pool:
        relays = [pool.submit(first), pool.submit(second)]
        sent = [relay.result(timeout=30) for relay in relays]

    assert sorted(args for _, args in published) == [[0], [1], [2]], published
    assert sum(sent) == 3
    rows = outbox_rows(app)
    assert [(row.args, row.attempts) for row in rows] == [([0], 1), ([1], 1), ([2], 1)]
    assert all(row.sent_at is not None for row in rows)
