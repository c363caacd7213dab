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
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, replace
from typing import Any

from sqlalchemy import Select, and_, extract, func, select

from rules.need import CohortPosition, pipeline_by_cohort, positions
from rules.policy_data import Policy
from triage import clock, db
from triage.models import (
    Nomination,
    Offer,
    OfferCohort,
    OfferStageStay,
    PlacementUnit,
    WaitingPerson,
)
from triage.models.offers import (
    OFFER_STATUS_LABELS,
    OPEN_STATUSES,
    SUPPLY_STATUSES,
    OfferStatus,
)
from triage.models.placement import NominationStatus, PersonStatus, UnitSource
from triage.models.supply_cache import sqlite_days_in_stage

SECONDS_A_DAY = 24 * 60 * 60


# --- Units per cohort ----------------------------------------------------------


@dataclass(frozen=True)
class Units:
    """Units in offers of one status for one cohort, available in one year (None:
    no date given), added up."""

    status: str
    cohort: str
    year: int | None
    units: int


def units_by_status(statuses: Iterable[OfferStatus]) -> list[Units]:
    """Units per status, cohort and year available, in the offers in any of
    `statuses`, added up in one query: its rows are per cohort and year, never
    per offer.

    An offer's units are shared between its cohorts as evenly as whole units
    allow, the first cohorts (in code order) taking any unit left over: 9 units
    for two cohorts are 5 and 4. Each cohort's share is stored with it
    (OfferCohort.units_share, set when the offer is submitted: its units never
    change after that), so this only adds them up.
    """
    wanted = [status.value for status in statuses]
    year = extract("year", Offer.date_available)
    rows = db.session.execute(
        select(Offer.status, OfferCohort.cohort, year, func.sum(OfferCohort.units_share))
        .join(Offer, Offer.id == OfferCohort.offer_id)
        .where(Offer.status.in_(wanted), OfferCohort.units_share.is_not(None))
        .group_by(Offer.status, OfferCohort.cohort, year)
    )
    return [
        Units(status, cohort, None if when is None else int(when), int(total or 0))
        for status, cohort, when, total in rows
    ]


def add_up(rows: Iterable[Units], statuses: Iterable[OfferStatus]) -> dict[str, int]:
    """Units per cohort in the rows for any of `statuses`."""
    wanted = {status.value for status in statuses}
    totals: dict[str, int] = {}
    for row in rows:
        if row.status in wanted:
            totals[row.cohort] = totals.get(row.cohort, 0) + row.units
    return totals


def units_by_cohort(statuses: Iterable[OfferStatus]) -> dict[str, int]:
    """Units per cohort in the offers in any of `statuses` (see units_by_status)."""
    wanted = list(statuses)
    return add_up(units_by_status(wanted), wanted)


# --- Need by cohort ------------------------------------------------------------


@dataclass(frozen=True)
class CohortSupply:
    code: str
    label: str
    forecast: int
    pipeline: int
    approved: int
    under_review: int
    # People the placement team housed in vacancies of existing schemes: need met
    # without new supply. (Moves into approved offers' homes are already counted
    # as those offers' units.)
    housed: int
    # People on the waiting list for the cohort now.
    waiting: int
    remaining: int
    # The pipeline as firm (schemes with a firm completion date only) and as
    # expected (each unfirmed scheme at the policy's confidence), and the need
    # left on each (rules/need.py counts them the same way for an offer).
    pipeline_firm: int = 0
    pipeline_expected: int = 0
    remaining_firm: int = 0
    remaining_expected: int = 0


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
    housed: int
    waiting: int
    remaining: int
    # Firm and expected figures beside the strategy's (see CohortSupply): the open
    # market share if only firm schemes are built, and counting unfirmed ones at
    # the policy's confidence.
    pipeline_firm: int = 0
    pipeline_expected: int = 0
    open_market_firm: int = 0
    open_market_expected: int = 0
    remaining_firm: int = 0
    remaining_expected: int = 0


@dataclass(frozen=True)
class Placements:
    housed: dict[str, int]
    waiting: dict[str, int]


def placements_by_cohort() -> Placements:
    """From the placement team's records, per cohort: people who moved in to a
    vacancy in an existing scheme, and people waiting now. One query."""
    housed_in_vacancy = and_(
        Nomination.status == NominationStatus.MOVED_IN,
        PlacementUnit.source == UnitSource.REGISTERED_VACANCY,
    )
    rows = db.session.execute(
        select(
            WaitingPerson.cohort,
            func.count(Nomination.id).filter(housed_in_vacancy),
            func.count(func.distinct(WaitingPerson.id)).filter(
                WaitingPerson.status == PersonStatus.WAITING
            ),
        )
        .outerjoin(Nomination, Nomination.person_id == WaitingPerson.id)
        .outerjoin(PlacementUnit, PlacementUnit.id == Nomination.unit_id)
        .group_by(WaitingPerson.cohort)
    )
    housed: dict[str, int] = {}
    waiting: dict[str, int] = {}
    for cohort, moved_in, waiting_now in rows:
        housed[cohort] = moved_in
        waiting[cohort] = waiting_now
    return Placements(housed, waiting)


