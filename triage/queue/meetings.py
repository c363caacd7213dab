"""Commissioners arrange a meeting with an offer's submitter (issue 14): propose
one (or a new time), agree the time the submitter suggested, cancel it, record
its outcome, and download its calendar file. Only commissioners and admins: a
placement officer's case page shows the meeting but none of these."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from flask import Response, abort, flash, redirect, render_template, request, url_for
from flask_wtf import FlaskForm

from triage.auth.access import acting_user, decider_required
from triage.models import Offer
from triage.queue import bp, forms
from triage.queue.pages import render_case, submitted_or_404
from triage.services import meetings
from triage.workflow import Action, StaleOffer, TransitionRefused, allowed

STALE = "This offer changed since you opened it. Check what changed, then try again."


def _page(
    offer: Offer, template: str, form: FlaskForm, problem: str | None = None, status: int = 200
) -> Any:
    return render_template(
        f"views/queue/{template}",
        offer=offer,
        form=form,
        meeting=meetings.current(offer.id),
        meeting_when=meetings.describe,
        meeting_where=meetings.where,
        problem=problem,
        page_error=problem is not None,
    ), status


def _act(
    offer: Offer,
    template: str,
    form: FlaskForm,
    act: Callable[[], object],
    done: str,
    *,
    available: bool,
) -> Any:
    """Run `act` if the form is valid; a refused or stale action saved nothing, and
    the page says why, keeping what was typed. The page itself exists only while
    its action is `available`."""
    if request.method == "GET" and not available:
        abort(404)
    if not form.validate_on_submit():
        return _page(offer, template, form)
    try:
        act()
    except StaleOffer:
        return _page(offer, template, form, STALE, 409)
    except TransitionRefused as refusal:
        return _page(offer, template, form, str(refusal), 409)
    flash(done)
    return redirect(url_for("queue.offer", offer_id=offer.id, _anchor="meeting"))


def _meeting_open(offer: Offer, action: Action) -> bool:
    meeting = meetings.current(offer.id)
    return allowed(offer, action) and meeting is not None and meeting.is_open


@bp.route("/offers/<int:offer_id>/propose-meeting", methods=["GET", "POST"])
@decider_required
def propose_meeting(offer_id: int) -> Any:
    found = submitted_or_404(offer_id)
    form = forms.ProposeMeetingForm(data={"version": found.version})
    return _act(
        found,
        "propose_meeting.html",
        form,
        lambda: meetings.propose(
            found,
            acting_user(),
            seen_version=form.seen_version,
            slot=form.slot,
            place=form.place.data,
            link=form.link.data,
            attendees=form.attendees.data,
            note=form.note.data,
        ),
        "The meeting has been proposed to the submitter",
        available=allowed(found, Action.PROPOSE_MEETING)
        or allowed(found, Action.REPROPOSE_MEETING),
    )


@bp.post("/offers/<int:offer_id>/meeting/accept-suggestion")
@decider_required
def accept_suggested_time(offer_id: int) -> Any:
    found = submitted_or_404(offer_id)
    form = forms.AcceptSuggestionForm()
    if not form.validate_on_submit():
        return render_case(found, 400, problem="The form was not complete: try again")
    try:
        meetings.accept_suggested_time(found, acting_user(), seen_version=form.seen_version)
    except StaleOffer:
        return render_case(found, 409, problem=STALE)
    except TransitionRefused as refusal:
        return render_case(found, 409, problem=str(refusal))
    flash("The meeting is arranged at the time the submitter suggested")
    return redirect(url_for("queue.offer", offer_id=found.id, _anchor="meeting"))


@bp.route("/offers/<int:offer_id>/meeting/cancel", methods=["GET", "POST"])
@decider_required
def cancel_meeting(offer_id: int) -> Any:
    found = submitted_or_404(offer_id)
    form = forms.CancelMeetingForm(data={"version": found.version})
    return _act(
        found,
        "cancel_meeting.html",
        form,
        lambda: meetings.cancel(
            found, acting_user(), seen_version=form.seen_version, reason=form.reason.data
        ),
        "The meeting has been cancelled and the submitter told",
        available=_meeting_open(found, Action.CANCEL_MEETING),
    )


@bp.route("/offers/<int:offer_id>/meeting/outcome", methods=["GET", "POST"])
@decider_required
def meeting_outcome(offer_id: int) -> Any:
    found = submitted_or_404(offer_id)
    form = forms.MeetingOutcomeForm(data={"version": found.version})
    return _act(
        found,
        "meeting_outcome.html",
        form,
        lambda: meetings.record_outcome(
            found,
            acting_user(),
            seen_version=form.seen_version,
            held=form.held.data == "held",
            notes=form.notes.data,
        ),
        "The outcome of the meeting has been recorded",
        available=meetings.outcome_to_record(found),
    )


@bp.get("/offers/<int:offer_id>/meeting.ics")
@decider_required
def meeting_calendar(offer_id: int) -> Response:
    found = submitted_or_404(offer_id)
    meeting = meetings.current(found.id)
    if meeting is None:
        abort(404)
    return Response(
        meetings.calendar_file(meeting, found),
        mimetype="text/calendar",
        headers=meetings.download_headers(found),
    )
