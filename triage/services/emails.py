"""The email outbox: write each email once, deliver it at most once per row.

Delivery is at-least-once only in one narrow case (a worker dies after the backend
accepted the email and before the row is marked sent); everywhere else the row's
status decides, so a redelivered task never sends an email recorded as sent.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta

from flask import current_app
from sqlalchemy import or_, select, update

from triage import clock, db
from triage.models import EmailMessage
from triage.models.email import EmailStatus
from triage.services import outbox
from triage.services.email_backends import EmailDeliveryError, PermanentEmailFailure, backend
from triage.tasks import TaskName

# Attempts at one email (each task delivery and each sweep is one) before it is
# marked failed.
MAX_ATTEMPTS = 10
# A sender's claim on an email lapses after this long: far beyond a send (the SMTP
# and Notify clients time out after 30 s), so another run never sends it meanwhile.
CLAIM_SECONDS = 300

__all__ = [
    "Attachment",
    "EmailDeliveryError",
    "PermanentEmailFailure",
    "add_email",
    "deliver",
    "deliver_pending",
    "give_up",
]


@dataclass(frozen=True)
class Attachment:
    """A file sent with an email: a real MIME part by SMTP or to a file, a link to
    the file through GOV.UK Notify."""

    filename: str
    content_type: str
    data: bytes


def add_email(
    key: str, to_address: str, subject: str, body: str, attachment: Attachment | None = None
) -> EmailMessage:
    """An email written in the caller's transaction, with its delivery task queued
    in the same transaction: the event and its email are saved together or not at
    all, and the key (unique) means one email per event."""
    email = EmailMessage(idempotency_key=key, to_address=to_address, subject=subject, body=body)
    if attachment is not None:
        email.attachment_name = attachment.filename
        email.attachment_type = attachment.content_type
        email.attachment_data = attachment.data
    db.session.add(email)
    db.session.flush()
    outbox.enqueue(TaskName.DELIVER_EMAIL, email.id)
    return email


def deliver(email_id: int, task_id: str | None = None) -> bool:
    """Send one email unless it is already sent, failed, or being sent by another
    run. Returns True if sent now. `task_id` is the delivery task's (None for the
    sweeper).

    Three steps, so no database transaction is open while the backend talks to
    SMTP or Notify (on SQLite an open write transaction is the database's one
    write lock: a slow send held up every submission):

    1. claim the row in one short transaction: a guarded UPDATE that counts the
       attempt and sets `claimed_until`, only while the row is pending and not
       claimed by a live sender, so of two runs of the task one sends;
    2. send, with no transaction open;
    3. record what happened in another short transaction, guarded by the attempt
       number claimed, so a sender whose claim lapsed (slower than
       CLAIM_SECONDS) cannot overwrite a later attempt's result.

    A sender that dies between 1 and 3 leaves the row pending and claimed. The
    broker hands its task to another worker only once it is gone (the embedded
    broker) or past the visibility timeout (Redis: BROKER_VISIBILITY_TIMEOUT, 5
    minutes, as long as the claim, against clients that time out after 30 s), so
    a new delivery of the same task takes the claim over at once; otherwise the
    sweeper sends it once the claim lapses. Either way the one
    at-least-once case: the backend may have accepted it before the sender died.

    Raises EmailDeliveryError when the email is still pending (to be tried again),
    and PermanentEmailFailure, once the row is marked failed, when the backend
    refused it for good (the sweeper never picks up a failed email)."""
    claimed = _claim(email_id, task_id)
    if claimed is None:
        return False  # sent already, failed for good, or another run is sending it
    email, attempt = claimed
    try:
        backend().send(email)
    except EmailDeliveryError as error:
        _record(
            email_id,
            attempt,
            status=EmailStatus.FAILED
            if isinstance(error, PermanentEmailFailure)
            else EmailStatus.PENDING,
            last_error=str(error)[:2000],
        )
        raise
    _record(email_id, attempt, status=EmailStatus.SENT, last_error=None, sent_at=clock.now())
    return True


def _claim(email_id: int, task_id: str | None = None) -> tuple[EmailMessage, int] | None:
    """The email and the number of this attempt, once claimed (committed), or None
    if it is not to be sent by this run."""
    now = clock.now()
    unclaimed = or_(EmailMessage.claimed_until.is_(None), EmailMessage.claimed_until < now)
    if task_id is not None:
        # A new delivery of the task whose earlier delivery claimed it (see deliver).
        unclaimed = or_(unclaimed, EmailMessage.claimed_by == task_id)
    with db.unit_of_work():
        # The row comes back with the claim (RETURNING): no second statement.
        email = db.session.scalar(
            update(EmailMessage)
            .where(
                EmailMessage.id == email_id,
                EmailMessage.status == EmailStatus.PENDING,
                EmailMessage.attempts < MAX_ATTEMPTS,
                unclaimed,
            )
            .values(
                attempts=EmailMessage.attempts + 1,
                claimed_until=now + timedelta(seconds=CLAIM_SECONDS),
                claimed_by=task_id,
            )
            .returning(EmailMessage)
            .execution_options(synchronize_session=False, populate_existing=True)
        )
        if email is None:
            # Bounded: an address or a key the backend keeps refusing (a 403 never
            # fixed) is not tried by the sweeper forever; staff see it failed.
            email = db.session.get(EmailMessage, email_id, populate_existing=True)
            if (
                email is not None
                and email.status == EmailStatus.PENDING
                and email.attempts >= MAX_ATTEMPTS
                and (email.claimed_until is None or email.claimed_until < now)
            ):
                email.status = EmailStatus.FAILED
                email.claimed_until = None
                email.claimed_by = None
                email.last_error = f"Given up after {email.attempts} attempts: {email.last_error}"[
                    :2000
                ]
            return None
    # Loaded whole before the commit (expire_on_commit is off): the backend reads
    # it with no transaction open.
    return email, email.attempts


def _record(email_id: int, attempt: int, **values: object) -> None:
    with db.unit_of_work():
        db.session.execute(
            update(EmailMessage)
            .where(
                EmailMessage.id == email_id,
                EmailMessage.status == EmailStatus.PENDING,
                EmailMessage.attempts == attempt,
            )
            .values(claimed_until=None, claimed_by=None, **values)
            .execution_options(synchronize_session=False)
        )


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
