"""Resetting a forgotten password: asking for a link, following it, choosing a password.

The token travels in a URL only once, in the link emailed: following it stores the
token in this browser's session and redirects to /reset-password, so no page that
is shown (or its address bar, history or Referer) holds it, and the form posts
nothing secret but the new password. Asking for a link gives the same page whether
or not the address has an account.
"""

from __future__ import annotations

from flask import flash, redirect, render_template, session, url_for
from flask_login import current_user
from werkzeug.wrappers import Response

from triage.auth import bp, sessions
from triage.auth.forms import ForgottenPasswordForm, NewPasswordForm
from triage.services import password_reset

TOKEN_KEY = "password_reset_token"  # noqa: S105  (a session key, not a secret)
EMAIL_KEY = "password_reset_email"
PASSWORD_CHANGED = "Your password has been changed. Sign in with your new password"  # noqa: S105


@bp.route("/forgotten-password", methods=["GET", "POST"])
def forgotten_password() -> str | Response:
    form = ForgottenPasswordForm()
    if form.validate_on_submit():
        password_reset.request_reset(form.email.data)
        session[EMAIL_KEY] = form.email.data
        return redirect(url_for("auth.check_your_email"))
    return render_template("views/auth/forgotten_password.html", form=form)


@bp.get("/forgotten-password/check-your-email")
def check_your_email() -> str | Response:
    email = session.get(EMAIL_KEY)
    if not email:
        return redirect(url_for("auth.forgotten_password"))
    return render_template(
        "views/auth/check_your_email.html",
        email=email,
        lifetime=password_reset.lifetime_words(),
    )


@bp.get("/reset-password/<token>")
def reset_link(token: str) -> Response:
    """The link in the email: keep the token in the session, out of the address bar."""
    session[TOKEN_KEY] = token
    return redirect(url_for("auth.reset_password"))


@bp.route("/reset-password", methods=["GET", "POST"])
def reset_password() -> str | Response:
    token = session.get(TOKEN_KEY, "")
    user = password_reset.user_for_token(token) if token else None
    if user is None:
        return _link_invalid()
    form = NewPasswordForm(account_email=user.email, account_name=user.full_name)
    if form.validate_on_submit():
        try:
            password_reset.reset_password(
                token,
                form.password.data or "",
            )
        except password_reset.InvalidResetLink:
            return _link_invalid()
        # Every session of the account has ended, this browser's too if it was one.
        sessions.sign_out(current_user if current_user.is_authenticated else None)
        flash(PASSWORD_CHANGED)
        return redirect(url_for("auth.sign_in"))
    return render_template("views/auth/reset_password.html", form=form)


def _link_invalid() -> str:
    session.pop(TOKEN_KEY, None)
    return render_template(
        "views/auth/reset_link_invalid.html", lifetime=password_reset.lifetime_words()
    )
