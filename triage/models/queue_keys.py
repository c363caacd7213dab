"""The queue's sort keys on each offer (issue 15), kept in step with what they copy.

`Offer.queue_*` hold what the queue sorts and filters by: the newest score's and
override's ids, the score and band it ranks by (an override's, else the score's),
the newest score's red flag count, the total of units, the lowest core rent and
the organisation's name. So a page of the queue reads one narrow table and sorts
it, instead of grouping every offer's scores, overrides and unit types each time.

They are set in the database, never in Python, by one statement (`refresh`): at
every flush that writes a score, an override, a unit type's count or rent, an
offer's organisation or an organisation's name (the session hook in
triage/services/queue_keys.py), whichever service writes it; by migration 0026
for the offers before it; and by anything that writes those rows with SQL of its
own (the queue benchmark). A copy changing is not the offer changing: the
offer's version and updated_at are left alone.
"""

from __future__ import annotations

import functools
from collections.abc import Iterable
from typing import Any, cast

from sqlalchemy import ColumnElement, Index, Table, Update, func, or_, select, update

from triage.models.offers import Offer, OfferUnitType
from triage.models.scores import OfferScore, OfferScoreVerdict
from triage.models.triage import ScoreOverride
from triage.models.users import Organisation

QUEUE_COLUMNS = (
    "queue_score_id",
    "queue_override_id",
    "queue_score",
    "queue_band",
    "queue_red_flags",
    "queue_units",
    "queue_rent_pence",
    "queue_organisation",
)

# What a page of the queue reads, narrow: the count, and the scan it sorts (the
# policy's order, or by units, rent, score or red flags) read this index alone,
# not the offers' wide rows. Submitted first: drafts are not in the queue, and a
# sort by the date submitted walks it in order. A sort by organisation walks
# queue_organisation's own index (on the model), one by reference the unique
# one, one by property name NAME_INDEX.
QUEUE_INDEX = Index(
    "ix_offers_queue",
    Offer.submitted_at,
    Offer.status,
    Offer.queue_red_flags,
    Offer.queue_band,
    Offer.queue_score,
    Offer.queue_score_id,
    Offer.queue_override_id,
    Offer.queue_units,
    Offer.queue_rent_pence,
)
# A sort by property name walks this.
NAME_INDEX = Index("ix_offers_name", Offer.name)
# A sort by score walks this on PostgreSQL, in either direction (highest first with
# the unscored last, or its exact reverse for a page counted from the end), and
# sorts only offers of equal score by the policy's order: a deep page read 5,000
# offers in order instead of sorting all 20,000 (47 ms to 12). SQLite's planner,
# which sorts the narrow rows of QUEUE_INDEX, does well enough without it, and its
# indexes cannot say where NULL goes.
SCORE_INDEX = Index(
    "ix_offers_queue_score",
    Offer.queue_score.asc().nulls_first(),
    postgresql_where=Offer.submitted_at.is_not(None),
).ddl_if(dialect="postgresql")
# The verdict filter ("rent affordability is red"): the scores with that verdict,
# read from this index alone (the (rule, verdict) one sends each to the table).
VERDICT_INDEX = Index(
    "ix_offer_score_verdicts_rule_verdict_score_id",
    OfferScoreVerdict.rule,
    OfferScoreVerdict.verdict,
    OfferScoreVerdict.score_id,
)


def refresh(offer_ids: Iterable[int] | None = None, organisation_ids: Iterable[int] = ()) -> Update:
    """The statement that sets the queue's keys of `offer_ids` and of every offer
    of `organisation_ids` (offer_ids None: of every offer) from the rows they copy."""
    statement = _refresh_all()
    if offer_ids is None:
        return statement
    offers = cast(Table, Offer.__table__)
    ids, organisation_ids = sorted(set(offer_ids)), sorted(set(organisation_ids))
    return statement.where(
        or_(offers.c.id.in_(ids), offers.c.organisation_id.in_(organisation_ids))
    )


@functools.cache
def _refresh_all() -> Update:
    """Built once: a dozen subqueries take milliseconds to build, and every flush
    that writes a score runs it (issue 16: the scoring burst)."""
    offers = cast(Table, Offer.__table__)
    scores = cast(Table, OfferScore.__table__)
    overrides = cast(Table, ScoreOverride.__table__)
    units = cast(Table, OfferUnitType.__table__)
    organisations = cast(Table, Organisation.__table__)
    newest_scores = scores.alias("newest_scores")
    newest_overrides = overrides.alias("newest_overrides")
    # Newest by id, as the queue always read them.
    score_id = (
        select(func.max(newest_scores.c.id))
        .where(newest_scores.c.offer_id == offers.c.id)
        .scalar_subquery()
    )
    override_id = (
        select(func.max(newest_overrides.c.id))
        .where(newest_overrides.c.offer_id == offers.c.id)
        .scalar_subquery()
    )

    def of_score(column: str) -> ColumnElement[Any]:
        return select(scores.c[column]).where(scores.c.id == score_id).scalar_subquery()

    def of_override(column: str) -> ColumnElement[Any]:
        return select(overrides.c[column]).where(overrides.c.id == override_id).scalar_subquery()

    def of_units(total: ColumnElement[Any]) -> ColumnElement[Any]:
        return select(total).where(units.c.offer_id == offers.c.id).scalar_subquery()

    return update(offers).values(
        queue_score_id=score_id,
        queue_override_id=override_id,
        queue_score=func.coalesce(of_override("score"), of_score("score")),
        queue_band=func.coalesce(of_override("band"), of_score("band")),
        queue_red_flags=of_score("red_flag_count"),
        queue_units=of_units(func.sum(units.c.count)),
        queue_rent_pence=of_units(func.min(units.c.core_rent_pence)),
        queue_organisation=select(organisations.c.name)
        .where(organisations.c.id == offers.c.organisation_id)
        .scalar_subquery(),
        # Not a change to the offer (its onupdate would otherwise stamp it).
        updated_at=offers.c.updated_at,
    )
