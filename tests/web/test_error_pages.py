"""Error pages that cannot fail: a write the database refuses, a database that is
gone, an error page that itself breaks. Each gives a GOV.UK page with every
security header, nothing of what was typed reaches the logs, and the CSP nonce is
on every page, the expired-form and too-big pages included."""

from __future__ import annotations

import logging
import sqlite3
import traceback
from collections.abc import Callable
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import event
from sqlalchemy.engine import Engine
from sqlalchemy.exc import IntegrityError
from werkzeug.test import TestResponse

from tests import factories
from tests.factories import csrf_token, heading, soup, text
from triage import errors
from triage.models import WaitingPerson
from triage.services.placement import waiting_list

PROBLEM = "Sorry, there is a problem with the service"
# What an officer types about a person: health data that must never be logged.
HEALTH = "Diagnosed with paranoid schizophrenia, uses a wheelchair"

PERSON = {
    "reference": "P-0100",
    "cohort": "mental_health_step_down",
    "referred_on": ["3", "2", "2025"],
    "priority": "medium",
    "support_needed": "floating",
    "self_contained_required": "no",
    "wheelchair_user": "yes",
    "level_access_needed": "yes",
    "age_band": "25-34",
    "preferred_areas": "LE2",
    "excluded_areas": "",
    "sharing_notes": HEALTH,
}


@pytest.fixture
def officer_client(app: Flask, placement_officer: factories.Account) -> FlaskClient:
    return factories.signed_in_client(app, placement_officer)


@pytest.fixture
def every_log_record(caplog: pytest.LogCaptureFixture) -> pytest.LogCaptureFixture:
    """Every logger at DEBUG, SQLAlchemy's statement log included."""
    caplog.set_level(logging.DEBUG)
    for name in ("sqlalchemy", "sqlalchemy.engine", "sqlalchemy.pool", "triage", "werkzeug"):
        caplog.set_level(logging.DEBUG, logger=name)
    return caplog


def engine_of(app: Flask) -> Engine:
    engine: Engine = app.extensions["triage.engine"]
    return engine


def database_path(app: Flask) -> str:
    return str(app.config["DATABASE_URL"]).removeprefix("sqlite:///")


def on_new_connections(app: Flask, listener: Callable[[Any, Any], None]) -> None:
    """Runs `listener` on each new connection (after the app's own pragmas) and
    empties the pool, so every request from now on gets it."""
    engine = engine_of(app)
    event.listen(engine, "connect", listener)
    engine.dispose()


def hold_the_write_lock(app: Flask, request: pytest.FixtureRequest) -> Callable[[], None]:
    """Another process takes the write lock, and keeps it past the app's (shortened) wait."""
    holder = sqlite3.connect(database_path(app), isolation_level=None)
    request.addfinalizer(holder.close)

    def wait_briefly(dbapi_connection: Any, _record: Any) -> None:
        dbapi_connection.execute("PRAGMA busy_timeout=50")

    def arrange() -> None:
        on_new_connections(app, wait_briefly)
        holder.execute("BEGIN IMMEDIATE")

    return arrange


def make_read_only(app: Flask, _request: pytest.FixtureRequest) -> Callable[[], None]:
    def read_only(dbapi_connection: Any, _record: Any) -> None:
        dbapi_connection.execute("PRAGMA query_only=ON")

    return lambda: on_new_connections(app, read_only)


def add_person(client: FlaskClient, arrange: Callable[[], None]) -> TestResponse:
    """The add-a-person form, filled in and posted after `arrange` breaks the database."""
    page = client.get("/placement/people/new")
    assert page.status_code == 200
    arrange()
    return client.post(
        "/placement/people/new", data={"csrf_token": csrf_token(page.text), **PERSON}
    )


def nonce_of(response: TestResponse) -> str:
    policy = response.headers["Content-Security-Policy"]
    [script_src] = [part for part in policy.split(";") if part.strip().startswith("script-src")]
    [nonce] = [value for value in script_src.split() if value.startswith("'nonce-")]
    return nonce.removeprefix("'nonce-").removesuffix("'")


def assert_a_safe_page(response: TestResponse, status: int, title: str) -> None:
    assert response.status_code == status
    assert heading(response) == title
    assert response.mimetype == "text/html"
    # GOV.UK-styled: the template, its stylesheet, its js-enabled script.
    page = soup(response)
    assert page.find("body", class_="govuk-template__body") is not None
    assert page.find("link", href="/assets/frontend.min.css") is not None
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert response.headers["X-Frame-Options"] == "DENY"
    assert response.headers["Referrer-Policy"] == "same-origin"
    assert response.headers["Cache-Control"] == "no-store"
    nonce = nonce_of(response)
    assert len(nonce) >= 16
    inline = [script for script in page.find_all("script") if not script.get("src")]
    assert inline, "GOV.UK Frontend's js-enabled script is missing"
    assert all(script.get("nonce") == nonce for script in inline)


