"""Following an emailed invitation, a colleague's or a member of staff's.

The link (`/join/<token>`) keeps its token in this browser's session and moves the
address bar on to `/join`, where the invitee chooses their name and password. A
link that does not work (an old shared join link of an organisation included:
they were retired) gets a page saying to ask for a new invitation.
"""

from __future__ import annotations

from flask import flash, redirect, render_template, session, url_for
from flask_login import current_user
from werkzeug.wrappers import Response

from triage.auth import bp, sessions
from triage.auth.forms import AcceptInvitationForm
from triage.auth.landing import home_for
from triage.services import invitations

TOKEN_KEY = "invitation_token"  # noqa: S105  (a session key, not a secret)
EMAIL_TAKEN = "An account already uses this email address. Sign in instead"


@bp.get("/join/<token>")
def join(token: str) -> Response:
    """The link in the invitation: keep the token in the session, out of the address bar."""
    session[TOKEN_KEY] = token
    return redirect(url_for("auth.accept_invitation"))


@bp.route("/join", methods=["GET", "POST"])
def accept_invitation() -> str | Response:
    token = session.get(TOKEN_KEY, "")
    invitation = invitations.invitation_for_token(token) if token else None
    if invitation is None:
        return _link_invalid()
    form = AcceptInvitationForm(invited_email=invitation.email)
    if form.validate_on_submit():
        try:
            user = invitations.accept(token, form.full_name.data, form.password.data or "")
        except invitations.InvalidInvitation:
            return _link_invalid()
        except invitations.EmailTaken:
            form.full_name.errors = [*form.full_name.errors, EMAIL_TAKEN]
        else:
            # Whoever was signed in in this browser is not any more.
            sessions.sign_out(current_user if current_user.is_authenticated else None)
            sessions.sign_in(user)
            flash("Your account has been created")
            return redirect(home_for(user))
    return render_template(
        "views/auth/accept_invitation.html",
        form=form,
        invitation=invitation,
        role_label=invitations.invitation_role_label(invitation),
    )


def _link_invalid() -> str:
    session.pop(TOKEN_KEY, None)
    return render_template("views/auth/invitation_invalid.html", days=invitations.lifetime_days())
