"""The migrations on SQLite: one head, and a migrated database that matches the
models exactly (PostgreSQL: tests/integration/test_migrations_postgres.py)."""

from __future__ import annotations

from pathlib import Path

from tests.schema import migration_heads, schema_differences
from triage.cli import upgrade_database
from triage.db import Base


def test_there_is_one_migration_head() -> None:
    assert len(migration_heads()) == 1, migration_heads()


def test_the_migrated_sqlite_schema_matches_the_models(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'migrated.sqlite3'}"
    upgrade_database(url)
    assert schema_differences(url) == []


def test_the_comparison_finds_a_missing_schema(tmp_path: Path) -> None:
    """An empty database differs by every table, so an empty diff above means something."""
    differences = schema_differences(f"sqlite:///{tmp_path / 'empty.sqlite3'}")
    added = {diff[1].name for diff in differences if diff[0] == "add_table"}
    assert added == set(Base.metadata.tables)
