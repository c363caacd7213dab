"""Staff hear about their offers by email: at once, or in a daily digest, as each
chooses. One notification per event, each emailed once."""

from __future__ import annotations

import pytest
from bs4 import BeautifulSoup
from celery.schedules import crontab
from sqlalchemy import select

from tests import factories
from tests.factories import csrf_token, error_summary, soup, text
from triage import db
from triage.models import EmailMessage, Offer, OutboxMessage, StaffNotification, User
from triage.services import decisions, notifications
from triage.tasks import TaskName
from triage.workflow import StaleOffer
from workers import tasks

DIGEST = "daily_digest"


def set_frequency(app, account: factories.Account, frequency: str) -> None:
    with app.app_context():
        user = db.session.get(User, account.id)
        user.notification_frequency = frequency
        db.session.commit()


def assign(app, offer_id: int, officer: factories.Account, actor: factories.Account) -> None:
    with app.app_context():
        offer = db.session.get(Offer, offer_id)
        decisions.assign(
            offer,
            db.session.get(User, officer.id),
            db.session.get(User, actor.id),
            seen_version=offer.version,
        )


def ask_and_answer(app, offer_id: int, asker: factories.Account, owner: factories.Account):
    with app.app_context():
        offer = db.session.get(Offer, offer_id)
        decisions.request_information(
            offer,
            db.session.get(User, asker.id),
            seen_version=offer.version,
            question="What is the EPC rating?",
        )
        decisions.respond(
            offer,
            db.session.get(User, owner.id),
            seen_version=offer.version,
            answer="EPC rating B, certificate attached",
        )


def emails_to(account: factories.Account) -> list[EmailMessage]:
    return factories.rows(EmailMessage, to_address=account.email)


@pytest.fixture
def lead(app):
    """The commissioner who hands out the work."""
    return factories.staff("commissioner")


# --- An email for each event (the default) ------------------------------------------


def test_an_officer_is_emailed_once_when_an_offer_is_assigned_to_them(
    app, submitter, commissioner, lead
):
    offer = factories.submitted_offer(submitter)
    assert factories.get(User, commissioner.id).notification_frequency == "immediate"
    assign(app, offer.id, commissioner, lead)

    [notification] = factories.rows(StaffNotification, user_id=commissioner.id)
    reference = factories.get(Offer, offer.id).reference
    assert notification.kind == "assigned"
    assert notification.offer_id == offer.id
    assert notification.summary == (
        f"{reference} (Hamelin Court) was assigned to you by {lead.user.full_name}"
    )
    assert notification.sent_at is not None
    [email] = emails_to(commissioner)
    assert email.id == notification.email_id
    assert email.idempotency_key == f"staff-notification:{notification.id}"
    assert email.subject == f"Offer {reference} has been assigned to you"
    assert notification.summary in email.body
    assert f"Dear {commissioner.user.full_name}" in email.body
    # Delivered by the email outbox, written in the same transaction.
    with app.app_context():
        queued = db.session.scalars(
            select(OutboxMessage.args).where(OutboxMessage.task_name == "email.deliver")
        ).all()
    assert [email.id] in queued


def test_an_officer_is_emailed_when_the_submitter_answers_without_the_answer(
    app, submitter, commissioner, lead
):
    offer = factories.submitted_offer(submitter)
    assign(app, offer.id, commissioner, lead)
    ask_and_answer(app, offer.id, lead, submitter)

    kinds = [n.kind for n in factories.rows(StaffNotification, user_id=commissioner.id)]
    assert kinds == ["assigned", "submitter_answered"]
    answered = emails_to(commissioner)[-1]
    reference = factories.get(Offer, offer.id).reference
    assert answered.subject == f"The submitter has answered about offer {reference}"
    assert f"The submitter answered the council's request about {reference}" in answered.body
    # What the submitter wrote stays in the service, not in an email.
    assert "EPC rating B" not in answered.body
    # The commissioner who asked is not the officer assigned: nothing for them.
    assert factories.rows(StaffNotification, user_id=lead.id) == []


def test_an_answer_on_an_unassigned_offer_notifies_nobody(app, submitter, commissioner):
    offer = factories.submitted_offer(submitter)
    with app.app_context():
        stored = db.session.get(Offer, offer.id)
        stored.status = "under_review"
        db.session.commit()
    ask_and_answer(app, offer.id, commissioner, submitter)
    assert factories.count(StaffNotification) == 0


def test_nothing_new_nothing_sent(app, submitter, commissioner, lead):
    """Assigning the offer to the officer who has it already, or to yourself, and
    notes and flags, create no notification."""
    offer = factories.submitted_offer(submitter)
    assign(app, offer.id, lead, lead)  # to yourself
    assert factories.count(StaffNotification) == 0
    assign(app, offer.id, commissioner, lead)
    assign(app, offer.id, commissioner, lead)  # saved again, nothing changed
    assert factories.count(StaffNotification) == 1
    assert len(emails_to(commissioner)) == 1
    with app.app_context():
        from triage.services import flags, notes

        stored = db.session.get(Offer, offer.id)
        actor = db.session.get(User, lead.id)
        notes.add_note(stored, actor, "A note")
        flag = flags.raise_flag(stored, actor, "Check the lease")
        flags.resolve_flag(flag, stored, actor, "Seen it")
    assert factories.count(StaffNotification) == 1


