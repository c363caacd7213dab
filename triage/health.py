"""A health check for load balancers and docker compose: the app answers and the
database does."""

from __future__ import annotations

from flask import Blueprint

from triage.services.health import database_answers

blueprint = Blueprint("health", __name__)


@blueprint.get("/healthz")
def healthz() -> tuple[dict[str, str], int]:
    if not database_answers():
        return {"status": "database unavailable"}, 503
    return {"status": "ok"}, 200
