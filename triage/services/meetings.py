"""Meeting the council (issue 14): a commissioner proposes a meeting, the
submitter accepts it or suggests another time, the commissioner proposes again
or agrees the suggested time, and records the outcome afterwards.

Each step is one unit of work: the offer's workflow action (its audit event, held
to the version its author saw), the meeting's row, and the email with the
meeting's calendar file, saved together or not at all. The offer stays "meeting
proposed" while the meeting is arranged; cancelling it or recording its outcome
returns the offer to the review, which goes on through the usual actions.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import UTC, date, datetime, time

from flask import render_template
from sqlalchemy import select, update

from triage import clock, db
from triage.calendar_file import CONTENT_TYPE, Event, Method, calendar
from triage.db import transactional
from triage.models import Meeting, Offer, User
from triage.models.meetings import OPEN_MEETING_STATUSES, MeetingStatus
from triage.models.notes import NotificationKind
from triage.models.offers import OPEN_STATUSES, OfferStatus
from triage.services import emails, notifications
from triage.services.audit import record
from triage.template_helpers import council_identity
from triage.workflow import Action, StaleOffer, TransitionRefused, allowed, perform
from triage.working_days import add_working_days, is_working_day

# Working days the submitter has to answer a proposal (and the council a suggestion),
# unless the meeting is sooner: then the working day before it.
ANSWER_WITHIN_DAYS = 5
CALENDAR_FILENAME = "meeting.ics"


@dataclass(frozen=True)
class Slot:
    """When a meeting starts and ends (aware datetimes, stored in UTC)."""

    starts_at: datetime
    ends_at: datetime

    @classmethod
    def from_uk(cls, day: date, start: time, end: time) -> Slot:
        """A meeting on a UK calendar day, between two UK wall-clock times."""
        return cls(
            datetime.combine(day, start, tzinfo=clock.UK).astimezone(UTC),
            datetime.combine(day, end, tzinfo=clock.UK).astimezone(UTC),
        )


def _clock_time(moment: datetime) -> str:
    local = moment.astimezone(clock.UK)
    text = f"{local:%-I:%M%p}".replace(":00", "").replace("AM", "am").replace("PM", "pm")
    return "midday" if text == "12pm" else text


def describe(starts_at: datetime, ends_at: datetime) -> str:
    """ "Thursday 10 December 2026, 10am to 11:30am" (UK time)."""
    local = starts_at.astimezone(clock.UK)
    return (
        f"{local:%A} {local.day} {local:%B %Y}, {_clock_time(starts_at)} to {_clock_time(ends_at)}"
    )


def where(meeting: Meeting) -> str:
    if meeting.place and meeting.link:
        return f"{meeting.place}, or by video: {meeting.link}"
    return meeting.place or f"By video: {meeting.link}"


def current(offer_id: int) -> Meeting | None:
    """The offer's latest meeting, whatever its state."""
    return db.session.scalar(
        select(Meeting).where(Meeting.offer_id == offer_id).order_by(Meeting.id.desc()).limit(1)
    )


def meetings_of(offer_id: int) -> list[Meeting]:
    return list(
        db.session.scalars(
            select(Meeting).where(Meeting.offer_id == offer_id).order_by(Meeting.id.desc())
        )
    )


def answer_by(meeting_starts: datetime, today: date | None = None) -> date:
    """The day an answer is due: within ANSWER_WITHIN_DAYS working days, or by the
    working day before the meeting if that is sooner (never before today)."""
    today = today or clock.today_uk()
    due = add_working_days(today, ANSWER_WITHIN_DAYS)
    day_before = meeting_starts.astimezone(clock.UK).date()
    while day_before > today:
        day_before = date.fromordinal(day_before.toordinal() - 1)
        if is_working_day(day_before):
            break
    return max(today, min(due, day_before))


