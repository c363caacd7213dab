"""Your account, for everyone signed in: name, password and signed-in sessions."""

from __future__ import annotations

from flask import flash, redirect, render_template, url_for
from flask_login import current_user, login_required
from werkzeug.wrappers import Response

from triage.account import bp
from triage.account.forms import EndSessionsForm, NameForm, PasswordForm
from triage.auth.access import acting_user
from triage.auth.sessions import current_session_id
from triage.services import account

CURRENT_PASSWORD_WRONG = "Your current password is not correct"  # noqa: S105 (a message)


@bp.get("")
@login_required
def index() -> str:
    return render_template("views/account/index.html", user=acting_user())


@bp.route("/name", methods=["GET", "POST"])
@login_required
def name() -> str | Response:
    user = acting_user()
    form = NameForm(data={"full_name": user.full_name})
    if form.validate_on_submit():
        account.change_name(user, form.full_name.data)
        flash("Your name has been changed")
        return redirect(url_for("account.index"))
    return render_template("views/account/name.html", form=form)


@bp.route("/password", methods=["GET", "POST"])
@login_required
def password() -> str | Response:
    user = acting_user()
    form = PasswordForm(email=user.email, name=user.full_name)
    if form.validate_on_submit():
        try:
            account.change_password(
                user,
                form.current_password.data,
                form.password.data,
                current_session_id(current_user),
            )
        except account.WrongPassword:
            form.current_password.errors = [*form.current_password.errors, CURRENT_PASSWORD_WRONG]
        else:
            flash("Your password has been changed. Any other sessions have been signed out")
            return redirect(url_for("account.index"))
    return render_template("views/account/password.html", form=form)


@bp.route("/sessions", methods=["GET", "POST"])
@login_required
def sessions() -> str | Response:
    user = acting_user()
    form = EndSessionsForm()
    if form.validate_on_submit():
        account.end_other_sessions(user, current_session_id(current_user))
        flash("You have been signed out of all other sessions")
        return redirect(url_for("account.sessions"))
    entries = account.sessions_of(user, current_session_id(current_user))
    return render_template("views/account/sessions.html", form=form, entries=entries)
