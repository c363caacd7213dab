"""Administrators: the existing-supply register (issue 13), the council's supply
scheme by scheme, from which the location rule finds the areas less well served.
Only administrators, who manage the scoring policy, may see or change it."""

from __future__ import annotations

from flask import abort, flash, redirect, render_template, url_for
from werkzeug.wrappers import Response

from triage.admin import bp
from triage.admin.supply_forms import SupplySchemeForm
from triage.auth.access import acting_user, admin_required
from triage.auth.forms import ButtonForm
from triage.models import SupplyScheme
from triage.services import supply_register
from triage.services.policy import policy_in_force


def _scheme_or_404(scheme_id: int) -> SupplyScheme:
    try:
        return supply_register.scheme(scheme_id)
    except supply_register.NoSuchScheme:
        abort(404)


@bp.get("/supply")
@admin_required
def supply() -> str:
    rows = supply_register.schemes()
    policy = policy_in_force()
    return render_template(
        "views/admin/supply.html",
        rows=rows,
        totals=supply_register.totals(rows),
        districts=supply_register.districts(),
        cohorts={cohort.code: cohort.label for cohort in policy.cohorts},
    )


@bp.route("/supply/new", methods=["GET", "POST"])
@admin_required
def new_supply_scheme() -> str | Response:
    form = SupplySchemeForm(data={"schemes": 1})
    if form.validate_on_submit():
        row = supply_register.add(acting_user(), form.fields)
        flash(f"{row.name} has been added to the register")
        return redirect(url_for("admin.supply"))
    return render_template("views/admin/supply_scheme.html", form=form, row=None)


@bp.route("/supply/<int:scheme_id>", methods=["GET", "POST"])
@admin_required
def supply_scheme(scheme_id: int) -> str | Response:
    row = _scheme_or_404(scheme_id)
    form = SupplySchemeForm(
        data={
            "name": row.name,
            "accommodation": row.accommodation,
            "units": row.units,
            "schemes": row.schemes,
            "postcode": row.postcode,
            "cohort": row.cohort or "",
            "note": row.note,
        }
    )
    if form.validate_on_submit():
        supply_register.change(acting_user(), row.id, form.fields)
        flash(f"{form.name.data} has been changed")
        return redirect(url_for("admin.supply"))
    return render_template("views/admin/supply_scheme.html", form=form, row=row)


@bp.route("/supply/<int:scheme_id>/remove", methods=["GET", "POST"])
@admin_required
def remove_supply_scheme(scheme_id: int) -> str | Response:
    row = _scheme_or_404(scheme_id)
    form = ButtonForm()
    if form.validate_on_submit():
        name = row.name
        supply_register.remove(acting_user(), row.id)
        flash(f"{name} has been removed from the register")
        return redirect(url_for("admin.supply"))
    return render_template("views/admin/supply_remove.html", row=row, button=form)
