"""The email outbox: write each email once, deliver it at most once per row.

Delivery is at-least-once only in one narrow case (a worker dies after the backend
accepted the email and before the row is marked sent); everywhere else the row's
status decides, so a redelivered task never sends an email recorded as sent.
"""

from __future__ import annotations

from datetime import timedelta

from flask import current_app
from sqlalchemy import select

from triage import clock, db
from triage.models import EmailMessage
from triage.models.email import EmailStatus
from triage.services import outbox
from triage.services.email_backends import EmailDeliveryError, PermanentEmailFailure, backend
from triage.tasks import TaskName

# Attempts at one email (each task delivery and each sweep is one) before it is
# marked failed.
MAX_ATTEMPTS = 10

__all__ = [
    "EmailDeliveryError",
    "PermanentEmailFailure",
    "add_email",
    "deliver",
    "deliver_pending",
    "give_up",
]


def add_email(key: str, to_address: str, subject: str, body: str) -> EmailMessage:
    """An email written in the caller's transaction, with its delivery task queued
    in the same transaction: the event and its email are saved together or not at
    all, and the key (unique) means one email per event."""
    email = EmailMessage(idempotency_key=key, to_address=to_address, subject=subject, body=body)
    db.session.add(email)
    db.session.flush()
    outbox.enqueue(TaskName.DELIVER_EMAIL, email.id)
    return email


def deliver(email_id: int) -> bool:
    """Send one email unless it is already sent or failed. Returns True if sent now. The row
    is locked while the backend sends it (PostgreSQL), so two runs of the task
    never both send it; one commit records what happened.

    Raises EmailDeliveryError when the email is still pending (to be tried again),
    and PermanentEmailFailure, once the row is marked failed, when the backend
    refused it for good (the sweeper never picks up a failed email)."""
    failure: EmailDeliveryError | None = None
    with db.unit_of_work():
        # The row's write lock first (SQLite's database lock: FOR UPDATE does
        # nothing there), then read what it says.
        db.lock_rows(EmailMessage, email_id)
        email = db.session.scalar(
            select(EmailMessage)
            .where(EmailMessage.id == email_id)
            .execution_options(populate_existing=True)
        )
        if email is None or email.status != EmailStatus.PENDING:
            return False  # sent already, or failed for good: never sent again
        if email.attempts >= MAX_ATTEMPTS:
            # Bounded: an address or a key the backend keeps refusing (a 403 never
            # fixed) is not tried by the sweeper forever; staff see it failed.
            email.status = EmailStatus.FAILED
            email.last_error = f"Given up after {email.attempts} attempts: {email.last_error}"[
                :2000
            ]
            return False
        email.attempts += 1
        try:
            backend().send(email)
        except EmailDeliveryError as error:
            email.last_error = str(error)[:2000]
            if isinstance(error, PermanentEmailFailure):
                email.status = EmailStatus.FAILED
            failure = error
        else:
            email.status = EmailStatus.SENT
            email.sent_at = clock.now()
            email.last_error = None
    if failure is not None:
        raise failure
    return True


def give_up(email_id: int, reason: str) -> None:
    """After the last delivery of its task (it stopped its worker each time): the
    email is marked failed, never silence."""
    with db.unit_of_work():
        db.lock_rows(EmailMessage, email_id)
        email = db.session.get(EmailMessage, email_id, populate_existing=True)
        if email is not None and email.status == EmailStatus.PENDING:
            email.status = EmailStatus.FAILED
            email.last_error = reason[:2000]


def deliver_pending(older_than_seconds: int = 120) -> int:
    cutoff = clock.now() - timedelta(seconds=older_than_seconds)
    ids = db.session.scalars(
        select(EmailMessage.id).where(
            EmailMessage.status == EmailStatus.PENDING, EmailMessage.created_at < cutoff
        )
    ).all()
    sent = 0
    for email_id in ids:
        try:
            sent += deliver(email_id)
        except EmailDeliveryError:
            current_app.logger.warning("Email %s still not delivered", email_id)
    return sent
