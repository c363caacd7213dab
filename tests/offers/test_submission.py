"""Submitting an offer: one submission however often the button is pressed, the
acknowledgement email and its delivery written in the same transaction, the email
sent once, and the outbox relay."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from tests import factories
from tests.factories import csrf_token, heading, soup, text
from triage import db
from triage.models import EmailMessage, Offer, OutboxMessage
from triage.services import offers as offer_service
from triage.services import outbox
from triage.tasks import TaskName

DECLARATION = {"declaration_name": "Sam Submitter", "confirm": "y"}


def acknowledgements(offer_id: int) -> list[OutboxMessage]:
    """The delivery tasks queued for the offer's acknowledgement email."""
    emails = factories.rows(EmailMessage, idempotency_key=f"offer-acknowledgement:{offer_id}")
    return [
        row
        for row in factories.rows(OutboxMessage, task_name=TaskName.DELIVER_EMAIL)
        if row.args in ([email.id] for email in emails)
    ]


def test_submitting_queues_one_acknowledgement(submitter_client, submitter):
    offer = factories.complete_offer(submitter)
    assert factories.count(OutboxMessage) == 0
    response = factories.submit_form(
        submitter_client, f"/offers/{offer.id}/declaration", DECLARATION
    )
    assert response.location == f"/offers/{offer.id}/confirmation"
    [message] = acknowledgements(offer.id)
    assert message.sent_at is None
    assert message.attempts == 0
    assert factories.count(EmailMessage) == 1


def test_a_double_clicked_submit_submits_once(submitter_client, submitter):
    offer = factories.complete_offer(submitter)
    url = f"/offers/{offer.id}/declaration"
    token = csrf_token(submitter_client.get(url).text)
    first = submitter_client.post(url, data={"csrf_token": token, **DECLARATION})
    reference = factories.get(Offer, offer.id).reference
    second = submitter_client.post(url, data={"csrf_token": token, **DECLARATION})

    assert first.location == f"/offers/{offer.id}/confirmation"
    assert second.location == f"/offers/{offer.id}/confirmation"
    confirmation = submitter_client.get(second.location)
    assert heading(confirmation) == "Offer submitted"
    assert reference in soup(confirmation).select_one(".govuk-panel").get_text()

    assert factories.get(Offer, offer.id).reference == reference
    assert [row.reference for row in factories.rows(Offer, status="submitted")] == [reference]
    assert len(acknowledgements(offer.id)) == 1
    assert factories.count(EmailMessage) == 1
    # Whatever else submitting queues, nothing is queued twice.
    queued = [(row.task_name, tuple(row.args)) for row in factories.rows(OutboxMessage)]
    assert len(queued) == len(set(queued))
    # Pressing back and submitting from the declaration page again changes nothing either.
    assert submitter_client.get(url).location == f"/offers/{offer.id}/confirmation"


def test_a_second_submit_of_the_same_draft_is_refused_by_the_service(app, submitter):
    offer = factories.complete_offer(submitter)
    with app.app_context():
        found = db.session.get(Offer, offer.id)
        user = db.session.get(type(submitter.user), submitter.id)
        assert offer_service.submit(found, user, "Sam") is True
        first_reference = found.reference
        assert offer_service.submit(found, user, "Sam again") is False
        db.session.refresh(found)
        assert found.reference == first_reference
        assert found.declaration_name == "Sam"
    assert len(acknowledgements(offer.id)) == 1


def test_the_submission_and_its_task_are_one_transaction(
    app, submitter_client, submitter, monkeypatch
):
    """If queueing the task fails, the offer is not submitted either."""
    offer = factories.complete_offer(submitter)
    url = f"/offers/{offer.id}/declaration"
    page = submitter_client.get(url)

    original = outbox.enqueue

    def enqueue_then_fail(task_name: str, *args: Any) -> OutboxMessage:
        original(task_name, *args)
        raise RuntimeError("outbox unavailable")

    monkeypatch.setattr(outbox, "enqueue", enqueue_then_fail)
    response = submitter_client.post(url, data={"csrf_token": csrf_token(page.text), **DECLARATION})
    assert response.status_code == 500
    assert heading(response) == "Sorry, there is a problem with the service"
    assert "Nothing you saved earlier has been lost" in text(response)
    saved = factories.get(Offer, offer.id)
    assert saved.status == "draft"
    assert saved.reference is None
    assert factories.count(OutboxMessage) == 0