def _open_meeting(offer: Offer) -> Meeting:
    meeting = current(offer.id)
    if meeting is None or not meeting.is_open:
        raise TransitionRefused("There is no meeting being arranged for this offer")
    return meeting


def _submitter(offer: Offer) -> User | None:
    return db.session.get(User, offer.submitted_by_id) if offer.submitted_by_id else None


def calendar_file(meeting: Meeting, offer: Offer, attendee: User | None = None) -> bytes:
    """The meeting's calendar file as it now stands: an invitation (or its update),
    or its cancellation."""
    council = council_identity()
    description = [
        f"Meeting with {council.name} about offer {offer.reference} ({offer.name}).",
        f"Who will attend: {meeting.attendees}",
    ]
    if meeting.note:
        description.append(meeting.note)
    event = Event(
        uid=meeting.uid,
        sequence=meeting.sequence,
        starts_at=meeting.starts_at,
        ends_at=meeting.ends_at,
        summary=f"Meeting with {council.name} about offer {offer.reference}",
        description="\n\n".join(description),
        organizer_name=council.team,
        organizer_email=council.email,
        stamp=meeting.updated_at,
        location=meeting.place or meeting.link,
        url=meeting.link,
        confirmed=meeting.status in (MeetingStatus.ACCEPTED, MeetingStatus.HELD),
    )
    method = Method.CANCEL if meeting.status == MeetingStatus.CANCELLED else Method.REQUEST
    return calendar(
        event,
        method,
        attendee=(attendee.full_name, attendee.email) if attendee is not None else None,
    )


def download_headers(offer: Offer) -> dict[str, str]:
    """For the calendar file offered on the submitter's page and the case page."""
    return {
        "Content-Disposition": f'attachment; filename="meeting-{offer.reference or offer.id}.ics"',
        "Cache-Control": "no-store",
    }


def _email(offer: Offer, meeting: Meeting, event: str, subject: str, **context: object) -> None:
    """Email the submitter about the meeting, with its calendar file as it now is."""
    submitter = _submitter(offer)
    if submitter is None:
        return
    body = render_template(
        "emails/meeting.txt",
        offer=offer,
        user=submitter,
        meeting=meeting,
        when=describe(meeting.starts_at, meeting.ends_at),
        where=where(meeting),
        event=event,
        **context,
    )
    emails.add_email(
        f"offer-{offer.id}-meeting-{meeting.id}-{meeting.sequence}-{event}",
        submitter.email,
        subject,
        body,
        emails.Attachment(
            CALENDAR_FILENAME, CONTENT_TYPE, calendar_file(meeting, offer, submitter)
        ),
    )


def _tell_officer(offer: Offer, meeting: Meeting, summary: str) -> None:
    """The submitter answered: the offer's officer is told, or whoever proposed it."""
    officer = db.session.get(User, offer.assigned_to_id or meeting.proposed_by_id)
    if officer is not None:
        notifications.notify(
            officer,
            offer,
            NotificationKind.MEETING_ANSWERED,
            f"{summary} ({offer.reference})",
            f"The submitter answered the meeting proposed about offer {offer.reference}",
        )


def _changed(meeting: Meeting, status: MeetingStatus) -> None:
    meeting.status = status
    meeting.sequence += 1
    meeting.updated_at = clock.now()


