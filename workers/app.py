"""Entry point for the worker and beat: `celery -A workers.app worker`."""

from triage import create_app
from workers import tasks  # noqa: F401  (registers the tasks)
from workers.celery_app import make_celery

flask_app = create_app()
celery = make_celery(flask_app)
