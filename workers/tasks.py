"""Background tasks. Each takes ids, is safe to run twice, and leaves a visible
state when it finally fails."""

from __future__ import annotations

import functools
import logging
from collections.abc import Callable
from typing import Any

from celery import shared_task
from flask import current_app
from sqlalchemy.exc import OperationalError

from triage import broker
from triage.services import (
    deliveries,
    emails,
    notifications,
    outbox,
    policy_admin,
    retention,
    scoring,
)
from triage.services.placement import waiting_list
from triage.tasks import TaskName

logger = logging.getLogger(__name__)

GiveUp = Callable[..., None]
# A task whose delivery cannot be counted because the database is down waits and
# comes back: up to this many times, at most this many seconds apart.
DATABASE_DOWN_RETRIES = 30
DATABASE_DOWN_RETRY_MAX_SECONDS = 10


def _log_give_up(*_args: Any) -> None:
    """Tasks with nothing of their own to mark: the delivery row says it gave up."""


def counted(
    give_up: GiveUp = _log_give_up, *, one_transaction: bool = False
) -> Callable[[Callable[..., Any]], Callable[..., Any]]:
    """Count each delivery of the task in the database before it runs (see
    triage.services.deliveries). Past the last delivery allowed, the task does not
    run again: `give_up(reason, *args)` leaves its visible state instead. A
    delivery that ends, however (done, failed, handed to a retry), is finished; only
    one whose process died is left counted. A task whose work is `one_transaction`
    is finished by that transaction's commit: one round trip fewer."""

    def decorate(run: Callable[..., Any]) -> Callable[..., Any]:
        @functools.wraps(run)
        def wrapper(self: Any, *args: Any) -> Any:
            task_id = self.request.id
            if task_id is None:  # called directly, not delivered
                return run(self, *args)
            try:
                number = deliveries.begin(task_id, self.name, list(args))
            except OperationalError as error:
                # The database is down: nothing can be done or counted yet. The
                # task comes back later rather than being acked and lost.
                countdown = min(2**self.request.retries, DATABASE_DOWN_RETRY_MAX_SECONDS)
                raise self.retry(
                    exc=error, countdown=countdown, max_retries=DATABASE_DOWN_RETRIES
                ) from error
            limit = deliveries.max_deliveries()
            if number > limit:
                reason = (
                    f"Given up after {limit} deliveries: the task stopped the worker"
                    " running it each time"
                )
                logger.warning("Task %s (%s): %s", task_id, self.name, reason)
                give_up(reason, *args)
                deliveries.gave_up(task_id)
                return None
            if one_transaction:
                deliveries.finish_with_next_commit(task_id)
            try:
                result = run(self, *args)
            except Exception:  # a retry (Retry is one), or a failure the broker acks
                deliveries.finish_pending()
                _finish(task_id)
                raise
            if not one_transaction or deliveries.finish_pending() is not None:
                _finish(task_id)
            return result

        return wrapper

    return decorate


def _finish(task_id: str) -> None:
    try:
        deliveries.finish(task_id)
    except OperationalError:
        # The work is done or handed on; a row left behind only says a process held
        # it: at worst the sweeper (embedded broker) sends it again once that
        # process is gone, and the task is safe to run twice.
        logger.warning("Delivery of task %s not recorded as finished", task_id)


def _publish(task_name: str, args: list[Any], task_id: str | None = None) -> None:
    broker.publish(current_app, task_name, args, task_id)


@shared_task(name=TaskName.RELAY_OUTBOX, acks_late=True, ignore_result=True)
def relay_outbox() -> int:
    return outbox.relay_pending(_publish)


@shared_task(name=TaskName.RESEND_ABANDONED_TASKS, acks_late=True, ignore_result=True)
def resend_abandoned_tasks() -> int:
    """Sweeper (embedded broker): tasks held by a worker that died are sent again."""
    if not broker.embedded(current_app):
        return 0
    return deliveries.resend_abandoned()


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
@counted(
    lambda reason, offer_id, *_run_id: scoring.mark_failed(offer_id, reason), one_transaction=True
)
def score_offer(self: Any, offer_id: int, run_id: int | None = None) -> None:
    try:
        scoring.score_offer(offer_id, run_id)
    except OperationalError as error:
        # The database went away mid-task (a restart, a failover): not the offer's
        # fault, so not one of its attempts; it comes back once the database does.
        countdown = min(2**self.request.retries, DATABASE_DOWN_RETRY_MAX_SECONDS)
        raise self.retry(
            exc=error, countdown=countdown, max_retries=DATABASE_DOWN_RETRIES
        ) from error
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


@shared_task(name=TaskName.DELIVER_EMAIL, bind=True, acks_late=True, ignore_result=True)
@counted(lambda reason, email_id: emails.give_up(email_id, reason))
def deliver_email(self: Any, email_id: int) -> None:
    """Send one email from the email outbox (never twice: its row says if it was sent).
    A transient failure raises and leaves the row pending for the sweeper; a permanent
    one (the backend refused the email for good) is already recorded on the row as
    failed, so the task ends there and nothing tries it again."""
    try:
        emails.deliver(email_id, task_id=self.request.id)
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


@shared_task(name=TaskName.ACTIVATE_SCHEDULED_POLICY, acks_late=True, ignore_result=True)
def activate_scheduled_policy() -> list[str]:
    """Hourly: a scoring policy version scheduled for today (or a day missed) is put
    in force, its open offers rescored and administrators emailed. Safe to run
    twice: a version in force is no longer scheduled."""
    return policy_admin.activate_due()