@transactional
def propose(
    offer: Offer,
    actor: User,
    *,
    seen_version: int,
    slot: Slot,
    place: str | None,
    link: str | None,
    attendees: str,
    note: str | None = None,
) -> Meeting:
    """Propose a meeting; if one is being arranged already, this proposal replaces
    it (the same meeting, moved: its calendar entry moves too)."""
    summary = f"{describe(slot.starts_at, slot.ends_at)}, {place or 'by video'}"
    again = OfferStatus(offer.status) is OfferStatus.MEETING_PROPOSED
    perform(
        offer,
        Action.REPROPOSE_MEETING if again else Action.PROPOSE_MEETING,
        actor,
        seen_version=seen_version,
        detail=summary,
    )
    meeting = current(offer.id) if again else None
    if meeting is not None and meeting.is_open:
        _changed(meeting, MeetingStatus.PROPOSED)
    else:
        # A first meeting; or one proposed before meetings had a time and place (a
        # note only): it has no row, so this proposal makes one.
        meeting = Meeting(offer_id=offer.id, uid=f"{uuid.uuid4()}@offer-triage", sequence=0)
        db.session.add(meeting)
    meeting.proposed_by_id = actor.id
    meeting.starts_at, meeting.ends_at = slot.starts_at, slot.ends_at
    meeting.place, meeting.link = place or None, link or None
    meeting.attendees, meeting.note = attendees, note or None
    meeting.suggested_starts_at = meeting.suggested_ends_at = meeting.suggestion = None
    meeting.status = MeetingStatus.PROPOSED
    meeting.updated_at = clock.now()
    db.session.flush()
    _email(
        offer,
        meeting,
        "proposed",
        f"The council has proposed a new time to meet about your offer {offer.reference}"
        if again
        else f"The council would like to meet about your offer {offer.reference}",
        answer_by=answer_by(meeting.starts_at),
        again=again,
    )
    return meeting


@transactional
def accept(offer: Offer, submitter: User, *, seen_version: int) -> Meeting:
    """The submitter accepts the meeting the council proposed."""
    meeting = _open_meeting(offer)
    if meeting.status != MeetingStatus.PROPOSED:
        raise TransitionRefused("The meeting is waiting for the council, not for you")
    perform(
        offer,
        Action.ACCEPT_MEETING,
        submitter,
        seen_version=seen_version,
        detail=describe(meeting.starts_at, meeting.ends_at),
    )
    _changed(meeting, MeetingStatus.ACCEPTED)
    _email(
        offer,
        meeting,
        "accepted",
        f"Your meeting with the council about offer {offer.reference} is arranged",
    )
    _tell_officer(offer, meeting, "The submitter accepted the meeting")
    return meeting


@transactional
def suggest_another_time(
    offer: Offer, submitter: User, *, seen_version: int, slot: Slot, message: str
) -> Meeting:
    meeting = _open_meeting(offer)
    if meeting.status != MeetingStatus.PROPOSED:
        raise TransitionRefused("The meeting is waiting for the council, not for you")
    perform(
        offer,
        Action.SUGGEST_MEETING_TIME,
        submitter,
        seen_version=seen_version,
        detail=describe(slot.starts_at, slot.ends_at),
    )
    _changed(meeting, MeetingStatus.ANOTHER_TIME_SUGGESTED)
    meeting.suggested_starts_at, meeting.suggested_ends_at = slot.starts_at, slot.ends_at
    meeting.suggestion = message
    _tell_officer(offer, meeting, "The submitter suggested another time to meet")
    return meeting


@transactional
def accept_suggested_time(offer: Offer, actor: User, *, seen_version: int) -> Meeting:
    meeting = _open_meeting(offer)
    if (
        meeting.status != MeetingStatus.ANOTHER_TIME_SUGGESTED
        or meeting.suggested_starts_at is None
        or meeting.suggested_ends_at is None
    ):
        raise TransitionRefused("The submitter has not suggested another time")
    if meeting.suggested_starts_at <= clock.now():
        raise TransitionRefused("The time the submitter suggested has passed: propose another")
    perform(
        offer,
        Action.ACCEPT_SUGGESTED_TIME,
        actor,
        seen_version=seen_version,
        detail=describe(meeting.suggested_starts_at, meeting.suggested_ends_at),
    )
    meeting.starts_at, meeting.ends_at = meeting.suggested_starts_at, meeting.suggested_ends_at
    meeting.suggested_starts_at = meeting.suggested_ends_at = None
    _changed(meeting, MeetingStatus.ACCEPTED)
    _email(
        offer,
        meeting,
        "accepted",
        f"The council has agreed your time to meet about offer {offer.reference}",
    )
    return meeting


