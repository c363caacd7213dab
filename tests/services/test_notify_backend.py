"""GOV.UK Notify as the email backend, against a fake Notify on 127.0.0.1: what the
official client sends, which of Notify's answers are tried again and which fail the
email for good, and that no email is sent twice."""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from pathlib import Path

import jwt
import pytest
from flask import Flask

from tests import factories, notify_fake
from tests.notify_fake import FakeNotify
from triage import create_app, db
from triage.config import Test
from triage.models import EmailMessage, Offer
from triage.models.email import EmailStatus
from triage.services import emails
from workers import tasks


@pytest.fixture
def notify() -> Iterator[FakeNotify]:
    with notify_fake.running() as fake:
        yield fake


@pytest.fixture
def app(tmp_path: Path, migrated_database: Path, notify: FakeNotify) -> Iterator[Flask]:
    """conftest's app, sending its emails through the fake Notify."""
    database = tmp_path / "triage.sqlite3"
    shutil.copy(migrated_database, database)
    application = create_app(
        Test,
        DATABASE_URL=f"sqlite:///{database}",
        INSTANCE_DIR=tmp_path,
        UPLOAD_DIR=tmp_path / "uploads",
        MAIL_DIR=tmp_path / "mail",
        EMAIL_BACKEND="notify",
        NOTIFY_API_KEY=notify_fake.API_KEY,
        NOTIFY_BASE_URL=notify.url,
        NOTIFY_TEMPLATE_ID=notify_fake.TEMPLATE_ID,
    )
    factories.share_compiled_templates(application)
    factories.use_app(application)
    yield application
    with application.app_context():
        db.session.remove()
    application.extensions["triage.engine"].dispose()


def add_email(app: Flask, key: str = "offer-42-acknowledgement") -> int:
    with app.app_context():
        email = emails.add_email(
            key,
            "provider@example.org",
            "We have received your offer OT-0042",
            "Dear provider,\n\nThank you for your offer.\n\nQuote OT-0042 if you contact us.",
        )
        db.session.commit()
        return email.id


def row(app: Flask, email_id: int) -> EmailMessage:
    with app.app_context():
        email = db.session.get(EmailMessage, email_id)
        assert email is not None
        db.session.expunge(email)
        return email


def test_the_request_is_what_notify_expects(app, notify):
    email_id = add_email(app)
    with app.app_context():
        assert emails.deliver(email_id) is True

    [request] = notify.requests
    assert request.problems == []
    assert request.status == 201
    assert request.path == "/v2/notifications/email"
    assert request.headers["content-type"] == "application/json"
    assert request.headers["user-agent"].startswith("NOTIFY-API-PYTHON-CLIENT/")
    assert request.body == {
        "email_address": "provider@example.org",
        "template_id": notify_fake.TEMPLATE_ID,
        "personalisation": {
            "subject": "We have received your offer OT-0042",
            "body": "Dear provider,\n\nThank you for your offer.\n\nQuote OT-0042 if you contact us.",
        },
        "reference": "offer-42-acknowledgement",
    }
    # The token is signed with the key's secret and names the service.
    token = request.headers["authorization"].removeprefix("Bearer ")
    claims = jwt.decode(token, notify_fake.SECRET, algorithms=["HS256"])
    assert claims["iss"] == notify_fake.SERVICE_ID
    assert set(claims) == {"iss", "iat"}
    with pytest.raises(jwt.InvalidSignatureError):
        jwt.decode(token, "00000000-0000-4000-8000-000000000000", algorithms=["HS256"])

    email = row(app, email_id)
    assert (email.status, email.attempts, email.last_error) == (EmailStatus.SENT, 1, None)
    assert email.sent_at is not None


def test_replies_go_to_the_reply_to_address_set_in_notify(app, notify):
    reply_to_id = "4c7b9a1e-5d2f-4e8a-9b3c-1a2b3c4d5e6f"
    app.config["NOTIFY_EMAIL_REPLY_TO_ID"] = reply_to_id
    email_id = add_email(app)
    with app.app_context():
        assert emails.deliver(email_id) is True
    [request] = notify.requests
    assert request.problems == []
    assert request.body["email_reply_to_id"] == reply_to_id


