"""The footer pages. They read only configuration (the council's details), never the
database, so they are there when nothing else is."""

from __future__ import annotations

from flask import current_app, render_template

from triage.pages import bp


@bp.get("/accessibility")
def accessibility() -> str:
    return render_template("views/pages/accessibility.html")


@bp.get("/privacy")
def privacy() -> str:
    return render_template("views/pages/privacy.html")


@bp.get("/cookies")
def cookies() -> str:
    config = current_app.config
    return render_template(
        "views/pages/cookies.html",
        session_cookie_name=config["SESSION_COOKIE_NAME"],
        session_hours=int(config["PERMANENT_SESSION_LIFETIME"]) // 3600,
    )


@bp.get("/contact")
def contact() -> str:
    return render_template("views/pages/contact.html")