def cohort_rows(
    by_cohort: Mapping[str, CohortPosition],
    under_review: Mapping[str, int],
    placements: Placements | None = None,
) -> list[CohortSupply]:
    """One row per cohort. People housed in vacancies reduce need here as in the
    cohort-need rule: `by_cohort` should come from rules.need.positions with
    them (then they are not taken off twice); positions without them have them
    taken off here."""
    placements = placements or Placements({}, {})
    return [_row(code, position, under_review, placements) for code, position in by_cohort.items()]


def _row(
    code: str, position: CohortPosition, under_review: Mapping[str, int], placements: Placements
) -> CohortSupply:
    housed = placements.housed.get(code, 0)
    if position.housed != housed:
        position = replace(position, housed=housed)
    return CohortSupply(
        code=code,
        label=position.cohort.label,
        forecast=position.forecast,
        pipeline=position.pipeline,
        approved=position.approved,
        under_review=under_review.get(code, 0),
        housed=housed,
        waiting=placements.waiting.get(code, 0),
        remaining=position.remaining,
        pipeline_firm=(
            position.pipeline if position.pipeline_firm is None else position.pipeline_firm
        ),
        pipeline_expected=(
            position.pipeline if position.pipeline_expected is None else position.pipeline_expected
        ),
        remaining_firm=position.remaining_firm,
        remaining_expected=position.remaining_expected,
    )


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
        housed=sum(row.housed for row in rows),
        waiting=sum(row.waiting for row in rows),
        remaining=sum(row.remaining for row in rows),
        pipeline_firm=sum(row.pipeline_firm for row in rows),
        pipeline_expected=sum(row.pipeline_expected for row in rows),
        open_market_firm=forecast - sum(row.pipeline_firm for row in rows),
        open_market_expected=forecast - sum(row.pipeline_expected for row in rows),
        remaining_firm=sum(row.remaining_firm for row in rows),
        remaining_expected=sum(row.remaining_expected for row in rows),
    )


# --- Offers by stage -----------------------------------------------------------

# What a stage's median measures, or why there is none.
TIMED = "Offers that have left this stage: {left}"
NOT_LEFT = "Not timed yet: no offer has left this stage"
FINAL = "A final stage: offers stay in it"


@dataclass(frozen=True)
class Stage:
    status: OfferStatus
    label: str
    offers: int  # in the stage now
    median_days: float | None  # of the time offers that left the stage spent in it
    left: int  # how many times an offer left the stage
    # What the median measures, or why there is none.
    measures: str


def median_days_by_stage() -> dict[str, tuple[float, int]]:
    """Per stage: the median days offers spent in it, of the stays that ended, and
    how many ended. Worked out by the database, whatever the number of offers,
    from the stays triage.workflow.perform writes (OfferStageStay: an offer enters
    a stage with each change of its status, submission, scoring, the workflow's
    actions, withdrawal, and leaves it with the next): percentile_cont on
    PostgreSQL, in one query; on SQLite the middle one or two of each stage's
    stays, read from an index that holds them in order."""
    stay = OfferStageStay
    ended = stay.left_at.is_not(None)
    if db.session.get_bind().dialect.name == "postgresql":
        # date_part, not extract: a float, which sorts faster than extract's numeric.
        days = func.date_part("epoch", stay.left_at - stay.entered_at) / SECONDS_A_DAY
        query = (
            select(stay.stage, func.percentile_cont(0.5).within_group(days), func.count())
            .where(ended)
            .group_by(stay.stage)
        )
        return {
            stage: (float(median), int(count))
            for stage, median, count in db.session.execute(query)
            if median is not None
        }
    # SQLite: each stage's ended stays counted, then its middle one or two read at
    # their place in SQLITE_DAYS_INDEX (which holds them in order of their days):
    # a query per stage, each reading a few thousand index entries, instead of
    # sorting every stay (275 ms at 20,000 offers, after each change).
    counts = db.session.execute(
        select(stay.stage, func.count()).where(ended).group_by(stay.stage)
    ).all()
    medians: dict[str, tuple[float, int]] = {}
    for stage, count in counts:
        middle = db.session.scalars(sqlite_middle_stays(stage, count)).all()
        medians[stage] = (float(sum(middle)) / len(middle), int(count))
    return medians


