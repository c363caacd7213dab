"""Start page, registration, joining an organisation, signing in and out."""

from __future__ import annotations

from flask import abort, flash, redirect, render_template, request, url_for
from flask_login import current_user, login_required
from werkzeug.wrappers import Response

from triage.auth import bp, sessions
from triage.auth.access import acting_user
from triage.auth.forms import JoinForm, RegisterForm, SignInForm, SignOutForm
from triage.auth.service import (
    EmailTaken,
    create_user,
    members_of,
    organisation_for_join_token,
    register_organisation,
)
from triage.models import User
from triage.models.users import Role

SIGN_IN_PROBLEM = "Enter a correct email address and password"
THROTTLED = (
    "There have been too many attempts to sign in with this email address. "
    "Wait 15 minutes and try again"
)
EMAIL_TAKEN = "An account already uses this email address. Sign in, or use another address"


def home_for(user: User) -> str:
    if user.is_staff:
        return url_for("queue.index")
    return url_for("offers.index")


@bp.get("/")
def start() -> str | Response:
    if current_user.is_authenticated:
        return redirect(home_for(acting_user()))
    return render_template("views/auth/start.html")


@bp.route("/register", methods=["GET", "POST"])
def register() -> str | Response:
    form = RegisterForm()
    if form.validate_on_submit():
        try:
            user = register_organisation(
                organisation_name=form.organisation_name.data,
                organisation_type=form.organisation_type.data,
                rsh_registration_number=form.rsh_registration_number.data,
                full_name=form.full_name.data,
                email=form.email.data,
                password=form.password.data,
            )
        except EmailTaken:
            form.email.errors.append(EMAIL_TAKEN)
        else:
            sessions.sign_in(user)
            flash("Your account has been created")
            return redirect(url_for("offers.index"))
    return render_template("views/auth/register.html", form=form)


@bp.route("/join/<token>", methods=["GET", "POST"])
def join(token: str) -> str | Response:
    organisation = organisation_for_join_token(token)
    if organisation is None:
        abort(404)
    form = JoinForm()
    if form.validate_on_submit():
        try:
            user = create_user(
                email=form.email.data,
                full_name=form.full_name.data,
                password=form.password.data,
                role=Role.SUBMITTER,
                organisation=organisation,
            )
        except EmailTaken:
            form.email.errors.append(EMAIL_TAKEN)
        else:
            sessions.sign_in(user)
            return redirect(url_for("offers.index"))
    return render_template("views/auth/join.html", form=form, organisation=organisation)


@bp.route("/sign-in", methods=["GET", "POST"])
def sign_in() -> str | Response | tuple[str, int]:
    if current_user.is_authenticated:
        return redirect(home_for(acting_user()))
    form = SignInForm()
    if form.validate_on_submit():
        try:
            user = sessions.check_password(form.email.data, form.password.data)
        except sessions.TooManyFailures:
            # Same words whether or not the account exists.
            form.email.errors.append(THROTTLED)
            return render_template("views/auth/sign_in.html", form=form), 429
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


@bp.get("/organisation")
@login_required
def organisation() -> str:
    organisation = acting_user().organisation
    if organisation is None:
        abort(404)
    join_url = url_for("auth.join", token=organisation.join_token, _external=True)
    return render_template(
        "views/auth/organisation.html",
        organisation=organisation,
        members=members_of(organisation),
        join_url=join_url,
    )
