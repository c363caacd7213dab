"""Background tasks. Each takes ids, is safe to run twice, and leaves a visible
state when it finally fails."""

from __future__ import annotations

import logging
from typing import Any

from celery import shared_task
from flask import current_app

from triage.services import emails, notifications, outbox, retention, scoring
from triage.services.placement import waiting_list
from triage.tasks import TaskName

logger = logging.getLogger(__name__)


def _publish(task_name: str, args: list[Any]) -> None:
    celery = current_app.extensions["celery"]
    celery.send_task(
        task_name,
        args=args,
        # Fail fast when the broker is down (broker_connection_timeout bounds the
        # wait): the outbox row stays unsent and the next relay tries again.
        retry=False,
    )


@shared_task(name=TaskName.RELAY_OUTBOX, acks_late=True, ignore_result=True)
def relay_outbox() -> int:
    return outbox.relay_pending(_publish)


@shared_task(name=TaskName.DELIVER_PENDING_EMAILS, acks_late=True, ignore_result=True)
def deliver_pending_emails() -> int:
    """Sweeper: emails left pending by a worker that died are sent here."""
    return emails.deliver_pending()


SCORE_MAX_RETRIES = 3
# The longest wait between two attempts to score an offer.
SCORE_RETRY_MAX_SECONDS = 120


@shared_task(
    name=TaskName.SCORE_OFFER,
    bind=True,
    acks_late=True,
    max_retries=SCORE_MAX_RETRIES,
    ignore_result=True,
)
def score_offer(self: Any, offer_id: int, run_id: int | None = None) -> None:
    try:
        scoring.score_offer(offer_id, run_id)
    except Exception as error:
        if self.request.retries >= SCORE_MAX_RETRIES:
            # Bounded: after the last attempt the offer shows "scoring failed" to staff
            # with the error and a retry button; the queue keeps draining.
            scoring.mark_failed(offer_id, f"{type(error).__name__}: {error}")
            return
        base = float(current_app.config["SCORE_RETRY_BASE_SECONDS"])
        countdown = min(2**self.request.retries * base, SCORE_RETRY_MAX_SECONDS)
        raise self.retry(exc=error, countdown=countdown) from error


@shared_task(name=TaskName.RESEND_STUCK_OFFERS, acks_late=True, ignore_result=True)
def resend_stuck_offers() -> int:
    """Sweeper: offers left in submitted or scoring are queued again."""
    return scoring.resend_stuck()


@shared_task(name=TaskName.DELIVER_EMAIL, acks_late=True, ignore_result=True)
def deliver_email(email_id: int) -> None:
    """Send one email from the email outbox (never twice: its row says if it was sent).
    A transient failure raises and leaves the row pending for the sweeper; a permanent
    one (the backend refused the email for good) is already recorded on the row as
    failed, so the task ends there and nothing tries it again."""
    try:
        emails.deliver(email_id)
    except emails.PermanentEmailFailure as error:
        logger.warning("Email %s failed for good: %s", email_id, error)


@shared_task(name=TaskName.SEND_NOTIFICATION_DIGESTS, acks_late=True, ignore_result=True)
def send_notification_digests() -> int:
    """Daily: each officer's notifications not yet emailed, in one email each."""
    return notifications.send_digests()


@shared_task(name=TaskName.PURGE_ABANDONED_IMPORTS, acks_late=True, ignore_result=True)
def purge_abandoned_imports() -> int:
    return waiting_list.purge_abandoned_imports()


@shared_task(name=TaskName.APPLY_RETENTION, acks_late=True, ignore_result=True)
def apply_retention() -> tuple[int, int]:
    """Daily: records of people who left the waiting list reduced, and documents of
    long-closed offers deleted, as the privacy notice says."""
    return retention.apply_retention()