def test_a_refused_assignment_notifies_nobody(app, submitter, commissioner, lead):
    offer = factories.submitted_offer(submitter)
    with app.app_context():
        stored = db.session.get(Offer, offer.id)
        seen = stored.version
        actor = db.session.get(User, lead.id)
        decisions.assign(stored, actor, actor, seen_version=seen)
        with pytest.raises(StaleOffer):
            decisions.assign(
                stored, db.session.get(User, commissioner.id), actor, seen_version=seen
            )
    assert factories.count(StaffNotification) == 0
    assert emails_to(commissioner) == []


def test_inactive_staff_are_not_notified(app, submitter, commissioner, lead):
    offer = factories.submitted_offer(submitter)
    with app.app_context():
        db.session.get(User, commissioner.id).is_active = False
        db.session.commit()
    assign(app, offer.id, commissioner, lead)
    assert factories.count(StaffNotification) == 0


# --- A daily digest ------------------------------------------------------------------


def test_a_digest_officer_gets_one_email_listing_everything_then_nothing_more(
    app, submitter, commissioner, lead
):
    set_frequency(app, commissioner, DIGEST)
    first = factories.submitted_offer(submitter)
    second = factories.submitted_offer(submitter, name="Second Court")
    assign(app, first.id, commissioner, lead)
    assign(app, second.id, commissioner, lead)
    ask_and_answer(app, first.id, lead, submitter)
    pending = factories.rows(StaffNotification, user_id=commissioner.id)
    assert len(pending) == 3
    assert all(n.sent_at is None and n.email_id is None for n in pending)
    assert emails_to(commissioner) == []  # nothing at once

    with app.app_context():
        assert tasks.send_notification_digests() == 1
    [digest] = emails_to(commissioner)
    assert digest.subject == "Your daily summary: 3 updates on your offers"
    for notification in pending:
        assert notification.summary in digest.body
    assert digest.body.index(pending[0].summary) < digest.body.index(pending[2].summary)
    sent = factories.rows(StaffNotification, user_id=commissioner.id)
    assert {(n.email_id, n.sent_at is not None) for n in sent} == {(digest.id, True)}
    queued = factories.rows(OutboxMessage, task_name="email.deliver")
    assert [digest.id] in [row.args for row in queued]

    # Run again (a second beat tick, a redelivered task): nothing new, nothing sent.
    before = factories.count(EmailMessage)
    with app.app_context():
        assert tasks.send_notification_digests() == 0
        assert notifications.send_digests() == 0
    assert factories.count(EmailMessage) == before

    # Something new makes a new digest with only that in it.
    third = factories.submitted_offer(submitter, name="Third Court")
    assign(app, third.id, commissioner, lead)
    with app.app_context():
        assert notifications.send_digests() == 1
    latest = emails_to(commissioner)[-1]
    assert latest.subject == "Your daily summary: 1 update on your offers"
    assert "Third Court" in latest.body and "Second Court" not in latest.body


def test_each_digest_goes_to_its_own_officer(app, submitter, commissioner, lead):
    other = factories.staff("placement_officer")
    set_frequency(app, commissioner, DIGEST)
    set_frequency(app, other, DIGEST)
    first = factories.submitted_offer(submitter)
    second = factories.submitted_offer(submitter, name="Second Court")
    assign(app, first.id, commissioner, lead)
    assign(app, second.id, other, lead)
    with app.app_context():
        assert notifications.send_digests() == 2
    [mine] = emails_to(commissioner)
    [theirs] = emails_to(other)
    assert "Hamelin Court" in mine.body and "Second Court" not in mine.body
    assert "Second Court" in theirs.body and "Hamelin Court" not in theirs.body


def test_no_digest_when_there_is_nothing_to_tell(app, commissioner):
    set_frequency(app, commissioner, DIGEST)
    with app.app_context():
        assert notifications.send_digests() == 0
    assert factories.count(EmailMessage) == 0


def test_changing_to_immediate_still_sends_what_was_waiting(app, submitter, commissioner, lead):
    set_frequency(app, commissioner, DIGEST)
    offer = factories.submitted_offer(submitter)
    assign(app, offer.id, commissioner, lead)
    set_frequency(app, commissioner, "immediate")
    with app.app_context():
        assert notifications.send_digests() == 1
    assert len(emails_to(commissioner)) == 1


