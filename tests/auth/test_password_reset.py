"""Resetting a forgotten password: the emailed link, its expiry and single use, the
same answer for known and unknown addresses, and every session ended afterwards."""

from __future__ import annotations

import hashlib
import logging
import re
from datetime import timedelta

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import update

from tests import factories
from tests.factories import heading, soup, submit_form, text
from triage import clock, db
from triage.auth.reset import PASSWORD_CHANGED
from triage.models import AuditEvent, EmailMessage, LoginSession, User
from triage.models.users import PasswordReset

NEW_PASSWORD = "a brand new passphrase"
LINK = re.compile(r"http://localhost/reset-password/([A-Za-z0-9_-]+)")
INVALID = "This link to reset your password does not work"


def ask_for_link(client: FlaskClient, email: str):
    return submit_form(client, "/forgotten-password", {"email": email})


def reset_emails(to: str) -> list[EmailMessage]:
    return [
        email
        for email in factories.rows(EmailMessage, to_address=to)
        if email.idempotency_key.startswith("password-reset:")
    ]


def token_for(client: FlaskClient, account: factories.Account) -> str:
    """Ask for a link for `account` and return the token of the email sent."""
    before = len(reset_emails(account.email))
    ask_for_link(client, account.email)
    emails = reset_emails(account.email)
    assert len(emails) == before + 1
    match = LINK.search(emails[-1].body)
    assert match, emails[-1].body
    return match.group(1)


def choose_password(client: FlaskClient, token: str, password: str = NEW_PASSWORD, **extra):
    follow = client.get(f"/reset-password/{token}")
    assert follow.status_code == 302
    assert follow.location == "/reset-password"
    data = {"password": password, "confirm_password": extra.get("confirm", password)}
    return submit_form(client, "/reset-password", data)


def sign_in_works(app: Flask, email: str, password: str) -> bool:
    response = submit_form(app.test_client(), "/sign-in", {"email": email, "password": password})
    return response.status_code == 302


def test_the_sign_in_page_links_to_forgotten_password(client):
    link = soup(client.get("/sign-in")).find("a", string="Forgotten your password?")
    assert link is not None and link["href"] == "/forgotten-password"
    assert heading(client.get("/forgotten-password")) == "Reset your password"


def test_the_whole_flow(app, client, submitter):
    response = ask_for_link(client, submitter.email.upper())
    assert response.status_code == 302
    assert response.location == "/forgotten-password/check-your-email"
    page = client.get(response.location)
    assert heading(page) == "Check your email"
    assert submitter.email in text(page)
    assert "1 hour" in text(page)

    [email] = reset_emails(submitter.email)
    assert email.subject == "Reset your password"
    assert "Contact us" in email.body  # the contact footer
    assert "1 hour" in email.body
    token = LINK.search(email.body).group(1)  # type: ignore[union-attr]

    follow = client.get(f"/reset-password/{token}")
    assert follow.location == "/reset-password"
    form_page = client.get("/reset-password")
    assert heading(form_page) == "Create a new password"
    assert token not in form_page.text

    response = submit_form(
        client,
        "/reset-password",
        {"password": NEW_PASSWORD, "confirm_password": NEW_PASSWORD},
    )
    assert response.status_code == 302
    assert response.location == "/sign-in"
    signed_out = client.get("/sign-in")
    assert PASSWORD_CHANGED in text(signed_out)

    assert not sign_in_works(app, submitter.email, submitter.password)
    assert sign_in_works(app, submitter.email, NEW_PASSWORD)
    actions = [event.action for event in factories.rows(AuditEvent, actor_id=submitter.id)]
    assert "password_reset_requested" in actions
    assert "password_reset" in actions


