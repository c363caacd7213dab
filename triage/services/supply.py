"""Supply against demand: the units offers and planned schemes bring to each
cohort of the strategy's forecast, and the figures of the commissioners'
"Supply against demand" dashboard.

Units are counted the way the cohort-need rule counts them (rules/need.py): an
offer aimed at several cohorts has its units shared between them, and planned
schemes fill the cohorts they count against in the policy's order, up to each
cohort's forecast need.
"""

from __future__ import annotations

import re
import statistics
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import func, select
from sqlalchemy.orm import selectinload

from rules.need import CohortPosition, pipeline_by_cohort, positions
from rules.policy_data import Policy
from triage import db
from triage.models import Offer, OfferCohort, OfferUnitType
from triage.models.offers import (
    OFFER_STATUS_LABELS,
    OPEN_STATUSES,
    SUPPLY_STATUSES,
    OfferStatus,
)

SECONDS_A_DAY = 24 * 60 * 60


# --- Units per cohort ----------------------------------------------------------


def split_units(offer: Offer) -> dict[str, int]:
    """An offer's units per cohort: shared between its cohorts as evenly as whole
    units allow, the first cohorts (in code order) taking any unit left over."""
    return _split(offer.total_units, [row.cohort for row in offer.cohorts])


def _split(units: int, codes: list[str]) -> dict[str, int]:
    if not codes:
        return {}
    share, extra = divmod(units, len(codes))
    return {code: share + (1 if index < extra else 0) for index, code in enumerate(codes)}


def offers_in(statuses: Iterable[OfferStatus]) -> list[Offer]:
    """Offers in any of `statuses`, with their unit types and cohorts loaded."""
    return list(
        db.session.scalars(
            select(Offer)
            .where(Offer.status.in_([status.value for status in statuses]))
            .options(selectinload(Offer.unit_types), selectinload(Offer.cohorts))
            .order_by(Offer.id)
        )
    )


def units_per_cohort(offers: Iterable[Offer]) -> dict[str, int]:
    """The offers' units added up per cohort (see split_units)."""
    totals: dict[str, int] = {}
    for offer in offers:
        for code, units in split_units(offer).items():
            totals[code] = totals.get(code, 0) + units
    return totals


def units_by_cohort(statuses: Iterable[OfferStatus]) -> dict[str, int]:
    """Units per cohort in the offers in any of `statuses` (see split_units),
    added up from two small queries rather than loading every offer."""
    wanted = [status.value for status in statuses]
    units = dict(
        db.session.execute(
            select(OfferUnitType.offer_id, func.sum(OfferUnitType.count))
            .join(Offer, Offer.id == OfferUnitType.offer_id)
            .where(Offer.status.in_(wanted))
            .group_by(OfferUnitType.offer_id)
        ).all()
    )
    cohorts: dict[int, list[str]] = {}
    for offer_id, code in db.session.execute(
        select(OfferCohort.offer_id, OfferCohort.cohort)
        .join(Offer, Offer.id == OfferCohort.offer_id)
        .where(Offer.status.in_(wanted))
        .order_by(OfferCohort.offer_id, OfferCohort.cohort)
    ):
        cohorts.setdefault(offer_id, []).append(code)
    totals: dict[str, int] = {}
    for offer_id, codes in cohorts.items():
        for code, share in _split(int(units.get(offer_id) or 0), codes).items():
            totals[code] = totals.get(code, 0) + share
    return totals


# --- Need by cohort ------------------------------------------------------------


@dataclass(frozen=True)
class CohortSupply:
    code: str
    label: str
    forecast: int
    pipeline: int
    approved: int
    under_review: int
    remaining: int


@dataclass(frozen=True)
class Totals:
    forecast: int
    # Planned schemes the forecast does not count on (the 155 confirmed extra care
    # units at Hamelin Road and Tilling Road): their names and units.
    confirmed_outside_forecast: list[str]
    confirmed_outside_forecast_units: int
    pipeline: int
    # The strategy's shortfall to seek from the open market: forecast less pipeline.
    open_market: int
    approved: int
    under_review: int
    remaining: int


