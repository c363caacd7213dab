"""Creating an account, the organisation page, and the start page. (Confirming the
address, and registering with one in use: test_registration.py; invitations and
members: test_invitations.py.)"""

from __future__ import annotations

from typing import Any

import pytest

from tests import factories
from tests.factories import heading, soup, submit_form, text
from tests.web.checks import assert_error_summary
from triage.models import Organisation, User

REGISTRATION = {
    "organisation_name": "Riverside Homes",
    "organisation_type": "registered_provider",
    "rsh_registration_number": "l 4850",
    "full_name": "Rita Jones",
    "email": "Rita@Example.com",
    "password": "a long enough passphrase",
    "confirm_password": "a long enough passphrase",
}
PERSON = {key: REGISTRATION[key] for key in ("full_name", "email", "password", "confirm_password")}


def registration(**changes: Any) -> dict[str, Any]:
    data = {**REGISTRATION, **changes}
    return {key: value for key, value in data.items() if value is not None}


def test_the_start_page_explains_the_service_and_links_to_sign_in(client):
    response = client.get("/")
    assert heading(response) == "Offer supported accommodation to the council"
    links = {a.get_text(strip=True): a["href"] for a in soup(response).select("main a")}
    assert links["Create an account"] == "/register"
    assert links["Sign in"] == "/sign-in"


def test_the_start_page_sends_people_who_are_signed_in_to_their_home(
    submitter_client, staff_client
):
    assert submitter_client.get("/").location == "/offers"
    assert staff_client.get("/").location == "/queue"


def test_registering_creates_the_organisation_and_asks_to_confirm_the_address(client):
    response = submit_form(client, "/register", REGISTRATION)
    assert response.location == "/register/check-your-email"
    page = client.get(response.location)
    assert heading(page) == "Check your email"
    assert "rita@example.com" in text(page)
    [user] = factories.rows(User, email="rita@example.com")
    organisation = factories.get(Organisation, user.organisation_id)
    assert organisation.rsh_registration_number == "L4850"
    assert organisation.organisation_type == "registered_provider"
    assert user.role == "submitter"
    assert user.full_name == "Rita Jones"
    assert user.email_confirmed_at is None
    # Not signed in yet; the new password signs in.
    assert client.get("/offers").location.startswith("/sign-in")
    signed_in = submit_form(
        client, "/sign-in", {"email": "rita@example.com", "password": REGISTRATION["password"]}
    )
    assert signed_in.location == "/offers"
    assert "Riverside Homes" in text(client.get("/offers"))


def test_the_registration_page_asks_about_the_organisation_and_the_person(client):
    response = client.get("/register")
    assert heading(response) == "Create an account"
    names = set(factories.form_values(response))
    assert names == set(REGISTRATION)


REGISTRATION_RULES = [
    ({"organisation_name": ""}, "Enter your organisation’s name"),
    ({"organisation_name": "o" * 201}, "Organisation name must be 200 characters or fewer"),
    ({"organisation_type": None}, "Select the type of organisation"),
    ({"organisation_type": "government"}, "Select the type of organisation"),
    (
        {"rsh_registration_number": "L48-50"},
        "Registration number must only include letters and numbers, like L4850",
    ),
    ({"rsh_registration_number": "L" * 11}, "Registration number must be 10 characters or fewer"),
    ({"full_name": ""}, "Enter your full name"),
    ({"full_name": "n" * 201}, "Your full name must be 200 characters or fewer"),
    ({"email": ""}, "Enter your email address"),
    ({"email": "rita"}, "Enter an email address in the correct format, like name@example.com"),
    (
        {"email": "rita@example"},
        "Enter an email address in the correct format, like name@example.com",
    ),
    (
        {"email": "rita jones@example.com"},
        "Enter an email address in the correct format, like name@example.com",
    ),
    (
        {"email": "<script>@example.com"},
        "Enter an email address in the correct format, like name@example.com",
    ),
    ({"email": "r" * 310 + "@example.com"}, "Email address must be 320 characters or fewer"),
    (
        {"password": "short", "confirm_password": "short"},
        "Password must be 8 characters or more",
    ),
    (
        {"password": "Password1", "confirm_password": "Password1"},
        "Password is too common. Choose one that is harder to guess",
    ),
    (
        {"password": "p" * 257, "confirm_password": "p" * 257},
        "Password must be 256 characters or fewer",
    ),
    (
        {"password": "RITA@example.com", "confirm_password": "RITA@example.com"},
        "Password must not be your email address",
    ),
    (
        {"full_name": "Rita Jones the Third", "password": "rita jones the third"},
        "Password must not be your name",
    ),
    ({"confirm_password": "a long enough passphrasE"}, "Passwords must match"),
]


