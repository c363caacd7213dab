"""Inviting a colleague by email (single use, expiring, cancellable, stored as a
hash), the organisation's members and removing one, and old join links."""

from __future__ import annotations

import hashlib
import logging
import re
from datetime import timedelta

import pytest
from flask.testing import FlaskClient
from sqlalchemy import text as sql
from sqlalchemy import update

from tests import factories
from tests.factories import heading, soup, submit_form, text
from tests.web.checks import assert_error_summary
from triage import clock, db
from triage.models import AuditEvent, EmailMessage, Invitation, LoginSession, Organisation, User

LINK = re.compile(r"http://localhost/join/([A-Za-z0-9_-]+)")
INVALID = "This link to join does not work"
PASSPHRASE = "another long passphrase"
COLLEAGUE = "colin@example.com"


def invite(client: FlaskClient, email: str = COLLEAGUE):
    return submit_form(client, "/organisation/invite", {"email": email})


def invitation_email(to: str) -> EmailMessage:
    emails = [e for e in factories.rows(EmailMessage, to_address=to)]
    assert emails, f"no email to {to}"
    return emails[-1]


def token_from(email: EmailMessage) -> str:
    match = LINK.search(email.body)
    assert match, email.body
    return match.group(1)


def accept(client: FlaskClient, token: str, name: str = "Colin Colleague", **extra):
    follow = client.get(f"/join/{token}")
    assert follow.status_code == 302 and follow.location == "/join"
    page = client.get("/join")
    if heading(page) == INVALID:
        return page
    return submit_form(
        client,
        "/join",
        {
            "full_name": name,
            "password": extra.get("password", PASSPHRASE),
            "confirm_password": extra.get("password", PASSPHRASE),
        },
    )


def actions(**filters) -> list[str]:
    return [event.action for event in factories.rows(AuditEvent, **filters)]


def test_a_member_invites_a_colleague_who_accepts_and_sees_the_offers(
    app, submitter_client, submitter
):
    offer = factories.draft_offer(submitter, name="Shared Draft")
    page = submitter_client.get("/organisation/invite")
    assert heading(page) == "Invite a colleague"
    response = invite(submitter_client, "Colin@Example.com")
    assert response.location == "/organisation"
    listing = submitter_client.get("/organisation")
    assert f"An invitation has been sent to {COLLEAGUE}" in text(listing)
    invitations = soup(listing).select_one(".app-invitations")
    assert invitations is not None and COLLEAGUE in invitations.get_text()

    email = invitation_email(COLLEAGUE)
    organisation = factories.get(Organisation, submitter.user.organisation_id)
    assert email.subject.startswith(f"Join {organisation.name}")
    assert "7 days" in email.body and "Contact us" in email.body
    token = token_from(email)

    newcomer = app.test_client()
    newcomer.get(f"/join/{token}")
    form_page = newcomer.get("/join")
    assert heading(form_page) == f"Join {organisation.name}"
    assert token not in form_page.text
    assert COLLEAGUE in text(form_page)
    response = accept(newcomer, token)
    assert response.location == "/offers"
    [user] = factories.rows(User, email=COLLEAGUE)
    assert user.organisation_id == submitter.user.organisation_id
    assert user.role == "submitter"
    assert user.email_confirmed_at is not None  # the emailed link confirmed it
    assert "Shared Draft" in text(newcomer.get("/offers"))
    assert newcomer.get(f"/offers/{offer.id}").status_code == 200
    # No longer pending; listed among the people.
    after = submitter_client.get("/organisation")
    assert soup(after).select_one(".app-invitations") is None
    assert "Colin Colleague" in text(after)
    assert "invitation_sent" in actions(actor_id=submitter.id)
    assert "invitation_accepted" in actions(actor_id=user.id)


def test_an_invitation_works_once(app, submitter_client):
    invite(submitter_client)
    token = token_from(invitation_email(COLLEAGUE))
    assert accept(app.test_client(), token).location == "/offers"
    again = accept(app.test_client(), token, name="Someone Else")
    assert heading(again) == INVALID
    assert factories.count(User, email=COLLEAGUE) == 1


def test_an_expired_invitation_is_refused(app, submitter_client):
    invite(submitter_client)
    token = token_from(invitation_email(COLLEAGUE))
    with app.app_context():
        db.session.execute(update(Invitation).values(expires_at=clock.now()))
        db.session.commit()
    response = accept(app.test_client(), token)
    assert heading(response) == INVALID
    assert "ask a colleague" in text(response).lower()
    assert factories.count(User, email=COLLEAGUE) == 0


