"""Your account: changing your name and password, and ending your other sessions."""

from __future__ import annotations

import pytest

from tests import factories
from tests.factories import error_summary, heading, soup, submit_form, text
from tests.web.checks import assert_error_summary
from triage.models import AuditEvent, LoginSession, User

NEW_PASSWORD = "a different long passphrase"


def change_password(client, current: str, new: str = NEW_PASSWORD, confirm: str | None = None):
    return submit_form(
        client,
        "/account/password",
        {
            "current_password": current,
            "password": new,
            "confirm_password": new if confirm is None else confirm,
        },
    )


def is_signed_out(client) -> bool:
    response = client.get("/account")
    return response.status_code == 302 and response.location.startswith("/sign-in")


def session_rows(response) -> list[str]:
    return [
        " ".join(row.get_text(" ").split())
        for row in soup(response).select(".app-table--sessions tbody tr")
    ]


def actions(user_id: int) -> list[str]:
    return [event.action for event in factories.rows(AuditEvent, actor_id=user_id)]


@pytest.mark.parametrize("role", ["submitter", "commissioner", "placement_officer", "admin"])
def test_everyone_signed_in_sees_their_account_from_the_navigation(app, role):
    account = factories.submitter() if role == "submitter" else factories.staff(role)
    client = factories.signed_in_client(app, account)
    page = client.get("/account")
    assert heading(page) == "Your account"
    summary = " ".join(soup(page).select_one(".govuk-summary-list").get_text(" ").split())
    assert account.user.full_name in summary
    assert account.email in summary
    assert account.user.role_label in summary
    links = {a.get_text(strip=True): a for a in soup(page).select(".govuk-service-navigation a")}
    assert links["Your account"]["href"] == "/account"
    active = soup(page).select(".govuk-service-navigation__item--active a")
    assert [a.get_text(strip=True) for a in active] == ["Your account"]


def test_the_account_pages_need_sign_in(client):
    for url in ("/account", "/account/name", "/account/password", "/account/sessions"):
        response = client.get(url)
        assert response.status_code == 302
        assert response.location.startswith("/sign-in")


def test_changing_your_name_shows_on_the_page_and_is_audited(app, submitter):
    client = factories.signed_in_client(app, submitter)
    response = submit_form(client, "/account/name", {"full_name": "  Rita Jones "})
    assert response.location == "/account"
    page = client.get("/account")
    assert "Your name has been changed" in text(page)
    assert "Rita Jones" in text(page)
    assert factories.get(User, submitter.id).full_name == "Rita Jones"
    [event] = factories.rows(AuditEvent, action="name_changed")
    assert event.actor_id == submitter.id
    assert "Rita" not in (event.detail or "")


@pytest.mark.parametrize(
    ("name", "message"),
    [("", "Enter your full name"), ("n" * 201, "Your full name must be 200 characters or fewer")],
)
def test_a_name_is_required_and_not_too_long(app, submitter, name, message):
    client = factories.signed_in_client(app, submitter)
    response = submit_form(client, "/account/name", {"full_name": name})
    assert_error_summary(response, message)
    assert factories.get(User, submitter.id).full_name == "Sam Submitter"
    assert "name_changed" not in actions(submitter.id)


def test_changing_your_password_needs_the_current_one(app, submitter):
    client = factories.signed_in_client(app, submitter)
    before = factories.get(User, submitter.id).password_hash
    response = change_password(client, "not my password")
    assert_error_summary(response, "Your current password is not correct")
    assert factories.get(User, submitter.id).password_hash == before
    assert "password_changed" not in actions(submitter.id)
    response = change_password(client, "")
    assert_error_summary(response, "Enter your current password")
    assert factories.get(User, submitter.id).password_hash == before


@pytest.mark.parametrize(
    ("new", "confirm", "message"),
    [
        ("short", None, "New password must be 8 characters or more"),
        ("password123", None, "New password is too common. Choose one that is harder to guess"),
        (NEW_PASSWORD, "something else entirely", "Passwords must match"),
    ],
)
def test_the_new_password_must_pass_the_rules(app, submitter, new, confirm, message):
    client = factories.signed_in_client(app, submitter)
    before = factories.get(User, submitter.id).password_hash
    response = change_password(client, factories.PASSWORD, new, confirm)
    assert_error_summary(response, message)
    assert factories.get(User, submitter.id).password_hash == before