def test_the_digest_key_stops_the_same_digest_being_written_twice(
    app, submitter, commissioner, lead
):
    """Two runs that both read the notifications before either wrote (the row locks
    stop this on PostgreSQL): the email's unique key keeps it to one."""
    set_frequency(app, commissioner, DIGEST)
    offer = factories.submitted_offer(submitter)
    assign(app, offer.id, commissioner, lead)
    [pending] = factories.rows(StaffNotification)
    with app.app_context():
        from triage.services import emails

        emails.add_email(f"staff-digest:{commissioner.id}:{pending.id}", "x@example.com", "s", "b")
        db.session.commit()
        assert notifications.send_digests() == 0
    digests = [
        email
        for email in factories.rows(EmailMessage)
        if email.idempotency_key.startswith("staff-")
    ]
    assert len(digests) == 1
    assert factories.rows(StaffNotification)[0].sent_at is None  # the other run marks it


def test_the_digest_runs_daily_at_seven_utc(app):
    from workers.celery_app import make_celery

    celery = make_celery(app)
    entry = celery.conf.beat_schedule["staff-notification-digests"]
    assert entry["task"] == "notifications.send_digests" == TaskName.SEND_NOTIFICATION_DIGESTS
    assert entry["schedule"] == crontab(hour=7, minute=0)
    assert celery.conf.timezone == "UTC"
    assert tasks.send_notification_digests.name == "notifications.send_digests"


# --- Choosing -----------------------------------------------------------------------


def test_staff_choose_a_daily_digest_and_back(app, commissioner):
    client = factories.signed_in_client(app, commissioner)
    page = client.get("/account/notifications")
    assert factories.heading(page) == "Email notifications"
    checked = soup(page).select_one("input[name=frequency][checked]")
    assert checked["value"] == "immediate"
    labels = [label.get_text(strip=True) for label in soup(page).select(".govuk-radios__label")]
    assert labels == ["An email for each event", "A daily digest"]

    saved = factories.submit_form(client, "/account/notifications", {"frequency": DIGEST})
    assert saved.status_code == 302
    assert factories.get(User, commissioner.id).notification_frequency == DIGEST
    page = client.get(saved.location)
    assert "Your email notification settings have been saved" in text(page)
    assert soup(page).select_one("input[name=frequency][checked]")["value"] == DIGEST

    factories.submit_form(client, "/account/notifications", {"frequency": "immediate"})
    assert factories.get(User, commissioner.id).notification_frequency == "immediate"


@pytest.mark.parametrize("frequency", ["", "hourly", "<script>alert(1)</script>"])
def test_a_choice_not_on_the_page_is_refused(app, commissioner, frequency):
    client = factories.signed_in_client(app, commissioner)
    response = factories.submit_form(client, "/account/notifications", {"frequency": frequency})
    assert response.status_code == 200
    assert error_summary(response) == ["Select how you want to hear about your offers"]
    assert soup(response).title.get_text().startswith("Error: ")
    assert factories.get(User, commissioner.id).notification_frequency == "immediate"


@pytest.mark.parametrize("role", ["commissioner", "placement_officer", "admin"])
def test_every_member_of_staff_finds_the_page_in_the_navigation(app, role):
    client = factories.signed_in_client(app, factories.staff(role))
    page = client.get("/queue")
    links = {a.get_text(strip=True): a["href"] for a in soup(page).select("nav a")}
    assert links["Email notifications"] == "/account/notifications"
    assert client.get("/account/notifications").status_code == 200


def test_submitters_do_not_find_the_page(app, submitter):
    client = factories.signed_in_client(app, submitter)
    assert client.get("/account/notifications").status_code == 404
    token = csrf_token(client.get("/offers").text)
    response = client.post(
        "/account/notifications", data={"csrf_token": token, "frequency": DIGEST}
    )
    assert response.status_code == 404
    assert factories.get(User, submitter.id).notification_frequency == "immediate"
    assert "Email notifications" not in text(client.get("/offers"))


def test_the_choice_decides_how_the_next_assignment_is_sent(app, submitter, commissioner, lead):
    client = factories.signed_in_client(app, commissioner)
    factories.submit_form(client, "/account/notifications", {"frequency": DIGEST})
    offer = factories.submitted_offer(submitter)
    lead_client = factories.signed_in_client(app, lead)
    page = lead_client.get(f"/queue/offers/{offer.id}")
    form = BeautifulSoup(page.text, "html.parser").find(
        "form", action=f"/queue/offers/{offer.id}/assign"
    )
    option = next(
        o["value"]
        for o in form.select("select[name=officer] option")
        if o.get_text(strip=True) == commissioner.user.full_name
    )
    response = lead_client.post(
        f"/queue/offers/{offer.id}/assign",
        data={
            "csrf_token": csrf_token(str(form)),
            "version": form.find("input", attrs={"name": "version"})["value"],
            "officer": option,
        },
    )
    assert response.status_code == 302
    [notification] = factories.rows(StaffNotification, user_id=commissioner.id)
    assert notification.sent_at is None
    assert emails_to(commissioner) == []
