"""Error pages: a plain GOV.UK page for every error a user can reach, never a trace.

An error page must not fail itself. Each handler first rolls back whatever the
request left in the session (the write that failed, a transaction the database
aborted), and a page for a server error renders without the signed-in person, so
it needs no database at all: a database that is down gives the 503 page, with the
security headers every page has, and the next request after it comes back works
as usual (the pool checks a connection before lending it). If a page still cannot
be rendered, a static one is sent instead.
"""

from __future__ import annotations

import logging

from flask import Flask, current_app, g, render_template
from flask_wtf.csrf import CSRFError
from sqlalchemy import exc as sqlalchemy_errors
from werkzeug.exceptions import HTTPException

from triage import db, log_filters

logger = logging.getLogger(__name__)

PAGES = {
    400: "errors/400.html",
    403: "errors/403.html",
    404: "errors/404.html",
    405: "errors/404.html",
    413: "errors/413.html",
    429: "errors/429.html",
    503: "errors/503.html",
}

# Errors that mean the database cannot be reached or cannot take a write now (down,
# restarting, a connection cut, a lock held too long, read-only): the service is
# unavailable, not broken.
DATABASE_UNAVAILABLE: tuple[type[Exception], ...] = (
    sqlalchemy_errors.OperationalError,
    sqlalchemy_errors.InterfaceError,
    sqlalchemy_errors.TimeoutError,
)

# Sent when even the error page cannot be rendered: no template, no database.
STATIC_PAGE = """<!DOCTYPE html>
<html lang="en">
<head><meta charset="utf-8"><title>Sorry, there is a problem with the service</title>
<meta name="viewport" content="width=device-width, initial-scale=1">
<link rel="stylesheet" href="{stylesheet}"></head>
<body class="govuk-template__body"><main class="govuk-main-wrapper govuk-width-container" id="main-content">
<h1 class="govuk-heading-l">Sorry, there is a problem with the service</h1>
<p class="govuk-body">Try again later.</p>
</main></body>
</html>
"""


def is_database_unavailable(error: BaseException) -> bool:
    if isinstance(error, DATABASE_UNAVAILABLE):
        return True
    return isinstance(error, sqlalchemy_errors.DBAPIError) and error.connection_invalidated


def rollback() -> None:
    """Undo what the request left in the session; never raises (the database may be
    gone). Objects loaded so far stay in memory, expired."""
    try:
        db.session.rollback()
    except Exception:  # noqa: BLE001  (the error page must work without a database)
        logger.warning("Rolling back after an error failed", exc_info=True)
        try:
            db.session.close()
        except Exception:  # noqa: BLE001
            logger.warning("Closing the session after an error failed", exc_info=True)


def without_signed_in_user() -> None:
    """Render the rest of this request for nobody signed in, so the page's header
    reads nothing about the person from the database. (Flask-Login keeps the
    request's user in `g._login_user`; set there, it is never loaded.)"""
    g._login_user = current_app.login_manager.anonymous_user()  # type: ignore[attr-defined]


def error_page(template: str, code: int) -> tuple[str, int]:
    """The page for an error, which cannot fail. Pages for a client's mistake (404,
    403, an expired form) keep the signed-in person's navigation when the database
    answers; pages for server errors never ask it."""
    rollback()
    if code >= 500:
        without_signed_in_user()
    try:
        return render_template(template), code
    except Exception:  # noqa: BLE001
        logger.warning("The %s page failed; showing it to nobody signed in", code, exc_info=True)
        rollback()
        without_signed_in_user()
    try:
        return render_template(template), code
    except Exception:
        logger.exception("The %s page could not be rendered; sent the static page", code)
        stylesheet = f"{current_app.static_url_path}/frontend.min.css"
        return STATIC_PAGE.format(stylesheet=stylesheet), code


def init_app(app: Flask) -> None:
    log_filters.install(app.logger, logger)

    @app.errorhandler(CSRFError)
    def csrf_error(_error: CSRFError) -> tuple[str, int]:
        return error_page("errors/csrf.html", 400)

    @app.errorhandler(HTTPException)
    def http_error(error: HTTPException) -> tuple[str, int]:
        code = error.code or 500
        if code >= 500:
            return error_page(PAGES.get(code, "errors/500.html"), code)
        return error_page(PAGES.get(code, "errors/400.html"), code)

    @app.errorhandler(Exception)
    def unexpected_error(error: Exception) -> tuple[str, int]:
        if is_database_unavailable(error):
            # Statement parameters are hidden by the engine, and the log filter
            # redacts what else could name a person.
            logger.error("Database unavailable: %s", type(error).__name__, exc_info=error)
            return error_page("errors/503.html", 503)
        logger.exception("Unhandled error", exc_info=error)
        return error_page("errors/500.html", 500)
