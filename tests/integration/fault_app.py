"""The worker app with faults injected, for the integration tests only:

    celery -A tests.integration.fault_app worker

It is `workers.app` (same Flask app, tasks and configuration), plus the delays
that the environment asks for, so a test can kill a worker at a known moment:

- TEST_FAULT_DELIVERY_DELAY_SECONDS: the file email backend waits this long after
  writing an email's .part file and before renaming it to .eml (mid-delivery, with
  the email's row locked and its attempt not yet committed);
- TEST_FAULT_SCORING_DELAY_SECONDS: scoring waits this long after the rules ran and
  before the score is saved (its transaction open and idle);
- TEST_FAULT_SCORING_KILLS_WORKER=1: running the rules kills the process (SIGKILL),
  every time: a task that kills its worker.

Production code knows nothing of this: the delays are wrapped around its functions
here. In-process tests use pytest's monkeypatch instead.
"""

from __future__ import annotations

import logging
import os
import signal
import time
from typing import Any

from tests.integration.helpers import DELIVERY_DELAY, SCORING_DELAY, SCORING_KILLS
from triage.services import email_backends, scoring
from workers.app import celery, flask_app

__all__ = ["celery", "flask_app"]

logger = logging.getLogger(__name__)


class _ReplaceLate:
    """`os` as triage.services.email_backends sees it, except that `replace` (the
    rename that turns the finished .part file into the delivered .eml) waits
    first, so the real FileBackend.send runs with a pause where a worker can die."""

    def __init__(self, seconds: float) -> None:
        self.seconds = seconds

    def __getattr__(self, name: str) -> Any:
        return getattr(os, name)

    def replace(self, source: Any, target: Any) -> None:
        time.sleep(self.seconds)
        os.replace(source, target)


def _delay_delivery(seconds: float) -> None:
    email_backends.os = _ReplaceLate(seconds)  # type: ignore[assignment]


def _delay_scoring(seconds: float) -> None:
    run_rules = scoring.run_rules

    def run_rules_then_wait(*args: Any, **kwargs: Any) -> Any:
        result = run_rules(*args, **kwargs)
        time.sleep(seconds)
        return result

    scoring.run_rules = run_rules_then_wait


def _kill_when_scoring() -> None:
    def run_rules_and_die(*_args: Any, **_kwargs: Any) -> Any:
        os.kill(os.getpid(), signal.SIGKILL)

    scoring.run_rules = run_rules_and_die


def _seconds(name: str) -> float:
    return float(os.environ.get(name) or 0)


if delivery_delay := _seconds(DELIVERY_DELAY):
    _delay_delivery(delivery_delay)
    logger.warning("Fault injected: each email delivery waits %ss", delivery_delay)
if os.environ.get(SCORING_KILLS) == "1":
    _kill_when_scoring()
    logger.warning("Fault injected: each score kills the process running it")
if scoring_delay := _seconds(SCORING_DELAY):
    _delay_scoring(scoring_delay)
    logger.warning("Fault injected: each score waits %ss", scoring_delay)
