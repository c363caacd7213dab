"""Confirming a registration's email address before submitting; registering with an
address that has an account; organisations that look like one already registered."""

from __future__ import annotations

import hashlib
import logging
import re
from datetime import timedelta

import pytest
from flask.testing import FlaskClient
from sqlalchemy import update

from tests import factories
from tests.factories import heading, submit_form, text
from triage import clock, db
from triage.models import AuditEvent, EmailConfirmation, EmailMessage, Organisation, User

PASSPHRASE = "a long enough passphrase"
LINK = re.compile(r"http://localhost/confirm/([A-Za-z0-9_-]+)")
INVALID = "This link to confirm your email address does not work"
NOT_CONFIRMED = "Confirm your email address before you submit"


def registration(**changes: str) -> dict[str, str]:
    return {
        "organisation_name": "Riverside Homes",
        "organisation_type": "registered_provider",
        "rsh_registration_number": "L4850",
        "full_name": "Rita Jones",
        "email": "rita@example.com",
        "password": PASSPHRASE,
        "confirm_password": PASSPHRASE,
        **changes,
    }


def register(client: FlaskClient, **changes: str):
    return submit_form(client, "/register", registration(**changes))


def confirmation_token(email: str = "rita@example.com") -> str:
    messages = [
        m
        for m in factories.rows(EmailMessage, to_address=email)
        if m.idempotency_key.startswith("email-confirmation:")
    ]
    assert messages
    match = LINK.search(messages[-1].body)
    assert match, messages[-1].body
    return match.group(1)


def signed_in_as_rita(app) -> FlaskClient:
    client = app.test_client()
    response = submit_form(
        client, "/sign-in", {"email": "rita@example.com", "password": PASSPHRASE}
    )
    assert response.status_code == 302
    return client


def rita() -> factories.Account:
    [user] = factories.rows(User, email="rita@example.com")
    return factories.Account(user, user.email, PASSPHRASE)


def confirm(client: FlaskClient, token: str):
    follow = client.get(f"/confirm/{token}")
    assert follow.location == "/confirm-email"
    page = client.get("/confirm-email")
    if heading(page) != "Confirm your email address":
        return page
    return submit_form(client, "/confirm-email", {})


def test_the_first_user_confirms_their_address_before_submitting(app, client):
    register(client)
    [email] = factories.rows(EmailMessage, to_address="rita@example.com")
    assert email.subject == "Confirm your email address"
    assert "7 days" in email.body

    browser = signed_in_as_rita(app)
    offer = factories.complete_offer(rita())
    # Drafts are allowed; the declaration is refused with a way to get the link again.
    page = browser.get(f"/offers/{offer.id}/declaration")
    assert heading(page) == NOT_CONFIRMED
    posted = browser.post(
        f"/offers/{offer.id}/declaration",
        data={
            "csrf_token": factories.csrf_token(page.text),
            "declaration_name": "Rita Jones",
            "confirm": "y",
        },
    )
    assert heading(posted) == NOT_CONFIRMED
    assert factories.get(type(offer), offer.id).status == "draft"

    resend = submit_form(
        browser, "/confirm-email/send-again", {}, form_url=f"/offers/{offer.id}/declaration"
    )
    assert resend.location == "/offers"
    assert "We have sent a new link to rita@example.com" in text(browser.get("/offers"))
    first_token = LINK.search(email.body).group(1)  # type: ignore[union-attr]
    token = confirmation_token()
    assert token != first_token
    # The new link replaced the first.
    assert heading(confirm(app.test_client(), first_token)) == INVALID

    response = confirm(browser, token)
    assert response.location == "/offers"
    assert "Your email address has been confirmed" in text(browser.get("/offers"))
    assert factories.rows(User, email="rita@example.com")[0].email_confirmed_at is not None
    assert heading(browser.get(f"/offers/{offer.id}/declaration")) == "Declaration"
    actions = [e.action for e in factories.rows(AuditEvent, actor_id=rita().id)]
    assert "registered" in actions and "email_confirmed" in actions


def test_a_used_confirmation_link_is_refused(app, client):
    register(client)
    token = confirmation_token()
    assert confirm(app.test_client(), token).location == "/sign-in"
    assert heading(confirm(app.test_client(), token)) == INVALID


