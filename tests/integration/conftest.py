"""Fixtures for the integration tests: the real PostgreSQL and Redis servers from
tests/servers.py, a freshly migrated database per test, the app on it (this `app`
replaces the SQLite one, so `client`, `submitter` and the factories use
PostgreSQL), and service subprocesses that are stopped after each test."""

from __future__ import annotations

import itertools
from collections.abc import Iterator
from pathlib import Path

import pytest
from celery import Celery
from flask import Flask

from tests import factories
from tests.integration.helpers import Services, service_environment, submit_offer
from tests.servers import PostgresServer, RedisServer, postgres_server, redis_server
from triage import create_app, db
from triage.cli import upgrade_database
from triage.config import Test
from triage.models import Offer
from workers import tasks  # noqa: F401  (registers the tasks with every Celery app)
from workers.celery_app import make_celery

__all__ = ["postgres_server", "redis_server"]

TEMPLATE_DATABASE = "triage_template"
# The worker's beat publishes the outbox this often (seconds), so tests wait less.
RELAY_INTERVAL = "0.5"

_database_numbers = itertools.count(1)


@pytest.fixture(scope="session")
def template_database(postgres_server: PostgresServer) -> str:
    """A database migrated with Alembic once; each test gets a copy of it."""
    upgrade_database(postgres_server.create_database(TEMPLATE_DATABASE))
    return TEMPLATE_DATABASE


@pytest.fixture
def database_url(postgres_server: PostgresServer, template_database: str) -> Iterator[str]:
    name = f"triage_test_{next(_database_numbers)}"
    url = postgres_server.create_database(name, template=template_database)
    yield url
    postgres_server.drop_database(name)


@pytest.fixture
def redis_url(redis_server: RedisServer) -> str:
    """An empty Redis (running again, if an earlier test stopped it)."""
    if not redis_server.running:
        redis_server.start()
    with redis_server.client() as client:
        client.flushall()
    return redis_server.url


@pytest.fixture
def mail_dir(tmp_path: Path) -> Path:
    return tmp_path / "mail"


@pytest.fixture
def app(tmp_path: Path, database_url: str, redis_url: str, mail_dir: Path) -> Iterator[Flask]:
    application = create_app(
        Test,
        DATABASE_URL=database_url,
        REDIS_URL=redis_url,
        INSTANCE_DIR=tmp_path,
        UPLOAD_DIR=tmp_path / "uploads",
        MAIL_DIR=mail_dir,
    )
    factories.use_app(application)
    yield application
    celery = application.extensions.get("celery")
    if celery is not None:
        celery.close()
    with application.app_context():
        db.session.remove()
    application.extensions["triage.engine"].dispose()


@pytest.fixture
def celery_app(app: Flask) -> Celery:
    """The Celery app the worker uses, built here to publish to the test Redis."""
    return make_celery(app)


@pytest.fixture
def service_settings(tmp_path: Path, database_url: str, redis_url: str, mail_dir: Path) -> dict:
    """Settings shared by every service subprocess of a test."""
    return {
        "DATABASE_URL": database_url,
        "REDIS_URL": redis_url,
        "TRIAGE_INSTANCE_DIR": tmp_path,
        "MAIL_DIR": mail_dir,
        "UPLOAD_DIR": tmp_path / "uploads",
        "EMAIL_BACKEND": "file",
        "OUTBOX_RELAY_INTERVAL_SECONDS": RELAY_INTERVAL,
    }


@pytest.fixture
def worker_env(service_settings: dict) -> dict[str, str]:
    """The environment for a worker run with the test settings."""
    return service_environment({"TRIAGE_ENV": "test", **service_settings})


@pytest.fixture
def services(tmp_path: Path, database_url: str, redis_url: str) -> Iterator[Services]:
    """Starts service subprocesses; stops them after the test, before its database
    and broker go."""
    logs = tmp_path / "logs"
    logs.mkdir()
    started = Services(logs)
    try:
        yield started
    finally:
        started.stop_all()


@pytest.fixture
def submitted_offer(app: Flask, submitter: factories.Account) -> Offer:
    return submit_offer(app, submitter)
