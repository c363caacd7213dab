"""What a submitter's status tags say and their colours, by meaning (the GOV.UK
Design System's tag guidance): grey for a draft or a closed offer, blue while the
council has it, orange when the council is waiting for the submitter, green when
approved, red when declined."""

from __future__ import annotations

from dataclasses import dataclass

from triage.models import Offer
from triage.models.offers import OfferStatus

S = OfferStatus

# The council asked something and waits for the submitter.
ANSWER_NEEDED = frozenset({S.INFORMATION_REQUESTED, S.CHANGES_REQUESTED})

_CLASSES = {
    S.DRAFT: "govuk-tag--grey",
    S.SUBMITTED: "govuk-tag--blue",
    S.SCORING: "govuk-tag--blue",
    S.SCORED: "govuk-tag--blue",
    S.SCORING_FAILED: "govuk-tag--blue",
    S.UNDER_REVIEW: "govuk-tag--blue",
    S.INFORMATION_REQUESTED: "govuk-tag--orange",
    S.CHANGES_REQUESTED: "govuk-tag--orange",
    S.MEETING_PROPOSED: "govuk-tag--light-blue",
    S.FEASIBILITY: "govuk-tag--turquoise",
    S.APPROVED: "govuk-tag--green",
    S.DECLINED: "govuk-tag--red",
    S.WITHDRAWN: "govuk-tag--grey",
}


@dataclass(frozen=True)
class Tag:
    text: str
    classes: str


def tag(offer: Offer) -> Tag:
    status = OfferStatus(offer.status)
    if status in ANSWER_NEEDED:
        return Tag("Answer needed", _CLASSES[status])
    return Tag(offer.submitter_status_label, _CLASSES[status])


def answer_needed(offer: Offer) -> bool:
    return OfferStatus(offer.status) in ANSWER_NEEDED
