"""Entry point for the worker and beat: `celery -A workers.app worker`."""

from triage import create_app
from workers import tasks  # noqa: F401  (registers the tasks)
from workers.celery_app import make_celery

# A connection a worker used within the last second is taken from the pool without
# a ping (triage/db.py: one round trip fewer per database visit of each task). If
# PostgreSQL restarted meanwhile, the task's statement fails and the task comes
# back once the database does (workers/tasks.py).
WORKER_PING_AFTER_IDLE_SECONDS = 1.0

flask_app = create_app(DATABASE_PING_AFTER_IDLE=WORKER_PING_AFTER_IDLE_SECONDS)
celery = make_celery(flask_app)
