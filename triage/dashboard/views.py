"""The supply dashboard's page and its figures as CSV and as an Excel workbook."""

from __future__ import annotations

from collections.abc import Iterator

from flask import Response, render_template

from triage import clock
from triage.auth.access import staff_required
from triage.csv_export import csv_response, xlsx_response
from triage.dashboard import bp, charts
from triage.services import supply
from triage.services.policy import policy_in_force

SERIES = [
    charts.Series("pipeline", "Planned schemes", charts.BLUE),
    charts.Series("approved", "Approved offers", charts.GREEN),
    charts.Series("unmet", "Still unmet", charts.RED),
]


def need_chart(figures: supply.Dashboard) -> charts.Chart:
    totals = figures.totals
    return charts.stacked_bars(
        "need-chart",
        "Forecast need by cohort: planned schemes, approved offers and need still unmet",
        (
            f"One bar per cohort, its length the forecast need, split into units in planned "
            f"schemes, units in approved offers and need still unmet. In all, {totals.forecast} "
            f"units are needed: {totals.pipeline} in planned schemes, {totals.approved} in "
            f"approved offers, {totals.remaining} still unmet. The table that follows gives "
            "every figure."
        ),
        SERIES,
        [
            (
                row.label,
                {"pipeline": row.pipeline, "approved": row.approved, "unmet": row.remaining},
                f"{row.forecast} needed, {row.remaining} unmet",
            )
            for row in figures.cohorts
        ],
    )


def timeline_chart(figures: supply.Dashboard) -> charts.Chart:
    points = figures.timeline.total.points
    last = points[-1] if points else None
    summary = (
        f"{by_when(last.when).capitalize()}, {last.expected} units are expected and "
        f"{last.shortfall} of the {last.need} needed are still unmet."
        if last
        else "No units are expected yet."
    )
    return charts.stacked_bars(
        "timeline-chart",
        "Units expected over time, all cohorts, against the forecast need",
        (
            "One bar per year: the units expected by the end of that year, counted from the "
            f"start, from planned schemes and approved offers, and the need still unmet. "
            f"{summary} The table that follows gives every figure."
        ),
        SERIES,
        [
            (
                by_when(point.when).capitalize(),
                {"pipeline": point.pipeline, "approved": point.approved, "unmet": point.shortfall},
                f"{point.expected} expected, {point.shortfall} short",
            )
            for point in points
        ],
    )


def by_when(when: str) -> str:
    """A timeline column in words: '2026' is 'by the end of 2026'."""
    if when == supply.NO_DATE:
        return "in all, including units with no date given"
    return f"by the end of {when}"


@bp.get("/dashboard")
@staff_required
def dashboard() -> str:
    figures = supply.dashboard(policy_in_force())
    return render_template(
        "views/dashboard/index.html",
        figures=figures,
        now=clock.now(),
        need_chart=need_chart(figures),
        timeline_chart=timeline_chart(figures),
        by_when=by_when,
    )


@bp.get("/dashboard.csv")
@staff_required
def dashboard_csv() -> Response:
    figures = supply.dashboard(policy_in_force())
    return csv_response(csv_rows(figures), f"supply-and-demand-{clock.today_uk():%Y-%m-%d}.csv")


@bp.get("/dashboard.xlsx")
@staff_required
def dashboard_xlsx() -> Response:
    """The same figures as the CSV, as an Excel workbook."""
    figures = supply.dashboard(policy_in_force())
    return xlsx_response(
        csv_rows(figures),
        f"supply-and-demand-{clock.today_uk():%Y-%m-%d}.xlsx",
        "Supply and demand",
    )


def csv_rows(figures: supply.Dashboard) -> Iterator[list[object]]:
    """The page's figures, table by table, a blank row between tables."""
    yield [
        "Cohort code",
        "Cohort",
        "Forecast net need",
        "Planned scheme units",
        "Approved offer units",
        "Units in offers under review",
        "People placed in existing schemes",
        "People waiting now",
        "Remaining unmet need",
    ]
    for row in figures.cohorts:
        yield [
            row.code,
            row.label,
            row.forecast,
            row.pipeline,
            row.approved,
            row.under_review,
            row.housed,
            row.waiting,
            row.remaining,
        ]
    totals = figures.totals
    yield [
        "total",
        "All cohorts",
        totals.forecast,
        totals.pipeline,
        totals.approved,
        totals.under_review,
        totals.housed,
        totals.waiting,
        totals.remaining,
    ]
    yield []
    yield ["Figure", "Units"]
    yield ["Forecast net need", totals.forecast]
    yield [
        "Confirmed schemes in addition to the forecast: "
        + "; ".join(totals.confirmed_outside_forecast),
        totals.confirmed_outside_forecast_units,
    ]
    yield ["Planned scheme units counted against the forecast", totals.pipeline]
    yield ["To be sought from the open market (forecast less planned schemes)", totals.open_market]
    yield ["Units in approved offers", totals.approved]
    yield ["Units in offers under review", totals.under_review]
    yield ["People placed in vacancies of existing schemes", totals.housed]
    yield ["Remaining unmet need now", totals.remaining]
    yield []
    yield ["Stage", "Offers now", "Median days in the stage", "What the time measures"]
    for stage in figures.stages:
        median = "" if stage.median_days is None else round(stage.median_days, 1)
        yield [stage.label, stage.offers, median, stage.measures]
    yield []
    timeline = figures.timeline
    yield [
        "Cohort code",
        "Cohort",
        "Forecast net need",
        *(f"Expected {by_when(when)} (cumulative)" for when in timeline.columns),
        *(f"Unmet {by_when(when)}" for when in timeline.columns),
    ]
    for cohort in [*timeline.cohorts, timeline.total]:
        yield [
            cohort.code,
            cohort.label,
            cohort.need,
            *(point.expected for point in cohort.points),
            *(point.shortfall for point in cohort.points),
        ]