def test_the_same_response_for_known_and_unknown_addresses(app, submitter):
    def ask(email: str) -> tuple[int, str | None, int, str]:
        client = app.test_client()
        response = ask_for_link(client, email)
        page = client.get(response.location)
        return (
            response.status_code,
            response.location,
            page.status_code,
            text(page).replace(email, "<address>"),
        )

    unknown = "nobody-here@example.com"
    emails_before = factories.count(EmailMessage)
    assert ask(submitter.email) == ask(unknown)
    assert factories.count(EmailMessage) == emails_before + 1
    assert factories.rows(EmailMessage, to_address=unknown) == []
    assert len(factories.rows(PasswordReset)) == 1


def test_an_inactive_account_gets_no_email(app, client, submitter):
    with app.app_context():
        db.session.get(User, submitter.id).is_active = False
        db.session.commit()
    response = ask_for_link(client, submitter.email)
    assert response.location == "/forgotten-password/check-your-email"
    assert reset_emails(submitter.email) == []


@pytest.mark.parametrize(
    ("email", "message"),
    [
        ("", "Enter your email address"),
        ("not an email", "Enter an email address in the correct format, like name@example.com"),
    ],
)
def test_a_bad_address_is_refused_with_the_error_summary(client, email, message):
    response = ask_for_link(client, email)
    assert response.status_code == 200
    assert factories.error_summary(response) == [message]
    assert factories.count(EmailMessage) == 0


def test_an_expired_link_is_refused(app, client, submitter):
    token = token_for(client, submitter)
    with app.app_context():
        an_hour_ago = clock.now() - timedelta(minutes=61)
        db.session.execute(
            update(PasswordReset).values(
                created_at=an_hour_ago, expires_at=an_hour_ago + timedelta(minutes=60)
            )
        )
        db.session.commit()
    client.get(f"/reset-password/{token}")
    response = client.get("/reset-password")
    assert heading(response) == INVALID
    assert soup(response).find("a", href="/forgotten-password") is not None
    assert sign_in_works(app, submitter.email, submitter.password)


def test_a_link_that_expires_between_the_form_and_the_post_changes_nothing(app, client, submitter):
    token = token_for(client, submitter)
    client.get(f"/reset-password/{token}")
    page = client.get("/reset-password")
    with app.app_context():
        db.session.execute(update(PasswordReset).values(expires_at=clock.now()))
        db.session.commit()
    response = client.post(
        "/reset-password",
        data={
            "csrf_token": factories.csrf_token(page.text),
            "password": NEW_PASSWORD,
            "confirm_password": NEW_PASSWORD,
        },
    )
    assert heading(response) == INVALID
    assert sign_in_works(app, submitter.email, submitter.password)


def test_a_used_link_is_refused(app, client, submitter):
    token = token_for(client, submitter)
    assert choose_password(client, token).location == "/sign-in"
    again = app.test_client()
    again.get(f"/reset-password/{token}")
    response = again.get("/reset-password")
    assert heading(response) == INVALID
    assert sign_in_works(app, submitter.email, NEW_PASSWORD)


@pytest.mark.parametrize(
    "tamper",
    [
        lambda token: token[:-1] + ("A" if token[-1] != "A" else "B"),
        lambda token: token[:-2],
        lambda token: token + "x",
        lambda _token: "not-a-token",
        lambda token: hashlib.sha256(token.encode()).hexdigest(),
    ],
    ids=["changed", "shortened", "lengthened", "made up", "the stored hash"],
)
def test_a_tampered_link_is_refused(app, client, submitter, tamper):
    token = token_for(client, submitter)
    client.get(f"/reset-password/{tamper(token)}")
    response = client.get("/reset-password")
    assert heading(response) == INVALID
    assert sign_in_works(app, submitter.email, submitter.password)


def test_the_reset_page_without_a_link_is_refused(client):
    assert heading(client.get("/reset-password")) == INVALID


def test_changing_the_password_uses_up_every_other_link(app, client, submitter):
    first = token_for(client, submitter)
    second = token_for(client, submitter)
    assert choose_password(client, second).location == "/sign-in"
    other = app.test_client()
    other.get(f"/reset-password/{first}")
    assert heading(other.get("/reset-password")) == INVALID
    assert all(reset.used_at is not None for reset in factories.rows(PasswordReset))


