"""The offer case page and the commissioners' actions on it."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from flask import abort, flash, redirect, render_template, url_for
from flask_login import current_user
from flask_wtf import FlaskForm
from sqlalchemy import select

from triage import db
from triage.auth.access import roles_required, staff_required
from triage.models import AuditEvent, Offer, OfferMessage, Organisation, User
from triage.models.users import Role
from triage.offers import pages
from triage.queue import forms
from triage.queue.views import RetryScoringForm, blueprint
from triage.services import decisions, scoring
from triage.services.policy import policy_in_force
from triage.workflow import (
    DECLINE_CONCERN_LABELS,
    Action,
    DeclineConcern,
    StaleOffer,
    TransitionRefused,
    actions_for,
)

deciders = roles_required(Role.COMMISSIONER, Role.ADMIN)


def _submitted(offer_id: int) -> Offer:
    found = db.session.get(Offer, offer_id)
    if found is None or found.submitted_at is None:
        abort(404)
    return found


def _officers() -> list[tuple[str, str]]:
    people = db.session.scalars(
        select(User)
        .where(User.role.in_([Role.COMMISSIONER.value, Role.ADMIN.value]), User.is_active)
        .order_by(User.full_name)
    )
    return [(str(person.id), person.full_name) for person in people]


def _forms(offer: Offer) -> dict[str, FlaskForm]:
    version = {"version": offer.version}
    bands = [(band.name, f"{band.name}: {band.label}") for band in policy_in_force().scoring.bands]
    return {
        "assign_form": forms.AssignForm(data=version, officers=_officers()),
        "request_form": forms.RequestInformationForm(data=version),
        "meeting_form": forms.ProposeMeetingForm(data=version),
        "decision_form": forms.DecisionForm(data=version),
        "override_form": forms.OverrideForm(bands=bands),
    }


def render_case(
    offer: Offer, status: int = 200, problem: str | None = None, **replaced: FlaskForm
) -> Any:
    events = db.session.scalars(
        select(AuditEvent)
        .where(AuditEvent.offer_id == offer.id)
        .order_by(AuditEvent.at, AuditEvent.id)
    ).all()
    messages = db.session.scalars(
        select(OfferMessage)
        .where(OfferMessage.offer_id == offer.id)
        .order_by(OfferMessage.created_at)
    ).all()
    people = {
        user.id: user.full_name
        for user in db.session.scalars(
            select(User).where(
                User.id.in_(
                    {event.actor_id for event in events}
                    | {m.author_id for m in messages}
                    | {offer.assigned_to_id or 0}
                )
            )
        )
    }
    context = {
        "offer": offer,
        "organisation": db.session.get(Organisation, offer.organisation_id),
        "score": scoring.latest_score(offer.id),
        "override": decisions.current_override(offer.id),
        "retry_form": RetryScoringForm(),
        "sections": pages.SECTIONS,
        "summary": pages.summary,
        "events": events,
        "messages": messages,
        "people": people,
        "allowed": set(actions_for(offer)),
        "Action": Action,
        "problem": problem,
        "concern_labels": DECLINE_CONCERN_LABELS,
        **_forms(offer),
        **notes.case_context(offer),
        **replaced,
        # The form that came back with errors drives the page's error summary and title.
        "form": next(iter(replaced.values()), None),
        "page_error": problem is not None,
    }
    return render_template("views/queue/offer.html", **context), status


@blueprint.get("/offers/<int:offer_id>")
@staff_required
def offer(offer_id: int) -> Any:
    return render_case(_submitted(offer_id))


def _act(
    offer: Offer, form_name: str, form: FlaskForm, act: Callable[[], object], done: str
) -> Any:
    if not form.validate_on_submit():
        return render_case(offer, 200, **{form_name: form})
    try:
        act()
    except StaleOffer:
        db.session.rollback()
        db.session.expire_all()
        return render_case(
            offer,
            409,
            problem="This offer changed since you opened it. Check what changed below, then try again.",
        )
    except TransitionRefused as refusal:
        db.session.rollback()
        return render_case(offer, 409, problem=str(refusal))
    flash(done)
    return redirect(url_for("queue.offer", offer_id=offer.id))


@blueprint.post("/offers/<int:offer_id>/assign")
@deciders
def assign(offer_id: int) -> Any:
    found = _submitted(offer_id)
    form = forms.AssignForm(officers=_officers())
    officer = (
        db.session.get(User, int(form.officer.data))
        if (form.officer.data or "").isdigit()
        else None
    )

    def act() -> object:
        if officer is None:
            raise TransitionRefused("Choose an officer from the list")
        return decisions.assign(found, officer, current_user.user, seen_version=form.seen_version)

    return _act(found, "assign_form", form, act, f"{found.reference} is assigned")


@blueprint.post("/offers/<int:offer_id>/request-information")
@deciders
def request_information(offer_id: int) -> Any:
    found = _submitted(offer_id)
    form = forms.RequestInformationForm()
    return _act(
        found,
        "request_form",
        form,
        lambda: decisions.request_information(
            found, current_user.user, seen_version=form.seen_version, question=form.question.data
        ),
        "Your request has been sent to the submitter",
    )


@blueprint.post("/offers/<int:offer_id>/propose-meeting")
@deciders
def propose_meeting(offer_id: int) -> Any:
    found = _submitted(offer_id)
    form = forms.ProposeMeetingForm()
    return _act(
        found,
        "meeting_form",
        form,
        lambda: decisions.propose_meeting(
            found, current_user.user, seen_version=form.seen_version, note=form.note.data
        ),
        "The meeting has been proposed to the submitter",
    )


@blueprint.post("/offers/<int:offer_id>/decide")
@deciders
def decide(offer_id: int) -> Any:
    found = _submitted(offer_id)
    form = forms.DecisionForm()

    def act() -> object:
        user, seen, reasons = current_user.user, form.seen_version, form.reasons.data
        if form.decision.data == "approve":
            return decisions.approve(found, user, seen_version=seen, reasons=reasons)
        if form.decision.data == "decline":
            concern = DeclineConcern(form.concern.data)
            return decisions.decline(
                found, user, seen_version=seen, concern=concern, reasons=reasons
            )
        return decisions.progress_to_feasibility(found, user, seen_version=seen, reasons=reasons)

    return _act(found, "decision_form", form, act, "The decision has been recorded")


@blueprint.post("/offers/<int:offer_id>/override")
@deciders
def override(offer_id: int) -> Any:
    found = _submitted(offer_id)
    bands = [(band.name, band.name) for band in policy_in_force().scoring.bands]
    form = forms.OverrideForm(bands=bands)

    def act() -> object:
        try:
            return decisions.override_score(
                found,
                current_user.user,
                score=form.score.data,
                band=form.band.data,
                justification=form.justification.data,
            )
        except ValueError as error:
            raise TransitionRefused(str(error)) from error

    return _act(found, "override_form", form, act, "The score has been overridden")


# Internal notes and flags: their routes, on this blueprint, and their part of the page.
from triage.queue import notes  # noqa: E402
