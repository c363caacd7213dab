"""Staff: the offers that have been submitted. The full triage queue (ordering,
filters, decisions) is its own piece of work; this lists and shows offers."""

from __future__ import annotations

from datetime import UTC, datetime

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_wtf import FlaskForm
from govuk_frontend_wtf.wtforms_widgets import GovSubmitInput
from sqlalchemy import func, select
from werkzeug.wrappers import Response
from wtforms import SubmitField

from triage import db
from triage.auth.access import roles_required, staff_required
from triage.models import Offer
from triage.models.users import Role
from triage.queue.ordering import queue_query
from triage.services import scoring
from triage.services.policy import policy_in_force

blueprint = Blueprint("queue", __name__, url_prefix="/queue")

PAGE_SIZE = 50


class RetryScoringForm(FlaskForm):
    submit = SubmitField("Try scoring again", widget=GovSubmitInput())


@blueprint.get("")
@staff_required
def index() -> str:
    policy = policy_in_force()
    ordered = queue_query(policy)
    total = db.session.scalar(select(func.count()).select_from(ordered.subquery())) or 0
    pages_total = max((total + PAGE_SIZE - 1) // PAGE_SIZE, 1)
    # Clamped, so a page number past the end (or past what the database can hold)
    # shows the last page rather than failing.
    page = min(max(request.args.get("page", 1, type=int) or 1, 1), pages_total)
    listed = db.session.execute(ordered.limit(PAGE_SIZE).offset((page - 1) * PAGE_SIZE)).all()
    now = datetime.now(UTC)
    return render_template(
        "views/queue/index.html",
        offers=listed,
        waiting_days={
            offer.id: (now - (offer.submitted_at or now)).days for offer, _org, _score in listed
        },
        target_days=policy.queue.target_days,
        page=page,
        total=total,
        pages=pages_total,
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


# The case page, its actions and the dashboard live in their own modules, on this blueprint.
from triage.queue import case, dashboard  # noqa: E402, F401
