"""The migrations on PostgreSQL: they run on an empty database, have one head, and
build exactly the schema the models describe."""

from __future__ import annotations

import pytest

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
