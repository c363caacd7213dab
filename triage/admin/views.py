"""Administrators: staff accounts."""

from __future__ import annotations

from flask import flash, redirect, render_template, url_for
from werkzeug.wrappers import Response

from triage.admin import bp
from triage.admin.forms import StaffAccountForm
from triage.auth.access import admin_required
from triage.auth.service import EmailTaken, create_user, staff_accounts
from triage.models.users import Role


@bp.get("/users")
@admin_required
def users() -> str:
    return render_template("views/admin/users.html", users=staff_accounts())


@bp.route("/users/new", methods=["GET", "POST"])
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
        except EmailTaken:
            form.email.errors.append("An account already uses this email address")
        else:
            flash(f"An account has been created for {form.full_name.data}")
            return redirect(url_for("admin.users"))
    return render_template("views/admin/new_user.html", form=form)
