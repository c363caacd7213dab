"""The placement team's pages. Every route is for placement officers and
administrators only (a 404 for anyone else), and every response says
`Cache-Control: no-store`: these pages hold special-category data that must not
linger in a browser's or a proxy's cache."""

from __future__ import annotations

from datetime import date
from typing import Any

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_login import current_user
from werkzeug.wrappers import Response

from rules.matching.people import LABELS
from rules.policy_data import Policy
from triage.auth.access import roles_required
from triage.models.placement import PERSON_STATUS_LABELS
from triage.models.users import Role
from triage.services.policy import policy_in_force

blueprint = Blueprint("placement", __name__, url_prefix="/placement")

placement_required = roles_required(Role.PLACEMENT_OFFICER, Role.ADMIN)


@blueprint.after_request
def no_store(response: Response) -> Response:
    response.headers["Cache-Control"] = "no-store"
    response.headers["Pragma"] = "no-cache"
    return response


def today() -> date:
    return date.today()


def cohort_labels(policy: Policy) -> dict[str, str]:
    return {cohort.code: cohort.label for cohort in policy.cohorts}


@blueprint.context_processor
def placement_labels() -> dict[str, Any]:
    return {
        "labels": {member.value: text for member, text in LABELS.items()},
        "person_status_labels": {
            status.value: text for status, text in PERSON_STATUS_LABELS.items()
        },
    }


def officer() -> Any:
    return current_user._get_current_object()


def int_arg(name: str, default: int = 1) -> int:
    value = request.args.get(name, "")
    return int(value) if value.isascii() and value.isdigit() and len(value) < 7 else default


def posted_id(text: str | None) -> int | None:
    """An id from a hidden form field, or None if it is not one (a 404 follows)."""
    value = text or ""
    return int(value) if value.isascii() and value.isdigit() and len(value) < 10 else None


def not_found_unless(value: Any) -> Any:
    if value is None:
        abort(404)
    return value


@blueprint.get("/")
@placement_required
def index() -> str:
    from triage.services.placement import units as unit_service
    from triage.services.placement import waiting_list

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


def flash_done(message: str) -> None:
    flash(message, "success")


def redirect_to(endpoint: str, **values: Any) -> Response:
    return redirect(url_for(endpoint, **values))


# The modules below add their routes to this blueprint.
from triage.placement import homes, people, people_import  # noqa: E402, F401
