"""Submission acknowledgements on real PostgreSQL and Redis: the acknowledgement
email is written with the submission and its delivery task goes through the outbox,
which survives a broker that is down, a worker that is killed, and a task that is
delivered again."""

from __future__ import annotations

import re
import time
from pathlib import Path

import pytest
from celery import Celery
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import func, select, text
from sqlalchemy.exc import DBAPIError

from tests import factories
from tests.factories import csrf_token, error_summary, sign_in
from tests.integration.helpers import (
    DELIVERY_DELAY,
    FAULT_APP,
    Services,
    black_hole,
    bounded,
    broker_messages,
    delivered,
    email_rows,
    outbox_rows,
    partial,
    wait_for,
)
from tests.servers import RedisServer, free_port
from triage import db
from triage.models import EmailMessage, Offer, OutboxMessage, User
from triage.models.email import EmailStatus
from triage.models.offers import OfferStatus
from triage.services import offers, outbox
from triage.tasks import TaskName
from workers import tasks
from workers.celery_app import make_celery

pytestmark = pytest.mark.integration

# Seconds to wait for a worker to start and deliver an email.
DELIVERY_TIMEOUT = 60
# Redis hands a message taken by a dead worker to another after this many seconds.
VISIBILITY_TIMEOUT = 5


def acknowledgement_file(mail_dir: Path, offer_id: int) -> Path:
    return mail_dir / f"offer-acknowledgement_{offer_id}.eml"


def acknowledgement_email(app: Flask, offer_id: int) -> EmailMessage:
    """The offer's acknowledgement email row, the only email a submission writes."""
    [email] = email_rows(app)
    assert email.idempotency_key == f"offer-acknowledgement:{offer_id}"
    return email


def deliveries(app: Flask) -> list[OutboxMessage]:
    """The outbox rows of email delivery tasks."""
    return [row for row in outbox_rows(app) if row.task_name == TaskName.DELIVER_EMAIL]


def deliveries_in_broker(redis: RedisServer) -> dict[str, list[list]]:
    """The args of each email delivery task queued in, or taken from, the broker."""
    return {
        where: [args for task, args in messages if task == TaskName.DELIVER_EMAIL]
        for where, messages in broker_messages(redis).items()
    }


def wait_until_sent(
    app: Flask, mail_dir: Path, offer_id: int, services: Services
) -> tuple[Path, int]:
    """Wait for the acknowledgement to be delivered and recorded as sent; returns
    its file and its email row id."""
    eml = acknowledgement_file(mail_dir, offer_id)

    def sent() -> int | None:
        rows = email_rows(app)
        if eml.exists() and rows and rows[0].status == EmailStatus.SENT:
            return rows[0].id
        return None

    email_id = wait_for(sent, DELIVERY_TIMEOUT, message=services.describe)
    return eml, email_id


def test_an_offer_submitted_while_the_broker_is_down_is_saved_and_acknowledged_later(
    app: Flask,
    client: FlaskClient,
    submitter: factories.Account,
    redis_server: RedisServer,
    services: Services,
    worker_env: dict[str, str],
    mail_dir: Path,
) -> None:
    sign_in(client, submitter)
    draft = factories.complete_offer(submitter)
    url = f"/offers/{draft.id}/declaration"
    page = client.get(url)
    assert page.status_code == 200

    redis_server.stop()
    # Where the broker was, something that accepts connections and never answers:
    # a request that talked to the broker would hang here rather than fail fast.
    form = {
        "csrf_token": csrf_token(page.text),
        "declaration_name": "Sam Submitter",
        "confirm": "y",
    }
    with black_hole(redis_server.port):
        response, seconds = bounded(lambda: client.post(url, data=form), timeout=20)

    assert response.status_code == 302, error_summary(response)
    assert response.headers["Location"].endswith(f"/offers/{draft.id}/confirmation")
    # Well inside the broker timeouts (5 seconds), which talking to it would take.
    assert seconds < 3, f"submitting took {seconds:.1f}s with the broker down"
    with app.app_context():
        offer = db.session.get(Offer, draft.id)
        assert offer is not None
        assert offer.status == OfferStatus.SUBMITTED
        assert offer.reference is not None
        assert re.fullmatch(rf"SA-\d{{4}}-{draft.id:05d}", offer.reference)
        reference = offer.reference
    # The email is written, to the submitter, and waits unsent with its delivery task.
    email = acknowledgement_email(app, draft.id)
    assert (email.status, email.attempts, email.to_address) == (
        EmailStatus.PENDING,
        0,
        submitter.email,
    )
    [message] = deliveries(app)
    assert (message.args, message.sent_at) == ([email.id], None)
    assert all(row.sent_at is None for row in outbox_rows(app))
    assert delivered(mail_dir) == []

    redis_server.start()
    services.worker("worker", worker_env)
    eml, _ = wait_until_sent(app, mail_dir, draft.id, services)

    assert delivered(mail_dir) == [eml]
    content = eml.read_text()
    assert f"To: {submitter.email}" in content
    assert f"Subject: We have received your offer {reference}" in content
    [sent] = email_rows(app)
    assert (sent.id, sent.status, sent.attempts) == (email.id, EmailStatus.SENT, 1)
    [message] = deliveries(app)
    assert message.sent_at is not None


