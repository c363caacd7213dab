"""A health check for load balancers and docker compose: the app answers and the
database does."""

from __future__ import annotations

from flask import Blueprint
from sqlalchemy import text

from triage import db

blueprint = Blueprint("health", __name__)


def database_answers() -> bool:
    try:
        db.session.execute(text("SELECT 1"))
    except Exception:  # noqa: BLE001  (any database failure means unhealthy)
        return False
    return True


@blueprint.get("/healthz")
def healthz() -> tuple[dict[str, str], int]:
    if not database_answers():
        return {"status": "database unavailable"}, 503
    return {"status": "ok"}, 200
