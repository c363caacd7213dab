"""Deliveries counted in the database (issue #16): a task that keeps killing its
worker gives up after TASK_MAX_DELIVERIES and leaves the offer "scoring failed"
or the email "failed"; on the embedded broker a task held by a dead process is
sent again under the same id, and one held by a live process is left alone."""

from __future__ import annotations

import subprocess
import sys
from datetime import timedelta
from pathlib import Path

import pytest
from flask import Flask
from sqlalchemy import update

from tests import factories
from triage import clock, db
from triage.models import EmailMessage, Offer, OutboxMessage, TaskDelivery
from triage.models.email import EmailStatus
from triage.models.offers import OfferStatus
from triage.services import deliveries, scoring
from triage.tasks import TaskName
from workers import tasks


def deliver_score(app: Flask, task_id: str, offer_id: int) -> None:
    """One delivery of the score task as a worker runs it (the broker's task id)."""
    with app.app_context():
        tasks.score_offer.apply(args=[offer_id], task_id=task_id)


def test_a_score_task_delivered_past_the_limit_leaves_the_offer_scoring_failed(
    app: Flask, submitter: factories.Account
) -> None:
    app.config["TASK_MAX_DELIVERIES"] = 2
    offer = factories.submitted_offer(submitter)
    # Two deliveries that died mid-task (counted, never finished)...
    with app.app_context():
        assert deliveries.begin("poisoned", TaskName.SCORE_OFFER, [offer.id]) == 1
        assert deliveries.begin("poisoned", TaskName.SCORE_OFFER, [offer.id]) == 2
    # ...and the third gives up instead of running.
    deliver_score(app, "poisoned", offer.id)
    stored = factories.get(Offer, offer.id)
    assert stored.status == OfferStatus.SCORING_FAILED
    assert "Given up after 2 deliveries" in (stored.scoring_error or "")
    [row] = factories.rows(TaskDelivery)
    assert (row.deliveries, row.finished_at is not None) == (3, True)


def test_a_delivery_that_finishes_leaves_no_row(app: Flask, submitter: factories.Account) -> None:
    offer = factories.submitted_offer(submitter)
    deliver_score(app, "fine", offer.id)
    assert factories.get(Offer, offer.id).status == OfferStatus.SCORED
    assert factories.rows(TaskDelivery) == []


def test_an_email_task_delivered_past_the_limit_marks_the_email_failed(
    app: Flask, submitter: factories.Account
) -> None:
    app.config["TASK_MAX_DELIVERIES"] = 1
    factories.submitted_offer(submitter)
    [email] = factories.rows(EmailMessage)
    with app.app_context():
        deliveries.begin("mail", TaskName.DELIVER_EMAIL, [email.id])
        tasks.deliver_email.apply(args=[email.id], task_id="mail")
    stored = factories.get(EmailMessage, email.id)
    assert stored.status == EmailStatus.FAILED
    assert "Given up after 1 deliveries" in (stored.last_error or "")


def _held_by(app: Flask, task_id: str, pid: int) -> None:
    with app.app_context():
        deliveries.begin(task_id, TaskName.SCORE_OFFER, [7])
        db.session.execute(
            update(TaskDelivery)
            .where(TaskDelivery.task_id == task_id)
            .values(worker_pid=pid, started_at=clock.now() - timedelta(minutes=1))
        )
        db.session.commit()


def test_a_task_held_by_a_dead_process_is_sent_again_under_its_id(app: Flask) -> None:
    dead = subprocess.Popen([sys.executable, "-c", "pass"])  # noqa: S603
    dead.wait()
    _held_by(app, "lost", dead.pid)
    with app.app_context():
        assert deliveries.has_abandoned()
        assert deliveries.resend_abandoned() == 1
        # Sent once: the row now waits for the new delivery.
        assert deliveries.resend_abandoned() == 0
    [message] = factories.rows(OutboxMessage)
    assert (message.task_name, message.args, message.task_id) == (TaskName.SCORE_OFFER, [7], "lost")


def test_a_task_held_by_a_live_process_is_left_alone(app: Flask) -> None:
    import os

    _held_by(app, "busy", os.getpid())
    with app.app_context():
        assert not deliveries.has_abandoned()
        assert deliveries.resend_abandoned() == 0
    assert factories.rows(OutboxMessage) == []


