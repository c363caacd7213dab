"""Checks that the Alembic migrations build exactly the schema the models describe."""

from __future__ import annotations

import warnings
from typing import Any

from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from alembic.script import ScriptDirectory

import triage.models  # noqa: F401  (registers every table)
from triage.cli import alembic_config
from triage.db import Base, make_engine, on_this_database


def migration_heads() -> tuple[str, ...]:
    return tuple(ScriptDirectory.from_config(alembic_config("sqlite://")).get_heads())


def schema_differences(database_url: str) -> list[Any]:
    """What `alembic revision --autogenerate` would write for this database: empty
    when the migrated schema matches the models."""
    engine = make_engine(database_url)
    try:
        with warnings.catch_warnings(), engine.connect() as connection:
            # SQLite's indexes on expressions cannot be reflected, so are not
            # compared: tests/dashboard/test_stage_times.py checks the one there is.
            warnings.filterwarnings("ignore", message=".*expression-based index")
            # The options the migration environment (migrations/env.py) uses.
            context = MigrationContext.configure(
                connection,
                opts={
                    "compare_type": True,
                    "render_as_batch": True,
                    "include_object": on_this_database(connection.dialect.name),
                },
            )
            return list(compare_metadata(context, Base.metadata))
    finally:
        engine.dispose()
