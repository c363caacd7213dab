"""PostgreSQL stops while the app serves requests over HTTP: every page that needs
the database is the 503 page, with the security headers, and once PostgreSQL is
back the same app (not restarted, not rebuilt) serves normal pages again, to the
same signed-in person."""

from __future__ import annotations

import subprocess
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Iterator
from dataclasses import dataclass
from email.message import Message
from http.cookiejar import CookieJar

import pytest
from bs4 import BeautifulSoup
from flask import Flask
from sqlalchemy import text
from sqlalchemy.exc import OperationalError
from werkzeug.serving import make_server

from tests import factories
from tests.servers import HOST, START_TIMEOUT, PostgresServer
from triage.db import make_engine

pytestmark = pytest.mark.integration

PROBLEM = "Sorry, there is a problem with the service"
# Seconds a request may take: a page must not hang while the database is down.
REQUEST_TIMEOUT = 15


@dataclass
class Page:
    status: int
    headers: Message
    html: str

    @property
    def heading(self) -> str:
        h1 = BeautifulSoup(self.html, "html.parser").find("h1")
        return h1.get_text(" ", strip=True) if h1 else ""


class Browser:
    """A cookie-keeping HTTP client for the app's server."""

    def __init__(self, base_url: str) -> None:
        self.base_url = base_url
        self.opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(CookieJar()))

    def request(self, path: str, form: dict[str, str] | None = None) -> Page:
        data = urllib.parse.urlencode(form).encode() if form is not None else None
        try:
            with self.opener.open(self.base_url + path, data=data, timeout=REQUEST_TIMEOUT) as r:
                return Page(r.status, r.headers, r.read().decode())
        except urllib.error.HTTPError as error:
            with error:
                return Page(error.code, error.headers, error.read().decode())

    def sign_in(self, account: factories.Account) -> Page:
        page = self.request("/sign-in")
        form = {
            "csrf_token": factories.csrf_token(page.html),
            "email": account.email,
            "password": account.password,
        }
        return self.request("/sign-in", form)


@pytest.fixture
def base_url(app: Flask) -> Iterator[str]:
    """The app served over HTTP by Werkzeug's threaded server, in this process."""
    server = make_server(HOST, 0, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://{HOST}:{server.server_port}"
    finally:
        server.shutdown()
        thread.join(timeout=10)


def start_again(server: PostgresServer) -> None:
    """Starts the stopped cluster on its old port (its postgresql.conf keeps it)."""
    subprocess.run(  # noqa: S603
        [
            *server.run_as,
            str(server.bindir / "pg_ctl"),
            "--pgdata",
            str(server.data),
            "--log",
            str(server.log),
            "--wait",
            "--timeout",
            str(START_TIMEOUT),
            "start",
        ],
        stdin=subprocess.DEVNULL,
        capture_output=True,
        timeout=START_TIMEOUT + 10,
        check=True,
    )


@pytest.fixture
def stoppable_postgres(postgres_server: PostgresServer) -> Iterator[PostgresServer]:
    """The session's PostgreSQL, which this test may stop: it runs again afterwards,
    for the tests that follow."""
    try:
        yield postgres_server
    finally:
        if not (postgres_server.data / "postmaster.pid").exists():
            start_again(postgres_server)


def assert_the_problem_page(page: Page) -> None:
    assert page.status == 503, page.heading
    assert page.heading == PROBLEM
    assert page.headers["X-Content-Type-Options"] == "nosniff"
    assert page.headers["X-Frame-Options"] == "DENY"
    assert page.headers["Cache-Control"] == "no-store"
    policy = page.headers["Content-Security-Policy"]
    assert "frame-ancestors 'none'" in policy
    nonce = policy.split("'nonce-")[1].split("'")[0]
    assert nonce and f'nonce="{nonce}"' in page.html


def test_pages_are_503_while_postgresql_is_down_and_normal_once_it_is_back(
    app: Flask,
    base_url: str,
    stoppable_postgres: PostgresServer,
    submitter: factories.Account,
) -> None:
    browser = Browser(base_url)
    assert browser.sign_in(submitter).status == 200
    before = browser.request("/offers")
    assert before.status == 200
    assert "Sign out" in before.html
    engine = app.extensions["triage.engine"]

    stoppable_postgres.stop()
    try:
        for path in ["/offers", "/organisation", "/offers", "/sign-in"]:
            assert_the_problem_page(browser.request(path))
        assert browser.request("/healthz").status == 503
        # A page that needs no database still works.
        assert Browser(base_url).request("/").status == 200
    finally:
        start_again(stoppable_postgres)

    assert app.extensions["triage.engine"] is engine, "the app was rebuilt"
    after = browser.request("/offers")
    assert after.status == 200, after.heading
    assert "Sign out" in after.html, "the signed-in session did not survive"
    assert browser.request("/healthz").status == 200
    assert browser.request("/organisation").status == 200


def test_a_worker_connection_idle_past_its_ping_threshold_is_replaced_after_a_restart(
    app: Flask, stoppable_postgres: PostgresServer
) -> None:
    # The workers' engine pings only a connection unused for a while
    # (DATABASE_PING_AFTER_IDLE): one left idle across a restart is found dead and
    # replaced before use, so the task that takes it sees no error.
    engine = make_engine(app.config["DATABASE_URL"], ping_after_idle=0.2)
    try:
        with engine.connect() as connection:
            assert connection.execute(text("SELECT 1")).scalar() == 1
        stoppable_postgres.stop()
        start_again(stoppable_postgres)
        time.sleep(0.3)
        with engine.connect() as connection:
            assert connection.execute(text("SELECT 1")).scalar() == 1
    finally:
        engine.dispose()


def test_a_worker_connection_used_just_before_a_restart_fails_once_then_recovers(
    app: Flask, stoppable_postgres: PostgresServer
) -> None:
    # The price of pinging only idle connections: a connection used within the
    # threshold is taken as it is, so its first statement after a restart fails
    # (a task retries on that: workers/tasks.py), and every pooled connection is
    # dropped with it, so the next statement works.
    engine = make_engine(app.config["DATABASE_URL"], ping_after_idle=60)
    try:
        with engine.connect() as connection:
            connection.execute(text("SELECT 1"))
        stoppable_postgres.stop()
        start_again(stoppable_postgres)
        with pytest.raises(OperationalError), engine.connect() as connection:
            connection.execute(text("SELECT 1"))
        with engine.connect() as connection:
            assert connection.execute(text("SELECT 1")).scalar() == 1
    finally:
        engine.dispose()