# --- The acknowledgement task -------------------------------------------------


def mail_files(app) -> list[Path]:
    folder = Path(app.config["MAIL_DIR"])
    return sorted(path for path in folder.glob("*.eml")) if folder.exists() else []


def test_the_acknowledgement_is_emailed_once(app, submitter, commissioner):
    from workers.tasks import deliver_email

    offer = factories.submitted_offer(submitter)
    reference = factories.get(Offer, offer.id).reference
    [email] = factories.rows(EmailMessage)
    with app.app_context():
        deliver_email(email.id)
    [eml] = mail_files(app)
    content = eml.read_text()
    assert reference in content
    assert f"To: {submitter.email}" in content
    assert f"Subject: We have received your offer {reference}" in content
    first_written = eml.stat().st_mtime_ns

    [email] = factories.rows(EmailMessage)
    assert email.status == "sent"
    assert email.attempts == 1

    # Run again (a redelivered task): nothing new is sent.
    with app.app_context():
        deliver_email(email.id)
    assert mail_files(app) == [eml]
    assert eml.stat().st_mtime_ns == first_written
    [email] = factories.rows(EmailMessage)
    assert email.status == "sent"
    assert email.attempts == 1


def test_a_draft_sends_no_acknowledgement(app, submitter):
    factories.complete_offer(submitter)
    assert mail_files(app) == []
    assert factories.count(EmailMessage) == 0


# --- The outbox relay -----------------------------------------------------------


class BrokerDown(ConnectionError):
    pass


def broker_down(task_name: str, args: list[Any], task_id: str | None = None) -> None:
    raise BrokerDown("broker down")


def test_a_failed_publish_leaves_the_row_to_try_again(app, submitter):
    offer = factories.submitted_offer(submitter)
    with app.app_context():
        assert outbox.relay_pending(broker_down) == 0
    [message] = acknowledgements(offer.id)
    assert message.sent_at is None
    assert message.attempts == 1
    assert message.last_error == "BrokerDown: broker down"
    assert all(row.sent_at is None for row in factories.rows(OutboxMessage))


def test_a_published_row_is_marked_sent_and_not_sent_again(app, submitter):
    offer = factories.submitted_offer(submitter)
    calls: list[tuple[str, list[Any]]] = []

    def publish(task_name: str, args: list[Any], task_id: str | None = None) -> None:
        calls.append((task_name, list(args)))

    with app.app_context():
        assert outbox.relay_pending(broker_down) == 0
        sent = outbox.relay_pending(publish)
    rows = factories.rows(OutboxMessage)
    assert sent == len(rows) == len(calls)
    [acknowledgement] = acknowledgements(offer.id)
    assert calls.count((TaskName.DELIVER_EMAIL, acknowledgement.args)) == 1
    [message] = acknowledgements(offer.id)
    assert message.sent_at is not None
    assert message.last_error is None
    assert message.attempts == 2

    with app.app_context():
        assert outbox.relay_pending(publish) == 0
    assert len(calls) == sent


@pytest.mark.parametrize("batch_size", [1, 2])
def test_the_relay_works_through_the_backlog_in_order(app, submitter, batch_size):
    offers = [factories.submitted_offer(submitter) for _ in range(3)]
    published: list[list[Any]] = []

    def publish(task_name: str, args: list[Any], task_id: str | None = None) -> None:
        if task_name == TaskName.DELIVER_EMAIL:
            published.append(args)

    with app.app_context():
        while outbox.relay_pending(publish, batch_size=batch_size):
            pass
    assert published == [acknowledgements(offer.id)[0].args for offer in offers]
