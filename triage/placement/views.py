"""The placement team's start page, and what every placement page shares. Every
route is for placement officers and administrators only (a 404 for anyone
else), and every response says `Cache-Control: no-store`: these pages hold
special-category data that must not linger in a browser's or a proxy's cache."""

from __future__ import annotations

from typing import Any

from flask import render_template
from werkzeug.wrappers import Response

from rules.matching.people import LABELS
from triage.models.placement import PERSON_STATUS_LABELS
from triage.placement import bp
from triage.placement.common import cohort_labels, placement_required
from triage.services.placement import units as unit_service
from triage.services.placement import waiting_list
from triage.services.policy import policy_in_force


@bp.after_request
def no_store(response: Response) -> Response:
    response.headers["Cache-Control"] = "no-store"
    response.headers["Pragma"] = "no-cache"
    return response


@bp.context_processor
def placement_labels() -> dict[str, Any]:
    return {
        "labels": {member.value: text for member, text in LABELS.items()},
        "person_status_labels": {
            status.value: text for status, text in PERSON_STATUS_LABELS.items()
        },
    }


@bp.get("/")
@placement_required
def index() -> str:
    policy = policy_in_force()
    waiting = waiting_list.waiting_by_cohort()
    free = unit_service.units_with_free_places()
    return render_template(
        "views/placement/index.html",
        waiting=waiting,
        waiting_total=sum(waiting.values()),
        homes_free=len(free),
        places_free=sum(occupancy.free for _, occupancy in free),
        cohorts=cohort_labels(policy),
    )
