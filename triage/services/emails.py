"""The email outbox: write each email once, deliver it at most once per row.

Delivery is at-least-once only in one narrow case (a worker dies after the backend
accepted the email and before the row is marked sent); everywhere else the row's
status decides, so a redelivered task never sends an email recorded as sent.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from flask import current_app, render_template
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from triage import db
from triage.models import EmailMessage, Offer, User
from triage.models.email import EmailStatus
from triage.services import outbox
from triage.services.email_backends import EmailDeliveryError, backend

__all__ = [
    "EmailDeliveryError",
    "add_email",
    "deliver",
    "deliver_pending",
    "queue_email",
    "queue_offer_acknowledgement",
]


DELIVER_TASK = "email.deliver"


def add_email(key: str, to_address: str, subject: str, body: str) -> EmailMessage:
    """An email written in the caller's transaction, with its delivery task queued
    in the same transaction: the event and its email are saved together or not at
    all, and the key (unique) means one email per event."""
    email = EmailMessage(idempotency_key=key, to_address=to_address, subject=subject, body=body)
    db.session.add(email)
    db.session.flush()
    outbox.enqueue(DELIVER_TASK, email.id)
    return email


def queue_email(key: str, to_address: str, subject: str, body: str) -> int:
    """Write an email once: the same key returns the email already written."""
    existing = db.session.scalar(select(EmailMessage.id).where(EmailMessage.idempotency_key == key))
    if existing is not None:
        return existing
    email = EmailMessage(idempotency_key=key, to_address=to_address, subject=subject, body=body)
    db.session.add(email)
    try:
        db.session.commit()
    except IntegrityError:
        # Another run of the same task wrote it first.
        db.session.rollback()
        found = db.session.scalar(
            select(EmailMessage.id).where(EmailMessage.idempotency_key == key)
        )
        assert found is not None
        return found
    return email.id


def queue_offer_acknowledgement(offer_id: int) -> int | None:
    offer = db.session.get(Offer, offer_id)
    if offer is None or offer.reference is None:
        return None
    submitter = db.session.get(User, offer.submitted_by_id)
    if submitter is None:
        return None
    body = render_template("emails/offer_acknowledgement.txt", offer=offer, user=submitter)
    email_id = queue_email(
        f"offer-acknowledgement:{offer.id}",
        submitter.email,
        f"We have received your offer {offer.reference}",
        body,
    )
    if offer.acknowledged_at is None:
        offer.acknowledged_at = datetime.now(UTC)
        db.session.commit()
    return email_id


def deliver(email_id: int, *, final_attempt: bool = False) -> bool:
    """Send one email unless it is already sent. Returns True if sent now."""
    email = db.session.scalar(
        select(EmailMessage).where(EmailMessage.id == email_id).with_for_update()
    )
    if email is None or email.status == EmailStatus.SENT:
        db.session.rollback()
        return False
    email.attempts += 1
    try:
        backend().send(email)
    except EmailDeliveryError as error:
        email.last_error = str(error)[:2000]
        if final_attempt:
            email.status = EmailStatus.FAILED
        db.session.commit()
        raise
    email.status = EmailStatus.SENT
    email.sent_at = datetime.now(UTC)
    email.last_error = None
    db.session.commit()
    return True


def deliver_pending(older_than_seconds: int = 120) -> int:
    cutoff = datetime.now(UTC) - timedelta(seconds=older_than_seconds)
    ids = db.session.scalars(
        select(EmailMessage.id).where(
            EmailMessage.status == EmailStatus.PENDING, EmailMessage.created_at < cutoff
        )
    ).all()
    db.session.rollback()
    sent = 0
    for email_id in ids:
        try:
            sent += deliver(email_id)
        except EmailDeliveryError:
            current_app.logger.warning("Email %s still not delivered", email_id)
    return sent