def test_a_reset_ends_every_session_of_the_account(app, submitter, other_submitter):
    elsewhere = factories.signed_in_client(app, submitter)
    bystander = factories.signed_in_client(app, other_submitter)
    assert elsewhere.get("/offers").status_code == 200

    client = app.test_client()
    token = token_for(client, submitter)
    choose_password(client, token)

    assert elsewhere.get("/offers").location.startswith("/sign-in")
    assert factories.count(LoginSession, user_id=submitter.id) == 0
    assert bystander.get("/offers").status_code == 200


def test_a_reset_from_a_signed_in_browser_signs_it_out_too(app, submitter):
    client = factories.signed_in_client(app, submitter)
    token = token_for(client, submitter)
    assert choose_password(client, token).location == "/sign-in"
    assert client.get("/offers").location.startswith("/sign-in")


@pytest.mark.parametrize(
    ("password", "confirm", "message"),
    [
        ("short", "short", "Password must be 8 characters or more"),
        (
            "password123",
            "password123",
            "Password is too common. Choose one that is harder to guess",
        ),
        ("{email}", "{email}", "Password must not be your email address"),
        (NEW_PASSWORD, "something else", "Passwords must match"),
    ],
    ids=["short", "common", "email", "mismatch"],
)
def test_a_password_that_breaks_the_rules_is_refused(
    app, client, submitter, password, confirm, message
):
    token = token_for(client, submitter)
    response = choose_password(
        client,
        token,
        password.format(email=submitter.email),
        confirm=confirm.format(email=submitter.email),
    )
    assert response.status_code == 200
    assert factories.error_summary(response) == [message]
    assert sign_in_works(app, submitter.email, submitter.password)
    # The link still works for a password that passes.
    response = submit_form(
        client, "/reset-password", {"password": NEW_PASSWORD, "confirm_password": NEW_PASSWORD}
    )
    assert response.location == "/sign-in"


def test_forms_need_their_csrf_token(client, submitter):
    response = client.post("/forgotten-password", data={"email": submitter.email})
    assert response.status_code == 400
    assert reset_emails(submitter.email) == []
    token = token_for(client, submitter)
    client.get(f"/reset-password/{token}")
    data = {"password": NEW_PASSWORD, "confirm_password": NEW_PASSWORD}
    assert client.post("/reset-password", data=data).status_code == 400
    assert sign_in_works(client.application, submitter.email, submitter.password)


def test_no_log_record_holds_the_token(app, client, submitter, caplog):
    caplog.set_level(logging.DEBUG)
    for name in ("triage", "werkzeug", "sqlalchemy.engine", "flask_wtf"):
        caplog.set_level(logging.DEBUG, logger=name)
    token = token_for(client, submitter)
    choose_password(client, token)
    app.logger.info("a reset link was %s", f"http://localhost/reset-password/{token}")
    assert caplog.records, "nothing was logged: the check would mean nothing"
    for record in caplog.records:
        assert token not in record.getMessage()
        assert token not in (record.exc_text or "")


def test_the_token_is_stored_only_as_a_hash(app, client, submitter):
    token = token_for(client, submitter)
    [reset] = factories.rows(PasswordReset)
    assert reset.token_hash == hashlib.sha256(token.encode()).hexdigest()
    state = factories.database_state()
    for table, rows in state.items():
        if table == "email_messages":
            continue  # the email itself carries the link, until it is sent
        assert not any(token in str(value) for row in rows for value in row), table
    assert reset.expires_at - reset.created_at == timedelta(minutes=60)


def test_the_lifetime_comes_from_the_config(app, client, submitter):
    app.config["PASSWORD_RESET_MINUTES"] = 30
    token_for(client, submitter)
    [reset] = factories.rows(PasswordReset)
    assert reset.expires_at - reset.created_at == timedelta(minutes=30)
    assert "30 minutes" in reset_emails(submitter.email)[0].body
