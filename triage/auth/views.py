"""Start page, signing in and out, and where each person lands."""

from __future__ import annotations

from flask import abort, flash, redirect, render_template, request, url_for
from flask_login import current_user, login_required
from werkzeug.wrappers import Response

from triage.auth import bp, sessions
from triage.auth.access import acting_user
from triage.auth.forms import SignInForm, SignOutForm
from triage.auth.landing import home_for
from triage.services import throttle

SIGN_IN_PROBLEM = "Enter a correct email address and password"


def throttled_message(wait_seconds: int) -> str:
    if wait_seconds == 1:
        wait = "1 second"
    elif wait_seconds < 120:
        wait = f"{wait_seconds} seconds"
    else:
        wait = f"{(wait_seconds + 59) // 60} minutes"
    return (
        f"There have been too many attempts to sign in. Wait {wait} and try again, "
        "or reset your password"
    )


@bp.get("/")
def start() -> str | Response:
    if current_user.is_authenticated:
        return redirect(home_for(acting_user()))
    return render_template("views/auth/start.html")


@bp.route("/sign-in", methods=["GET", "POST"])
def sign_in() -> str | Response | tuple[str, int]:
    if current_user.is_authenticated:
        return redirect(home_for(acting_user()))
    form = SignInForm()
    if form.validate_on_submit():
        try:
            user = sessions.check_password(
                form.email.data, form.password.data, request.remote_addr or "unknown"
            )
        except throttle.Throttled as refused:
            # Same words whether or not the account exists.
            form.email.errors.append(throttled_message(refused.wait_seconds))
            response = render_template("views/auth/sign_in.html", form=form)
            return response, 429
        if user is not None:
            sessions.sign_in(user)
            return redirect(_safe_next() or home_for(user))
        form.email.errors.append(SIGN_IN_PROBLEM)
    return render_template("views/auth/sign_in.html", form=form)


def _safe_next() -> str | None:
    target = request.args.get("next", "")
    # Only paths on this site: no scheme, no host, no protocol-relative "//". Browsers
    # drop tabs and newlines from a URL ("/\t/evil" becomes "//evil"), so any
    # whitespace or control character refuses it too.
    if any(char.isspace() or not char.isprintable() for char in target):
        return None
    if target.startswith("/") and not target.startswith("//") and "\\" not in target:
        return target
    return None


@bp.post("/sign-out")
@login_required
def sign_out() -> Response:
    form = SignOutForm()
    if not form.validate_on_submit():
        abort(400)
    sessions.sign_out(current_user)
    flash("You have signed out")
    return redirect(url_for("auth.sign_in"))
