"""Finding the signed-in submitter's own offer, for route modules: another
organisation's offer is a 404, and the attempt is recorded (by id); the
organisation's own deleted draft is a 404 too, with nothing to record."""

from __future__ import annotations

from flask import abort, request
from flask_login import current_user

from triage.auth.access import acting_user
from triage.models import Offer
from triage.services import audit, offers


def own_offer(offer_id: int) -> Offer:
    offer = offers.offer_for_organisation(offer_id, current_user.organisation_id)
    if offer is None:
        if offers.belongs_to_another_organisation(offer_id, current_user.organisation_id):
            audit.access_refused(acting_user(), request.endpoint or "", offer_id=offer_id)
        abort(404)
    return offer