def test_a_worker_killed_while_delivering_does_not_lose_the_email(
    app: Flask,
    submitted_offer: Offer,
    redis_server: RedisServer,
    services: Services,
    worker_env: dict[str, str],
    mail_dir: Path,
) -> None:
    settings = {**worker_env, "BROKER_VISIBILITY_TIMEOUT": str(VISIBILITY_TIMEOUT)}
    email_id = acknowledgement_email(app, submitted_offer.id).id
    # The first worker holds every delivery for a minute after writing the .part file.
    doomed = services.worker("doomed", {**settings, DELIVERY_DELAY: "60"}, app=FAULT_APP)

    def mid_delivery() -> bool:
        rows = email_rows(app)
        return bool(partial(mail_dir)) and [row.status for row in rows] == [EmailStatus.PENDING]

    wait_for(mid_delivery, DELIVERY_TIMEOUT, message=doomed.describe)
    taken_by = time.monotonic()
    doomed.kill()

    # The attempt died mid-send: the row is still pending, claimed by its task.
    [email] = email_rows(app)
    assert (email.status, email.attempts, email.sent_at) == (EmailStatus.PENDING, 1, None)
    assert delivered(mail_dir) == []
    # The message the dead worker took waits, unacknowledged, in Redis.
    assert deliveries_in_broker(redis_server) == {"queued": [], "unacked": [[email_id]]}

    # Redis hands the message on once its visibility timeout has passed; a new
    # worker sweeps for such messages as it starts.
    time.sleep(max(0.0, taken_by + VISIBILITY_TIMEOUT + 1 - time.monotonic()))
    replacement = services.worker("replacement", settings)
    eml, sent_id = wait_until_sent(app, mail_dir, submitted_offer.id, services)
    assert sent_id == email_id
    # The very message the dead worker took, not a new one.
    received = rf"{re.escape(TaskName.DELIVER_EMAIL)}\[([0-9a-f-]+)\] received"
    [task_id] = re.findall(received, doomed.log())
    assert re.findall(received, replacement.log()) == [task_id]
    wait_for(
        lambda: deliveries_in_broker(redis_server) == {"queued": [], "unacked": []},
        DELIVERY_TIMEOUT,
        message=services.describe,
    )

    assert delivered(mail_dir) == [eml]
    assert partial(mail_dir) == []
    # The new delivery of the same task took its claim over at once: the second
    # attempt, sent once.
    [email] = email_rows(app)
    assert (email.id, email.status, email.attempts) == (email_id, EmailStatus.SENT, 2)


def test_a_redelivered_task_does_not_send_an_email_already_sent(
    app: Flask,
    submitted_offer: Offer,
    celery_app: Celery,
    redis_server: RedisServer,
    services: Services,
    worker_env: dict[str, str],
    mail_dir: Path,
) -> None:
    worker = services.worker("worker", worker_env)
    eml, _ = wait_until_sent(app, mail_dir, submitted_offer.id, services)
    [before] = email_rows(app)
    written = eml.stat()

    # The same task again, as a broker redelivers it.
    task_id = celery_app.send_task(TaskName.DELIVER_EMAIL, args=[before.id]).id
    wait_for(
        lambda: f"[{task_id}] succeeded" in worker.log(),
        DELIVERY_TIMEOUT,
        message=worker.describe,
    )

    assert deliveries_in_broker(redis_server) == {"queued": [], "unacked": []}
    assert delivered(mail_dir) == [eml]
    assert partial(mail_dir) == []
    assert (eml.stat().st_mtime_ns, eml.stat().st_ino) == (written.st_mtime_ns, written.st_ino)
    [after] = email_rows(app)
    assert (after.id, after.status, after.attempts, after.sent_at) == (
        before.id,
        EmailStatus.SENT,
        1,
        before.sent_at,
    )