def cohort_rows(
    by_cohort: Mapping[str, CohortPosition], under_review: Mapping[str, int]
) -> list[CohortSupply]:
    return [
        CohortSupply(
            code=code,
            label=position.cohort.label,
            forecast=position.forecast,
            pipeline=position.pipeline,
            approved=position.approved,
            under_review=under_review.get(code, 0),
            remaining=position.remaining,
        )
        for code, position in by_cohort.items()
    ]


def totals(policy: Policy, rows: list[CohortSupply]) -> Totals:
    outside = [scheme for scheme in policy.pipeline if not scheme.counts_against]
    forecast = sum(row.forecast for row in rows)
    pipeline = sum(row.pipeline for row in rows)
    return Totals(
        forecast=forecast,
        confirmed_outside_forecast=[scheme.scheme for scheme in outside],
        confirmed_outside_forecast_units=sum(scheme.units for scheme in outside),
        pipeline=pipeline,
        open_market=forecast - pipeline,
        approved=sum(row.approved for row in rows),
        under_review=sum(row.under_review for row in rows),
        remaining=sum(row.remaining for row in rows),
    )


# --- Offers by stage -----------------------------------------------------------

WAITING = "Waiting since submitted"
TO_WITHDRAWN = "From submitted to withdrawn"
TO_DECISION = "From submitted to decision"
NO_TIMING = "No timing yet: no date was recorded for these offers reaching this stage"


@dataclass(frozen=True)
class Stage:
    status: OfferStatus
    label: str
    offers: int
    median_days: float | None
    # What the median measures, or why there is none.
    measures: str


def stages(now: datetime) -> list[Stage]:
    """Submitted offers per status, with the median time each has taken so far.

    Timed from the dates the offer itself holds (submitted, withdrawn, decided):
    offers still open from submission to `now`, withdrawn ones from submission to
    withdrawal, decided ones from submission to the decision where its date was
    recorded. A stage whose offers have no such date has no timing yet. When an
    offer reached the stage it is in now (from the audit trail) is not used yet.
    """
    rows = db.session.execute(
        select(Offer.status, Offer.submitted_at, Offer.withdrawn_at, Offer.decided_at).where(
            Offer.submitted_at.is_not(None)
        )
    ).all()
    result = []
    for status, label in OFFER_STATUS_LABELS.items():
        if status is OfferStatus.DRAFT:
            continue
        here = [row for row in rows if row.status == status]
        if status in OPEN_STATUSES:
            measures = WAITING
            ends = [(row.submitted_at, now) for row in here]
        elif status is OfferStatus.WITHDRAWN:
            measures = TO_WITHDRAWN
            ends = [(row.submitted_at, row.withdrawn_at) for row in here]
        else:
            measures = TO_DECISION
            ends = [(row.submitted_at, row.decided_at) for row in here]
        spans = [(end - start).total_seconds() for start, end in ends if start and end]
        if here and not spans:
            measures = NO_TIMING
        median = statistics.median(spans) / SECONDS_A_DAY if spans else None
        result.append(Stage(status, label, len(here), median, measures))
    return result


# --- When units are expected -----------------------------------------------------

NO_DATE = "Date not given"


def period_year(period: str) -> int | None:
    """The year a pipeline phase's units are expected by: the last year its period
    names ("up to 2022" is 2022, "2022 to 2026" is 2026), or None if it names none."""
    years = re.findall(r"\b(\d{4})\b", period)
    return int(years[-1]) if years else None


