"""Shared fixtures: an app on its own migrated SQLite database per test."""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest
from flask import Flask
from flask.testing import FlaskClient

from tests import factories
from triage import create_app, db
from triage.cli import upgrade_database
from triage.config import Test


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
