"""Every route that accepts a POST refuses one without a CSRF token and changes
nothing; no GET changes anything."""

from __future__ import annotations

import io
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import pytest
from flask import Flask, url_for
from flask.testing import FlaskClient

from tests import factories
from tests.factories import csrf_token, heading, text
from triage.models import Document, Invitation, LoginSession, Offer, User


@dataclass
class Setup:
    app: Flask
    submitter: factories.Account
    admin: factories.Account
    offer: Any
    document: Any

    def values(self) -> dict[str, Any]:
        return {
            "offer_id": self.offer.id,
            "document_id": self.document.id,
            "key": "name-and-address",
            "section_slug": "property",
            "token": factories.invitation_token(self.submitter, "nina@example.com"),
            "filename": "frontend.min.css",
        }

    def url(self, endpoint: str, arguments: set[str]) -> str:
        values = self.values()
        with self.app.test_request_context():
            # Ids this test does not know of (routes added later) get 1.
            return url_for(endpoint, **{name: values.get(name, 1) for name in arguments})

    def client_for(self, endpoint: str) -> FlaskClient:
        if endpoint in PUBLIC_POST or endpoint in PUBLIC_GET:
            return self.app.test_client()
        if endpoint.split(".")[0] in ("admin", "policy", "queue", "account"):
            return factories.signed_in_client(self.app, self.admin)
        return factories.signed_in_client(self.app, self.submitter)


PUBLIC_GET = {"static", "auth.start", "health.healthz"}
# Forms for people not signed in (the invitation's form after its link was followed).
PUBLIC_POST = {"auth.register", "auth.accept_invitation", "auth.sign_in"}
PASSPHRASE = "a long enough passphrase"


def _form(setup: Setup, endpoint: str) -> dict[str, Any]:
    """A POST each known route would act on, were its token there."""
    person = {
        "full_name": "Nina New",
        "email": "nina@example.com",
        "password": PASSPHRASE,
        "confirm_password": PASSPHRASE,
    }
    forms: dict[str, dict[str, Any]] = {
        "auth.register": {
            **person,
            "organisation_name": "New Org",
            "organisation_type": "charity",
        },
        "auth.accept_invitation": {key: value for key, value in person.items() if key != "email"},
        "auth.sign_in": {"email": setup.submitter.email, "password": factories.PASSWORD},
        "offers.question": {"name": "Changed", "address": "1 Road", "postcode": "LE1 6ZG"},
        "offers.documents_page": {
            "kind": "photo",
            "file": (io.BytesIO(factories.PNG_BYTES), "photo.png"),
        },
        "offers.declaration": {"declaration_name": "Sam Submitter", "confirm": "y"},
        "admin.new_user": {"email": "staff-nina@example.com", "role": "commissioner"},
        "account.notifications_page": {"frequency": "daily_digest"},
    }
    return forms.get(endpoint, {})


# What a POST with its token changes, to show the refusal was down to the token.
EFFECTS: dict[str, Callable[[Setup], Any]] = {
    "auth.register": lambda s: factories.count(User),
    "auth.accept_invitation": lambda s: factories.count(User),
    "auth.sign_in": lambda s: factories.count(LoginSession),
    "auth.sign_out": lambda s: factories.count(LoginSession),
    "offers.new": lambda s: factories.count(Offer),
    "offers.question": lambda s: factories.get(Offer, s.offer.id).name,
    "offers.documents_page": lambda s: factories.count(Document),
    "offers.remove_document": lambda s: factories.count(Document),
    "offers.declaration": lambda s: factories.get(Offer, s.offer.id).status,
    "offers.withdraw": lambda s: factories.get(Offer, s.offer.id).status,
    "admin.new_user": lambda s: factories.count(Invitation),
    "account.notifications_page": lambda s: factories.get(User, s.admin.id).notification_frequency,
}


