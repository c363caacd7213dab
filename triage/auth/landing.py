"""Where each person lands after signing in (a view helper shared by route modules)."""

from __future__ import annotations

from flask import url_for

from triage.models import User
from triage.models.users import Role


def home_for(user: User) -> str:
    """Submitters land on their offers, the placement team on placements,
    commissioners and administrators on the queue."""
    if user.has_role(Role.SUBMITTER):
        return url_for("offers.index")
    if user.has_role(Role.PLACEMENT_OFFICER):
        return url_for("placement.index")
    return url_for("queue.index")
