"""Alembic environment: the models' metadata, the URL from the app's config."""

from __future__ import annotations

from alembic import context
from sqlalchemy.engine import Connection

import triage.models  # noqa: F401  (registers every table)
from triage.db import Base, make_engine, on_this_database

config = context.config
target_metadata = Base.metadata


def run_migrations() -> None:
    url = config.get_main_option("sqlalchemy.url")
    assert url, "sqlalchemy.url is set by triage.cli.alembic_config"
    connectable = config.attributes.get("connection")
    if connectable is not None:
        _run(connectable)
        return
    engine = make_engine(url)
    with engine.connect() as connection:
        _run(connection)
    engine.dispose()


def _run(connection: Connection) -> None:
    # On SQLite a batch migration rebuilds a table (copy, drop, rename). With
    # foreign keys enforced, dropping a table other rows refer to fails, or
    # cascades to them; SQLite's own advice is to turn enforcement off for the
    # change and check the foreign keys before committing. The pragma does
    # nothing inside a transaction, so it is set (and committed) before one.
    sqlite = connection.dialect.name == "sqlite"
    if sqlite:
        connection.exec_driver_sql("PRAGMA foreign_keys=OFF")
        connection.commit()
    context.configure(
        connection=connection,
        target_metadata=target_metadata,
        render_as_batch=True,
        compare_type=True,
        include_object=on_this_database(connection.dialect.name),
    )
    with context.begin_transaction():
        context.run_migrations()
        if sqlite:
            broken = connection.exec_driver_sql("PRAGMA foreign_key_check").fetchall()
            if broken:
                raise RuntimeError(
                    f"the migration left rows with broken foreign keys: {broken[:5]}"
                )
    if sqlite:
        connection.exec_driver_sql("PRAGMA foreign_keys=ON")
        connection.commit()


run_migrations()