def assert_not_logged(caplog: pytest.LogCaptureFixture, *secrets: str) -> None:
    assert caplog.records, "nothing was logged: the failure went unrecorded"
    for record in caplog.records:
        shown = [record.getMessage(), record.exc_text or "", record.stack_info or ""]
        if record.exc_info:
            shown.append("".join(traceback.format_exception(*record.exc_info)))
        for secret in secrets:
            assert all(secret not in part for part in shown), record.name
    for secret in secrets:
        assert secret not in caplog.text


# --- A failing write with health data in the form ------------------------------------


@pytest.mark.parametrize(
    "fault", [hold_the_write_lock, make_read_only], ids=["locked", "read-only"]
)
def test_a_write_the_database_refuses_gives_the_503_page_and_logs_no_health_data(
    request, app, officer_client, every_log_record, fault
):
    arrange = fault(app, request)
    response = add_person(officer_client, arrange)

    assert_a_safe_page(response, 503, PROBLEM)
    assert HEALTH not in response.text
    # The page reads nothing about the signed-in officer from the database.
    assert "Sign out" not in text(response)
    assert_not_logged(every_log_record, HEALTH)
    assert any(record.name == "triage.errors" for record in every_log_record.records)


def test_parameters_in_an_error_are_redacted_from_the_log(
    app, officer_client, every_log_record, monkeypatch
):
    """An error that does carry the statement's parameters (an engine made without
    hide_parameters, a driver quoting the row): the log filter takes them out."""

    def refused(*_args: Any, **_kwargs: Any) -> None:
        raise IntegrityError(
            "INSERT INTO waiting_people (reference, sharing_notes) VALUES (?, ?)",
            ("P-0100", HEALTH),
            sqlite3.IntegrityError(f'DETAIL:  Failing row contains (P-0100, "{HEALTH}")'),
        )

    monkeypatch.setattr(waiting_list, "add", refused)
    response = add_person(officer_client, lambda: None)

    assert_a_safe_page(response, 500, PROBLEM)
    assert_not_logged(every_log_record, HEALTH)
    [logged] = [record for record in every_log_record.records if record.name == "triage.errors"]
    assert "IntegrityError" in (logged.exc_text or "")
    assert "[parameters: [redacted]]" in (logged.exc_text or "")
    # The officer's nothing-saved state is intact: the session was rolled back.
    assert factories.rows(WaitingPerson) == []


# --- A database that is gone ---------------------------------------------------------


def test_a_database_that_is_gone_gives_503_pages_and_the_app_recovers(
    app, submitter_client, every_log_record
):
    assert submitter_client.get("/offers").status_code == 200

    def gone(_connection: Any, _record: Any) -> None:
        raise sqlite3.OperationalError("unable to open database file")

    on_new_connections(app, gone)
    for url in ["/offers", "/organisation"]:
        assert_a_safe_page(submitter_client.get(url), 503, PROBLEM)
    assert submitter_client.get("/healthz").status_code == 503

    event.remove(engine_of(app), "connect", gone)
    again = submitter_client.get("/offers")
    assert again.status_code == 200
    assert "Sign out" in text(again), "the signed-in session did not survive"


def test_pages_for_a_clients_mistake_keep_the_navigation(submitter_client):
    response = submitter_client.get("/no-such-page")
    assert_a_safe_page(response, 404, "Page not found")
    assert "Sign out" in text(response)


def test_an_unexpected_error_gives_the_500_page(app, submitter_client, monkeypatch, caplog):
    from triage.offers import views

    def broken(*_args: Any, **_kwargs: Any) -> None:
        raise RuntimeError("a bug")

    monkeypatch.setattr(views, "render_template", broken)
    response = submitter_client.get("/offers")
    assert_a_safe_page(response, 500, PROBLEM)
    assert "Unhandled error" in caplog.text


def test_an_error_page_that_breaks_falls_back_to_a_static_page(
    app, submitter_client, monkeypatch, caplog
):
    def broken(*_args: Any, **_kwargs: Any) -> str:
        raise RuntimeError("the template is broken")

    monkeypatch.setattr(errors, "render_template", broken)
    response = submitter_client.get("/no-such-page")
    assert response.status_code == 404
    assert heading(response) == PROBLEM
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert "frame-ancestors 'none'" in response.headers["Content-Security-Policy"]
    assert "could not be rendered" in caplog.text


# --- The nonce on every page -----------------------------------------------------------


def test_the_expired_form_page_has_a_nonce(submitter_client):
    response = submitter_client.post("/offers/new")
    assert_a_safe_page(response, 400, "The form has expired")


def test_the_too_big_page_has_a_nonce(app, client):
    app.config["MAX_CONTENT_LENGTH"] = 1024  # not 256MB of test data
    response = client.post("/sign-in", data=b"x" * (app.config["MAX_CONTENT_LENGTH"] + 1))
    assert_a_safe_page(response, 413, "The file is too big")