def rules_with(app: Flask, method: str) -> list[tuple[str, set[str]]]:
    return sorted(
        (rule.endpoint, set(rule.arguments))
        for rule in app.url_map.iter_rules()
        if method in (rule.methods or set())
    )


@pytest.fixture
def setup(app: Flask, submitter: factories.Account, admin: factories.Account) -> Setup:
    offer = factories.complete_offer(submitter)
    document = factories.document(offer, submitter)
    return Setup(app, submitter, admin, offer, document)


def test_the_routes_this_service_posts_to_are_all_known(app):
    posts = {endpoint for endpoint, _args in rules_with(app, "POST")}
    assert set(EFFECTS) <= posts
    assert len(posts) >= len(EFFECTS)


def test_every_post_without_a_csrf_token_is_refused_and_changes_nothing(setup):
    for endpoint, arguments in rules_with(setup.app, "POST"):
        client = setup.client_for(endpoint)
        url = setup.url(endpoint, arguments)
        before = factories.database_state()
        response = client.post(url, data=_form(setup, endpoint))
        assert response.status_code == 400, (endpoint, response.status_code)
        assert heading(response) == "The form has expired", endpoint
        assert "Nothing you saved earlier has been lost" in text(response)
        assert factories.database_state() == before, endpoint


def test_a_wrong_or_stale_token_is_refused_too(app, setup):
    client = factories.signed_in_client(app, setup.submitter)
    url = f"/offers/{setup.offer.id}/withdraw"
    other = factories.signed_in_client(app, factories.submitter())
    for token in ("", "not-a-token", csrf_token(other.get("/offers").text)):
        response = client.post(url, data={"csrf_token": token})
        assert response.status_code == 400
        assert factories.get(Offer, setup.offer.id).status == "draft"


@pytest.mark.parametrize("endpoint", sorted(EFFECTS))
def test_the_same_post_with_its_token_does_change_something(setup, endpoint):
    """Proves the refusals above are down to the missing token, not the form."""
    arguments = next(args for name, args in rules_with(setup.app, "POST") if name == endpoint)
    client = setup.client_for(endpoint)
    url = setup.url(endpoint, arguments)
    if endpoint == "auth.accept_invitation":
        client.get(setup.url("auth.join", {"token"}))  # the invitation's link
    token_page = url if endpoint in PUBLIC_POST else "/"
    page = client.get(token_page)
    if page.status_code == 302:
        page = client.get(page.location)
    before = EFFECTS[endpoint](setup)
    response = client.post(
        url, data={"csrf_token": csrf_token(page.text), **_form(setup, endpoint)}
    )
    assert response.status_code == 302, (endpoint, factories.error_summary(response))
    assert EFFECTS[endpoint](setup) != before


def test_no_get_changes_anything(setup):
    for endpoint, arguments in rules_with(setup.app, "GET"):
        client = setup.client_for(endpoint)
        url = setup.url(endpoint, arguments)
        before = factories.database_state()
        response = factories.fetch(client, url)
        assert response.status_code < 500, (endpoint, response.status_code)
        assert factories.database_state() == before, endpoint


@pytest.mark.parametrize("url", ["/sign-out", "/offers/new"])
def test_post_only_routes_refuse_a_get(setup, url):
    client = factories.signed_in_client(setup.app, setup.submitter)
    before = factories.database_state()
    response = client.get(url)
    assert response.status_code == 405
    assert factories.database_state() == before
    assert client.get("/offers").status_code == 200


def test_get_of_withdraw_only_asks(setup):
    client = factories.signed_in_client(setup.app, setup.submitter)
    response = client.get(f"/offers/{setup.offer.id}/withdraw")
    assert heading(response) == "Delete this draft?"
    assert factories.get(Offer, setup.offer.id).status == "draft"


def test_removing_a_document_needs_a_post(setup):
    client = factories.signed_in_client(setup.app, setup.submitter)
    url = f"/offers/{setup.offer.id}/documents/{setup.document.id}/remove"
    assert client.get(url).status_code == 405
    assert factories.count(Document) == 1