def pipeline_by_year(policy: Policy) -> dict[int | None, dict[str, int]]:
    """Pipeline units counted against each cohort, by the year they are expected.

    Which cohort a scheme's units count against is rules.need.pipeline_by_cohort's
    own answer: a scheme's share is what the pipeline up to and including it counts,
    less what the pipeline before it counts.
    """
    by_year: dict[int | None, dict[str, int]] = {}
    before = dict.fromkeys((cohort.code for cohort in policy.cohorts), 0)
    for index, scheme in enumerate(policy.pipeline, start=1):
        counted = pipeline_by_cohort(
            policy.model_copy(update={"pipeline": policy.pipeline[:index]})
        )
        year = by_year.setdefault(period_year(scheme.period), {})
        for code, (units, _without_site) in counted.items():
            if units > before[code]:
                year[code] = year.get(code, 0) + units - before[code]
            before[code] = units
    return by_year


def approved_by_year(offers: Iterable[Offer]) -> dict[int | None, dict[str, int]]:
    """Units in approved offers per cohort, by the year the offer said they are available."""
    by_year: dict[int | None, dict[str, int]] = {}
    for offer in offers:
        year = by_year.setdefault(offer.date_available.year if offer.date_available else None, {})
        for code, units in split_units(offer).items():
            year[code] = year.get(code, 0) + units
    return by_year


@dataclass(frozen=True)
class Point:
    """Units expected by the end of a year (or at all, for "Date not given"),
    counted from the start: planned schemes and approved offers, against the need."""

    when: str
    pipeline: int
    approved: int
    need: int
    shortfall: int

    @property
    def expected(self) -> int:
        return self.pipeline + self.approved


@dataclass(frozen=True)
class CohortTimeline:
    code: str
    label: str
    need: int
    points: list[Point]

    @property
    def still_unmet(self) -> int:
        return self.points[-1].shortfall if self.points else self.need


@dataclass(frozen=True)
class Timeline:
    columns: list[str]  # the years, then "Date not given" if any units have no year
    cohorts: list[CohortTimeline]
    total: CohortTimeline


def timeline(policy: Policy, approved_offers: Iterable[Offer]) -> Timeline:
    pipeline = pipeline_by_year(policy)
    approved = approved_by_year(approved_offers)
    years = sorted(year for year in {*pipeline, *approved} if year is not None)
    keys: list[int | None] = [*years]
    if any(pipeline.get(None, {}).values()) or any(approved.get(None, {}).values()):
        keys.append(None)
    cohorts = []
    for cohort in policy.cohorts:
        points, planned, offered = [], 0, 0
        for key in keys:
            planned += pipeline.get(key, {}).get(cohort.code, 0)
            offered += approved.get(key, {}).get(cohort.code, 0)
            shortfall = max(0, cohort.net_units - planned - offered)
            when = str(key) if key is not None else NO_DATE
            points.append(Point(when, planned, offered, cohort.net_units, shortfall))
        cohorts.append(CohortTimeline(cohort.code, cohort.label, cohort.net_units, points))
    # Totals add up each cohort's shortfall: units beyond one cohort's need do not
    # meet another's.
    total_points = [
        Point(
            when=str(key) if key is not None else NO_DATE,
            pipeline=sum(row.points[index].pipeline for row in cohorts),
            approved=sum(row.points[index].approved for row in cohorts),
            need=sum(row.need for row in cohorts),
            shortfall=sum(row.points[index].shortfall for row in cohorts),
        )
        for index, key in enumerate(keys)
    ]
    need = sum(row.need for row in cohorts)
    columns = [point.when for point in total_points]
    return Timeline(columns, cohorts, CohortTimeline("total", "All cohorts", need, total_points))


# --- The dashboard -----------------------------------------------------------------


@dataclass(frozen=True)
class Dashboard:
    policy_version: str
    cohorts: list[CohortSupply]
    totals: Totals
    stages: list[Stage]
    timeline: Timeline


def dashboard(policy: Policy, now: datetime) -> Dashboard:
    approved_offers = offers_in(SUPPLY_STATUSES)
    by_cohort = positions(policy, units_per_cohort(approved_offers))
    rows = cohort_rows(by_cohort, units_by_cohort(OPEN_STATUSES))
    return Dashboard(
        policy_version=policy.version,
        cohorts=rows,
        totals=totals(policy, rows),
        stages=stages(now),
        timeline=timeline(policy, approved_offers),
    )