REFUSE_OUTBOX = """
CREATE FUNCTION refuse_outbox() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION 'outbox refused by the test';
END $$;
CREATE CONSTRAINT TRIGGER refuse_outbox AFTER INSERT ON outbox_messages
    DEFERRABLE INITIALLY DEFERRED FOR EACH ROW EXECUTE FUNCTION refuse_outbox();
"""


def test_a_rolled_back_transaction_publishes_no_task(
    app: Flask,
    submitter: factories.Account,
    celery_app: Celery,
    redis_server: RedisServer,
) -> None:
    draft = factories.complete_offer(submitter)

    def offer_and_user() -> tuple[Offer, User]:
        offer = db.session.get(Offer, draft.id)
        user = db.session.get(User, submitter.id)
        assert offer is not None and user is not None
        return offer, user

    with app.app_context():
        # An offer inserted and its task enqueued, then the transaction rolled back.
        _, user = offer_and_user()
        assert user.organisation_id is not None
        gone = Offer(organisation_id=user.organisation_id, created_by_id=user.id, name="Gone")
        db.session.add(gone)
        db.session.flush()
        outbox.enqueue(TaskName.SCORE_OFFER, gone.id)
        db.session.flush()
        assert db.session.scalar(select(func.count(OutboxMessage.id))) == 1
        db.session.rollback()

        # A submission whose commit the database refuses, after the offer update, the
        # email and the outbox inserts succeeded.
        db.session.execute(text(REFUSE_OUTBOX))
        db.session.commit()
        with pytest.raises(DBAPIError, match="outbox refused by the test"):
            offers.submit(*offer_and_user(), "Sam Submitter")
        db.session.rollback()

        assert db.session.scalar(select(func.count(OutboxMessage.id))) == 0
        assert db.session.scalar(select(func.count(EmailMessage.id))) == 0
        assert db.session.scalar(select(func.count(Offer.id))) == 1
        offer, _ = offer_and_user()
        assert (offer.status, offer.reference) == (OfferStatus.DRAFT, None)
        assert outbox.relay_pending(tasks._publish) == 0
    assert broker_messages(redis_server) == {"queued": [], "unacked": []}

    # The same submission committed does publish its task: the check above can fail.
    with app.app_context():
        db.session.execute(text("DROP TRIGGER refuse_outbox ON outbox_messages"))
        db.session.commit()
        assert offers.submit(*offer_and_user(), "Sam Submitter")
        assert outbox.relay_pending(tasks._publish) >= 1
    email = acknowledgement_email(app, draft.id)
    assert deliveries_in_broker(redis_server) == {"queued": [[email.id]], "unacked": []}


def test_the_relay_gives_up_on_a_broker_that_does_not_answer(
    app: Flask, submitted_offer: Offer
) -> None:
    """A broker that accepts the connection and then says nothing (a failover, a
    hung server) delays the outbox by the publish timeout, and no more."""
    with black_hole(free_port()) as port:
        app.config["REDIS_URL"] = f"redis://127.0.0.1:{port}/0"
        app.config["BROKER_PUBLISH_TIMEOUT_SECONDS"] = 1.0
        make_celery(app)

        def relay() -> int:
            with app.app_context():
                return outbox.relay_pending(tasks._publish)

        sent, seconds = bounded(relay, timeout=20)

    assert sent == 0
    assert seconds < 5
    email = acknowledgement_email(app, submitted_offer.id)
    [message] = deliveries(app)
    assert (message.args, message.sent_at, message.attempts) == ([email.id], None, 1)
    assert message.last_error
    # The relay stopped at the first failure: nothing of the submission was sent.
    assert [row.sent_at for row in outbox_rows(app)] == [None, None]


def test_scores_are_taken_before_emails_sent_earlier(app: Flask, redis_server: RedisServer) -> None:
    """A burst of emails (a thousand acknowledgements) never holds up a score: the
    worker takes the score first, though the emails were sent before it."""
    with app.app_context():
        tasks._publish(TaskName.DELIVER_EMAIL, [1])
        tasks._publish(TaskName.DELIVER_EMAIL, [2])
        tasks._publish(TaskName.SCORE_OFFER, [7])
    assert broker_messages(redis_server)["queued"] == [
        (TaskName.SCORE_OFFER, [7]),
        (TaskName.DELIVER_EMAIL, [1]),
        (TaskName.DELIVER_EMAIL, [2]),
    ]