def test_the_sweeper_gives_up_on_an_email_the_backend_keeps_refusing(
    app: Flask, submitter: factories.Account
) -> None:
    """A refusal that is not final on its own (Notify's 403: a key revoked or
    mistyped) is tried again by the sweeper, but not forever: after
    emails.MAX_ATTEMPTS the email is failed, for staff to see."""
    from triage.services import emails

    factories.submitted_offer(submitter)
    [email] = factories.rows(EmailMessage)
    with app.app_context():
        db.session.execute(
            update(EmailMessage)
            .where(EmailMessage.id == email.id)
            .values(attempts=emails.MAX_ATTEMPTS, last_error="Notify answered 403: bad key")
        )
        db.session.commit()
        assert emails.deliver(email.id) is False
    stored = factories.get(EmailMessage, email.id)
    assert stored.status == EmailStatus.FAILED
    assert (
        stored.last_error
        == f"Given up after {emails.MAX_ATTEMPTS} attempts: Notify answered 403: bad key"
    )
    assert stored.sent_at is None


def test_a_task_whose_message_is_still_in_the_broker_is_not_sent_twice(app: Flask) -> None:
    """A pool process died mid-task and the worker put its message back in the
    queue: the delivery row names a dead process, but the task is not lost, so
    the sweeper does not send a second copy."""
    from triage import broker

    dead = subprocess.Popen([sys.executable, "-c", "pass"])  # noqa: S603
    dead.wait()
    _held_by(app, "requeued", dead.pid)
    broker.publish(app, TaskName.SCORE_OFFER, [7], task_id="requeued")
    with app.app_context():
        assert deliveries.resend_abandoned() == 0
    assert factories.rows(OutboxMessage) == []


def test_a_message_held_by_a_dead_worker_is_put_back_not_sent_again(app: Flask) -> None:
    """The worker died holding the message (fetched, maybe started): the sweeper
    puts that very message back, and its delivery row waits for it."""
    from kombu import Connection

    from triage import broker

    dead = subprocess.Popen([sys.executable, "-c", "pass"])  # noqa: S603
    dead.wait()
    _held_by(app, "held", dead.pid)
    broker.publish(app, TaskName.SCORE_OFFER, [7], task_id="held")
    options = broker.broker_options(app)
    with Connection(broker.broker_url(app), transport_options=options) as connection:
        queue = connection.SimpleQueue("triage")
        queue.get(timeout=1)  # fetched and never acknowledged: as if killed now
        reserved = Path(options["data_folder_in"]).parent / broker.RESERVED
        [held] = reserved.iterdir()
        name = held.name.partition("~")[2]
        held.rename(reserved / f"{broker.process_token(dead.pid)}~{name}")
        # Killed, not closed: nothing is handed back on the way out.
        connection.default_channel.do_restore = False
        queue.close()
    with app.app_context():
        assert deliveries.has_abandoned()
        assert deliveries.resend_abandoned() == 1
        assert not deliveries.has_abandoned()
    assert factories.rows(OutboxMessage) == []  # not a copy: the message itself
    assert [path.name for path in Path(options["data_folder_in"]).iterdir()] == [name]
    [row] = factories.rows(TaskDelivery)
    assert row.worker_pid is None  # waiting for the message to start again


def test_a_scoring_failure_handed_to_a_retry_is_not_counted_as_a_lost_delivery(
    app: Flask, submitter: factories.Account, monkeypatch: pytest.MonkeyPatch
) -> None:
    # A failed try is rolled back, so its commit cannot finish the delivery: the
    # task finishes it on its own before the retry. Were it left counted, the
    # retries would look like deliveries that killed their worker.
    app.config["SCORE_RETRY_BASE_SECONDS"] = 0
    offer = factories.submitted_offer(submitter)
    counted_before_each_try: list[int] = []

    def broken(offer_id: int, run_id: int | None = None) -> None:
        counted_before_each_try.append(factories.rows(TaskDelivery)[0].deliveries)
        raise ValueError("the rules could not read the offer")

    monkeypatch.setattr(scoring, "score_offer", broken)
    deliver_score(app, "failing", offer.id)
    # The first try and its three retries, each the only delivery counted.
    assert counted_before_each_try == [1, 1, 1, 1]
    stored = factories.get(Offer, offer.id)
    assert stored.status == OfferStatus.SCORING_FAILED
    assert "the rules could not read the offer" in (stored.scoring_error or "")
    assert factories.rows(TaskDelivery) == []
