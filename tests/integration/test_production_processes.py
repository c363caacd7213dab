"""The production process commands, run as the deployment runs them: gunicorn, a
Celery worker and Celery beat, configured only by the environment."""

from __future__ import annotations

import json
import secrets
from pathlib import Path

import pytest
from flask import Flask

from tests import factories
from tests.integration.helpers import (
    Services,
    delivered,
    email_rows,
    http_get,
    service_environment,
    submit_offer,
    wait_for,
)
from tests.servers import free_port
from triage.models.email import EmailStatus

pytestmark = pytest.mark.integration

TIMEOUT = 60


def test_gunicorn_worker_and_beat_serve_pages_and_acknowledge_offers(
    app: Flask,
    submitter: factories.Account,
    services: Services,
    service_settings: dict,
    mail_dir: Path,
) -> None:
    env = service_environment(
        {**service_settings, "TRIAGE_ENV": "production", "SECRET_KEY": secrets.token_hex(32)}
    )
    port = free_port()
    web = services.gunicorn("gunicorn", port, env)
    services.worker("worker", env, beat=False)
    services.beat("beat", env)

    def page(path: str) -> tuple[int, str] | None:
        if not web.running:
            raise AssertionError(web.describe())
        return http_get(port, path)

    status, body = wait_for(lambda: page("/healthz"), TIMEOUT, message=services.describe)
    assert (status, json.loads(body)) == (200, {"status": "ok"}), services.describe()
    sign_in = page("/sign-in")
    assert sign_in is not None and sign_in[0] == 200, services.describe()
    assert "Sign in" in sign_in[1]

    offer = submit_offer(app, submitter)
    eml = mail_dir / f"offer-acknowledgement_{offer.id}.eml"

    def acknowledged() -> bool:
        return eml.exists() and [row.status for row in email_rows(app)] == [EmailStatus.SENT]

    wait_for(acknowledged, TIMEOUT, message=services.describe)
    assert delivered(mail_dir) == [eml]
    assert f"We have received your offer {offer.reference}" in eml.read_text()
    stopped = [service.describe() for service in services.started if not service.running]
    assert stopped == []
