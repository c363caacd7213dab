"""Headers every page carries, the session cookie's flags, and the production
settings (HSTS, Secure cookies, and refusing to start without a real secret key)."""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest
from flask import Flask
from werkzeug.test import TestResponse

from tests import factories
from tests.factories import heading, soup
from triage import create_app, db
from triage.config import Production

HTTPS = "https://localhost"


def csp(response: TestResponse) -> dict[str, list[str]]:
    policy = response.headers.get("Content-Security-Policy", "")
    directives: dict[str, list[str]] = {}
    for part in policy.split(";"):
        name, *values = part.split()
        directives[name] = values
    return directives


def page_urls(app: Flask, submitter: factories.Account) -> list[tuple[str | None, str]]:
    offer = factories.complete_offer(submitter)
    return [
        (None, "/"),
        (None, "/sign-in"),
        (None, "/register"),
        (None, "/no-such-page"),
        ("submitter", "/offers"),
        ("submitter", f"/offers/{offer.id}"),
        ("submitter", f"/offers/{offer.id}/questions/name-and-address"),
        ("submitter", f"/offers/{offer.id}/check-answers"),
        ("submitter", f"/offers/{offer.id}/documents"),
        ("submitter", "/organisation"),
        ("staff", "/queue"),
    ]


@pytest.fixture
def pages(app, submitter, commissioner) -> list[TestResponse]:
    clients = {
        None: app.test_client(),
        "submitter": factories.signed_in_client(app, submitter),
        "staff": factories.signed_in_client(app, commissioner),
    }
    return [clients[who].get(url) for who, url in page_urls(app, submitter)]


def test_every_page_allows_only_its_own_scripts(pages):
    for response in pages:
        directives = csp(response)
        script_src = directives["script-src"]
        assert "'self'" in script_src
        assert "'unsafe-inline'" not in script_src
        assert "'unsafe-eval'" not in script_src
        assert "'unsafe-inline'" not in directives["style-src"]
        assert directives["default-src"] == ["'self'"]
        assert directives["object-src"] == ["'none'"]
        assert directives["base-uri"] == ["'none'"]
        assert directives["frame-ancestors"] == ["'none'"]
        [nonce] = [value for value in script_src if value.startswith("'nonce-")]
        nonce = nonce.removeprefix("'nonce-").removesuffix("'")
        assert len(nonce) >= 16

        scripts = soup(response).find_all("script")
        inline = [script for script in scripts if not script.get("src")]
        assert inline, "GOV.UK Frontend's js-enabled script is missing"
        for script in inline:
            assert script.get("nonce") == nonce, response.request.path
        for script in scripts:
            if script.get("src"):
                assert str(script["src"]).startswith("/assets/")


def test_the_nonce_is_new_for_every_response(client):
    nonces = set()
    for _ in range(3):
        response = client.get("/sign-in")
        [nonce] = [v for v in csp(response)["script-src"] if v.startswith("'nonce-")]
        inline = [s for s in soup(response).find_all("script") if not s.get("src")]
        assert [script["nonce"] for script in inline] == [nonce[7:-1]]
        nonces.add(nonce)
    assert len(nonces) == 3


def test_every_page_refuses_sniffing_framing_and_caching(pages):
    for response in pages:
        assert response.headers["X-Content-Type-Options"] == "nosniff"
        assert response.headers["X-Frame-Options"] == "DENY"
        assert response.headers["Referrer-Policy"] == "same-origin"
        assert response.headers["Cache-Control"] == "no-store"
        assert "Strict-Transport-Security" not in response.headers


def test_error_pages_carry_the_headers_too(app, client, submitter_client):
    app.config["MAX_CONTENT_LENGTH"] = 1024  # not 256MB of test data
    too_big = client.post("/sign-in", data=b"x" * (app.config["MAX_CONTENT_LENGTH"] + 1))
    expired = submitter_client.post("/offers/new")
    for response in (client.get("/nowhere"), too_big, expired):
        assert response.status_code in (404, 413, 400)
        assert response.headers["X-Content-Type-Options"] == "nosniff"
        assert csp(response)["frame-ancestors"] == ["'none'"]


def test_the_session_cookie_is_http_only_and_same_site_lax(client, submitter):
    response = factories.submit_form(
        client, "/sign-in", {"email": submitter.email, "password": submitter.password}
    )
    cookie = response.headers["Set-Cookie"]
    name = client.application.config["SESSION_COOKIE_NAME"]
    assert cookie.startswith(f"{name}=")
    flags = [part.strip().lower() for part in cookie.split(";")]
    assert "httponly" in flags
    assert "samesite=lax" in flags
    assert "path=/" in flags
    # The remember-me cookie is never set: closing the browser ends the session.
    assert all("remember_token" not in value for value in response.headers.getlist("Set-Cookie"))


# --- Production settings ------------------------------------------------------

PRODUCTION_DATABASE = "postgresql+psycopg://triage@db.invalid/triage"


