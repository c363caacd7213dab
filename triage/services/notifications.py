"""Telling staff about their offers: when one is assigned to them, and when a
submitter answers a request on one assigned to them.

A notification is written in the same transaction as the event it is about, so
there is one per event, never one per page save. Each officer chooses how it
reaches them: its own email at once (written to the email outbox in the same
transaction, keyed by the notification, so it is never sent twice), or a daily
digest (`send_digests`, on the beat schedule) that lists everything not yet
emailed and marks it sent in the transaction that writes the digest.
"""

from __future__ import annotations

from flask import render_template
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from triage import clock, db
from triage.db import transactional
from triage.models import Offer, StaffNotification, User
from triage.models.notes import NotificationKind
from triage.models.users import NotificationFrequency
from triage.services import emails


def _offer_label(offer: Offer) -> str:
    return f"{offer.reference} ({offer.name})" if offer.name else str(offer.reference)


def notify(
    user: User,
    offer: Offer,
    kind: NotificationKind,
    summary: str,
    subject: str,
    *,
    email_now: bool = True,
) -> StaffNotification | None:
    """Add a notification for `user` to the caller's transaction and, if they want
    an email for each event, its email too. Nobody inactive, and no submitter, is
    notified."""
    if not user.is_active or not user.is_staff:
        return None
    notification = StaffNotification(
        user_id=user.id, offer_id=offer.id, kind=kind.value, summary=summary
    )
    db.session.add(notification)
    db.session.flush()
    if email_now and user.notification_frequency == NotificationFrequency.IMMEDIATE:
        body = render_template(
            "emails/staff_notification.txt", user=user, offer=offer, notification=notification
        )
        email = emails.add_email(f"staff-notification:{notification.id}", user.email, subject, body)
        notification.sent_at = clock.now()
        notification.email_id = email.id
    return notification


def notify_assigned(
    offer: Offer, officer: User, actor: User, *, previously: int | None, email_now: bool = True
) -> StaffNotification | None:
    """The officer now has the offer. Assigning it again to the officer who has it
    already, or to yourself, tells nobody anything new."""
    if officer.id == previously or officer.id == actor.id:
        return None
    return notify(
        officer,
        offer,
        NotificationKind.ASSIGNED,
        f"{_offer_label(offer)} was assigned to you by {actor.full_name}",
        f"Offer {offer.reference} has been assigned to you",
        email_now=email_now,
    )


def notify_answered(offer: Offer) -> StaffNotification | None:
    """The submitter answered a request on an offer: its officer, if it has one,
    is told (not what the answer says: that is on the case page)."""
    if offer.assigned_to_id is None:
        return None
    officer = db.session.get(User, offer.assigned_to_id)
    if officer is None:
        return None
    return notify(
        officer,
        offer,
        NotificationKind.SUBMITTER_ANSWERED,
        f"The submitter answered the council's request about {_offer_label(offer)}",
        f"The submitter has answered about offer {offer.reference}",
    )


@transactional
def set_frequency(user: User, frequency: NotificationFrequency) -> None:
    user.notification_frequency = frequency.value


def send_digests() -> int:
    """Send each officer one email listing their notifications not yet emailed, and
    mark those sent in the same transaction. Safe to run twice: a second run finds
    nothing unsent. Returns how many digests were written."""
    with db.unit_of_work():
        user_ids = db.session.scalars(
            select(StaffNotification.user_id)
            .where(StaffNotification.sent_at.is_(None))
            .distinct()
            .order_by(StaffNotification.user_id)
        ).all()
    # A unit of work per officer: a digest another run wrote first is skipped
    # without undoing the others.
    return sum(_send_digest(user_id) for user_id in user_ids)


def send_batch_now(user_id: int) -> bool:
    """After a bulk action: one email now listing the officer's notifications not
    yet emailed, if they chose an email for each event (a digest user's wait for
    their digest). One email for the batch, never one an offer."""
    with db.unit_of_work():
        user = db.session.get(User, user_id)
        if user is None or user.notification_frequency != NotificationFrequency.IMMEDIATE:
            return False
    return _send_digest(user_id, batch=True)


def _send_digest(user_id: int, *, batch: bool = False) -> bool:
    """One digest (or batch email) for the officer, in a unit of work of its own.
    False if there was nothing to send, or another run wrote it first."""
    try:
        with db.unit_of_work():
            return _write_digest(user_id, batch=batch)
    except IntegrityError:
        # The same digest's key: another run wrote it (and marked them sent).
        return False


def _write_digest(user_id: int, *, batch: bool) -> bool:
    # The officer's row locked first, so two runs at once cannot both list the same
    # notifications (FOR UPDATE does nothing on SQLite; this takes its write lock).
    db.lock_rows(User, user_id)
    user = db.session.get(User, user_id)
    if user is None or not user.is_active:
        return False
    # A run that waited for the lock finds them sent.
    pending = db.session.scalars(
        select(StaffNotification)
        .where(StaffNotification.user_id == user.id, StaffNotification.sent_at.is_(None))
        .order_by(StaffNotification.created_at, StaffNotification.id)
        .execution_options(populate_existing=True)
    ).all()
    if not pending:
        return False
    count = len(pending)
    if batch:
        body = render_template("emails/staff_batch.txt", user=user, notifications=pending)
        subject = f"{count} update{'' if count == 1 else 's'} on your offers"
    else:
        body = render_template("emails/staff_digest.txt", user=user, notifications=pending)
        subject = f"Your daily summary: {count} update{'' if count == 1 else 's'} on your offers"
    # The key names the last notification listed: the same digest is never
    # written twice, while later notifications make a new one.
    email = emails.add_email(
        f"staff-{'batch' if batch else 'digest'}:{user.id}:{pending[-1].id}",
        user.email,
        subject,
        body,
    )
    now = clock.now()
    for item in pending:
        item.sent_at = now
        item.email_id = email.id
    return True
