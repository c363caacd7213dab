"""Meeting the council (issue 14): a commissioner proposes a meeting with a time,
a place or link and who attends; the submitter accepts it or suggests another
time; the commissioner proposes again or agrees the suggestion, and records the
outcome. Each email carries the meeting's calendar file."""

from __future__ import annotations

import email
from datetime import timedelta
from email import policy

import pytest

from tests import factories
from tests.factories import error_summary, form_values, soup, text
from tests.test_calendar_file import parse, value
from triage import clock, db
from triage.models import AuditEvent, EmailMessage, Meeting, Offer, User
from triage.services import decisions

DAY = clock.today_uk() + timedelta(days=21)


def _under_review(app, submitter, commissioner) -> Offer:
    offer = factories.submitted_offer(submitter)
    with app.app_context():
        stored = db.session.get(Offer, offer.id)
        officer = db.session.get(User, commissioner.id)
        decisions.assign(stored, officer, officer, seen_version=stored.version)
    return offer


def _when(day=DAY, starts="10am", ends="11:30am") -> dict:
    """As the GOV.UK date input posts it: three boxes under one name."""
    return {"day": [str(day.day), str(day.month), str(day.year)], "starts": starts, "ends": ends}


def _proposal(**changes) -> dict:
    return {
        **_when(),
        "place": "City Hall, 115 Charles Street, Leicester",
        "link": "",
        "attendees": "Sam Patel, commissioning officer\nJo Bloggs, finance",
        "note": "To talk about the design of the flats.",
        **changes,
    }


def _propose(staff, offer_id: int, **changes):
    page = f"/queue/offers/{offer_id}/propose-meeting"
    version = form_values(staff.get(page))["version"][0]
    return factories.submit_form(staff, page, {"version": version, **_proposal(**changes)})


def _meeting(offer_id: int) -> Meeting:
    (meeting,) = factories.rows(Meeting, offer_id=offer_id)
    return meeting


def _calendar_emails(offer_id: int) -> list[EmailMessage]:
    return [
        row
        for row in factories.rows(EmailMessage)
        if row.idempotency_key.startswith(f"offer-{offer_id}-meeting-")
    ]


def _owner_post(owner, offer_id: int, action: str):
    page = owner.get(f"/offers/{offer_id}")
    form = soup(page).find("form", action=f"/offers/{offer_id}/meeting/{action}")
    assert form is not None, f"no {action} form on the submitter's page"
    fields = {item["name"]: item.get("value", "") for item in form.select("input[name]")}
    return owner.post(f"/offers/{offer_id}/meeting/{action}", data=fields)


