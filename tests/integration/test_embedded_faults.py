"""The embedded default (`make run`: SQLite and the filesystem broker) under faults,
with real worker processes: a worker killed while it holds a task does not lose
it, and a task that kills its worker every time ends "scoring failed" after a
bounded number of deliveries, as on Redis/PostgreSQL."""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest
from flask import Flask
from sqlalchemy import func, select

from tests import factories
from tests.integration.helpers import (
    FAULT_APP,
    SCORING_DELAY,
    SCORING_KILLS,
    Services,
    service_environment,
    submit_offer,
    wait_for,
)
from triage import create_app, db
from triage.config import Test
from triage.models import Offer, OfferScore, TaskDelivery
from triage.models.offers import OfferStatus

pytestmark = pytest.mark.integration

TIMEOUT = 90
MAX_DELIVERIES = 3


@pytest.fixture
def embedded_app(tmp_path: Path, migrated_database: Path) -> Iterator[Flask]:
    database = tmp_path / "triage.sqlite3"
    shutil.copy(migrated_database, database)
    application = create_app(
        Test,
        DATABASE_URL=f"sqlite:///{database}",
        REDIS_URL=None,
        INSTANCE_DIR=tmp_path,
        UPLOAD_DIR=tmp_path / "uploads",
        MAIL_DIR=tmp_path / "mail",
        PUBLISH_AFTER_COMMIT=True,
    )
    factories.use_app(application)
    yield application
    with application.app_context():
        db.session.remove()
    application.extensions["triage.engine"].dispose()


@pytest.fixture
def embedded_env(tmp_path: Path, embedded_app: Flask) -> dict[str, str]:
    return service_environment(
        {
            "TRIAGE_ENV": "test",
            "DATABASE_URL": embedded_app.config["DATABASE_URL"],
            "TRIAGE_INSTANCE_DIR": tmp_path,
            "MAIL_DIR": tmp_path / "mail",
            "UPLOAD_DIR": tmp_path / "uploads",
            "EMAIL_BACKEND": "file",
            "PUBLISH_AFTER_COMMIT": "true",
            "OUTBOX_RELAY_INTERVAL_SECONDS": "0.5",
            "OUTBOX_RELAY_GRACE_SECONDS": "1",
            "TASK_MAX_DELIVERIES": str(MAX_DELIVERIES),
            "ABANDONED_TASK_SECONDS": "2",
            "ABANDONED_TASKS_INTERVAL_SECONDS": "1",
        }
    )


@pytest.fixture
def services(tmp_path: Path) -> Iterator[Services]:
    logs = tmp_path / "logs"
    logs.mkdir()
    started = Services(logs)
    try:
        yield started
    finally:
        started.stop_all()


def state(app: Flask, offer_id: int) -> tuple[str, int, str | None]:
    """The offer's status, its number of scores and the error staff see."""
    with app.app_context():
        offer = db.session.get(Offer, offer_id)
        assert offer is not None
        scores = db.session.scalar(
            select(func.count()).select_from(OfferScore).where(OfferScore.offer_id == offer_id)
        )
        found = (offer.status, scores or 0, offer.scoring_error)
        db.session.rollback()
    return found


def deliveries_of(app: Flask) -> list[tuple[str, int, bool]]:
    with app.app_context():
        rows = db.session.execute(
            select(TaskDelivery.task_name, TaskDelivery.deliveries, TaskDelivery.finished_at)
        ).all()
        db.session.rollback()
    return [(name, number, finished is not None) for name, number, finished in rows]


def test_a_task_that_kills_its_worker_ends_scoring_failed_after_bounded_deliveries(
    embedded_app: Flask, embedded_env: dict[str, str], services: Services
) -> None:
    offer = submit_offer(embedded_app, factories.submitter())
    # Two processes: while the pool has not yet noticed one died (billiard takes about
    # ten seconds), the other runs the sweeper that sends its task again.
    worker = services.worker(
        "poisoned", {**embedded_env, SCORING_KILLS: "1"}, app=FAULT_APP, concurrency=2
    )

    def failed() -> bool:
        return state(embedded_app, offer.id)[0] == OfferStatus.SCORING_FAILED

    wait_for(failed, TIMEOUT, interval=0.2, message=worker.describe)
    status, scores, error = state(embedded_app, offer.id)
    assert scores == 0
    assert error is not None and f"after {MAX_DELIVERIES} deliveries" in error
    # Counted in the database: the deliveries allowed, then one that gave up (a copy
    # handed back by the pool as well as sent again by the sweeper gives up too).
    [(name, number, finished)] = [
        row for row in deliveries_of(embedded_app) if row[0] == "offers.score"
    ]
    assert number > MAX_DELIVERIES and finished
    assert worker.running  # the pool's process died each time, never the worker


def test_a_worker_killed_while_it_holds_a_task_does_not_lose_it(
    embedded_app: Flask, embedded_env: dict[str, str], services: Services
) -> None:
    offer = submit_offer(embedded_app, factories.submitter())
    # The first worker holds the score for a minute, and is killed (all of it).
    doomed = services.worker("doomed", {**embedded_env, SCORING_DELAY: "60"}, app=FAULT_APP)
    wait_for(
        lambda: ("offers.score", 1, False) in deliveries_of(embedded_app),
        TIMEOUT,
        interval=0.1,
        message=doomed.describe,
    )
    doomed.kill()
    assert state(embedded_app, offer.id)[:2] == (OfferStatus.SUBMITTED, 0)

    replacement = services.worker("replacement", embedded_env)
    wait_for(
        lambda: state(embedded_app, offer.id)[:2] == (OfferStatus.SCORED, 1),
        # The sweeper looks every second for a task started 2 s ago by a dead process.
        60,
        interval=0.2,
        message=lambda: f"{deliveries_of(embedded_app)}\n{services.describe()}",
    )
    assert "held by a dead worker: sent again" in replacement.log()
    assert deliveries_of(embedded_app) == []  # finished