def test_the_invitation_lasts_seven_days_from_the_config(app, submitter_client):
    invite(submitter_client)
    [invitation] = factories.rows(Invitation)
    assert invitation.expires_at - invitation.created_at == timedelta(days=7)
    app.config["INVITATION_DAYS"] = 2
    invite(submitter_client, "dana@example.com")
    latest = factories.rows(Invitation, email="dana@example.com")[0]
    assert latest.expires_at - latest.created_at == timedelta(days=2)


def test_a_cancelled_invitation_is_refused(app, submitter_client, submitter):
    invite(submitter_client)
    token = token_from(invitation_email(COLLEAGUE))
    [invitation] = factories.rows(Invitation)
    newcomer = app.test_client()
    newcomer.get(f"/join/{token}")
    form_page = newcomer.get("/join")
    assert form_page.status_code == 200

    response = submit_form(
        submitter_client,
        f"/organisation/invitations/{invitation.id}/cancel",
        {},
        form_url="/organisation",
    )
    assert response.location == "/organisation"
    assert "The invitation has been cancelled" in text(submitter_client.get("/organisation"))
    # The form was open before the cancellation: posting it now creates nothing.
    posted = newcomer.post(
        "/join",
        data={
            "csrf_token": factories.csrf_token(form_page.text),
            "full_name": "Colin Colleague",
            "password": PASSPHRASE,
            "confirm_password": PASSPHRASE,
        },
    )
    assert heading(posted) == INVALID
    assert factories.count(User, email=COLLEAGUE) == 0
    assert "invitation_cancelled" in actions(actor_id=submitter.id)


def test_another_organisations_invitation_cannot_be_cancelled(app, submitter, other_submitter):
    other = factories.signed_in_client(app, other_submitter)
    invite(other)
    [invitation] = factories.rows(Invitation)
    client = factories.signed_in_client(app, submitter)
    response = submit_form(
        client,
        f"/organisation/invitations/{invitation.id}/cancel",
        {},
        form_url="/organisation",
    )
    assert response.status_code == 404
    assert factories.get(Invitation, invitation.id).cancelled_at is None


@pytest.mark.parametrize(
    "tamper",
    [
        lambda token: token[:-1] + ("A" if token[-1] != "A" else "B"),
        lambda token: token[:-2],
        lambda token: token + "x",
        lambda token: hashlib.sha256(token.encode()).hexdigest(),
        lambda _token: "x" * 500,
    ],
    ids=["changed", "shortened", "lengthened", "the stored hash", "long"],
)
def test_a_tampered_invitation_is_refused(app, submitter_client, tamper):
    invite(submitter_client)
    token = token_from(invitation_email(COLLEAGUE))
    response = accept(app.test_client(), tamper(token))
    assert heading(response) == INVALID
    assert factories.count(User, email=COLLEAGUE) == 0


def test_the_token_is_stored_only_as_a_hash(app, submitter_client):
    invite(submitter_client)
    token = token_from(invitation_email(COLLEAGUE))
    [invitation] = factories.rows(Invitation)
    assert invitation.token_hash == hashlib.sha256(token.encode()).hexdigest()
    for table, rows in factories.database_state().items():
        if table == "email_messages":
            continue  # the email itself carries the link, until it is sent
        assert not any(token in str(value) for row in rows for value in row), table


def test_inviting_an_address_with_an_account_is_refused(submitter_client, other_submitter):
    response = invite(submitter_client, other_submitter.email)
    assert_error_summary(response, "An account already uses this email address")
    assert factories.count(Invitation) == 0


def test_a_new_invitation_to_the_same_address_replaces_the_old(app, submitter_client):
    invite(submitter_client)
    first = token_from(invitation_email(COLLEAGUE))
    invite(submitter_client)
    second = token_from(invitation_email(COLLEAGUE))
    assert heading(accept(app.test_client(), first)) == INVALID
    assert accept(app.test_client(), second).location == "/offers"


def test_accepting_refuses_a_bad_password_and_keeps_the_invitation(app, submitter_client):
    invite(submitter_client)
    token = token_from(invitation_email(COLLEAGUE))
    client = app.test_client()
    response = accept(client, token, password="short")
    assert_error_summary(response, "Password must be 8 characters or more")
    response = accept(client, token, password=COLLEAGUE)
    assert_error_summary(response, "Password must not be your email address")
    assert accept(client, token).location == "/offers"


@pytest.mark.parametrize("token", ["not-a-token", "x" * 65, "%00", "' OR '1'='1"])
def test_an_old_or_wrong_join_link_explains_what_to_do(client, token):
    response = client.get(f"/join/{token}", follow_redirects=True)
    assert heading(response) == INVALID
    assert "Ask a colleague at your organisation to send you an invitation" in text(response)


