"""Staff accounts: an administrator invites staff by email (they choose their own
password), changes a role, deactivates and reactivates; the last administrator
stays."""

from __future__ import annotations

import re

import pytest
from flask.testing import FlaskClient

from tests import factories
from tests.factories import heading, soup, submit_form, text
from tests.web.checks import assert_error_summary
from triage.admin.views import LAST_ADMIN
from triage.models import AuditEvent, EmailMessage, Invitation, LoginSession, User

LINK = re.compile(r"http://localhost/join/([A-Za-z0-9_-]+)")
PASSPHRASE = "a long enough passphrase"
NINA = "nina.new@example.com"


def invite_staff(admin_client: FlaskClient, role: str = "commissioner", email: str = NINA):
    return submit_form(admin_client, "/admin/users/new", {"email": email, "role": role})


def accept(client: FlaskClient, email: str = NINA, name: str = "Nina New"):
    [message] = factories.rows(EmailMessage, to_address=email)
    token = LINK.search(message.body).group(1)  # type: ignore[union-attr]
    client.get(f"/join/{token}")
    return submit_form(
        client, "/join", {"full_name": name, "password": PASSPHRASE, "confirm_password": PASSPHRASE}
    )


def sign_in(client: FlaskClient, email: str, password: str):
    return submit_form(client, "/sign-in", {"email": email, "password": password})


def actions(actor_id: int) -> list[str]:
    return [event.action for event in factories.rows(AuditEvent, actor_id=actor_id)]


@pytest.mark.parametrize(
    ("role", "label", "home"),
    [
        ("commissioner", "Commissioner", "/queue"),
        ("placement_officer", "Placement officer", "/placement/"),
        ("admin", "Administrator", "/queue"),
    ],
)
def test_an_administrator_invites_staff_who_choose_their_own_password(
    app, admin_client, admin, role, label, home
):
    page = admin_client.get("/admin/users/new")
    assert heading(page) == "Invite a member of staff"
    assert not soup(page).select("input[type=password]")  # the admin never sets it
    response = invite_staff(admin_client, role, "Nina.New@Example.com")
    assert response.location == "/admin/users"
    listing = admin_client.get("/admin/users")
    assert f"An invitation has been sent to {NINA}" in text(listing)
    assert NINA in soup(listing).select_one(".app-staff-invitations").get_text()  # type: ignore[union-attr]

    newcomer = app.test_client()
    form_page = newcomer.get(
        f"/join/{LINK.search(factories.rows(EmailMessage, to_address=NINA)[0].body).group(1)}"
    )  # type: ignore[union-attr]
    assert heading(newcomer.get(form_page.location)) == "Create your staff account"
    assert accept(newcomer).location == home
    [user] = factories.rows(User, email=NINA)
    assert (user.role, user.organisation_id, user.full_name) == (role, None, "Nina New")
    listing = admin_client.get("/admin/users")
    assert f"Nina New {NINA} {label} Active" in [
        " ".join(row.get_text(" ").split()) for row in soup(listing).select(".app-staff tbody tr")
    ]
    assert "invitation_sent" in actions(admin.id)


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"email": NINA, "role": ""}, "Select the role"),
        ({"email": NINA, "role": "submitter"}, "Select the role"),
        ({"email": NINA, "role": "superuser"}, "Select the role"),
        (
            {"email": "nina", "role": "commissioner"},
            "Enter an email address in the correct format, like name@example.com",
        ),
    ],
    ids=["no role", "submitter role", "unknown role", "bad email"],
)
def test_a_staff_invitation_with_bad_answers_is_not_sent(admin_client, data, message):
    before = factories.database_state()
    response = submit_form(admin_client, "/admin/users/new", data)
    assert assert_error_summary(response, message) == [message]
    assert factories.database_state() == before


def test_a_staff_invitation_cannot_reuse_an_email(admin_client, submitter):
    response = invite_staff(admin_client, email=submitter.email.upper())
    assert_error_summary(response, "An account already uses this email address")
    assert factories.count(Invitation) == 0


def test_a_cancelled_staff_invitation_is_refused(app, admin_client):
    invite_staff(admin_client)
    [invitation] = factories.rows(Invitation)
    response = submit_form(
        admin_client,
        f"/admin/users/invitations/{invitation.id}/cancel",
        {},
        form_url="/admin/users",
    )
    assert response.location == "/admin/users"
    [message] = factories.rows(EmailMessage, to_address=NINA)
    token = LINK.search(message.body).group(1)  # type: ignore[union-attr]
    refused = app.test_client().get(f"/join/{token}", follow_redirects=True)
    assert heading(refused) == "This link to join does not work"
    assert factories.count(User, email=NINA) == 0


