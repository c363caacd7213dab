"""Whether the database answers (the health check's question)."""

from __future__ import annotations

from sqlalchemy import text

from triage import db


def database_answers() -> bool:
    try:
        db.session.execute(text("SELECT 1"))
    except Exception:  # noqa: BLE001  (any database failure means unhealthy)
        return False
    return True