def test_the_new_password_must_not_be_your_email(app, submitter):
    client = factories.signed_in_client(app, submitter)
    response = change_password(client, factories.PASSWORD, submitter.email)
    assert_error_summary(response, "New password must not be your email address")


def test_after_a_change_the_new_password_signs_in_and_the_old_one_does_not(app, submitter):
    client = factories.signed_in_client(app, submitter)
    response = change_password(client, factories.PASSWORD)
    assert response.location == "/account"
    assert "Your password has been changed" in text(client.get("/account"))
    assert actions(submitter.id).count("password_changed") == 1
    [event] = factories.rows(AuditEvent, action="password_changed")
    assert factories.PASSWORD not in (event.detail or "")
    assert NEW_PASSWORD not in (event.detail or "")

    fresh = app.test_client()
    refused = submit_form(
        fresh, "/sign-in", {"email": submitter.email, "password": factories.PASSWORD}
    )
    assert refused.status_code == 200
    assert error_summary(refused) == ["Enter a correct email address and password"]
    submitter.password = NEW_PASSWORD
    factories.sign_in(fresh, submitter)
    assert heading(fresh.get("/account")) == "Your account"


def test_changing_the_password_signs_out_your_other_sessions_but_not_this_one(app, submitter):
    this = factories.signed_in_client(app, submitter)
    other = factories.signed_in_client(app, submitter)
    assert not is_signed_out(other)
    change_password(this, factories.PASSWORD)
    assert is_signed_out(other)
    assert not is_signed_out(this)
    assert factories.count(LoginSession, user_id=submitter.id) == 1


def test_the_sessions_page_lists_yours_and_ends_the_others(app, submitter):
    this = factories.signed_in_client(app, submitter)
    other = factories.signed_in_client(app, submitter)
    page = this.get("/account/sessions")
    assert heading(page) == "Where you are signed in"
    rows = session_rows(page)
    assert len(rows) == 2
    assert sum("This session" in row for row in rows) == 1
    assert "This session" in " ".join(session_rows(other.get("/account/sessions")))

    response = submit_form(this, "/account/sessions", {})
    assert response.location == "/account/sessions"
    page = this.get("/account/sessions")
    assert "You have been signed out of all other sessions" in text(page)
    assert len(session_rows(page)) == 1
    assert "Sign out of all other sessions" not in text(page)
    assert is_signed_out(other)
    assert not is_signed_out(this)
    [event] = factories.rows(AuditEvent, action="sessions_ended")
    assert event.actor_id == submitter.id


def test_nobody_sees_or_ends_another_persons_sessions(app, submitter, commissioner):
    theirs = factories.signed_in_client(app, commissioner)
    mine = factories.signed_in_client(app, submitter)
    mine_too = factories.signed_in_client(app, submitter)
    page = theirs.get("/account/sessions")
    assert len(session_rows(page)) == 1
    submit_form(theirs, "/account/sessions", {})
    change_password(theirs, factories.PASSWORD)
    assert not is_signed_out(mine)
    assert not is_signed_out(mine_too)
    assert factories.count(LoginSession, user_id=submitter.id) == 2
    assert len(session_rows(mine.get("/account/sessions"))) == 2


@pytest.mark.parametrize(
    ("url", "data"),
    [
        ("/account/name", {"full_name": "Rita Jones"}),
        (
            "/account/password",
            {
                "current_password": factories.PASSWORD,
                "password": NEW_PASSWORD,
                "confirm_password": NEW_PASSWORD,
            },
        ),
        ("/account/sessions", {}),
    ],
)
def test_every_form_refuses_a_missing_csrf_token(app, submitter, url, data):
    client = factories.signed_in_client(app, submitter)
    other = factories.signed_in_client(app, submitter)
    before = factories.get(User, submitter.id)
    response = client.post(url, data=data)
    assert response.status_code == 400
    after = factories.get(User, submitter.id)
    assert (after.full_name, after.password_hash) == (before.full_name, before.password_hash)
    assert not is_signed_out(other)
    assert actions(submitter.id) == []