def test_a_commissioner_proposes_a_meeting_and_the_submitter_accepts_it(
    app, submitter, commissioner
):
    offer = _under_review(app, submitter, commissioner)
    staff = factories.signed_in_client(app, commissioner)
    case = text(staff.get(f"/queue/offers/{offer.id}"))
    assert "Invite the submitter to meet" in case

    assert _propose(staff, offer.id).status_code == 302
    assert factories.get(Offer, offer.id).status == "meeting_proposed"
    meeting = _meeting(offer.id)
    assert (meeting.status, meeting.sequence) == ("proposed", 0)
    (invitation,) = _calendar_emails(offer.id)
    assert invitation.to_address == submitter.email
    assert "would like to meet" in invitation.subject
    assert "accept the meeting or suggest another time by" in invitation.body
    assert "City Hall" in invitation.body and "Sam Patel" in invitation.body
    ics = parse(invitation.attachment_data)
    assert invitation.attachment_name == "meeting.ics"
    assert value(ics, "METHOD") == "REQUEST"
    starts = meeting.starts_at.astimezone(clock.UK)
    assert (starts.date(), starts.hour, starts.minute) == (DAY, 10, 0)
    assert value(ics, "DTSTART") == meeting.starts_at.strftime("%Y%m%dT%H%M%SZ")
    assert value(ics, "UID") == meeting.uid

    owner = factories.signed_in_client(app, submitter)
    mine = owner.get(f"/offers/{offer.id}")
    page = text(mine)
    assert "Meeting with the council" in page and "Answer needed" in page
    assert f"{DAY:%A} {DAY.day} {DAY:%B %Y}, 10am to 11:30am" in page
    assert "Sam Patel, commissioning officer" in page
    download = soup(mine).find("a", string="Download calendar file (.ics)")
    assert download is not None
    calendar = owner.get(download["href"])
    assert calendar.mimetype == "text/calendar"
    assert value(parse(calendar.data), "UID") == meeting.uid

    assert _owner_post(owner, offer.id, "accept").status_code == 302
    meeting = _meeting(offer.id)
    assert (meeting.status, meeting.sequence) == ("accepted", 1)
    confirmation = _calendar_emails(offer.id)[-1]
    assert "is arranged" in confirmation.subject
    confirmed = parse(confirmation.attachment_data)
    assert (value(confirmed, "SEQUENCE"), value(confirmed, "STATUS")) == ("1", "CONFIRMED")
    assert value(confirmed, "UID") == meeting.uid
    assert "Arranged" in text(owner.get(f"/offers/{offer.id}"))
    # Accepting again is not offered, and posting it changes nothing.
    assert (
        soup(owner.get(f"/offers/{offer.id}")).find(
            "form", action=f"/offers/{offer.id}/meeting/accept"
        )
        is None
    )

    timeline = text(staff.get(f"/queue/offers/{offer.id}"))
    assert "Meeting accepted by the submitter" in timeline
    assert "Meeting proposed (under review to meeting proposed)" in timeline

    # After the meeting: its outcome, on the timeline; the review goes on.
    outcome_page = f"/queue/offers/{offer.id}/meeting/outcome"
    empty = factories.submit_form(
        staff, outcome_page, {"version": form_values(staff.get(outcome_page))["version"][0]}
    )
    assert error_summary(empty) == [
        "Select whether the meeting happened",
        "Enter notes about the meeting",
    ]
    recorded = factories.submit_form(
        staff,
        outcome_page,
        {
            "version": form_values(staff.get(outcome_page))["version"][0],
            "held": "held",
            "notes": "Agreed to look at two-bedroom flats instead.",
        },
    )
    assert recorded.status_code == 302
    assert factories.get(Offer, offer.id).status == "under_review"
    assert _meeting(offer.id).status == "held"
    case = text(staff.get(f"/queue/offers/{offer.id}"))
    assert (
        "Meeting outcome recorded (meeting proposed to under review) by "
        f"{commissioner.user.full_name}. Held: Agreed to look at two-bedroom flats instead."
    ) in case
    # The submitter does not see staff's notes.
    assert "two-bedroom" not in text(owner.get(f"/offers/{offer.id}"))


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"day": ["", "", ""]}, "Enter the date of the meeting"),
        ({"day": [str(DAY.day), "13", str(DAY.year)]}, "Date must be a real date"),
        (
            _when(day=clock.today_uk() - timedelta(days=1)),
            "The date of the meeting must be today or in the future",
        ),
        ({"starts": ""}, "Enter the start time"),
        ({"starts": "25:00"}, "Start time must be a real time, like 9:30am or 14:30"),
        ({"ends": "9am"}, "The end time must be after the start time"),
        ({"place": "", "link": ""}, "Enter a place or a video link"),
        (
            {"place": "", "link": "http://meet.example.org/abc"},
            "Enter a video link that starts with https://, like https://meet.example.org/abc",
        ),
        ({"attendees": ""}, "Enter who will attend"),
    ],
)
def test_a_proposal_with_bad_input_is_explained_and_keeps_what_was_typed(
    app, submitter, commissioner, changes, message
):
    offer = _under_review(app, submitter, commissioner)
    staff = factories.signed_in_client(app, commissioner)
    response = _propose(staff, offer.id, **changes)
    assert response.status_code == 200
    assert message in error_summary(response)
    assert "Error:" in soup(response).title.get_text()
    kept = form_values(response)
    assert kept["attendees"] == [_proposal(**changes)["attendees"]]
    assert kept["note"] == ["To talk about the design of the flats."]
    assert factories.count(Meeting) == 0
    assert factories.get(Offer, offer.id).status == "under_review"


def test_a_video_meeting_needs_no_place(app, submitter, commissioner):
    offer = _under_review(app, submitter, commissioner)
    staff = factories.signed_in_client(app, commissioner)
    assert (
        _propose(staff, offer.id, place="", link="https://meet.example.org/abc").status_code == 302
    )
    meeting = _meeting(offer.id)
    assert (meeting.place, meeting.link) == (None, "https://meet.example.org/abc")
    ics = parse(_calendar_emails(offer.id)[0].attachment_data)
    assert value(ics, "URL") == "https://meet.example.org/abc"