def test_changing_a_role(app, admin_client, admin, commissioner):
    page = admin_client.get(f"/admin/users/{commissioner.id}")
    assert heading(page) == "Staff commissioner"
    response = submit_form(
        admin_client, f"/admin/users/{commissioner.id}", {"role": "placement_officer"}
    )
    assert response.location == f"/admin/users/{commissioner.id}"
    assert factories.get(User, commissioner.id).role == "placement_officer"
    assert (
        sign_in(app.test_client(), commissioner.email, commissioner.password).location
        == "/placement/"
    )
    [event] = factories.rows(AuditEvent, action="role_changed")
    assert event.actor_id == admin.id
    assert event.detail == f"user {commissioner.id}: commissioner to placement_officer"


def test_deactivation_ends_sessions_and_reactivation_does_not_revive_them(
    app, admin_client, admin, commissioner
):
    browser = factories.signed_in_client(app, commissioner)
    assert browser.get("/queue").status_code == 200
    cookie = factories.session_cookie(browser)

    response = submit_form(
        admin_client,
        f"/admin/users/{commissioner.id}/deactivate",
        {},
        form_url=f"/admin/users/{commissioner.id}",
    )
    assert response.location == f"/admin/users/{commissioner.id}"
    assert "has been deactivated" in text(admin_client.get(response.location))
    assert browser.get("/queue").location.startswith("/sign-in")
    assert factories.count(LoginSession, user_id=commissioner.id) == 0
    assert sign_in(app.test_client(), commissioner.email, commissioner.password).status_code == 200
    assert "Deactivated" in text(admin_client.get("/admin/users"))

    submit_form(
        admin_client,
        f"/admin/users/{commissioner.id}/reactivate",
        {},
        form_url=f"/admin/users/{commissioner.id}",
    )
    assert factories.get(User, commissioner.id).is_active
    replay = app.test_client()
    replay.set_cookie(app.config["SESSION_COOKIE_NAME"], cookie)
    assert replay.get("/queue").location.startswith("/sign-in")
    assert (
        sign_in(app.test_client(), commissioner.email, commissioner.password).location == "/queue"
    )
    assert {"account_deactivated", "account_reactivated"} <= set(actions(admin.id))


def test_the_last_administrator_cannot_deactivate_or_demote_themself(admin_client, admin):
    response = submit_form(
        admin_client, f"/admin/users/{admin.id}/deactivate", {}, form_url=f"/admin/users/{admin.id}"
    )
    assert response.status_code == 200
    assert LAST_ADMIN in text(response)
    response = submit_form(admin_client, f"/admin/users/{admin.id}", {"role": "commissioner"})
    assert_error_summary(response, LAST_ADMIN)
    user = factories.get(User, admin.id)
    assert (user.role, user.is_active) == ("admin", True)
    assert admin_client.get("/admin/users").status_code == 200


def test_with_another_administrator_one_may_step_down(app, admin_client, admin):
    other = factories.staff("admin")
    submit_form(admin_client, f"/admin/users/{admin.id}", {"role": "commissioner"})
    assert factories.get(User, admin.id).role == "commissioner"
    # Now the other is the last one.
    other_client = factories.signed_in_client(app, other)
    response = submit_form(
        other_client, f"/admin/users/{other.id}/deactivate", {}, form_url=f"/admin/users/{other.id}"
    )
    assert LAST_ADMIN in text(response)


def test_an_administrator_may_deactivate_themself_if_another_remains(app, admin_client, admin):
    factories.staff("admin")
    response = submit_form(
        admin_client, f"/admin/users/{admin.id}/deactivate", {}, form_url=f"/admin/users/{admin.id}"
    )
    assert response.location == "/sign-in"
    assert admin_client.get("/admin/users").location.startswith("/sign-in")


def test_submitters_are_not_staff_pages(admin_client, submitter):
    assert admin_client.get(f"/admin/users/{submitter.id}").status_code == 404
    assert admin_client.get("/admin/users/424242").status_code == 404


@pytest.mark.parametrize("who", ["commissioner", "placement_officer", "submitter"])
def test_only_administrators_manage_staff(app, who, request, commissioner):
    client = factories.signed_in_client(app, request.getfixturevalue(who))
    for url in (f"/admin/users/{commissioner.id}", "/admin/organisations", "/admin/users/new"):
        assert client.get(url).status_code == 404
