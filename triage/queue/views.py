"""Staff: the queue of submitted offers, in the policy's order, narrowed by the
filters in the query string; the same offers as CSV; and retrying a failed score."""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from datetime import datetime
from typing import Any

from flask import abort, flash, redirect, request, url_for
from flask.blueprints import BlueprintSetupState
from werkzeug.wrappers import Response

from triage import clock
from triage.auth.access import acting_user, decider_required, staff_required
from triage.csv_export import csv_response, xlsx_response
from triage.queue import bp, forms
from triage.queue import filters as queue_filters
from triage.queue.pages import cohort_labels as cohort_labels_for
from triage.queue.pages import (
    core_rent_range,
    days_waiting,
    render_queue,
    submitted_or_404,
    unit_summary,
)
from triage.services import queue as queue_service
from triage.services import scoring
from triage.services.policy import policy_in_force

# Offers on a page of the queue.
PAGE_SIZE = queue_service.PAGE_SIZE


@bp.get("")
@staff_required
def index() -> Any:
    return render_queue(request.args, page_size=PAGE_SIZE)


def _export_rows() -> Iterator[Sequence[object]]:
    """Every offer the same filters show, in the same order, not just one page."""
    policy = policy_in_force()
    filters = queue_filters.parse(request.args, policy, queue_service.officers())
    rows = queue_service.every_row(policy, filters)
    cohorts = {cohort.code: cohort.label for cohort in policy.cohorts}
    return csv_rows(rows, clock.now(), policy.queue.target_days, cohorts)


def index_csv() -> Response:
    """GET /queue.csv"""
    return csv_response(_export_rows(), f"submitted-offers-{clock.today_uk():%Y-%m-%d}.csv")


def index_xlsx() -> Response:
    """GET /queue.xlsx: the same rows as the CSV, as an Excel workbook."""
    return xlsx_response(
        _export_rows(), f"submitted-offers-{clock.today_uk():%Y-%m-%d}.xlsx", "Submitted offers"
    )


CSV_HEADINGS = [
    "Reference",
    "Name",
    "Postcode",
    "Organisation",
    "Units",
    "Unit types",
    "Cohorts",
    "Lowest core rent a week (£)",
    "Highest core rent a week (£)",
    "Status",
    "Submitted",
    "Working days waiting",
    "Overdue",
    "Assigned officer",
    "Score",
    "Band",
    "Overridden",
    "Score before override",
    "Band before override",
    "Red flags",
]


def csv_rows(
    rows: Sequence[queue_service.QueueRow],
    now: datetime,
    target_days: int,
    cohort_labels: dict[str, str],
) -> Iterator[Sequence[object]]:
    """The queue's rows as a spreadsheet's: the score and band are the ones the
    queue ranks by (an override's, if there is one), with the scored ones beside."""
    yield CSV_HEADINGS
    for offer, organisation, score, override, assigned_name in rows:
        waiting = days_waiting(offer, now)
        submitted = (
            offer.submitted_at.astimezone(clock.UK).date().isoformat() if offer.submitted_at else ""
        )
        red_flags = [
            rule["title"] for rule in (score.results if score else []) if rule["verdict"] == "red"
        ]
        rents = core_rent_range(offer)
        shown = override if override is not None else score
        yield [
            offer.reference or "",
            offer.name or "",
            # Staff only; a confidential address (issue 13) is marked as one.
            # A dispersed scheme's addresses add their postcodes (issue 13).
            "; ".join(offer.postcodes)
            + (" (confidential address)" if offer.confidential_address else ""),
            organisation.name,
            offer.total_units,
            unit_summary(offer),
            "; ".join(cohort_labels_for(offer, cohort_labels)),
            "" if rents is None else rents[0] / 100,
            "" if rents is None else rents[1] / 100,
            offer.status_label,
            submitted,
            "" if waiting is None else waiting,
            "yes" if waiting is not None and waiting > target_days else "no",
            assigned_name or "",
            "" if shown is None else shown.score,
            "" if shown is None else shown.band,
            "yes" if override is not None else "no",
            "" if override is None or score is None else score.score,
            "" if override is None or score is None else score.band,
            "; ".join(red_flags),
        ]


@bp.record_once
def _register_downloads(state: BlueprintSetupState) -> None:
    # "/queue.csv" sits beside the blueprint's prefix, not under it, so the app
    # holds the rule; the endpoint is named as the blueprint's.
    state.app.add_url_rule(
        f"{bp.url_prefix}.csv",
        "queue.index_csv",
        staff_required(index_csv),
        methods=["GET"],
    )
    state.app.add_url_rule(
        f"{bp.url_prefix}.xlsx",
        "queue.index_xlsx",
        staff_required(index_xlsx),
        methods=["GET"],
    )


@bp.post("/offers/<int:offer_id>/retry-scoring")
@decider_required
def retry_scoring(offer_id: int) -> Response:
    found = submitted_or_404(offer_id)
    form = forms.RetryScoringForm()
    if not form.validate_on_submit():
        abort(400)
    # A page that did not post the version it showed acts on the offer as loaded now.
    seen_version = form.seen_version if form.version.data else found.version
    reference = found.reference
    if scoring.retry_scoring(found, acting_user(), seen_version=seen_version):
        flash(f"{reference} has been sent for scoring again")
    else:
        flash(f"{reference} changed since you opened it: check its score below")
    return redirect(url_for("queue.offer", offer_id=offer_id))