@pytest.mark.parametrize(
    ("changes", "message"), REGISTRATION_RULES, ids=[m for _c, m in REGISTRATION_RULES]
)
def test_registration_refuses_bad_answers_and_creates_nothing(client, changes, message):
    data = registration(**changes)
    if "password" in changes and "confirm_password" not in changes:
        data["confirm_password"] = data["password"]
    before = factories.database_state()
    response = submit_form(client, "/register", data)
    assert assert_error_summary(response, message) == [message]
    assert factories.database_state() == before
    assert client.get("/offers").location.startswith("/sign-in")


def test_registration_keeps_what_was_typed_except_passwords(client):
    response = submit_form(client, "/register", registration(email="rita@"))
    shown = factories.form_values(response)
    assert shown["organisation_name"] == ["Riverside Homes"]
    assert shown["organisation_type"] == ["registered_provider"]
    assert shown["email"] == ["rita@"]
    assert shown["password"] == [""]


def test_the_organisation_page_shows_the_people(submitter_client, submitter):
    colleague = factories.submitter(org=factories.get(Organisation, submitter.user.organisation_id))
    response = submitter_client.get("/organisation")
    organisation = factories.get(Organisation, submitter.user.organisation_id)
    assert heading(response) == organisation.name
    page = text(response)
    assert "Your organisation" in page
    assert "Type Registered provider or housing association" in page
    assert "Regulator of Social Housing number None given" in page
    assert f"Sam Submitter (you) {submitter.email}" in page
    assert colleague.email in page
    assert soup(response).select_one(".app-join-link") is None  # no shared link any more


def test_staff_have_no_organisation_page(staff_client):
    response = staff_client.get("/organisation")
    assert response.status_code == 404


LONG = "x" * 10_000


@pytest.mark.parametrize(
    ("url", "field", "message"),
    [
        ("/register", "organisation_name", "Organisation name must be 200 characters or fewer"),
        (
            "/register",
            "rsh_registration_number",
            "Registration number must be 10 characters or fewer",
        ),
        ("/register", "full_name", "Your full name must be 200 characters or fewer"),
        ("/register", "email", "Email address must be 320 characters or fewer"),
        ("/register", "password", "Password must be 256 characters or fewer"),
        ("join", "full_name", "Your full name must be 200 characters or fewer"),
        ("/sign-in", "email", "Email address must be 320 characters or fewer"),
    ],
)
def test_ten_thousand_characters_in_an_account_field_are_refused(
    client, submitter, url, field, message
):
    if url == "join":
        client.get(f"/join/{factories.invitation_token(submitter, 'colin@example.com')}")
        url = "/join"
    data = registration() if url == "/register" else dict(PERSON)
    if url == "/join":
        del data["email"]
    if url == "/sign-in":
        data = {"email": submitter.email, "password": submitter.password}
    data[field] = LONG
    if field == "password":
        data["confirm_password"] = LONG
    before = factories.database_state()
    response = submit_form(client, url, data)
    assert assert_error_summary(response, message) == [message]
    assert factories.database_state() == before
