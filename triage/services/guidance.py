"""Guidance on a draft offer (issue 14): the policy's chosen checks, run on the
draft as the scoring runs the rules (the policy in force, the approved supply),
with no score shown."""

from __future__ import annotations

from pydantic import ValidationError

from rules.guidance import Guidance, guidance
from triage.models import Offer
from triage.services import scoring
from triage.services.policy import policy_in_force


def draft_guidance(offer: Offer) -> list[Guidance]:
    """The guidance for the offer's answers now; none while answers the rules need
    are missing (the check-answers page asks for them first)."""
    try:
        data = offer.as_offer_data()
    except ValidationError:
        return []
    return guidance(data, policy_in_force(), scoring.approved_units_by_cohort())
