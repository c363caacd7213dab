"""Administrators: staff accounts (invitations, roles, deactivation) and the
organisations registered, with possible duplicates marked."""

from __future__ import annotations

from flask import abort, flash, redirect, render_template, url_for
from flask_login import current_user
from werkzeug.wrappers import Response

from triage.admin import bp
from triage.admin.forms import RoleForm, StaffInvitationForm
from triage.auth import sessions
from triage.auth.access import acting_user, admin_required
from triage.auth.forms import ButtonForm
from triage.models import User
from triage.models.users import Role
from triage.services import invitations, registration, staff

EMAIL_TAKEN = "An account already uses this email address"
LAST_ADMIN = "There must always be an active administrator. Give someone else the role first"


@bp.get("/users")
@admin_required
def users() -> str:
    return render_template(
        "views/admin/users.html",
        users=staff.staff_accounts(),
        invitations=invitations.pending(None),
        form=ButtonForm(),
    )


@bp.route("/users/new", methods=["GET", "POST"])
@admin_required
def new_user() -> str | Response:
    form = StaffInvitationForm()
    if form.validate_on_submit():
        try:
            invitations.invite_staff(acting_user(), form.email.data, Role(form.role.data))
        except invitations.EmailTaken:
            form.email.errors = [*form.email.errors, EMAIL_TAKEN]
        else:
            flash(f"An invitation has been sent to {form.email.data}")
            return redirect(url_for("admin.users"))
    return render_template("views/admin/new_user.html", form=form, days=invitations.lifetime_days())


@bp.post("/users/invitations/<int:invitation_id>/cancel")
@admin_required
def cancel_invitation(invitation_id: int) -> Response:
    if not ButtonForm().validate_on_submit():
        abort(400)
    try:
        invitations.cancel(acting_user(), invitation_id, None)
    except invitations.NoSuchInvitation:
        abort(404)
    flash("The invitation has been cancelled")
    return redirect(url_for("admin.users"))


def _staff_member(user_id: int) -> User:
    try:
        return staff.staff_member(user_id)
    except staff.NoSuchStaff:
        abort(404)


@bp.route("/users/<int:user_id>", methods=["GET", "POST"])
@admin_required
def user(user_id: int) -> str | Response:
    member = _staff_member(user_id)
    form = RoleForm(data={"role": member.role})
    if form.validate_on_submit():
        try:
            staff.change_role(acting_user(), member.id, Role(form.role.data))
        except staff.LastAdmin:
            form.role.errors = [*form.role.errors, LAST_ADMIN]
        else:
            flash(f"{member.full_name}’s role has been changed")
            return redirect(url_for("admin.user", user_id=member.id))
    return render_template(
        "views/admin/user.html", member=member, form=form, button=ButtonForm(), problem=None
    )


@bp.post("/users/<int:user_id>/deactivate")
@admin_required
def deactivate(user_id: int) -> str | Response:
    member = _staff_member(user_id)
    if not ButtonForm().validate_on_submit():
        abort(400)
    try:
        staff.deactivate(acting_user(), member.id)
    except staff.LastAdmin:
        return render_template(
            "views/admin/user.html",
            member=member,
            form=RoleForm(data={"role": member.role}),
            button=ButtonForm(),
            problem=LAST_ADMIN,
        )
    if member.id == acting_user().id:
        sessions.sign_out(current_user)
        return redirect(url_for("auth.sign_in"))
    flash(f"{member.full_name}’s account has been deactivated and they have been signed out")
    return redirect(url_for("admin.user", user_id=member.id))


@bp.post("/users/<int:user_id>/reactivate")
@admin_required
def reactivate(user_id: int) -> Response:
    member = _staff_member(user_id)
    if not ButtonForm().validate_on_submit():
        abort(400)
    staff.reactivate(acting_user(), member.id)
    flash(f"{member.full_name}’s account has been reactivated")
    return redirect(url_for("admin.user", user_id=member.id))


@bp.get("/organisations")
@admin_required
def organisations() -> str:
    return render_template(
        "views/admin/organisations.html", organisations=registration.organisations()
    )