def test_the_organisations_old_join_links_stop_working(app, tmp_path):
    """Migration 0016 clears every join token: the link an organisation shared
    before leads to the page saying to ask for an invitation."""
    from triage.cli import upgrade_database

    database = tmp_path / "old.sqlite3"
    url = f"sqlite:///{database}"
    upgrade_database(url, revision="0015_password_resets")
    from sqlalchemy import create_engine

    engine = create_engine(url)
    with engine.begin() as connection:
        connection.execute(
            sql(
                "INSERT INTO organisations (name, organisation_type, join_token, created_at)"
                " VALUES ('Old Org', 'charity', 'old-shared-join-token', '2026-01-01 00:00:00')"
            )
        )
    upgrade_database(url)
    with engine.connect() as connection:
        tokens = connection.execute(sql("SELECT join_token FROM organisations")).scalars().all()
    engine.dispose()
    assert tokens == [None]
    response = app.test_client().get("/join/old-shared-join-token", follow_redirects=True)
    assert heading(response) == INVALID


# --- Members ------------------------------------------------------------------


def test_removing_a_member_ends_their_sessions_at_once(app, submitter_client, submitter):
    colleague = factories.submitter(org=factories.get(Organisation, submitter.user.organisation_id))
    colleague_browser = factories.signed_in_client(app, colleague)
    assert colleague_browser.get("/offers").status_code == 200

    page = submitter_client.get(f"/organisation/members/{colleague.id}/remove")
    assert heading(page).startswith("Remove Sam Submitter from")
    response = submit_form(submitter_client, f"/organisation/members/{colleague.id}/remove", {})
    assert response.location == "/organisation"
    listing = text(submitter_client.get("/organisation"))
    assert "has been removed" in listing
    assert colleague.email not in listing.replace("has been removed", "")

    # The old cookie is signed out on its next request, and cannot sign in again.
    assert colleague_browser.get("/offers").location.startswith("/sign-in")
    assert factories.count(LoginSession, user_id=colleague.id) == 0
    again = submit_form(
        app.test_client(), "/sign-in", {"email": colleague.email, "password": colleague.password}
    )
    assert again.status_code == 200
    assert "member_removed" in actions(actor_id=submitter.id)
    assert submitter_client.get("/offers").status_code == 200


def test_the_last_member_cannot_be_removed(submitter_client, submitter):
    page = submitter_client.get("/organisation")
    assert soup(page).find("a", string=re.compile("Remove")) is None
    response = submit_form(submitter_client, f"/organisation/members/{submitter.id}/remove", {})
    assert response.status_code == 200
    assert "You cannot remove the only person in your organisation" in text(response)
    assert factories.get(User, submitter.id).is_active
    assert submitter_client.get("/offers").status_code == 200


def test_a_member_can_remove_themself_if_someone_is_left(app, submitter_client, submitter):
    factories.submitter(org=factories.get(Organisation, submitter.user.organisation_id))
    response = submit_form(submitter_client, f"/organisation/members/{submitter.id}/remove", {})
    assert response.location == "/sign-in"
    assert submitter_client.get("/offers").location.startswith("/sign-in")
    assert not factories.get(User, submitter.id).is_active


def test_a_member_of_another_organisation_cannot_be_removed(
    app, submitter_client, submitter, other_submitter
):
    factories.submitter(org=factories.get(Organisation, other_submitter.user.organisation_id))
    assert (
        submitter_client.get(f"/organisation/members/{other_submitter.id}/remove").status_code
        == 404
    )
    page = submitter_client.get("/organisation")
    response = submitter_client.post(
        f"/organisation/members/{other_submitter.id}/remove",
        data={"csrf_token": factories.csrf_token(page.text)},
    )
    assert response.status_code == 404
    assert factories.get(User, other_submitter.id).is_active


def test_staff_have_no_organisation_pages(staff_client):
    for url in ("/organisation", "/organisation/invite"):
        assert staff_client.get(url).status_code == 404


def test_no_log_record_holds_an_invitation_token(app, submitter_client, caplog):
    caplog.set_level(logging.DEBUG)
    for name in ("triage", "werkzeug", "sqlalchemy.engine", "flask_wtf"):
        caplog.set_level(logging.DEBUG, logger=name)
    invite(submitter_client)
    token = token_from(invitation_email(COLLEAGUE))
    accept(app.test_client(), token)
    app.logger.info("an invitation link was %s", f"http://localhost/join/{token}")
    assert caplog.records, "nothing was logged: the check would mean nothing"
    for record in caplog.records:
        assert token not in record.getMessage()
        assert token not in (record.exc_text or "")


def test_forms_need_their_csrf_token(app, submitter_client):
    assert (
        submitter_client.post("/organisation/invite", data={"email": COLLEAGUE}).status_code == 400
    )
    assert factories.count(Invitation) == 0
