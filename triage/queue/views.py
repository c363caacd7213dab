"""Staff: the offers that have been submitted. The full triage queue (ordering,
filters, decisions) is its own piece of work; this lists and shows offers."""

from __future__ import annotations

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_wtf import FlaskForm
from govuk_frontend_wtf.wtforms_widgets import GovSubmitInput
from sqlalchemy import func, select
from werkzeug.wrappers import Response
from wtforms import SubmitField

from triage import db
from triage.auth.access import roles_required, staff_required
from triage.models import Offer, Organisation
from triage.models.users import Role
from triage.offers import pages
from triage.services import scoring

blueprint = Blueprint("queue", __name__, url_prefix="/queue")

PAGE_SIZE = 50


class RetryScoringForm(FlaskForm):
    submit = SubmitField("Try scoring again", widget=GovSubmitInput())


@blueprint.get("")
@staff_required
def index() -> str:
    # Offers that were submitted, whatever has happened since; a draft deleted
    # before it was submitted (withdrawn, never submitted) is not staff's business.
    submitted = (
        select(Offer, Organisation)
        .join(Organisation, Offer.organisation_id == Organisation.id)
        .where(Offer.submitted_at.is_not(None))
    )
    total = db.session.scalar(select(func.count()).select_from(submitted.subquery())) or 0
    pages_total = max((total + PAGE_SIZE - 1) // PAGE_SIZE, 1)
    # Clamped, so a page number past the end (or past what the database can hold)
    # shows the last page rather than failing.
    page = min(max(request.args.get("page", 1, type=int) or 1, 1), pages_total)
    listed = db.session.execute(
        submitted.order_by(Offer.submitted_at.desc(), Offer.id.desc())
        .limit(PAGE_SIZE)
        .offset((page - 1) * PAGE_SIZE)
    ).all()
    return render_template(
        "views/queue/index.html",
        offers=listed,
        scores=scoring.latest_scores(offer.id for offer, _organisation in listed),
        page=page,
        total=total,
        pages=pages_total,
    )


@blueprint.get("/offers/<int:offer_id>")
@staff_required
def offer(offer_id: int) -> str:
    found = db.session.get(Offer, offer_id)
    if found is None or found.submitted_at is None:
        abort(404)
    return render_template(
        "views/queue/offer.html",
        offer=found,
        organisation=db.session.get(Organisation, found.organisation_id),
        score=scoring.latest_score(found.id),
        retry_form=RetryScoringForm(),
        sections=pages.SECTIONS,
        summary=pages.summary,
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
