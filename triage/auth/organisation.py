"""Your organisation: its members and pending invitations, inviting a colleague,
cancelling an invitation and removing a member."""

from __future__ import annotations

from flask import abort, flash, redirect, render_template, url_for
from flask_login import current_user
from werkzeug.wrappers import Response

from triage.auth import bp, sessions
from triage.auth.access import acting_user, submitter_required
from triage.auth.forms import ButtonForm, InviteForm
from triage.models import Organisation
from triage.services import invitations, members

EMAIL_TAKEN = "An account already uses this email address"
LAST_MEMBER = "You cannot remove the only person in your organisation"


def _organisation() -> Organisation:
    organisation = acting_user().organisation
    if organisation is None:
        abort(404)
    return organisation


@bp.get("/organisation")
@submitter_required
def organisation() -> str:
    organisation = _organisation()
    return render_template(
        "views/auth/organisation.html",
        organisation=organisation,
        members=members.members_of(organisation),
        invitations=invitations.pending(organisation),
        form=ButtonForm(),
        me=acting_user(),
    )


@bp.route("/organisation/invite", methods=["GET", "POST"])
@submitter_required
def invite() -> str | Response:
    organisation = _organisation()
    form = InviteForm()
    if form.validate_on_submit():
        try:
            invitations.invite_colleague(acting_user(), form.email.data)
        except invitations.EmailTaken:
            form.email.errors = [*form.email.errors, EMAIL_TAKEN]
        else:
            flash(f"An invitation has been sent to {form.email.data}")
            return redirect(url_for("auth.organisation"))
    return render_template(
        "views/auth/invite.html",
        form=form,
        organisation=organisation,
        days=invitations.lifetime_days(),
    )


@bp.post("/organisation/invitations/<int:invitation_id>/cancel")
@submitter_required
def cancel_invitation(invitation_id: int) -> Response:
    organisation = _organisation()
    if not ButtonForm().validate_on_submit():
        abort(400)
    try:
        invitations.cancel(acting_user(), invitation_id, organisation)
    except invitations.NoSuchInvitation:
        abort(404)
    flash("The invitation has been cancelled")
    return redirect(url_for("auth.organisation"))


@bp.route("/organisation/members/<int:user_id>/remove", methods=["GET", "POST"])
@submitter_required
def remove_member(user_id: int) -> str | Response:
    organisation = _organisation()
    member = next((m for m in members.members_of(organisation) if m.id == user_id), None)
    if member is None:
        abort(404)
    form = ButtonForm()
    problem = None
    if form.validate_on_submit():
        try:
            members.remove(acting_user(), member.id)
        except members.NoSuchMember:
            abort(404)
        except members.LastMember:
            problem = LAST_MEMBER
        else:
            if member.id == acting_user().id:
                sessions.sign_out(current_user)
                flash(f"You have been removed from {organisation.name}")
                return redirect(url_for("auth.sign_in"))
            flash(f"{member.full_name} has been removed from {organisation.name}")
            return redirect(url_for("auth.organisation"))
    return render_template(
        "views/auth/remove_member.html",
        form=form,
        member=member,
        organisation=organisation,
        is_me=member.id == acting_user().id,
        problem=problem,
    )
