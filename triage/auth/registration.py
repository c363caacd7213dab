"""Registering an organisation, and confirming the address with the emailed link.

Registering answers the same way whether or not the address has an account (the
"check your email" page): a new registration is sent a link to confirm the
address, the owner of an existing account an email saying someone tried. As with
resetting a password, the link's token goes into this browser's session and the
address bar moves on to a page without it; confirming is a POST.
"""

from __future__ import annotations

from flask import flash, redirect, render_template, session, url_for
from flask_login import current_user
from werkzeug.wrappers import Response

from triage.auth import bp
from triage.auth.access import acting_user, submitter_required
from triage.auth.forms import ButtonForm, RegisterForm
from triage.services import registration

EMAIL_KEY = "registration_email"
TOKEN_KEY = "confirmation_token"  # noqa: S105  (a session key, not a secret)


@bp.route("/register", methods=["GET", "POST"])
def register() -> str | Response:
    form = RegisterForm()
    if form.validate_on_submit():
        registration.register(
            organisation_name=form.organisation_name.data,
            organisation_type=form.organisation_type.data,
            rsh_registration_number=form.rsh_registration_number.data or None,
            full_name=form.full_name.data,
            email=form.email.data,
            password=form.password.data,
        )
        session[EMAIL_KEY] = form.email.data
        return redirect(url_for("auth.registered"))
    return render_template("views/auth/register.html", form=form)


@bp.get("/register/check-your-email")
def registered() -> str | Response:
    email = session.get(EMAIL_KEY)
    if not email:
        return redirect(url_for("auth.register"))
    return render_template(
        "views/auth/registered.html", email=email, days=registration.lifetime_days()
    )


@bp.get("/confirm/<token>")
def confirm_link(token: str) -> Response:
    """The link in the email: keep the token in the session, out of the address bar."""
    session[TOKEN_KEY] = token
    return redirect(url_for("auth.confirm_email"))


@bp.route("/confirm-email", methods=["GET", "POST"])
def confirm_email() -> str | Response:
    token = session.get(TOKEN_KEY, "")
    user = registration.user_for_token(token) if token else None
    if user is None:
        return _link_invalid()
    form = ButtonForm()
    if form.validate_on_submit():
        try:
            registration.confirm(token)
        except registration.InvalidConfirmationLink:
            return _link_invalid()
        session.pop(TOKEN_KEY, None)
        flash("Your email address has been confirmed. You can now submit offers")
        if current_user.is_authenticated:
            return redirect(url_for("offers.index"))
        return redirect(url_for("auth.sign_in"))
    return render_template("views/auth/confirm_email.html", form=form, email=user.email)


def _link_invalid() -> str:
    session.pop(TOKEN_KEY, None)
    return render_template(
        "views/auth/confirm_link_invalid.html", days=registration.lifetime_days()
    )


@bp.post("/confirm-email/send-again")
@submitter_required
def send_confirmation_again() -> Response:
    form = ButtonForm()
    if form.validate_on_submit() and registration.resend_confirmation(acting_user()):
        flash(
            f"We have sent a new link to {acting_user().email}. It works once, for "
            f"{registration.lifetime_days()} days"
        )
    return redirect(url_for("offers.index"))
