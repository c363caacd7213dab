"""Keep secrets and personal data out of the logs.

`Redact` is a logging filter that rewrites a record's message and its exception
text before any handler formats it: values in query strings, tokens in URLs (an
organisation's join link, a waiting-list import), email addresses, SQL statement
parameters and PostgreSQL's DETAIL lines (which quote the failing row). It is a
second line of defence: every engine hides statement parameters already
(`triage.db.make_engine`), and code logs ids, never content.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Iterable

REDACTED = "[redacted]"

# Loggers whose own records carry URLs or exceptions: a filter on a logger sees
# only the records made by that logger, so these get one each, and every handler
# of the root logger (and of the app's logger) gets one for the rest.
LOGGERS = ("triage", "triage.errors", "werkzeug", "gunicorn.access", "gunicorn.error")

_PATTERNS: list[tuple[re.Pattern[str], str]] = [
    # SQLAlchemy's "[parameters: (...)]", on one line (repr escapes newlines).
    (re.compile(r"\[parameters: [^\n]*"), f"[parameters: {REDACTED}]"),
    # PostgreSQL quotes values in DETAIL: "Key (email)=(...)", "Failing row contains (...)".
    (re.compile(r"DETAIL:[^\n]*"), f"DETAIL: {REDACTED}"),
    (re.compile(r"[\w.%+-]+@[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)+"), "[email]"),
    # Each value of a query string (?token=..., ?q=...), keeping the names.
    (re.compile(r"([?&][^=&#\s\"']+=)[^&#\s\"']+"), rf"\1{REDACTED}"),
    # The secret part of links that are themselves keys.
    (
        re.compile(r"(/(?:join|import|reset-password|reset|confirm|verify)/)[^/?#\s\"']+"),
        rf"\1{REDACTED}",
    ),
    # Anything else shaped like secrets.token_urlsafe(): 20+ URL-safe characters
    # mixing upper case, lower case and digits.
    (
        re.compile(r"(?<![\w-])(?=[\w-]*[A-Z])(?=[\w-]*[a-z])(?=[\w-]*\d)[\w-]{20,}(?![\w-])"),
        REDACTED,
    ),
]


def redact(text: str) -> str:
    """`text` with secrets and personal data replaced."""
    for pattern, replacement in _PATTERNS:
        text = pattern.sub(replacement, text)
    return text


_formatter = logging.Formatter()


class Redact(logging.Filter):
    """Rewrites a record in place, so every handler after it sees only the redacted
    text. The exception is rendered here, redacted, and the exception object
    dropped from the record: what it holds (SQL parameters) cannot be shown later."""

    def filter(self, record: logging.LogRecord) -> bool:
        if getattr(record, "triage_redacted", False):
            return True
        try:
            record.msg = redact(record.getMessage())
            record.args = None
            if record.exc_info and not record.exc_text:
                record.exc_text = _formatter.formatException(record.exc_info)
            record.exc_info = None
            if record.exc_text:
                record.exc_text = redact(record.exc_text)
            if record.stack_info:
                record.stack_info = redact(record.stack_info)
        except Exception:  # noqa: BLE001  (a filter must never stop a record)
            record.msg = "(log message withheld: it could not be redacted)"
            record.args = None
            record.exc_info = None
            record.exc_text = None
        record.triage_redacted = True
        return True


REDACT = Redact()


def add_to_handlers(handlers: Iterable[logging.Handler]) -> None:
    for handler in handlers:
        if not any(isinstance(existing, Redact) for existing in handler.filters):
            handler.addFilter(REDACT)


def add_to_logger(logger: logging.Logger) -> None:
    if not any(isinstance(existing, Redact) for existing in logger.filters):
        logger.addFilter(REDACT)
    add_to_handlers(logger.handlers)


def install(*loggers: logging.Logger) -> None:
    """The filter on the root logger's handlers, on `loggers` and their handlers,
    and on the loggers that write URLs (werkzeug's and gunicorn's)."""
    add_to_logger(logging.getLogger())
    for name in LOGGERS:
        add_to_logger(logging.getLogger(name))
    for logger in loggers:
        add_to_logger(logger)