def test_the_submitter_suggests_another_time_and_the_commissioner_agrees_it(
    app, submitter, commissioner
):
    offer = _under_review(app, submitter, commissioner)
    staff = factories.signed_in_client(app, commissioner)
    _propose(staff, offer.id)
    uid = _meeting(offer.id).uid
    owner = factories.signed_in_client(app, submitter)
    page = f"/offers/{offer.id}/meeting/another-time"
    later = DAY + timedelta(days=2)
    version = form_values(owner.get(page))["version"][0]

    bad = factories.submit_form(
        owner, page, {"version": version, **_when(day=later, ends="9am"), "message": ""}
    )
    assert error_summary(bad) == [
        "Enter a message to the council",
        "The end time must be after the start time",
    ] or set(error_summary(bad)) == {
        "Enter a message to the council",
        "The end time must be after the start time",
    }
    assert form_values(bad)["starts"] == ["10am"]
    assert _meeting(offer.id).status == "proposed"

    sent = factories.submit_form(
        owner,
        page,
        {
            "version": version,
            **_when(day=later, starts="14:00", ends="15:00"),
            "message": "We are on site that morning.",
        },
    )
    assert sent.status_code == 302
    meeting = _meeting(offer.id)
    assert meeting.status == "another_time_suggested"
    assert "waiting for the council" in text(owner.get(f"/offers/{offer.id}"))

    case = staff.get(f"/queue/offers/{offer.id}")
    shown = text(case)
    assert f"{later:%A} {later.day} {later:%B %Y}, 2pm to 3pm" in shown
    assert "We are on site that morning." in shown
    assert "Another meeting time suggested by the submitter" in shown
    form = soup(case).find("form", action=f"/queue/offers/{offer.id}/meeting/accept-suggestion")
    fields = {item["name"]: item.get("value", "") for item in form.select("input[name]")}
    assert staff.post(form["action"], data=fields).status_code == 302

    meeting = _meeting(offer.id)
    assert (meeting.status, meeting.uid, meeting.sequence) == ("accepted", uid, 2)
    starts = meeting.starts_at.astimezone(clock.UK)
    assert (starts.date(), starts.hour) == (later, 14)
    agreed = _calendar_emails(offer.id)[-1]
    assert "agreed your time" in agreed.subject
    ics = parse(agreed.attachment_data)
    assert (value(ics, "SEQUENCE"), value(ics, "UID")) == ("2", uid)
    assert value(ics, "DTSTART") == meeting.starts_at.strftime("%Y%m%dT%H%M%SZ")


def test_a_new_proposal_replaces_the_last_and_moves_the_calendar_entry(
    app, submitter, commissioner
):
    offer = _under_review(app, submitter, commissioner)
    staff = factories.signed_in_client(app, commissioner)
    _propose(staff, offer.id)
    uid = _meeting(offer.id).uid
    moved = DAY + timedelta(days=7)
    assert (
        _propose(staff, offer.id, **_when(day=moved, starts="9:30am", ends="10:30am")).status_code
        == 302
    )
    meeting = _meeting(offer.id)
    assert (meeting.uid, meeting.sequence, meeting.status) == (uid, 1, "proposed")
    first, second = _calendar_emails(offer.id)
    assert "new time" in second.subject
    assert value(parse(second.attachment_data), "SEQUENCE") == "1"
    assert value(parse(first.attachment_data), "UID") == value(parse(second.attachment_data), "UID")
    owner = factories.signed_in_client(app, submitter)
    assert f"{moved:%A} {moved.day} {moved:%B %Y}, 9:30am to 10:30am" in text(
        owner.get(f"/offers/{offer.id}")
    )
    assert "Meeting proposed again" in text(staff.get(f"/queue/offers/{offer.id}"))


def test_cancelling_sends_a_cancellation_for_the_calendar(app, submitter, commissioner):
    offer = _under_review(app, submitter, commissioner)
    staff = factories.signed_in_client(app, commissioner)
    _propose(staff, offer.id)
    page = f"/queue/offers/{offer.id}/meeting/cancel"
    version = form_values(staff.get(page))["version"][0]
    assert error_summary(factories.submit_form(staff, page, {"version": version})) == [
        "Enter why the meeting is cancelled"
    ]
    done = factories.submit_form(staff, page, {"version": version, "reason": "The officer is ill."})
    assert done.status_code == 302
    assert factories.get(Offer, offer.id).status == "under_review"
    cancellation = _calendar_emails(offer.id)[-1]
    ics = parse(cancellation.attachment_data)
    assert (value(ics, "METHOD"), value(ics, "STATUS"), value(ics, "SEQUENCE")) == (
        "CANCEL",
        "CANCELLED",
        "1",
    )
    assert "The officer is ill." in cancellation.body