def test_an_expired_confirmation_link_is_refused(app, client):
    register(client)
    token = confirmation_token()
    with app.app_context():
        db.session.execute(update(EmailConfirmation).values(expires_at=clock.now()))
        db.session.commit()
    assert heading(confirm(app.test_client(), token)) == INVALID
    assert factories.rows(User, email="rita@example.com")[0].email_confirmed_at is None


@pytest.mark.parametrize(
    "tamper",
    [
        lambda token: token[:-1] + ("A" if token[-1] != "A" else "B"),
        lambda token: token + "x",
        lambda token: hashlib.sha256(token.encode()).hexdigest(),
    ],
    ids=["changed", "lengthened", "the stored hash"],
)
def test_a_tampered_confirmation_link_is_refused(app, client, tamper):
    register(client)
    token = confirmation_token()
    assert heading(confirm(app.test_client(), tamper(token))) == INVALID
    [reset] = factories.rows(EmailConfirmation)
    assert reset.token_hash == hashlib.sha256(token.encode()).hexdigest()


def test_invited_and_existing_people_need_no_confirmation(submitter_client, submitter):
    offer = factories.complete_offer(submitter)
    assert heading(submitter_client.get(f"/offers/{offer.id}/declaration")) == "Declaration"


def test_registering_with_an_address_in_use_answers_as_a_new_registration_does(app, submitter):
    def attempt(email: str) -> tuple[int, str | None, int, str]:
        client = app.test_client()
        response = register(client, email=email, organisation_name=f"Org for {email}")
        page = client.get(response.location)
        return (
            response.status_code,
            response.location,
            page.status_code,
            text(page).replace(email.lower(), "<address>"),
        )

    organisations = factories.count(Organisation)
    assert attempt(submitter.email.upper()) == attempt("brand-new@example.com")
    assert factories.count(Organisation) == organisations + 1  # only the new one
    assert factories.count(User, email=submitter.email) == 1
    [warning] = [
        m
        for m in factories.rows(EmailMessage, to_address=submitter.email)
        if m.idempotency_key.startswith("registration-email-in-use:")
    ]
    assert warning.subject == "Someone tried to register with your email address"
    assert "http://localhost/forgotten-password" in warning.body
    # The existing password still works; the one typed does not.
    ok = submit_form(
        app.test_client(), "/sign-in", {"email": submitter.email, "password": submitter.password}
    )
    assert ok.status_code == 302


@pytest.mark.parametrize(
    ("name", "rsh", "flagged"),
    [
        ("  riverside HOMES ", "", True),
        ("Another Name", "l4850", True),
        ("Riverside Homes Two", "L9999", False),
    ],
    ids=["same name", "same regulator number", "different"],
)
def test_a_possible_duplicate_organisation_is_registered_and_shown_to_staff(
    app, admin_client, name, rsh, flagged
):
    register(app.test_client())
    register(
        app.test_client(),
        email="second@example.com",
        organisation_name=name,
        rsh_registration_number=rsh,
    )
    assert factories.count(Organisation) == 2
    [second] = factories.rows(Organisation, id=max(o.id for o in factories.rows(Organisation)))
    page = text(admin_client.get("/admin/organisations"))
    if flagged:
        assert second.possible_duplicate_of_id is not None
        assert "Possible duplicate of Riverside Homes (L4850)" in page
    else:
        assert second.possible_duplicate_of_id is None
        assert "Possible duplicate" not in page


def test_no_log_record_holds_a_confirmation_token(app, client, caplog):
    caplog.set_level(logging.DEBUG)
    for name in ("triage", "werkzeug", "sqlalchemy.engine", "flask_wtf"):
        caplog.set_level(logging.DEBUG, logger=name)
    register(client)
    token = confirmation_token()
    confirm(app.test_client(), token)
    app.logger.info("a confirmation link was %s", f"http://localhost/confirm/{token}")
    assert caplog.records
    for record in caplog.records:
        assert token not in record.getMessage()
        assert token not in (record.exc_text or "")


def test_the_confirmation_lifetime_is_the_config(app, client):
    register(client)
    [confirmation] = factories.rows(EmailConfirmation)
    assert confirmation.expires_at - confirmation.created_at == timedelta(days=7)