@pytest.fixture
def production_settings(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(Production, "SECRET_KEY", "k" * 48)
    monkeypatch.setattr(Production, "DATABASE_URL", PRODUCTION_DATABASE)
    monkeypatch.setattr(Production, "REDIS_URL", "redis://redis.invalid:6379/0")
    monkeypatch.setenv("DATABASE_URL", PRODUCTION_DATABASE)


@pytest.fixture
def production_app(
    production_settings: None, tmp_path: Path, migrated_database: Path
) -> Iterator[Flask]:
    """The production configuration, but on a copy of the test database: the checks
    pass on the PostgreSQL and Redis settings, then the database is overridden."""
    database = tmp_path / "production.sqlite3"
    shutil.copy(migrated_database, database)
    application = create_app(
        Production,
        DATABASE_URL=f"sqlite:///{database}",
        INSTANCE_DIR=tmp_path,
        UPLOAD_DIR=tmp_path / "uploads",
        MAIL_DIR=tmp_path / "mail",
    )
    factories.share_compiled_templates(application)
    factories.use_app(application)
    yield application
    with application.app_context():
        db.session.remove()
    application.extensions["triage.engine"].dispose()


def test_production_sends_hsts(production_app):
    response = production_app.test_client().get("/sign-in", base_url=HTTPS)
    assert response.status_code == 200
    assert response.headers["Strict-Transport-Security"] == "max-age=31536000; includeSubDomains"
    assert "'unsafe-inline'" not in csp(response)["script-src"]


def test_production_cookies_are_secure(production_app):
    account = factories.submitter()
    client = production_app.test_client()
    page = client.get("/sign-in", base_url=HTTPS)
    response = client.post(
        "/sign-in",
        base_url=HTTPS,
        headers={"Referer": f"{HTTPS}/sign-in"},
        data={
            "csrf_token": factories.csrf_token(page.text),
            "email": account.email,
            "password": account.password,
        },
    )
    assert response.status_code == 302, factories.error_summary(response)
    flags = [part.strip().lower() for part in response.headers["Set-Cookie"].split(";")]
    assert {"secure", "httponly", "samesite=lax"} <= set(flags)


def test_production_shows_a_plain_page_for_errors(production_app):
    response = production_app.test_client().get("/offers/1/nothing", base_url=HTTPS)
    assert response.status_code == 404
    assert heading(response) == "Page not found"


@pytest.mark.parametrize(
    ("secret_key", "expected"),
    [
        (None, "SECRET_KEY must be set to at least 32 random characters"),
        ("", "SECRET_KEY must be set to at least 32 random characters"),
        ("k" * 31, "SECRET_KEY must be set to at least 32 random characters"),
    ],
    ids=["missing", "empty", "31 characters"],
)
def test_production_refuses_a_missing_or_short_secret_key(
    production_settings, monkeypatch, secret_key, expected
):
    monkeypatch.setattr(Production, "SECRET_KEY", secret_key)
    with pytest.raises(RuntimeError, match=expected):
        Production.check()
    with pytest.raises(RuntimeError, match=expected):
        create_app(Production)


def test_production_accepts_a_32_character_secret_key(production_settings, monkeypatch):
    monkeypatch.setattr(Production, "SECRET_KEY", "k" * 32)
    Production.check()


@pytest.mark.parametrize(
    ("setting", "expected"),
    [
        ("no database", "DATABASE_URL must be set"),
        ("sqlite", "DATABASE_URL must name a PostgreSQL database in production"),
        ("no redis", "REDIS_URL must be set"),
    ],
)
def test_production_refuses_to_start_without_its_servers(
    production_settings, monkeypatch, setting, expected
):
    if setting == "no database":
        monkeypatch.delenv("DATABASE_URL")
    elif setting == "sqlite":
        monkeypatch.setattr(Production, "DATABASE_URL", "sqlite:///prod.sqlite3")
    else:
        monkeypatch.setattr(Production, "REDIS_URL", None)
    with pytest.raises(RuntimeError, match=expected):
        Production.check()


def test_production_with_notify_needs_the_template_for_calendar_files(
    production_settings, monkeypatch
):
    monkeypatch.setattr(Production, "SECRET_KEY", "k" * 32)
    monkeypatch.setattr(Production, "EMAIL_BACKEND", "notify")
    monkeypatch.setattr(Production, "NOTIFY_API_KEY", "key")
    monkeypatch.setattr(Production, "NOTIFY_TEMPLATE_ID", "template")
    monkeypatch.setattr(Production, "NOTIFY_ATTACHMENT_TEMPLATE_ID", None)
    with pytest.raises(RuntimeError, match="NOTIFY_ATTACHMENT_TEMPLATE_ID must be set"):
        Production.check()
    monkeypatch.setattr(Production, "NOTIFY_ATTACHMENT_TEMPLATE_ID", "attachment-template")
    Production.check()
