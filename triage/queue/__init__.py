"""Staff: the queue of submitted offers, the case page with its actions, internal
notes and flags, and bulk assignment.

The supply dashboard (triage.dashboard, blueprint "supply") is nested in this
blueprint, so its pages stay under /queue with endpoints "queue.supply.*"; the
service navigation tells the two sections apart by blueprint.
"""

from flask import Blueprint

from triage.dashboard import bp as supply_bp

bp = Blueprint("queue", __name__, url_prefix="/queue")
bp.register_blueprint(supply_bp)

# The routes, on bp.
from triage.queue import bulk, case, meetings, notes, views  # noqa: E402,F401
