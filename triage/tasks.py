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
