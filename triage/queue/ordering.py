"""The queue's order, from the policy: red flags first (or last), then band, score
and time waiting in the order the policy gives. Open offers come before decided
or withdrawn ones.

The queue is read in two steps within one statement. The inner query sorts
narrow rows (each offer's id, its newest score's id and the sort keys, read from
indexes) and takes one page of them; the outer query joins that page to the
whole offer, organisation and score. So the database sorts keys, never whole
offers with their scores' JSON, however deep the page.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import ColumnElement, Select, Subquery, case, func, select
from sqlalchemy.orm import InstrumentedAttribute

from rules.policy_data import Policy
from triage.models import Offer, OfferScore, Organisation
from triage.models.offers import OPEN_STATUSES

# The sort keys: an expression, and whether it sorts in descending order.
SortKey = tuple[ColumnElement[Any] | InstrumentedAttribute[Any], bool]


def newest_scores() -> Subquery:
    """Each scored offer's newest score (the one the queue shows), read from the
    (offer_id, id, ...) index of offer_scores alone."""
    return (
        select(OfferScore.offer_id, func.max(OfferScore.id).label("score_id"))
        .group_by(OfferScore.offer_id)
        .subquery("newest")
    )


def queue_keys() -> Select[int, int]:
    """Submitted offers' ids with their newest score's id (None if not scored),
    unordered: the query the filters (triage.queue.filters.apply) narrow.

    Submitted, whatever has happened since; a draft deleted before it was
    submitted is not staff's business.
    """
    newest = newest_scores()
    return (
        select(Offer.id.label("offer_id"), OfferScore.id.label("score_id"))
        .outerjoin(newest, newest.c.offer_id == Offer.id)
        .outerjoin(OfferScore, OfferScore.id == newest.c.score_id)
        .where(Offer.submitted_at.is_not(None))
    )


def sort_keys(policy: Policy) -> list[SortKey]:
    """The queue's order as (expression, descending) pairs, on columns of the
    offer and its newest score; the offer's id settles any tie."""
    flagged_first = policy.queue.red_flags == "first"
    keys: list[SortKey] = [
        (case((Offer.status.in_([status.value for status in OPEN_STATUSES]), 0), else_=1), False),
        (
            case(
                (OfferScore.red_flag_count > 0, 0 if flagged_first else 1),
                else_=1 if flagged_first else 0,
            ),
            False,
        ),
    ]
    bands = {band.name: position for position, band in enumerate(policy.scoring.bands)}
    for key in policy.queue.order:
        if key == "band":
            keys.append((case(bands, value=OfferScore.band, else_=len(bands)), False))
        elif key == "score":
            keys.append((func.coalesce(OfferScore.score, -1), True))
        else:
            keys.append((Offer.submitted_at, False))
    return keys


def in_queue_order(
    policy: Policy, keys: Select[int, int], *, limit: int | None = None, offset: int = 0
) -> Select[Offer, Organisation, OfferScore]:
    """Rows of (offer, organisation, newest score or None) for the offers `keys`
    (queue_keys(), filtered) finds, in queue order; with `limit`, one page of them.
    One statement, however many rows."""
    order = sort_keys(policy)
    labels = [f"key_{index}" for index in range(len(order))]
    narrow = keys.add_columns(
        *(expression.label(label) for (expression, _), label in zip(order, labels, strict=True))
    )
    if limit is not None:
        narrow = (
            narrow.order_by(
                *(
                    expression.desc() if descending else expression.asc()
                    for expression, descending in order
                ),
                Offer.id.asc(),
            )
            .limit(limit)
            .offset(offset)
        )
    page = narrow.subquery("page")
    return (
        select(Offer, Organisation, OfferScore)
        .select_from(page)
        .join(Offer, Offer.id == page.c.offer_id)
        .join(Organisation, Organisation.id == Offer.organisation_id)
        .outerjoin(OfferScore, OfferScore.id == page.c.score_id)
        .order_by(
            *(
                page.c[label].desc() if descending else page.c[label].asc()
                for label, (_, descending) in zip(labels, order, strict=True)
            ),
            page.c.offer_id.asc(),
        )
    )
