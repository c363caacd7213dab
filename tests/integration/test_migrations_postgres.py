"""The migrations on PostgreSQL: they run on an empty database, have one head, and
build exactly the schema the models describe."""

from __future__ import annotations

import pytest

from tests.migrations.test_offer_homes_migration import moves_accessibility_to_unit_types
from tests.migrations.test_offer_terms_migration import moves_void_answers
from tests.schema import migration_heads, schema_differences
from tests.servers import PostgresServer
from triage.cli import upgrade_database

pytestmark = pytest.mark.integration


def test_migrations_build_the_models_schema_on_postgresql(
    postgres_server: PostgresServer,
) -> None:
    name = "triage_migrations"
    url = postgres_server.create_database(name)
    try:
        upgrade_database(url)
        assert len(migration_heads()) == 1, migration_heads()
        with postgres_server.connect(name) as connection:
            row = connection.execute("SELECT version_num FROM alembic_version").fetchall()
        assert row == [migration_heads()]
        assert schema_differences(url) == []
    finally:
        postgres_server.drop_database(name)


def test_void_answers_move_without_loss_on_postgresql(postgres_server: PostgresServer) -> None:
    # 0022 (issue 13): the yes/no void answers become who pays, on PostgreSQL too.
    name = "triage_offer_terms"
    url = postgres_server.create_database(name)
    try:
        moves_void_answers(url)
    finally:
        postgres_server.drop_database(name)


def test_accessibility_moves_to_unit_types_on_postgresql(postgres_server: PostgresServer) -> None:
    # 0023 (issue 13): the offer's accessibility answers move onto its unit types.
    name = "triage_offer_homes"
    url = postgres_server.create_database(name)
    try:
        moves_accessibility_to_unit_types(url)
    finally:
        postgres_server.drop_database(name)