@transactional
def cancel(offer: Offer, actor: User, *, seen_version: int, reason: str) -> Meeting:
    meeting = _open_meeting(offer)
    perform(offer, Action.CANCEL_MEETING, actor, seen_version=seen_version, detail=reason)
    _changed(meeting, MeetingStatus.CANCELLED)
    _email(
        offer,
        meeting,
        "cancelled",
        f"The council has cancelled the meeting about your offer {offer.reference}",
        reason=reason,
    )
    return meeting


def outcome_to_record(offer: Offer, meeting: Meeting | None = None) -> bool:
    """Whether an officer can record how the offer's meeting went: while it is
    being arranged, and also once its time has passed if the offer moved on
    meanwhile (to feasibility, say) and is still open: the meeting happened, or
    did not, whatever came next. `meeting`: the offer's latest, if the caller has
    read it already."""
    meeting = meeting or current(offer.id)
    if meeting is None or not meeting.is_open:
        return False
    if allowed(offer, Action.RECORD_MEETING_OUTCOME):
        return True
    return OfferStatus(offer.status) in OPEN_STATUSES and meeting.starts_at <= clock.now()


@transactional
def record_outcome(
    offer: Offer, actor: User, *, seen_version: int, held: bool, notes: str
) -> Meeting:
    """After the meeting: held or not, with notes (staff only: the submitter is not
    emailed). An offer still "meeting proposed" returns to the review; one that
    moved on since keeps its status, and the outcome goes on its timeline."""
    meeting = _open_meeting(offer)
    status = MeetingStatus.HELD if held else MeetingStatus.NOT_HELD
    detail = f"{'Held' if held else 'Did not happen'}: {notes}"
    if allowed(offer, Action.RECORD_MEETING_OUTCOME):
        perform(
            offer, Action.RECORD_MEETING_OUTCOME, actor, seen_version=seen_version, detail=detail
        )
    elif outcome_to_record(offer, meeting):
        if seen_version != offer.version:
            raise StaleOffer(f"Offer {offer.reference} changed since it was opened")
        # Guarded: of two officers recording at once, one does; the other is told.
        recorded = db.session.execute(
            update(Meeting)
            .where(Meeting.id == meeting.id, Meeting.status.in_(OPEN_MEETING_STATUSES))
            .values(status=status)
            .execution_options(synchronize_session=False)
        )
        if recorded.rowcount != 1:  # type: ignore[attr-defined]
            raise TransitionRefused("The outcome of this meeting has been recorded already")
        current_status = OfferStatus(offer.status)
        record(
            Action.RECORD_MEETING_OUTCOME,
            actor,
            offer=offer,
            from_status=current_status,
            to_status=current_status,
            detail=detail,
        )
    else:
        raise TransitionRefused(
            f"The outcome can be recorded once the meeting's time has passed"
            f" (the offer is {OfferStatus(offer.status).value.replace('_', ' ')})"
        )
    meeting.status = status
    meeting.updated_at = clock.now()
    meeting.outcome_notes = notes
    meeting.outcome_by_id = actor.id
    meeting.outcome_at = meeting.updated_at
    return meeting


def overtaken(offer: Offer, action: Action) -> Meeting | None:
    """Call off a meeting still to come when the offer leaves "meeting proposed" by
    another action (workflow.perform calls this, inside its transaction). A meeting
    whose time has passed is left as it is: whether it was held is for the officer
    to say, and the timeline keeps it."""
    meeting = current(offer.id)
    if meeting is None or not meeting.is_open or meeting.starts_at <= clock.now():
        return None
    _changed(meeting, MeetingStatus.CANCELLED)
    _email(
        offer,
        meeting,
        "cancelled",
        f"The meeting about your offer {offer.reference} is no longer needed",
        reason=f"The meeting is no longer needed: the offer has moved on ({action.label.lower()}).",
    )
    return meeting
