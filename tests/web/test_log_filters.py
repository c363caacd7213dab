"""The log filter: what it takes out of a record (tokens in links, query strings,
email addresses, SQL parameters, PostgreSQL's DETAIL), what it leaves, and where
it is installed (the app's handlers, the root logger's, the worker's)."""

from __future__ import annotations

import logging
import sys

import pytest
from sqlalchemy.exc import IntegrityError

from triage import log_filters
from triage.log_filters import REDACTED, Redact, redact
from workers.celery_app import redact_worker_logs

TOKEN = "Zq3xV9_kLmN2pQrS7tUvWx4yZa"


@pytest.mark.parametrize(
    ("logged", "expected"),
    [
        (
            f'127.0.0.1 - - "GET /join/{TOKEN} HTTP/1.1" 200 -',
            f'127.0.0.1 - - "GET /join/{REDACTED} HTTP/1.1" 200 -',
        ),
        (
            f"POST /placement/import/{TOKEN}/cancel",
            f"POST /placement/import/{REDACTED}/cancel",
        ),
        (
            f"GET /reset-password?token={TOKEN}&next=/offers",
            f"GET /reset-password?token={REDACTED}&next={REDACTED}",
        ),
        ("GET /queue?q=Jane+Smith&page=2", f"GET /queue?q={REDACTED}&page={REDACTED}"),
        ("Sent to jane.smith+offers@example.org.uk", "Sent to [email]"),
        (f"session {TOKEN} expired", f"session {REDACTED} expired"),
        (
            "[SQL: INSERT INTO people (notes) VALUES (?)]\n"
            "[parameters: ('Has epilepsy', 1)]\n(Background on this error at: x)",
            f"[SQL: INSERT INTO people (notes) VALUES (?)]\n[parameters: {REDACTED}]\n"
            "(Background on this error at: x)",
        ),
        (
            "new row violates check constraint\nDETAIL:  Failing row contains (1, Has epilepsy).",
            f"new row violates check constraint\nDETAIL: {REDACTED}",
        ),
    ],
    ids=["join link", "import link", "query token", "search", "email", "bare token", "sql", "pg"],
)
def test_secrets_and_personal_data_are_redacted(logged, expected):
    assert redact(logged) == expected


@pytest.mark.parametrize(
    "kept",
    [
        "GET /offers/12/questions/name-and-address HTTP/1.1",
        "POST /queue/offers/3/progress-to-feasibility",
        "Task triage.score_offer[2f1c9a4e-6d0b-4c1e-9f7a-1b2c3d4e5f60] succeeded",
        "sqlalchemy.exc.OperationalError: (sqlite3.OperationalError) database is locked",
        'File "/usr/lib/python3.11/importlib/__init__.py", line 126, in import_module',
    ],
)
def test_what_helps_debugging_is_kept(kept):
    assert redact(kept) == kept


def record_for(message: str, *args: object, exc: BaseException | None = None) -> logging.LogRecord:
    exc_info = (type(exc), exc, exc.__traceback__) if exc is not None else None
    return logging.LogRecord("triage.test", logging.ERROR, __file__, 1, message, args, exc_info)


def test_the_filter_redacts_arguments_and_the_exception_text():
    try:
        raise IntegrityError(
            "INSERT INTO waiting_people (sharing_notes) VALUES (?)",
            ("Has epilepsy",),
            Exception("constraint failed"),
        )
    except IntegrityError as error:
        record = record_for("Could not save %s for %s", "a person", "jane@example.org", exc=error)

    assert Redact().filter(record) is True

    assert record.getMessage() == "Could not save a person for [email]"
    assert record.exc_info is None, "the exception object, holding the parameters, is kept"
    formatted = logging.Formatter().format(record)
    assert "Has epilepsy" not in formatted
    assert f"[parameters: {REDACTED}]" in formatted
    assert "IntegrityError" in formatted and "Traceback" in formatted


def test_a_record_is_redacted_once_and_a_broken_one_is_withheld():
    record = record_for("%s %s", "only one argument")  # formatting it fails
    assert Redact().filter(record) is True
    assert record.getMessage() == "(log message withheld: it could not be redacted)"

    record = record_for("see %s", "/join/abc")
    Redact().filter(record)
    Redact().filter(record)
    assert record.getMessage() == f"see /join/{REDACTED}"


def test_the_app_installs_it_on_its_loggers_and_the_root_handlers(app):
    root = logging.getLogger()
    for logger in (
        root,
        app.logger,
        logging.getLogger("triage.errors"),
        logging.getLogger("werkzeug"),
        logging.getLogger("gunicorn.access"),
    ):
        assert any(isinstance(item, Redact) for item in logger.filters), logger.name
    for handler in root.handlers + app.logger.handlers:
        assert any(isinstance(item, Redact) for item in handler.filters), handler


def test_the_worker_installs_it_when_celery_sets_up_logging():
    logger = logging.getLogger("triage.test.worker")
    handler = logging.StreamHandler(sys.stderr)
    logger.addHandler(handler)
    try:
        redact_worker_logs(logger=logger, loglevel=logging.INFO)
        assert any(isinstance(item, Redact) for item in handler.filters)
        assert any(isinstance(item, Redact) for item in logger.filters)
        # Twice (Celery sends the signal for the root and the task logger): one filter.
        log_filters.install(logger)
        assert sum(isinstance(item, Redact) for item in handler.filters) == 1
    finally:
        logger.removeHandler(handler)
        logger.filters.clear()


def test_a_logged_url_reaches_the_handlers_redacted(caplog):
    caplog.set_level(logging.INFO, logger="werkzeug")
    log_filters.install()
    logging.getLogger("werkzeug").info('"GET /join/%s?email=%s HTTP/1.1" 200', TOKEN, "a@b.co")
    [record] = caplog.records
    assert TOKEN not in caplog.text and "a@b.co" not in caplog.text
    assert record.getMessage() == f'"GET /join/{REDACTED}?email={REDACTED} HTTP/1.1" 200'
