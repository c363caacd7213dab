"""The offer case page and the commissioners' actions on it."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from flask import flash, redirect, url_for
from flask_wtf import FlaskForm

from triage.auth.access import acting_user, decider_required, staff_required
from triage.models import Offer
from triage.queue import bp, forms
from triage.queue.pages import assignable_officers, band_choices, render_case, submitted_or_404
from triage.services import decisions
from triage.services import queue as queue_service
from triage.workflow import StaleOffer, TransitionRefused

STALE = "This offer changed since you opened it. Check what changed below, then try again."


@bp.get("/offers/<int:offer_id>")
@staff_required
def offer(offer_id: int) -> Any:
    return render_case(submitted_or_404(offer_id))


def _act(
    offer: Offer, form_name: str, form: FlaskForm, act: Callable[[], object], done: str
) -> Any:
    """Run `act` (a service action) if the form is valid, and say what happened.
    A refused or stale action was rolled back by its unit of work, so the page
    shows the offer as it now is."""
    if not form.validate_on_submit():
        return render_case(offer, 200, **{form_name: form})
    try:
        act()
    except StaleOffer:
        return render_case(offer, 409, problem=STALE)
    except TransitionRefused as refusal:
        return render_case(offer, 409, problem=str(refusal))
    flash(done)
    return redirect(url_for("queue.offer", offer_id=offer.id))


@bp.post("/offers/<int:offer_id>/assign")
@decider_required
def assign(offer_id: int) -> Any:
    found = submitted_or_404(offer_id)
    form = forms.AssignForm(officers=assignable_officers())
    chosen = form.officer.data or ""
    # ASCII digits and a length an id can have: "²" is a digit to isdigit() alone.
    wellformed = chosen.isascii() and chosen.isdigit() and len(chosen) < 10
    officer = queue_service.officer(int(chosen)) if wellformed else None

    def act() -> object:
        if officer is None:
            raise TransitionRefused("Choose an officer from the list")
        return decisions.assign(found, officer, acting_user(), seen_version=form.seen_version)

    return _act(found, "assign_form", form, act, f"{found.reference} is assigned")


@bp.post("/offers/<int:offer_id>/request-information")
@decider_required
def request_information(offer_id: int) -> Any:
    found = submitted_or_404(offer_id)
    form = forms.RequestInformationForm()
    return _act(
        found,
        "request_form",
        form,
        lambda: decisions.request_information(
            found, acting_user(), seen_version=form.seen_version, question=form.question.data
        ),
        "Your request has been sent to the submitter",
    )


@bp.post("/offers/<int:offer_id>/decide")
@decider_required
def decide(offer_id: int) -> Any:
    found = submitted_or_404(offer_id)
    form = forms.DecisionForm()

    def act() -> object:
        user, seen, reasons = acting_user(), form.seen_version, form.reasons.data
        if form.decision.data == "approve":
            return decisions.approve(found, user, seen_version=seen, reasons=reasons)
        if form.decision.data == "decline":
            return decisions.decline(
                found, user, seen_version=seen, concerns=form.named_concerns(), reasons=reasons
            )
        return decisions.progress_to_feasibility(found, user, seen_version=seen, reasons=reasons)

    return _act(found, "decision_form", form, act, "The decision has been recorded")


@bp.post("/offers/<int:offer_id>/override")
@decider_required
def override(offer_id: int) -> Any:
    found = submitted_or_404(offer_id)
    form = forms.OverrideForm(bands=band_choices())

    def act() -> object:
        try:
            return decisions.override_score(
                found,
                acting_user(),
                score=form.score.data,
                band=form.band.data,
                justification=form.justification.data,
            )
        except decisions.OverrideRefused as error:
            raise TransitionRefused(str(error)) from error

    return _act(found, "override_form", form, act, "The score has been overridden")