def test_the_fake_refuses_a_token_signed_with_another_secret(notify):
    """The fake's checks are real: a client with the wrong secret is refused."""
    from notifications_python_client.errors import HTTPError
    from notifications_python_client.notifications import NotificationsAPIClient

    wrong = notify_fake.API_KEY[:-36] + "00000000-0000-4000-8000-000000000000"
    client = NotificationsAPIClient(wrong, base_url=notify.url)
    try:
        with pytest.raises(HTTPError) as refused:
            client.send_email_notification(
                "a@example.org",
                notify_fake.TEMPLATE_ID,
                {"subject": "s", "body": "b"},
                reference="r",
            )
    finally:
        client.request_session.close()
    assert refused.value.status_code == 403
    assert notify.accepted == []


@pytest.mark.parametrize("status", [500, 503, 429])
def test_a_server_error_is_tried_again_and_a_later_attempt_sends_it(app, notify, status):
    email_id = add_email(app)
    notify.fail_next(status)
    with app.app_context(), pytest.raises(emails.EmailDeliveryError) as raised:
        emails.deliver(email_id)
    assert not isinstance(raised.value, emails.PermanentEmailFailure)

    email = row(app, email_id)
    assert (email.status, email.attempts) == (EmailStatus.PENDING, 1)
    assert email.last_error is not None
    assert email.last_error.startswith(f"Notify answered {status}: ")
    assert "provider@example.org" not in email.last_error

    with app.app_context():
        assert emails.deliver(email_id) is True
    email = row(app, email_id)
    assert (email.status, email.attempts, email.last_error) == (EmailStatus.SENT, 2, None)
    assert [request.status for request in notify.requests] == [status, 201]
    assert all(request.problems == [] for request in notify.requests)


def test_notify_out_of_reach_is_tried_again(app, notify):
    email_id = add_email(app)
    app.config["NOTIFY_BASE_URL"] = "http://127.0.0.1:9"  # discard: nothing listens
    with app.app_context(), pytest.raises(emails.EmailDeliveryError) as raised:
        emails.deliver(email_id)
    assert not isinstance(raised.value, emails.PermanentEmailFailure)
    assert row(app, email_id).status == EmailStatus.PENDING


def test_a_bad_request_fails_the_email_at_once_and_it_is_not_tried_again(app, notify):
    email_id = add_email(app)
    notify.fail_next(400)
    with app.app_context():
        result = tasks.deliver_email.apply(args=[email_id])
    # The task ends (no Celery retry, no failure to redeliver): the row says what happened.
    assert result.successful()
    email = row(app, email_id)
    assert (email.status, email.attempts) == (EmailStatus.FAILED, 1)
    assert email.last_error == (
        "Notify answered 400: BadRequestError: "
        "Can't send to this recipient using a team-only API key"
    )

    # Neither a redelivered task nor the sweeper sends it again.
    with app.app_context():
        tasks.deliver_email.apply(args=[email_id])
        assert emails.deliver(email_id) is False
        assert emails.deliver_pending(older_than_seconds=0) == 0
    assert [request.status for request in notify.requests] == [400]
    assert row(app, email_id).attempts == 1


def test_deliver_itself_reports_a_permanent_failure(app, notify):
    email_id = add_email(app)
    notify.fail_next(400)
    with app.app_context(), pytest.raises(emails.PermanentEmailFailure):
        emails.deliver(email_id)
    assert row(app, email_id).status == EmailStatus.FAILED


def test_a_transient_failure_in_the_task_leaves_the_email_for_the_sweeper(app, notify):
    email_id = add_email(app)
    notify.fail_next(500)
    with app.app_context():
        result = tasks.deliver_email.apply(args=[email_id])
    assert result.failed()
    assert isinstance(result.result, emails.EmailDeliveryError)
    assert row(app, email_id).status == EmailStatus.PENDING
    with app.app_context():
        assert emails.deliver_pending(older_than_seconds=0) == 1
    assert [request.status for request in notify.requests] == [500, 201]


def test_nothing_is_sent_twice(app, notify):
    email_id = add_email(app)
    with app.app_context():
        assert emails.deliver(email_id) is True
        assert emails.deliver(email_id) is False
        tasks.deliver_email.apply(args=[email_id])
        assert emails.deliver_pending(older_than_seconds=0) == 0
    assert len(notify.requests) == 1
    assert row(app, email_id).attempts == 1


