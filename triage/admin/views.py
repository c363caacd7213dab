"""Administrators: staff accounts."""

from __future__ import annotations

from flask import Blueprint, flash, redirect, render_template, url_for
from sqlalchemy import select
from werkzeug.wrappers import Response

from triage import db
from triage.admin.forms import StaffAccountForm
from triage.auth.access import admin_required
from triage.auth.service import EmailTaken, create_user
from triage.models import User
from triage.models.users import STAFF_ROLES, Role

blueprint = Blueprint("admin", __name__, url_prefix="/admin")


@blueprint.get("/users")
@admin_required
def users() -> str:
    staff = db.session.scalars(
        select(User)
        .where(User.role.in_([role.value for role in STAFF_ROLES]))
        .order_by(User.full_name)
    ).all()
    return render_template("views/admin/users.html", users=staff)


@blueprint.route("/users/new", methods=["GET", "POST"])
@admin_required
def new_user() -> str | Response:
    form = StaffAccountForm()
    if form.validate_on_submit():
        try:
            create_user(
                email=form.email.data,
                full_name=form.full_name.data,
                password=form.password.data,
                role=Role(form.role.data),
                organisation=None,
            )
            db.session.commit()
        except EmailTaken:
            db.session.rollback()
            form.email.errors.append("An account already uses this email address")
        else:
            flash(f"An account has been created for {form.full_name.data}")
            return redirect(url_for("admin.users"))
    return render_template("views/admin/new_user.html", form=form)


# The audit log search lives in its own module, on this blueprint.
from triage.admin import audit  # noqa: E402, F401
