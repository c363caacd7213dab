"""Staff: the queue of submitted offers, in the policy's order, narrowed by the
filters in the query string; the same offers as CSV; and retrying a failed score.
The case page, bulk assignment and the dashboard are modules of their own on
this blueprint (imported at the end)."""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from datetime import UTC, datetime
from typing import Any

from flask import Blueprint, abort, flash, redirect, render_template, request, session, url_for
from flask.blueprints import BlueprintSetupState
from flask_login import current_user
from flask_wtf import FlaskForm
from govuk_frontend_wtf.wtforms_widgets import GovSubmitInput
from sqlalchemy import Select, func, select
from sqlalchemy.orm import aliased
from werkzeug.datastructures import MultiDict
from werkzeug.wrappers import Response
from wtforms import SubmitField

from rules.policy_data import Policy
from triage import db
from triage.auth.access import roles_required, staff_required
from triage.csv_export import csv_response
from triage.models import Offer, User
from triage.models.offers import OPEN_STATUSES, OfferStatus
from triage.models.users import Role
from triage.queue import filters as queue_filters
from triage.queue.filters import Officer, QueueFilters
from triage.queue.ordering import in_queue_order, queue_keys
from triage.services import scoring
from triage.services.policy import policy_in_force
from triage.template_helpers import UK
from triage.workflow import Action, allowed

blueprint = Blueprint("queue", __name__, url_prefix="/queue")

PAGE_SIZE = 50
DECIDERS = (Role.COMMISSIONER, Role.ADMIN)
# Where bulk assignment leaves what it could not do, for the queue page to show.
SKIPPED_KEY = "queue_assign_skipped"

Assignee = aliased(User, name="assignee")


class RetryScoringForm(FlaskForm):
    submit = SubmitField("Try scoring again", widget=GovSubmitInput())


def officers() -> list[Officer]:
    """Everyone who can be assigned an offer (commissioners and administrators), in
    one query; accounts since closed too, as offers may still be assigned to them."""
    rows = db.session.execute(
        select(User.id, User.full_name, User.is_active)
        .where(User.role.in_([role.value for role in DECIDERS]))
        .order_by(User.full_name, User.id)
    )
    return [Officer(row.id, row.full_name, row.is_active) for row in rows]


def filtered_queue(
    policy: Policy, filters: QueueFilters, *, limit: int | None = None, offset: int = 0
) -> Select[Any]:
    """Rows of (offer, organisation, newest score or None, assigned officer's name
    or None), filtered, in queue order (with `limit`, one page): one query however
    many rows."""
    return (
        in_queue_order(
            policy, queue_filters.apply(queue_keys(), filters), limit=limit, offset=offset
        )
        .outerjoin(Assignee, Assignee.id == Offer.assigned_to_id)
        .add_columns(Assignee.full_name.label("assigned_name"))
    )


def count_filtered(filters: QueueFilters) -> int:
    """How many submitted offers pass the filters."""
    keys = queue_filters.apply(queue_keys(), filters).subquery()
    return db.session.scalar(select(func.count()).select_from(keys)) or 0


def days_waiting(offer: Offer, now: datetime) -> int | None:
    """Whole days since it was submitted, while it waits for a decision."""
    if offer.submitted_at is None or OfferStatus(offer.status) not in OPEN_STATUSES:
        return None
    return (now - offer.submitted_at).days


@blueprint.get("")
@staff_required
def index() -> Any:
    return render_queue(request.args)