def test_a_missing_api_key_leaves_the_email_pending(app, notify):
    email_id = add_email(app)
    app.config["NOTIFY_API_KEY"] = None
    with app.app_context(), pytest.raises(emails.EmailDeliveryError) as raised:
        emails.deliver(email_id)
    assert not isinstance(raised.value, emails.PermanentEmailFailure)
    assert "NOTIFY_API_KEY" in str(raised.value)
    assert notify.requests == []
    assert row(app, email_id).status == EmailStatus.PENDING


def test_a_submitted_offer_is_acknowledged_through_notify_once(app, notify, submitter):
    offer = factories.submitted_offer(submitter)
    reference = factories.get(Offer, offer.id).reference
    [email] = factories.rows(EmailMessage)
    with app.app_context():
        tasks.deliver_email.apply(args=[email.id])
        tasks.deliver_email.apply(args=[email.id])  # a redelivered task

    [request] = notify.requests
    assert request.problems == []
    assert request.status == 201
    assert request.body["email_address"] == submitter.email
    assert request.body["reference"] == email.idempotency_key
    assert reference in request.body["personalisation"]["subject"]
    assert reference in request.body["personalisation"]["body"]
    assert factories.get(EmailMessage, email.id).status == EmailStatus.SENT


def _add_with_calendar(app: Flask) -> int:
    with app.app_context():
        email = emails.add_email(
            "offer-42-meeting-1-0-proposed",
            "provider@example.org",
            "The council would like to meet about your offer OT-0042",
            "Dear provider,\n\nThe calendar file is attached.",
            emails.Attachment(
                "meeting.ics", "text/calendar", b"BEGIN:VCALENDAR\r\nEND:VCALENDAR\r\n"
            ),
        )
        db.session.commit()
        return email.id


def test_a_calendar_file_goes_as_notifys_link_to_a_file(app, notify):
    """Issue 14: Notify sends a file as a link, through prepare_upload, in the
    template that has a ((link_to_file)) placeholder."""
    app.config["NOTIFY_ATTACHMENT_TEMPLATE_ID"] = notify_fake.ATTACHMENT_TEMPLATE_ID
    email_id = _add_with_calendar(app)
    with app.app_context():
        assert emails.deliver(email_id) is True
    [request] = notify.requests
    assert request.problems == []
    assert request.body["template_id"] == notify_fake.ATTACHMENT_TEMPLATE_ID
    upload = request.body["personalisation"]["link_to_file"]
    assert upload["filename"] == "meeting.ics"
    assert upload["confirm_email_before_download"] is False
    import base64

    assert base64.b64decode(upload["file"]) == b"BEGIN:VCALENDAR\r\nEND:VCALENDAR\r\n"
    assert request.body["personalisation"]["subject"].startswith("The council would like")


def test_without_a_template_for_files_the_email_waits(app, notify):
    """A configuration fault, not the email's: it stays pending until it is fixed."""
    email_id = _add_with_calendar(app)
    with app.app_context(), pytest.raises(emails.EmailDeliveryError):
        emails.deliver(email_id)
    assert notify.requests == []
    assert row(app, email_id).status == EmailStatus.PENDING


def test_a_file_notify_refuses_does_not_stop_the_email(app, notify):
    """Notify takes only some file types: if it refuses the calendar file, the
    email goes without it, saying where to download it, rather than failing."""
    app.config["NOTIFY_ATTACHMENT_TEMPLATE_ID"] = notify_fake.ATTACHMENT_TEMPLATE_ID
    email_id = _add_with_calendar(app)
    notify.fail_next(400)
    with app.app_context():
        assert emails.deliver(email_id) is True
    refused, sent = notify.requests
    assert refused.status == 400 and "link_to_file" in refused.body["personalisation"]
    assert sent.status == 201 and sent.problems == []
    assert sent.body["template_id"] == notify_fake.TEMPLATE_ID
    assert "link_to_file" not in sent.body["personalisation"]
    assert "could not be attached" in sent.body["personalisation"]["body"]
    assert sent.body["reference"] == refused.body["reference"]
    assert row(app, email_id).status == EmailStatus.SENT
