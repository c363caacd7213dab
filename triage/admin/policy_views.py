"""Administrators: the scoring policy in force, loading a new version, seeing what
it would change, and putting it in force."""

from __future__ import annotations

from flask import abort, flash, redirect, render_template, url_for
from werkzeug.wrappers import Response

from triage.admin import policy_bp
from triage.admin.forms import ActivateForm, PolicyUploadForm
from triage.auth.access import acting_user, admin_required
from triage.services import policy_admin, scoring
from triage.services.policy import policy_in_force


@policy_bp.get("")
@admin_required
def index() -> str:
    return render_template(
        "views/admin/policy.html",
        policy=policy_in_force(),
        loaded=policy_admin.recent_versions(),
        runs=policy_admin.recent_runs(),
        form=PolicyUploadForm(),
    )


@policy_bp.post("")
@admin_required
def upload() -> str | Response:
    form = PolicyUploadForm()
    if form.validate_on_submit():
        upload = form.policy_file.data
        if upload is None or not getattr(upload, "filename", ""):
            form.policy_file.errors.append("Select a policy file")
        else:
            raw = upload.stream.read(policy_admin.MAX_POLICY_BYTES + 1)
            if len(raw) > policy_admin.MAX_POLICY_BYTES:
                form.policy_file.errors.append("The policy file must be smaller than 512KB")
            else:
                try:
                    text = raw.decode("utf-8")
                    row = policy_admin.load_version(text, upload.filename, acting_user())
                except UnicodeDecodeError:
                    form.policy_file.errors.append("The policy file must be text (UTF-8 YAML)")
                except policy_admin.PolicyRefused as refusal:
                    form.policy_file.errors.append(str(refusal))
                else:
                    return redirect(url_for("policy.version", version_id=row.id))
    return render_template(
        "views/admin/policy.html",
        policy=policy_in_force(),
        loaded=policy_admin.recent_versions(),
        runs=[],
        form=form,
    )


@policy_bp.get("/versions/<int:version_id>")
@admin_required
def version(version_id: int) -> str:
    row = policy_admin.get_version(version_id)
    if row is None:
        abort(404)
    candidate = policy_admin.parsed(row)
    changes, compared = policy_admin.preview(candidate)
    return render_template(
        "views/admin/policy_version.html",
        row=row,
        candidate=candidate,
        current=policy_in_force(),
        changes=changes,
        compared=compared,
        form=ActivateForm(),
    )


@policy_bp.post("/versions/<int:version_id>/activate")
@admin_required
def activate(version_id: int) -> Response:
    row = policy_admin.get_version(version_id)
    if row is None:
        abort(404)
    if not ActivateForm().validate_on_submit():
        abort(400)
    if row.activated_at is not None:
        return redirect(url_for("policy.index"))
    run = policy_admin.activate(row)
    flash(f"Policy {row.version} is in force. {run.total} open offers are being rescored")
    return redirect(url_for("policy.run", run_id=run.id))


@policy_bp.get("/rescoring/<int:run_id>")
@admin_required
def run(run_id: int) -> str:
    found = policy_admin.get_run(run_id)
    if found is None:
        abort(404)
    done, total = scoring.run_progress(found)
    return render_template("views/admin/rescore_run.html", run=found, done=done, total=total)
