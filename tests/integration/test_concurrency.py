"""Work done twice at the same moment, on PostgreSQL: an email's delivery task
delivered twice, and two outbox relays. (Scoring twice at once is in
test_scoring_faults.py.)"""

from __future__ import annotations

import threading
from collections import Counter
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

import pytest
from celery import Celery
from flask import Flask

from tests import factories
from tests.integration.helpers import delivered, email_rows, outbox_rows, submit_offer
from triage import db
from triage.models import EmailMessage
from triage.models.email import EmailStatus
from triage.services import email_backends, emails, outbox
from triage.tasks import TaskName

pytestmark = pytest.mark.integration

OFFERS = 3
# Seconds a delivery waits for the other run of its task to end.
WAIT_FOR_THE_OTHER_RUN = 10


def test_the_same_delivery_task_run_twice_at_once_sends_the_email_once(
    app: Flask,
    celery_app: Celery,
    submitter: factories.Account,
    mail_dir: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    offer_ids = [submit_offer(app, submitter).id for _ in range(OFFERS)]
    rows = email_rows(app)
    keys = [f"offer-acknowledgement:{offer_id}" for offer_id in offer_ids]
    assert [row.idempotency_key for row in rows] == keys
    sends: Counter[str] = Counter()
    the_other_run_returned: list[bool] = []
    lock = threading.Lock()
    other_run_done = threading.Event()
    send = email_backends.FileBackend.send

    def send_once_the_other_run_returns(
        self: email_backends.FileBackend, email: EmailMessage
    ) -> None:
        # The worst moment for a redelivery: the other run of the task reaches the
        # email while this one is sending it. It finds the email claimed and ends
        # without sending (without the claim it would send too, and this wait would
        # time out). No transaction is open meanwhile: nothing waits on a lock.
        returned = other_run_done.wait(WAIT_FOR_THE_OTHER_RUN)
        with lock:
            sends[email.idempotency_key] += 1
            the_other_run_returned.append(returned)
        send(self, email)

    monkeypatch.setattr(email_backends.FileBackend, "send", send_once_the_other_run_returns)
    outcomes: list[bool] = []
    deliver = emails.deliver

    def recording_deliver(email_id: int, **kwargs: Any) -> bool:
        sent = deliver(email_id, **kwargs)
        with lock:
            outcomes.append(sent)
        if not sent:
            other_run_done.set()
        return sent

    monkeypatch.setattr(emails, "deliver", recording_deliver)
    task = celery_app.tasks[TaskName.DELIVER_EMAIL]

    for row in rows:
        other_run_done.clear()
        # Each run as a worker runs it: in the task's app context, in its own
        # thread with its own session and database connection.
        with ThreadPoolExecutor(max_workers=2) as pool:
            runs = [pool.submit(task.apply, args=[row.id], throw=True) for _ in range(2)]
            for finished in runs:
                finished.result(timeout=30)

    # Each task ran twice: one run sent the email, the other found it claimed.
    assert sorted(outcomes) == [False] * OFFERS + [True] * OFFERS
    assert the_other_run_returned == [True] * OFFERS
    assert sends == dict.fromkeys(keys, 1)
    after = email_rows(app)
    assert [(row.id, row.status, row.attempts) for row in after] == [
        (row.id, EmailStatus.SENT, 1) for row in rows
    ]
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

    def first_publish(task_name: str, args: list[Any], task_id: str | None = None) -> None:
        published.append(("first", args))
        if len(published) == 2:
            first_is_publishing_its_second.set()
            assert second_finished.wait(timeout=10)

    def second_publish(task_name: str, args: list[Any], task_id: str | None = None) -> None:
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
