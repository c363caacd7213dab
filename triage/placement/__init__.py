"""The supported living placement team's pages: the waiting list, homes, matching
and nominations. Only placement officers and administrators see any of it."""

from flask import Blueprint

bp = Blueprint("placement", __name__, url_prefix="/placement")

from triage.placement import homes, people, people_import, views  # noqa: E402,F401  (the routes, on bp)
