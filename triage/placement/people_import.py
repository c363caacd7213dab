"""Importing the waiting list from CSV: upload, a preview that lists every
problem by row and column, and nothing saved until the file is clean and the
officer confirms. Re-importing a file updates people rather than adding them
again (a person is their reference)."""

from __future__ import annotations

from flask import flash, render_template, request
from werkzeug.wrappers import Response

from rules.matching import people_csv
from triage.auth.access import acting_user
from triage.csv_export import BOM
from triage.placement import bp
from triage.placement.common import (
    cohort_labels,
    flash_done,
    not_found_unless,
    placement_required,
    redirect_to,
)
from triage.placement.forms import CancelImportForm, ConfirmImportForm, ImportForm
from triage.services.placement import waiting_list
from triage.services.policy import policy_in_force


@bp.get("/import/template.csv")
@placement_required
def import_template() -> Response:
    # With a byte-order mark, as every CSV download (see triage.csv_export).
    response = Response(BOM + people_csv.template_csv(), mimetype="text/csv")
    response.headers["Content-Disposition"] = 'attachment; filename="waiting-list-template.csv"'
    return response


@bp.route("/import", methods=["GET", "POST"])
@placement_required
def import_people() -> str | Response:
    form = ImportForm()
    problems: list[people_csv.Problem] = []
    if form.validate_on_submit():
        upload = request.files.get(form.waiting_list.name)
        data = upload.read(people_csv.MAX_FILE_BYTES + 1) if upload and upload.filename else b""
        if not data:
            form.waiting_list.errors = ["Select a CSV file of the waiting list"]
        else:
            result = waiting_list.upload(data, policy_in_force(), acting_user())
            if result.pending is not None:
                return redirect_to("placement.import_preview", token=result.pending.token)
            # A problem with the file as a whole (row 0: too big, not a CSV) is the
            # error itself; problems in rows are listed below the form.
            whole_file = [problem.message for problem in result.problems if problem.row == 0]
            problems = [problem for problem in result.problems if problem.row != 0]
            form.waiting_list.errors = whole_file or [
                "The file has problems, listed below. Nothing has been imported. "
                "Correct the file and upload it again."
            ]
    return render_template(
        "views/placement/import.html",
        form=form,
        problems=problems,
        columns=people_csv.COLUMNS,
        cohorts=cohort_labels(policy_in_force()),
    )


@bp.get("/import/<token>")
@placement_required
def import_preview(token: str) -> str | Response:
    pending = not_found_unless(waiting_list.pending_import(token, acting_user()))
    if pending.confirmed_at is not None:
        return render_template("views/placement/import_done.html", pending=pending)
    policy = policy_in_force()
    parsed = waiting_list.parse_pending(pending, policy)
    plan = waiting_list.plan(parsed.people)
    return render_template(
        "views/placement/import_preview.html",
        pending=pending,
        problems=parsed.problems,
        plan=plan,
        cohorts=cohort_labels(policy),
        confirm_form=ConfirmImportForm(),
        cancel_form=CancelImportForm(),
    )


@bp.post("/import/<token>")
@placement_required
def confirm_import(token: str) -> str | Response:
    pending = not_found_unless(waiting_list.pending_import(token, acting_user()))
    form = ConfirmImportForm()
    if not form.validate_on_submit() or pending.confirmed_at is not None:
        return redirect_to("placement.import_preview", token=token)
    try:
        plan = waiting_list.confirm(pending, policy_in_force(), acting_user())
    except waiting_list.ListChanged:
        flash(
            "Someone changed the waiting list while you were importing, so nothing was "
            "imported. Check the changes below and import again."
        )
        return redirect_to("placement.import_preview", token=token)
    if plan is None:
        return redirect_to("placement.import_preview", token=token)
    flash_done(
        f"Waiting list imported: {len(plan.new)} added, {len(plan.changed)} updated, "
        f"{len(plan.unchanged)} unchanged"
    )
    return redirect_to("placement.people")


@bp.post("/import/<token>/cancel")
@placement_required
def cancel_import(token: str) -> Response:
    pending = not_found_unless(waiting_list.pending_import(token, acting_user()))
    if CancelImportForm().validate_on_submit():
        waiting_list.abandon(pending)
        flash_done("Import cancelled. Nothing was imported.")
    return redirect_to("placement.import_people")
