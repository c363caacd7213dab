"""Signing in and out: passwords, throttling, sessions and where sign-in leads."""

from __future__ import annotations

import re

import pytest
from flask import Flask
from flask.testing import FlaskClient

from tests import factories
from tests.factories import PASSWORD, heading, submit_form, text
from tests.web.checks import assert_error_summary
from triage.auth.views import SIGN_IN_PROBLEM, throttled_message
from triage.models import LoginSession, User

# The sixth attempt in the window waits LOGIN_DELAY_BASE_SECONDS (2).
THROTTLED = throttled_message(2)
ARGON2ID = re.compile(r"^\$argon2id\$v=19\$m=19456,t=2,p=1\$[A-Za-z0-9+/]+\$[A-Za-z0-9+/]+$")


def sign_in_as(client: FlaskClient, email: str, password: str, url: str = "/sign-in"):
    return submit_form(client, url, {"email": email, "password": password})


def session_token(app: Flask, client: FlaskClient) -> str:
    """The random token the signed-in session cookie carries (`<user id>:<token>`)."""
    serializer = app.session_interface.get_signing_serializer(app)
    data = serializer.loads(factories.session_cookie(client))
    return data["_user_id"].split(":", 1)[1]


def test_passwords_are_stored_as_argon2id_hashes(client):
    submit_form(
        client,
        "/register",
        {
            "organisation_name": "Hash Homes",
            "organisation_type": "charity",
            "full_name": "Hana Hash",
            "email": "hana@example.com",
            "password": "a long enough passphrase",
            "confirm_password": "a long enough passphrase",
        },
    )
    [user] = factories.rows(User, email="hana@example.com")
    assert ARGON2ID.match(user.password_hash), user.password_hash
    assert "a long enough passphrase" not in user.password_hash


def test_staff_accounts_are_hashed_the_same_way(commissioner):
    assert ARGON2ID.match(factories.get(User, commissioner.id).password_hash)


@pytest.mark.parametrize(
    ("who", "home"),
    [
        ("submitter", "/offers"),
        ("commissioner", "/queue"),
        ("admin", "/queue"),
        ("placement_officer", "/placement/"),
    ],
)
def test_signing_in_leads_home(app, client, who, home, request):
    account = request.getfixturevalue(who)
    response = sign_in_as(client, account.email.upper(), account.password)
    assert response.location == home
    assert client.get(home).status_code == 200
    # Signed in, the sign-in page leads home too.
    assert client.get("/sign-in").location == home


@pytest.mark.parametrize(
    ("email", "password", "message"),
    [
        ("", PASSWORD, "Enter your email address"),
        ("{email}", "", "Enter your password"),
        ("{email}", "not the password", SIGN_IN_PROBLEM),
        ("nobody@example.com", PASSWORD, SIGN_IN_PROBLEM),
        ("{email}", PASSWORD.upper(), SIGN_IN_PROBLEM),
        ("e" * 321, PASSWORD, "Email address must be 320 characters or fewer"),
        ("{email}", "p" * 10_000, SIGN_IN_PROBLEM),
    ],
    ids=["no email", "no password", "wrong", "unknown", "case", "long email", "long password"],
)
def test_a_failed_sign_in_says_what_to_do(client, submitter, email, password, message):
    response = sign_in_as(client, email.format(email=submitter.email), password)
    assert assert_error_summary(response, message) == [message]
    assert client.get("/offers").location.startswith("/sign-in")


def test_a_deactivated_account_cannot_sign_in(app, client, submitter):
    with app.app_context():
        from triage import db

        db.session.get(User, submitter.id).is_active = False
        db.session.commit()
    response = sign_in_as(client, submitter.email, submitter.password)
    assert_error_summary(response, SIGN_IN_PROBLEM)


@pytest.mark.parametrize("real", [True, False], ids=["real account", "unknown account"])
def test_sign_in_is_throttled_after_five_failures(client, submitter, real):
    email = submitter.email if real else "nobody-here@example.com"
    for _attempt in range(5):
        response = sign_in_as(client, email, "wrong password")
        assert factories.error_summary(response) == [SIGN_IN_PROBLEM]
    # The sixth attempt is refused even with the right password.
    response = sign_in_as(client, email, submitter.password)
    assert response.status_code == 429
    assert assert_error_summary(response, THROTTLED) == [THROTTLED]
    assert client.get("/offers").location.startswith("/sign-in")


def test_throttling_looks_the_same_for_real_and_unknown_accounts(app, submitter):
    def attempts(email: str) -> list[tuple[int, list[str]]]:
        client = app.test_client()
        results = []
        for _attempt in range(7):
            response = sign_in_as(client, email, "wrong password")
            results.append((response.status_code, factories.error_summary(response)))
        return results

    assert attempts(submitter.email) == attempts("nobody-here@example.com")


