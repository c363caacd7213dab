"""Every background task's name, in one registry.

Services enqueue by these names (through the outbox), `workers/tasks.py`
registers a task under each, and the beat schedule in `workers/celery_app.py`
names them from here too, so a renamed task cannot leave a message nobody reads.
"""

from __future__ import annotations

import enum


class TaskName(enum.StrEnum):
    RELAY_OUTBOX = "outbox.relay"
    RESEND_ABANDONED_TASKS = "tasks.resend_abandoned"
    SCORE_OFFER = "offers.score"
    RESEND_STUCK_OFFERS = "offers.resend_stuck"
    DELIVER_EMAIL = "email.deliver"
    DELIVER_PENDING_EMAILS = "email.deliver_pending"
    SEND_NOTIFICATION_DIGESTS = "notifications.send_digests"
    PURGE_ABANDONED_IMPORTS = "placement.purge_abandoned_imports"
    APPLY_RETENTION = "retention.apply"
    ACTIVATE_SCHEDULED_POLICY = "policy.activate_scheduled"


# Kombu's Redis transport keeps one list per priority and workers take from the
# lowest number first (0, the default, is the highest): so a burst of emails (a
# thousand acknowledgements, the morning's digests) never holds up a score a
# commissioner or a submitter is waiting for (issue 16). The embedded broker has
# no priorities: there, tasks run in the order they were sent.
LOW_PRIORITY = 6
PRIORITY: dict[str, int] = {
    TaskName.DELIVER_EMAIL: LOW_PRIORITY,
    TaskName.DELIVER_PENDING_EMAILS: LOW_PRIORITY,
    TaskName.SEND_NOTIFICATION_DIGESTS: LOW_PRIORITY,
}