def test_a_stale_proposal_saves_nothing_and_keeps_what_was_typed(app, submitter, commissioner):
    offer = _under_review(app, submitter, commissioner)
    staff = factories.signed_in_client(app, commissioner)
    page = f"/queue/offers/{offer.id}/propose-meeting"
    old = form_values(staff.get(page))["version"][0]
    _propose(staff, offer.id)  # someone else proposed meanwhile
    response = factories.submit_form(staff, page, {"version": old, **_proposal(place="Elsewhere")})
    assert response.status_code == 409
    assert "changed since you opened it" in text(response)
    assert form_values(response)["place"] == ["Elsewhere"]
    assert _meeting(offer.id).place == "City Hall, 115 Charles Street, Leicester"


def test_meeting_pages_are_for_commissioners_and_the_offers_own_submitter(
    app, submitter, other_submitter, commissioner, placement_officer
):
    offer = _under_review(app, submitter, commissioner)
    staff = factories.signed_in_client(app, commissioner)
    _propose(staff, offer.id)
    staff_pages = [
        f"/queue/offers/{offer.id}/propose-meeting",
        f"/queue/offers/{offer.id}/meeting/outcome",
        f"/queue/offers/{offer.id}/meeting/cancel",
        f"/queue/offers/{offer.id}/meeting.ics",
    ]
    staff_posts = [*staff_pages[:3], f"/queue/offers/{offer.id}/meeting/accept-suggestion"]
    submitter_pages = [
        f"/offers/{offer.id}/meeting/another-time",
        f"/offers/{offer.id}/meeting.ics",
    ]
    submitter_posts = [f"/offers/{offer.id}/meeting/accept", submitter_pages[0]]
    for url in staff_pages:
        assert staff.get(url).status_code == 200, url
    before = factories.count(AuditEvent)
    placement = factories.signed_in_client(app, placement_officer)
    owner = factories.signed_in_client(app, submitter)
    stranger = factories.signed_in_client(app, other_submitter)
    for client in (placement, owner, stranger):
        for url in staff_pages:
            assert client.get(url).status_code == 404, url
        for url in staff_posts:
            assert client.post(url, data={}).status_code in (400, 404), url
    for client in (placement, stranger, staff):
        for url in submitter_pages:
            assert client.get(url).status_code == 404, url
        for url in submitter_posts:
            assert client.post(url, data={}).status_code in (400, 404), url
    for url in submitter_pages:
        assert owner.get(url).status_code == 200, url
    # Nothing changed, and each refusal was recorded.
    assert _meeting(offer.id).status == "proposed"
    assert factories.count(AuditEvent) > before
    # The placement officer sees the meeting on the case page, but no way to change it.
    case = placement.get(f"/queue/offers/{offer.id}")
    assert "Meeting with the submitter" in text(case)
    assert soup(case).find("a", string="Download calendar file (.ics)") is None


def test_the_file_backend_attaches_the_calendar_file(app, submitter, commissioner, tmp_path):
    from triage.services import emails

    offer = _under_review(app, submitter, commissioner)
    staff = factories.signed_in_client(app, commissioner)
    _propose(staff, offer.id)
    (invitation,) = _calendar_emails(offer.id)
    with app.app_context():
        emails.deliver(invitation.id)
    (eml,) = (tmp_path / "mail").glob(f"offer-{offer.id}-meeting-*.eml")
    message = email.message_from_bytes(eml.read_bytes(), policy=policy.default)
    (part,) = [part for part in message.iter_attachments()]
    assert part.get_content_type() == "text/calendar"
    assert part.get_param("method") == "REQUEST"
    assert part.get_filename() == "meeting.ics"
    ics = parse(part.get_payload(decode=True))
    assert value(ics, "UID") == _meeting(offer.id).uid
    assert "Dear" in message.get_body(("plain",)).get_content()


