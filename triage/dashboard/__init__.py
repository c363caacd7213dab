"""Staff: supply against demand. Per cohort of the strategy's forecast, the units
in planned schemes, approved offers and offers under review, what need is left,
offers by stage, and when the units are expected; as a page and as CSV.

The blueprint is nested in the queue's (triage.queue registers it), so its pages
are under /queue with endpoints "queue.supply.*": the service navigation marks
"Submitted offers" as the current section for the queue's own blueprint only,
and "Supply and demand" for this one.
"""

from flask import Blueprint

bp = Blueprint("supply", __name__)

# The routes, on bp.
from triage.dashboard import views  # noqa: E402,F401
