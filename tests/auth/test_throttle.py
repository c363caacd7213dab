"""Sign-in throttling: increasing delays per email address typed and per client
address, never a lock the attacker controls; the proxy-aware client address; the
audit trail."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import datetime, timedelta

import pytest
from flask import Flask
from flask.testing import FlaskClient

from tests import factories
from tests.factories import submit_form
from triage import clock, create_app
from triage.auth.views import SIGN_IN_PROBLEM, throttled_message
from triage.config import Test
from triage.models import AuditEvent

WRONG = "not the password"


class FrozenClock:
    def __init__(self) -> None:
        self.now = clock.now()

    def __call__(self) -> datetime:
        return self.now

    def advance(self, seconds: float) -> None:
        self.now += timedelta(seconds=seconds)


@pytest.fixture
def frozen(monkeypatch: pytest.MonkeyPatch) -> Iterator[FrozenClock]:
    frozen = FrozenClock()
    monkeypatch.setattr(clock, "now", frozen)
    yield frozen


def attempt(client: FlaskClient, email: str, password: str = WRONG, address: str = "127.0.0.1"):
    return submit_form(
        client,
        "/sign-in",
        {"email": email, "password": password},
        environ_base={"REMOTE_ADDR": address},
    )


def outcome(response) -> str:
    if response.status_code == 302:
        return "signed in"
    if response.status_code == 429:
        return factories.error_summary(response)[0]
    assert factories.error_summary(response) == [SIGN_IN_PROBLEM]
    return "checked"


def failures() -> int:
    return factories.count(AuditEvent, action="sign_in_failed")


def test_delays_grow_after_five_failures_and_no_password_is_checked_meanwhile(
    client, submitter, frozen
):
    assert [outcome(attempt(client, submitter.email)) for _ in range(5)] == ["checked"] * 5
    assert failures() == 5
    # Even the right password waits: nothing is checked.
    response = attempt(client, submitter.email, submitter.password)
    assert outcome(response) == throttled_message(2)
    assert failures() == 5
    frozen.advance(2)
    assert outcome(attempt(client, submitter.email)) == "checked"
    assert outcome(attempt(client, submitter.email)) == throttled_message(4)
    frozen.advance(4)
    assert outcome(attempt(client, submitter.email)) == "checked"
    assert outcome(attempt(client, submitter.email)) == throttled_message(8)
    assert failures() == 7
    throttled = factories.rows(AuditEvent, action="sign_in_throttled")
    assert len(throttled) == 3
    assert {event.actor_id for event in throttled} == {submitter.id}
    assert {event.detail for event in throttled} == {"email address"}


def test_a_delay_is_not_a_lock_the_owner_signs_in_once_it_passes(client, submitter, frozen):
    for _ in range(5):
        attempt(client, submitter.email)
    assert attempt(client, submitter.email, submitter.password).status_code == 429
    frozen.advance(2)
    assert outcome(attempt(client, submitter.email, submitter.password)) == "signed in"


def test_the_longest_delay_is_capped_and_the_window_forgets(app, client, submitter, frozen):
    for _ in range(5):
        attempt(client, submitter.email)
    for _ in range(12):
        frozen.advance(300)
        attempt(client, submitter.email)
    response = attempt(client, submitter.email)
    assert outcome(response) == throttled_message(300)
    frozen.advance(app.config["LOGIN_FAILURE_WINDOW_SECONDS"] + 1)
    assert outcome(attempt(client, submitter.email, submitter.password)) == "signed in"


def test_resetting_the_password_clears_the_delay(app, client, submitter, frozen):
    from tests.auth.test_password_reset import NEW_PASSWORD, choose_password, token_for

    for _ in range(7):
        attempt(client, submitter.email)
    reset_browser = app.test_client()
    choose_password(reset_browser, token_for(reset_browser, submitter))
    assert outcome(attempt(client, submitter.email, NEW_PASSWORD)) == "signed in"


def test_unknown_accounts_are_throttled_alike(app, submitter, frozen):
    def run(email: str) -> list[str]:
        client = app.test_client()
        return [outcome(attempt(client, email, address="10.1.1.1")) for _ in range(7)]

    real = run(submitter.email)
    factories_count = failures()
    assert real == run("nobody-here@example.com")
    assert failures() == factories_count * 2


def test_many_accounts_tried_from_one_address_are_slowed(app, client, frozen):
    results = [outcome(attempt(client, f"person{n}@example.com")) for n in range(60)]
    assert results[:20] == ["checked"] * 20
    assert results[20] == throttled_message(2)
    assert results.count("checked") == 20
    assert failures() == 20
    assert {e.detail for e in factories.rows(AuditEvent, action="sign_in_throttled")} == {
        "client address"
    }
    # Another client address is not slowed by this one.
    assert outcome(attempt(client, "person0@example.com", address="10.9.9.9")) == "checked"


def test_colleagues_signing_in_from_one_office_are_not_slowed(app, frozen):
    people = [factories.submitter() for _ in range(25)]
    for person in people:
        client = app.test_client()
        assert outcome(attempt(client, person.email, person.password)) == "signed in"


def test_the_forwarded_address_counts_only_behind_a_configured_proxy(app, client, frozen):
    # No proxy configured: a client cannot escape the throttle with the header.
    for n in range(20):
        attempt(client, f"person{n}@example.com")
    spoofed = submit_form(
        client,
        "/sign-in",
        {"email": "person99@example.com", "password": WRONG},
        headers={"X-Forwarded-For": "203.0.113.7"},
    )
    assert spoofed.status_code == 429

    behind_proxy = proxied_app(app, hops=1)
    proxied = behind_proxy.test_client()
    for n in range(20):
        response = submit_form(
            proxied,
            "/sign-in",
            {"email": f"other{n}@example.com", "password": WRONG},
            headers={"X-Forwarded-For": "198.51.100.1"},
        )
        assert outcome(response) == "checked"
    # The 21st from that client is slowed; another client behind the proxy is not.
    response = submit_form(
        proxied,
        "/sign-in",
        {"email": "other21@example.com", "password": WRONG},
        headers={"X-Forwarded-For": "198.51.100.1"},
    )
    assert response.status_code == 429
    response = submit_form(
        proxied,
        "/sign-in",
        {"email": "other22@example.com", "password": WRONG},
        headers={"X-Forwarded-For": "198.51.100.2"},
    )
    assert outcome(response) == "checked"
    behind_proxy.extensions["triage.engine"].dispose()


def proxied_app(app: Flask, *, hops: int) -> Flask:
    other = create_app(
        Test,
        DATABASE_URL=app.config["DATABASE_URL"],
        INSTANCE_DIR=app.config["INSTANCE_DIR"],
        UPLOAD_DIR=app.config["UPLOAD_DIR"],
        MAIL_DIR=app.config["MAIL_DIR"],
        PROXY_FIX_HOPS=hops,
    )
    factories.share_compiled_templates(other)
    return other


def test_the_throttle_table_holds_no_address(app, client, submitter, frozen):
    for _ in range(3):
        attempt(client, submitter.email, address="192.0.2.55")
    state = factories.database_state()["sign_in_throttles"]
    assert len(state) == 2
    assert not any(submitter.email in str(row) or "192.0.2.55" in str(row) for row in state)