def test_a_meeting_proposed_before_meetings_had_times_can_be_proposed_properly(
    app, submitter, commissioner
):
    """An offer left "meeting proposed" by the old note-only proposal has no
    meeting row: the commissioner proposes one with a time and place."""
    from triage.workflow import Action, perform

    offer = _under_review(app, submitter, commissioner)
    with app.app_context(), db.unit_of_work():
        stored = db.session.get(Offer, offer.id)
        officer = db.session.get(User, commissioner.id)
        perform(stored, Action.PROPOSE_MEETING, officer, seen_version=stored.version)
    staff = factories.signed_in_client(app, commissioner)
    case = soup(staff.get(f"/queue/offers/{offer.id}"))
    assert case.find("a", string="Invite the submitter to meet") is not None
    assert _propose(staff, offer.id).status_code == 302
    assert _meeting(offer.id).status == "proposed"
    assert "Meeting proposed again" in text(staff.get(f"/queue/offers/{offer.id}"))


def test_a_meeting_still_to_come_is_called_off_when_the_offer_is_decided(
    app, submitter, commissioner
):
    """Approving while a meeting is being arranged calls the meeting off: the
    submitter's calendar gets a cancellation, and the meeting no longer shows as
    open."""
    offer = _under_review(app, submitter, commissioner)
    staff = factories.signed_in_client(app, commissioner)
    _propose(staff, offer.id)
    with app.app_context():
        stored = db.session.get(Offer, offer.id)
        officer = db.session.get(User, commissioner.id)
        decisions.approve(stored, officer, seen_version=stored.version, reasons="Meets the need.")
    assert factories.get(Offer, offer.id).status == "approved"
    assert _meeting(offer.id).status == "cancelled"
    cancellation = _calendar_emails(offer.id)[-1]
    assert value(parse(cancellation.attachment_data), "METHOD") == "CANCEL"
    assert "no longer needed" in cancellation.body


def _to_feasibility(app, offer_id: int, commissioner) -> None:
    with app.app_context():
        stored = db.session.get(Offer, offer_id)
        officer = db.session.get(User, commissioner.id)
        decisions.progress_to_feasibility(
            stored, officer, seen_version=stored.version, reasons="Worth a site visit."
        )


def test_a_past_meetings_outcome_is_recorded_after_the_offer_moved_on(app, submitter, commissioner):
    """The meeting was held, then the offer went to feasibility before anyone
    wrote up the meeting: the case page still offers to record its outcome, which
    goes on the meeting and the timeline and leaves the offer in feasibility."""
    offer = _under_review(app, submitter, commissioner)
    staff = factories.signed_in_client(app, commissioner)
    _propose(staff, offer.id)
    with app.app_context():
        meeting = db.session.get(Meeting, _meeting(offer.id).id)
        # The meeting's time has passed (held yesterday).
        meeting.starts_at -= timedelta(days=22)
        meeting.ends_at -= timedelta(days=22)
        db.session.commit()
    _to_feasibility(app, offer.id, commissioner)
    # Held, not called off: nobody is told it is cancelled.
    assert _meeting(offer.id).status != "cancelled"
    assert factories.get(Offer, offer.id).status == "feasibility"
    case = staff.get(f"/queue/offers/{offer.id}")
    assert "Its outcome can still be recorded." in text(case)
    outcome_page = f"/queue/offers/{offer.id}/meeting/outcome"
    version = form_values(staff.get(outcome_page))["version"][0]
    recorded = factories.submit_form(
        staff,
        outcome_page,
        {"version": version, "held": "held", "notes": "Walked the site together."},
    )
    assert recorded.status_code == 302
    assert factories.get(Offer, offer.id).status == "feasibility"
    assert _meeting(offer.id).status == "held"
    timeline = text(staff.get(f"/queue/offers/{offer.id}"))
    assert "Held: Walked the site together." in timeline
    # Recorded once: the page is gone, and a second post is refused, saving nothing.
    assert staff.get(outcome_page).status_code == 404
    before = factories.count(AuditEvent)
    again = factories.submit_form(
        staff,
        outcome_page,
        {"version": version, "held": "not_held", "notes": "No."},
        form_url=f"/queue/offers/{offer.id}",
    )
    assert again.status_code == 409
    assert factories.count(AuditEvent) == before
    assert _meeting(offer.id).status == "held"


def test_a_meeting_still_to_come_has_no_outcome_once_the_offer_moved_on(
    app, submitter, commissioner
):
    offer = _under_review(app, submitter, commissioner)
    staff = factories.signed_in_client(app, commissioner)
    _propose(staff, offer.id)
    _to_feasibility(app, offer.id, commissioner)
    assert _meeting(offer.id).status == "cancelled"
    assert staff.get(f"/queue/offers/{offer.id}/meeting/outcome").status_code == 404
