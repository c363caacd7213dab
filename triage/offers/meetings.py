"""The submitter's side of a meeting with the council (issue 14): accept the
meeting proposed, or suggest another time, and download its calendar file. Only
for the submitter's organisation's offers (another's is a 404, recorded)."""

from __future__ import annotations

from typing import Any

from flask import Response, abort, flash, redirect, render_template, request, url_for
from werkzeug.wrappers import Response as BaseResponse

# The module, not its names: it imports this package's forms (GovDateField).
from triage import meeting_forms
from triage.auth.access import acting_user, submitter_required
from triage.models import Meeting, Offer
from triage.models.meetings import MeetingStatus
from triage.offers import bp, forms
from triage.offers.owned import own_offer
from triage.services import meetings
from triage.workflow import StaleOffer, TransitionRefused

CHANGED = (
    "The meeting changed since you opened this page, so your answer was not sent. "
    "Check the meeting on your offer’s page and answer again."
)


def _waiting_meeting(offer: Offer) -> Meeting | None:
    """The meeting waiting for the submitter's answer, if there is one."""
    meeting = meetings.current(offer.id)
    if meeting is None or meeting.status != MeetingStatus.PROPOSED:
        return None
    return meeting


def _back(offer: Offer) -> BaseResponse:
    return redirect(url_for("offers.view", offer_id=offer.id, _anchor="meeting"))


@bp.post("/<int:offer_id>/meeting/accept")
@submitter_required
def accept_meeting(offer_id: int) -> Any:
    offer = own_offer(offer_id)
    form = forms.AcceptMeetingForm()
    if not form.validate_on_submit():
        abort(400)
    try:
        version = int(form.version.data or -1)
        meetings.accept(offer, acting_user(), seen_version=version)
    except (StaleOffer, TransitionRefused, ValueError):
        flash(CHANGED)
        return _back(offer)
    flash("You have accepted the meeting. We have emailed you a calendar file for it")
    return _back(offer)


@bp.route("/<int:offer_id>/meeting/another-time", methods=["GET", "POST"])
@submitter_required
def suggest_meeting_time(offer_id: int) -> Any:
    offer = own_offer(offer_id)
    meeting = _waiting_meeting(offer)
    if meeting is None and request.method == "GET":
        abort(404)
    form = meeting_forms.SuggestTimeForm(data={"version": offer.version})
    problem = None
    if form.validate_on_submit():
        try:
            meetings.suggest_another_time(
                offer,
                acting_user(),
                seen_version=form.seen_version,
                slot=form.slot,
                message=form.message.data,
            )
        except (StaleOffer, TransitionRefused):
            problem = CHANGED
        else:
            flash("Your suggested time has been sent to the council")
            return _back(offer)
    return render_template(
        "views/offers/suggest_meeting_time.html",
        offer=offer,
        meeting=meetings.current(offer.id),
        meeting_when=meetings.describe,
        form=form,
        problem=problem,
        page_error=problem is not None,
    ), (409 if problem else 200)


@bp.get("/<int:offer_id>/meeting.ics")
@submitter_required
def meeting_calendar(offer_id: int) -> Response:
    offer = own_offer(offer_id)
    meeting = meetings.current(offer.id)
    if meeting is None:
        abort(404)
    return Response(
        meetings.calendar_file(meeting, offer, acting_user()),
        mimetype="text/calendar",
        headers=meetings.download_headers(offer),
    )
