"""The queue's order, from the policy: red flags first (or last), then band, score
and time waiting in the order the policy gives. Open offers come before decided
or withdrawn ones."""

from __future__ import annotations

from typing import Any

from sqlalchemy import Select, case, func, select

from rules.policy_data import Policy
from triage.models import Offer, OfferScore, Organisation
from triage.models.offers import OPEN_STATUSES


def queue_query(policy: Policy) -> Select[Offer, Organisation, OfferScore]:
    """Submitted offers with their organisation and newest score, in queue order."""
    newest = (
        select(OfferScore.offer_id, func.max(OfferScore.id).label("score_id"))
        .group_by(OfferScore.offer_id)
        .subquery()
    )
    query = (
        select(Offer, Organisation, OfferScore)
        .join(Organisation, Offer.organisation_id == Organisation.id)
        .outerjoin(newest, newest.c.offer_id == Offer.id)
        .outerjoin(OfferScore, OfferScore.id == newest.c.score_id)
        # Submitted, whatever has happened since; a draft deleted before it was
        # submitted is not staff's business.
        .where(Offer.submitted_at.is_not(None))
    )
    flagged_first = policy.queue.red_flags == "first"
    order: list[Any] = [
        case((Offer.status.in_([status.value for status in OPEN_STATUSES]), 0), else_=1),
        case(
            (OfferScore.red_flag_count > 0, 0 if flagged_first else 1),
            else_=1 if flagged_first else 0,
        ),
    ]
    bands = {band.name: position for position, band in enumerate(policy.scoring.bands)}
    for key in policy.queue.order:
        if key == "band":
            order.append(case(bands, value=OfferScore.band, else_=len(bands)))
        elif key == "score":
            order.append(func.coalesce(OfferScore.score, -1).desc())
        else:
            order.append(Offer.submitted_at.asc())
    return query.order_by(*order, Offer.id.asc())
