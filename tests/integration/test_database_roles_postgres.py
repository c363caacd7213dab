"""The app's database role in production: migrations run as the schema's owner
and grant the app's role (DATABASE_APP_ROLE) the use of the tables; the app,
connected as that role, works normally but cannot rewrite the audit log or turn
off its append-only trigger."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import psycopg
import pytest
from flask import Flask
from psycopg import sql

from tests import factories
from tests.integration.helpers import submit_offer
from tests.servers import HOST, PostgresServer
from triage import create_app, db
from triage.config import Test
from triage.models import AuditEvent

pytestmark = pytest.mark.integration

DATABASE = "triage_roles"
OWNER = "triage_schema_owner"
APP_ROLE = "triage_app"


def _url(server: PostgresServer, role: str) -> str:
    return f"postgresql+psycopg://{role}@{HOST}:{server.port}/{DATABASE}"


def _connect_as(server: PostgresServer, role: str) -> psycopg.Connection:
    return psycopg.connect(host=HOST, port=server.port, user=role, dbname=DATABASE, autocommit=True)


@pytest.fixture
def owned_database(postgres_server: PostgresServer) -> Iterator[None]:
    with postgres_server.connect() as connection:
        for role in (OWNER, APP_ROLE):
            connection.execute(sql.SQL("CREATE ROLE {} LOGIN").format(sql.Identifier(role)))
        connection.execute(
            sql.SQL("CREATE DATABASE {} OWNER {}").format(
                sql.Identifier(DATABASE), sql.Identifier(OWNER)
            )
        )
    try:
        yield
    finally:
        postgres_server.drop_database(DATABASE)
        with postgres_server.connect() as connection:
            for role in (APP_ROLE, OWNER):
                connection.execute(sql.SQL("DROP ROLE {}").format(sql.Identifier(role)))


def _app(tmp_path: Path, database_url: str, **settings: object) -> Flask:
    return create_app(
        Test,
        DATABASE_URL=database_url,
        INSTANCE_DIR=tmp_path,
        UPLOAD_DIR=tmp_path / "uploads",
        MAIL_DIR=tmp_path / "mail",
        **settings,
    )


def test_the_app_role_works_but_cannot_change_the_audit_log(
    postgres_server: PostgresServer, owned_database: None, tmp_path: Path
) -> None:
    migrator = _app(tmp_path, _url(postgres_server, OWNER), DATABASE_APP_ROLE=APP_ROLE)
    result = migrator.test_cli_runner().invoke(args=["db", "upgrade"])
    assert result.exit_code == 0, result.output
    assert "audit log stays append-only" in result.output
    migrator.extensions["triage.engine"].dispose()

    # The service, connected as the app's role, registers, submits and audits.
    app = _app(tmp_path, _url(postgres_server, APP_ROLE))
    factories.use_app(app)
    offer = submit_offer(app, factories.submitter())
    with app.app_context():
        assert db.session.query(AuditEvent).filter_by(offer_id=offer.id).count() >= 1
        db.session.remove()
    app.extensions["triage.engine"].dispose()

    with _connect_as(postgres_server, APP_ROLE) as connection:
        refused = (
            "UPDATE audit_events SET detail = 'rewritten'",
            "DELETE FROM audit_events",
            "TRUNCATE audit_events",
            "ALTER TABLE audit_events DISABLE TRIGGER ALL",
            "DROP TRIGGER audit_events_no_update_or_delete ON audit_events",
            "UPDATE alembic_version SET version_num = 'x'",
        )
        for statement in refused:
            with pytest.raises(psycopg.errors.InsufficientPrivilege):
                connection.execute(statement)
        assert connection.execute("SELECT count(*) FROM audit_events").fetchone()[0] >= 1
