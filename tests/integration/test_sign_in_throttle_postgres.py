"""Sign-in throttling under simultaneous attempts, on PostgreSQL: the counting is one
INSERT ... ON CONFLICT DO UPDATE per key, so a burst cannot run more password
checks than the limit allows."""

from __future__ import annotations

import threading
import time
from collections import Counter
from concurrent.futures import ThreadPoolExecutor
from typing import Any

import pytest
from flask import Flask

from tests import factories
from triage import db
from triage.auth import sessions
from triage.models import AuditEvent
from triage.services import throttle

pytestmark = pytest.mark.integration

ADDRESS = "198.51.100.23"


def run_at_once(app: Flask, attempts: list[tuple[str, str]]) -> Counter[str]:
    """Each (email, password) tried from ADDRESS in its own thread, all released
    together. Returns how many were checked, refused (throttled) or signed in."""
    barrier = threading.Barrier(len(attempts))

    def one(email: str, password: str) -> str:
        with app.app_context():
            barrier.wait()
            try:
                user = sessions.check_password(email, password, ADDRESS)
            except throttle.Throttled:
                return "throttled"
            finally:
                db.session.remove()
            return "signed in" if user is not None else "checked"

    with ThreadPoolExecutor(max_workers=len(attempts)) as pool:
        results = list(pool.map(lambda pair: one(*pair), attempts))
    return Counter(results)


@pytest.fixture
def counted_checks(monkeypatch: pytest.MonkeyPatch) -> Counter[str]:
    """How many times a password was checked (or its time burned for an unknown
    address); each check is slowed so that the attempts overlap."""
    checks: Counter[str] = Counter()
    lock = threading.Lock()

    def counting(name: str, real: Any) -> Any:
        def check(*args: Any) -> Any:
            with lock:
                checks[name] += 1
            time.sleep(0.05)
            return real(*args)

        return check

    monkeypatch.setattr(sessions, "verify_password", counting("verify", sessions.verify_password))
    monkeypatch.setattr(
        sessions, "burn_verification_time", counting("burn", sessions.burn_verification_time)
    )
    return checks


@pytest.fixture
def long_delays(app: Flask) -> None:
    # A delay longer than the burst, so every attempt after the limit is refused
    # however slowly the machine runs them.
    app.config["LOGIN_DELAY_BASE_SECONDS"] = 600.0
    app.config["LOGIN_MAX_DELAY_SECONDS"] = 600.0
    app.extensions["triage.engine"].pool.dispose()


def test_forty_simultaneous_wrong_passwords_run_at_most_the_allowed_checks(
    app: Flask, submitter: factories.Account, counted_checks: Counter[str], long_delays: None
) -> None:
    limit = app.config["LOGIN_MAX_FAILURES"]
    results = run_at_once(app, [(submitter.email, "wrong password")] * 40)
    assert counted_checks["verify"] == limit
    assert results == Counter({"checked": limit, "throttled": 40 - limit})
    assert factories.count(AuditEvent, action="sign_in_failed") == limit
    assert factories.count(AuditEvent, action="sign_in_throttled") == 40 - limit


def test_sixty_accounts_tried_from_one_address_are_slowed(
    app: Flask, counted_checks: Counter[str], long_delays: None
) -> None:
    limit = app.config["LOGIN_ADDRESS_MAX_FAILURES"]
    attempts = [(f"person{number}@example.com", "wrong password") for number in range(60)]
    results = run_at_once(app, attempts)
    assert sum(counted_checks.values()) == limit
    assert results == Counter({"checked": limit, "throttled": 60 - limit})