def test_throttling_is_per_email_address_and_a_success_clears_it(app, client, submitter):
    for _attempt in range(4):
        sign_in_as(client, submitter.email, "wrong password")
    assert sign_in_as(client, submitter.email, submitter.password).status_code == 302
    factories.sign_out(client)
    for _attempt in range(4):
        sign_in_as(client, submitter.email, "wrong password")
    assert sign_in_as(client, submitter.email, submitter.password).status_code == 302
    # Another address's failures do not block this one.
    other = app.test_client()
    for _attempt in range(6):
        sign_in_as(other, "someone-else@example.com", "wrong password")
    factories.sign_out(client)
    assert sign_in_as(client, submitter.email, submitter.password).status_code == 302


def test_signing_out_ends_the_session(app, submitter_client):
    copied = factories.session_cookie(submitter_client)
    response = factories.sign_out(submitter_client)
    assert response.location == "/sign-in"
    page = submitter_client.get("/sign-in")
    assert "You have signed out" in text(page)
    assert submitter_client.get("/offers").location.startswith("/sign-in")

    # The cookie from before signing out no longer signs anyone in.
    replay = app.test_client()
    replay.set_cookie(app.config["SESSION_COOKIE_NAME"], copied)
    response = replay.get("/offers")
    assert response.status_code == 302
    assert response.location.startswith("/sign-in")
    assert factories.count(LoginSession) == 0


def test_a_copied_cookie_works_only_until_sign_out(app, submitter_client):
    """The replay test above must be able to fail: a copied cookie does work before."""
    replay = app.test_client()
    replay.set_cookie(app.config["SESSION_COOKIE_NAME"], factories.session_cookie(submitter_client))
    assert replay.get("/offers").status_code == 200


def test_every_sign_in_gets_a_new_session_token(app, client, submitter):
    sign_in_as(client, submitter.email, submitter.password)
    first = session_token(app, client)
    first_cookie = factories.session_cookie(client)
    factories.sign_out(client)
    sign_in_as(client, submitter.email, submitter.password)
    second = session_token(app, client)
    assert first != second
    assert factories.session_cookie(client) != first_cookie
    # Two browsers signed in at once have separate sessions; one signing out leaves the other.
    other = factories.signed_in_client(app, submitter)
    assert session_token(app, other) not in (first, second)
    factories.sign_out(other)
    assert client.get("/offers").status_code == 200


def test_nothing_planted_in_a_session_before_sign_in_survives_it(client, submitter):
    client.get("/sign-in")
    with client.session_transaction() as session:
        session["planted"] = "by someone else"
        session["_user_id"] = "1:forged"
    sign_in_as(client, submitter.email, submitter.password)
    with client.session_transaction() as session:
        assert "planted" not in session
        assert session["_user_id"] != "1:forged"


def test_a_forged_session_id_signs_nobody_in(app, client, submitter):
    client.get("/sign-in")
    with client.session_transaction() as session:
        session["_user_id"] = f"{submitter.id}:made-up-token"
        session["_fresh"] = True
    response = client.get("/offers")
    assert response.location.startswith("/sign-in")


def test_get_does_not_sign_out(submitter_client):
    response = submitter_client.get("/sign-out")
    assert response.status_code == 405
    assert heading(response) == "Page not found"
    assert submitter_client.get("/offers").status_code == 200


@pytest.mark.parametrize(
    "target",
    [
        "//evil.example",
        "//evil.example/offers",
        "https://evil.example",
        "http:evil.example",
        "/\\evil.example",
        "\\\\evil.example",
        "/%09/evil.example",
        "/%0a/evil.example",
        "/%0d%0a/evil.example",
        "%2F%2Fevil.example",
        " //evil.example",
        "javascript:alert(1)",
    ],
)
def test_sign_in_ignores_a_next_page_on_another_site(client, submitter, target):
    response = sign_in_as(client, submitter.email, submitter.password, f"/sign-in?next={target}")
    assert response.location == "/offers"


@pytest.mark.parametrize("target", ["/organisation", "/offers?sort=new"])
def test_sign_in_returns_to_a_page_on_this_site(client, submitter, target):
    response = sign_in_as(client, submitter.email, submitter.password, f"/sign-in?next={target}")
    assert response.location == target


def test_a_page_that_needs_sign_in_comes_back_after_it(client, submitter):
    offer = factories.draft_offer(submitter)
    response = client.get(f"/offers/{offer.id}/check-answers")
    assert response.status_code == 302
    login = response.location
    assert login.startswith("/sign-in?next=")
    assert "Sign in to continue" in text(client.get(login))
    response = sign_in_as(client, submitter.email, submitter.password, login)
    assert response.location == f"/offers/{offer.id}/check-answers"