def render_queue(
    args: MultiDict[str, str],
    *,
    bulk_form: FlaskForm | None = None,
    selected: Sequence[int] = (),
) -> Any:
    policy = policy_in_force()
    people = officers()
    filters = queue_filters.parse(args, policy, people)
    total = count_filtered(filters)
    pages_total = max((total + PAGE_SIZE - 1) // PAGE_SIZE, 1)
    # Clamped, so a page number past the end (or past what the database can hold)
    # shows the last page rather than failing.
    page = min(max(args.get("page", 1, type=int) or 1, 1), pages_total)
    listed = db.session.execute(
        filtered_queue(policy, filters, limit=PAGE_SIZE, offset=(page - 1) * PAGE_SIZE)
    ).all()
    now = datetime.now(UTC)
    can_assign = current_user.has_role(*DECIDERS)
    if can_assign and bulk_form is None:
        from triage.queue.bulk import BulkAssignForm

        bulk_form = BulkAssignForm(officers=[person for person in people if person.active])
    kept = filters.query_args()
    return render_template(
        "views/queue/index.html",
        offers=listed,
        waiting_days={row[0].id: days_waiting(row[0], now) for row in listed},
        target_days=policy.queue.target_days,
        page=page,
        total=total,
        pages=pages_total,
        filters=filters,
        page_url=lambda number: url_for("queue.index", **kept, page=number),
        csv_url=url_for("queue.index_csv", **kept),
        return_to=url_for("queue.index", **kept, page=page),
        status_items=queue_filters.status_items(filters),
        cohort_items=queue_filters.cohort_items(filters, policy),
        configuration_items=queue_filters.configuration_items(filters),
        rule_items=queue_filters.rule_items(filters),
        verdict_items=queue_filters.verdict_items(filters),
        officer_items=queue_filters.officer_items(filters, people),
        can_assign=can_assign,
        assignable={row[0].id for row in listed if allowed(row[0], Action.ASSIGN)},
        selected=set(selected),
        bulk_form=bulk_form,
        skipped=_skipped_report() if bulk_form is not None and not bulk_form.errors else [],
        # The bulk form's errors drive the error summary (base.html) and the title.
        form=bulk_form if bulk_form is not None and bulk_form.errors else None,
        page_error=bool(filters.errors),
    )


def _skipped_report() -> list[tuple[Offer | None, int, str]]:
    """What bulk assignment left undone, once: each offer (None if not found), its
    id and why."""
    stored = session.pop(SKIPPED_KEY, None)
    skipped = [
        (item[0], str(item[1]))
        for item in (stored if isinstance(stored, list) else [])
        if isinstance(item, list) and len(item) == 2 and isinstance(item[0], int)
    ]
    if not skipped:
        return []
    found = {
        offer.id: offer
        for offer in db.session.scalars(
            select(Offer).where(
                Offer.id.in_([offer_id for offer_id, _reason in skipped]),
                Offer.submitted_at.is_not(None),
            )
        )
    }
    return [(found.get(offer_id), offer_id, reason) for offer_id, reason in skipped]


def index_csv() -> Response:
    """GET /queue.csv: every offer the same filters show, not just one page."""
    policy = policy_in_force()
    filters = queue_filters.parse(request.args, policy, officers())
    rows = db.session.execute(filtered_queue(policy, filters)).all()
    now = datetime.now(UTC)
    return csv_response(
        csv_rows(rows, now, policy.queue.target_days), f"submitted-offers-{now:%Y-%m-%d}.csv"
    )


CSV_HEADINGS = [
    "Reference",
    "Name",
    "Postcode",
    "Organisation",
    "Status",
    "Submitted",
    "Days waiting",
    "Overdue",
    "Assigned officer",
    "Score",
    "Band",
    "Red flags",
]


def csv_rows(rows: Sequence[Any], now: datetime, target_days: int) -> Iterator[Sequence[object]]:
    yield CSV_HEADINGS
    for offer, organisation, score, assigned_name in rows:
        waiting = days_waiting(offer, now)
        submitted = (
            offer.submitted_at.astimezone(UK).date().isoformat() if offer.submitted_at else ""
        )
        red_flags = [
            rule["title"] for rule in (score.results if score else []) if rule["verdict"] == "red"
        ]
        yield [
            offer.reference or "",
            offer.name or "",
            offer.postcode or "",
            organisation.name,
            offer.status_label,
            submitted,
            "" if waiting is None else waiting,
            "yes" if waiting is not None and waiting > target_days else "no",
            assigned_name or "",
            "" if score is None else score.score,
            "" if score is None else score.band,
            "; ".join(red_flags),
        ]


@blueprint.record_once
def _register_csv(state: BlueprintSetupState) -> None:
    # "/queue.csv" sits beside the blueprint's prefix, not under it, so the app
    # holds the rule; the endpoint is named as the blueprint's.
    state.app.add_url_rule(
        f"{blueprint.url_prefix}.csv",
        "queue.index_csv",
        staff_required(index_csv),
        methods=["GET"],
    )


@blueprint.post("/offers/<int:offer_id>/retry-scoring")
@roles_required(Role.COMMISSIONER, Role.ADMIN)
def retry_scoring(offer_id: int) -> Response:
    found = db.session.get(Offer, offer_id)
    if found is None or found.submitted_at is None:
        abort(404)
    if not RetryScoringForm().validate_on_submit():
        abort(400)
    if scoring.retry_scoring(found.id):
        flash(f"{found.reference} has been sent for scoring again")
    return redirect(url_for("queue.offer", offer_id=found.id))


# The case page, its actions, bulk assignment and the dashboard live in their own
# modules, on this blueprint.
from triage.queue import bulk, case, dashboard  # noqa: E402, F401
