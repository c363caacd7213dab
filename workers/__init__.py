"""Celery app and tasks: load, call a service or rules/, persist."""
