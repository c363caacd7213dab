"""The app's own database role on PostgreSQL: it reads and writes the data but
owns nothing, so it cannot alter a table, drop or disable the audit log's
append-only trigger, or rewrite the audit log.

Migrations run as the owner role (`triage db upgrade`, with the owner's
DATABASE_URL); with DATABASE_APP_ROLE set, every upgrade ends by granting that
role what the app needs, anew, so tables a migration adds are covered. The web
app, the workers and beat connect as the app role. On SQLite there are no roles:
development and tests run as one user.
"""

from __future__ import annotations

from sqlalchemy import create_engine, text
from sqlalchemy.engine import Connection

# Appended to, never changed: the PostgreSQL trigger of migration 0007 refuses
# UPDATE, DELETE and TRUNCATE; the app role is not given them either, so both
# guards must be removed (by the owner) for a row to change.
APPEND_ONLY_TABLES = ("audit_events",)
# Alembic's bookkeeping: the app may read the revision (health checks) but never
# move it.
READ_ONLY_TABLES = ("alembic_version",)


def _quoted(connection: Connection, role: str) -> str:
    return str(connection.execute(text("SELECT quote_ident(:role)"), {"role": role}).scalar_one())


def grant_app_role(database_url: str, role: str) -> None:
    """Give `role` the use of every table and sequence, minus changes to the
    append-only and read-only tables. Idempotent; run as the schema's owner."""
    engine = create_engine(database_url, hide_parameters=True)
    try:
        if engine.dialect.name != "postgresql":
            raise ValueError("DATABASE_APP_ROLE is for PostgreSQL; SQLite has no roles")
        with engine.begin() as connection:
            name = _quoted(connection, role)
            connection.execute(text(f"GRANT USAGE ON SCHEMA public TO {name}"))
            connection.execute(
                text(
                    f"GRANT SELECT, INSERT, UPDATE, DELETE ON ALL TABLES IN SCHEMA public TO {name}"
                )
            )
            connection.execute(
                text(f"GRANT USAGE, SELECT ON ALL SEQUENCES IN SCHEMA public TO {name}")
            )
            for table in APPEND_ONLY_TABLES:
                connection.execute(text(f"REVOKE UPDATE, DELETE, TRUNCATE ON {table} FROM {name}"))
            for table in READ_ONLY_TABLES:
                connection.execute(
                    text(f"REVOKE INSERT, UPDATE, DELETE, TRUNCATE ON {table} FROM {name}")
                )
    finally:
        engine.dispose()
