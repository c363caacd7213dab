"""Shared fixtures: an app on its own migrated SQLite database per test."""

from __future__ import annotations

import shutil
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import event

from tests import factories
from triage import create_app, db
from triage.cli import upgrade_database
from triage.config import Test

WORKFLOW = str(Path(__file__).resolve().parent.parent / "triage" / "workflow.py")
TESTS = str(Path(__file__).resolve().parent)


def _status_set_by_the_workflow(_offer: Any, value: Any, _old: Any, _initiator: Any) -> Any:
    """Every `offer.status = ...` while the tests run must come from
    triage/workflow.py (or from a test arranging an offer's state): any other
    production module that sets an offer's status fails the test that runs it."""
    frame = sys._getframe(1)
    while frame is not None:
        filename = frame.f_code.co_filename
        if filename == WORKFLOW:
            return value
        if "sqlalchemy" not in filename and not filename.endswith("events.py"):
            if filename.startswith(TESTS):
                return value
            if "/triage/" in filename or "/workers/" in filename:
                raise AssertionError(
                    f"{filename}:{frame.f_lineno} sets an offer's status: only "
                    "triage.workflow.perform may"
                )
        frame = frame.f_back  # type: ignore[assignment]
    return value


@pytest.fixture(scope="session", autouse=True)
def only_the_workflow_sets_an_offers_status() -> Iterator[None]:
    from triage.models import Offer

    event.listen(Offer.status, "set", _status_set_by_the_workflow, retval=True)
    yield
    event.remove(Offer.status, "set", _status_set_by_the_workflow)


@pytest.fixture(scope="session")
def migrated_database(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """One SQLite database migrated with Alembic; each test gets a copy."""
    path = tmp_path_factory.mktemp("template") / "template.sqlite3"
    upgrade_database(f"sqlite:///{path}")
    return path


@pytest.fixture
def app(tmp_path: Path, migrated_database: Path) -> Iterator[Flask]:
    database = tmp_path / "triage.sqlite3"
    shutil.copy(migrated_database, database)
    application = create_app(
        Test,
        DATABASE_URL=f"sqlite:///{database}",
        INSTANCE_DIR=tmp_path,
        UPLOAD_DIR=tmp_path / "uploads",
        MAIL_DIR=tmp_path / "mail",
    )
    factories.share_compiled_templates(application)
    # No app context is held open across the test: the test client would reuse it,
    # and `g` (the signed-in user, the CSP nonce) would leak between requests.
    factories.use_app(application)
    yield application
    with application.app_context():
        db.session.remove()
    application.extensions["triage.engine"].dispose()


@pytest.fixture
def client(app: Flask) -> FlaskClient:
    return app.test_client()


@pytest.fixture
def submitter(app: Flask) -> factories.Account:
    return factories.submitter()


@pytest.fixture
def commissioner(app: Flask) -> factories.Account:
    return factories.staff("commissioner")


@pytest.fixture
def admin(app: Flask) -> factories.Account:
    return factories.staff("admin")


@pytest.fixture
def placement_officer(app: Flask) -> factories.Account:
    return factories.staff("placement_officer")


@pytest.fixture
def other_submitter(app: Flask) -> factories.Account:
    """A submitter in another organisation."""
    return factories.submitter()


@pytest.fixture
def submitter_client(app: Flask, submitter: factories.Account) -> FlaskClient:
    return factories.signed_in_client(app, submitter)


@pytest.fixture
def staff_client(app: Flask, commissioner: factories.Account) -> FlaskClient:
    return factories.signed_in_client(app, commissioner)


@pytest.fixture
def admin_client(app: Flask, admin: factories.Account) -> FlaskClient:
    return factories.signed_in_client(app, admin)


@pytest.fixture
def firm_pipeline(monkeypatch: pytest.MonkeyPatch) -> None:
    """The shipped policy with every planned scheme counted as firm (the strategy's
    own count), so the factory's mental health step-down offer, whose need the
    planned step-down scheme meets, is told its need is met: a red flag on cohort
    need. With the shipped policy that scheme is unfirmed and the need stays open."""
    from tests.rules.offers import firm_pipeline_policy

    monkeypatch.setattr("triage.services.policy.current_policy", firm_pipeline_policy)