def sqlite_middle_stays(stage: str, ended: int) -> Select[Any]:
    """The days of the middle one (`ended` odd) or two of a stage's `ended` stays
    that ended, in the order SQLITE_DAYS_INDEX holds them."""
    stay = OfferStageStay
    days = sqlite_days_in_stage()
    return (
        select(days)
        .where(stay.stage == stage, stay.left_at.is_not(None))
        .order_by(stay.stage, days)
        .limit(2 - ended % 2)
        .offset((ended - 1) // 2)
    )


@dataclass(frozen=True)
class StatusCount:
    offers: int
    # The sum of their versions: Offer.version is bumped by every change to an
    # offer's row (its status, through triage.workflow.perform, above all).
    versions: int


def offers_by_status() -> dict[str, StatusCount]:
    """Submitted offers per status now, with the sum of their versions: one query."""
    return {
        status: StatusCount(int(count), int(versions or 0))
        for status, count, versions in db.session.execute(
            select(Offer.status, func.count(), func.sum(Offer.version))
            .where(Offer.submitted_at.is_not(None))
            .group_by(Offer.status)
        )
    }


def stages(now_in: Mapping[str, int] | None = None) -> list[Stage]:
    """Submitted offers per status now, with the median time offers spent in each
    stage, from the stays workflow.perform records (see median_days_by_stage): two
    queries."""
    if now_in is None:
        now_in = {status: count.offers for status, count in offers_by_status().items()}
    timed = median_days_by_stage()
    result = []
    for status, label in OFFER_STATUS_LABELS.items():
        if status is OfferStatus.DRAFT:
            continue
        median, left = timed.get(status.value, (None, 0))
        if left:
            measures = TIMED.format(left=left)
        elif status not in OPEN_STATUSES:
            measures = FINAL
        else:
            measures = NOT_LEFT
        result.append(
            Stage(status, label, int(now_in.get(status.value, 0)), median, left, measures)
        )
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


def approved_by_year(rows: Iterable[Units]) -> dict[int | None, dict[str, int]]:
    """Units in approved offers per cohort, by the year the offer said they are available."""
    wanted = {status.value for status in SUPPLY_STATUSES}
    by_year: dict[int | None, dict[str, int]] = {}
    for row in rows:
        if row.status in wanted:
            year = by_year.setdefault(row.year, {})
            year[row.cohort] = year.get(row.cohort, 0) + row.units
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


def timeline(policy: Policy, units: Iterable[Units]) -> Timeline:
    pipeline = pipeline_by_year(policy)
    approved = approved_by_year(units)
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


# The last figures worked out, by what they were worked out from (see dashboard).
_latest: dict[tuple[object, ...], Dashboard] = {}


def placement_changes() -> tuple[int, ...]:
    """What changes whenever the placement figures can: how many waiting-list
    records and nominations there are, and the sums of their versions (each the
    mapper's version_id_col, bumped by every write to the row). One query."""
    row = db.session.execute(
        select(
            select(func.count()).select_from(WaitingPerson).scalar_subquery(),
            select(func.sum(WaitingPerson.version)).scalar_subquery(),
            select(func.count()).select_from(Nomination).scalar_subquery(),
            select(func.sum(Nomination.version)).scalar_subquery(),
        )
    ).one()
    return tuple(int(value or 0) for value in row)


def dashboard(policy: Policy) -> Dashboard:
    """Every figure of the dashboard, in a fixed number of queries however many
    offers there are.

    Every figure comes from submitted offers (their status, units and stays in
    each stage), the placement team's records, the policy and the date. An offer
    changes only through an update of its row, which bumps its version (a change
    of status above all: triage.workflow.perform, the single writer, also writes
    the stays), and its units never change once it is submitted. So while the
    count and sum of versions of the offers in each status, the placement
    records' counts and versions, the policy and the date are unchanged, the
    figures are too, and the last ones are reused: two small queries instead of
    the full set."""
    by_status = offers_by_status()
    key = (
        str(db.session.get_bind().engine.url),
        id(policy),
        policy.version,
        clock.today_uk(),
        tuple(sorted(by_status.items())),
        placement_changes(),
    )
    if (figures := _latest.get(key)) is not None:
        return figures
    now_in = {status: count.offers for status, count in by_status.items()}
    units = units_by_status(SUPPLY_STATUSES | OPEN_STATUSES)
    placements = placements_by_cohort()
    by_cohort = positions(policy, add_up(units, SUPPLY_STATUSES), placements.housed)
    rows = cohort_rows(by_cohort, add_up(units, OPEN_STATUSES), placements)
    figures = Dashboard(
        policy_version=policy.version,
        cohorts=rows,
        totals=totals(policy, rows),
        stages=stages(now_in),
        timeline=timeline(policy, units),
    )
    _latest.clear()
    _latest[key] = figures
    return figures
