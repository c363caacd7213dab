"""Administrators: the scoring policy in force, loading a new version, seeing what
it would change, putting it in force now or scheduling it for its date, and
downloading any version."""

from __future__ import annotations

from flask import abort, flash, redirect, render_template, url_for
from werkzeug.wrappers import Response

from triage import clock
from triage.admin import policy_bp
from triage.admin.forms import ActivateForm, PolicyUploadForm
from triage.admin.policy_forms import CancelScheduleForm, ScheduleForm
from triage.auth.access import acting_user, admin_required
from triage.models import PolicyVersion
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
        scheduled=policy_admin.scheduled_versions(),
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
                    form.policy_file.errors.extend(refusal.problems)
                else:
                    return redirect(url_for("policy.version", version_id=row.id))
    return render_template(
        "views/admin/policy.html",
        policy=policy_in_force(),
        loaded=policy_admin.recent_versions(),
        runs=[],
        scheduled=policy_admin.scheduled_versions(),
        form=form,
    )


@policy_bp.get("/versions/<int:version_id>")
@admin_required
def version(version_id: int, problem: str | None = None) -> str:
    row = _version_or_404(version_id)
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
        schedule_form=ScheduleForm(),
        cancel_form=CancelScheduleForm(),
        today=clock.today_uk(),
        problem=problem,
        page_error=problem is not None,
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
    run = policy_admin.activate(row, acting_user())
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


def _version_or_404(version_id: int) -> PolicyVersion:
    row = policy_admin.get_version(version_id)
    if row is None:
        abort(404)
    return row


def _yaml_download(text: str, version: str) -> Response:
    response = Response(text, mimetype="application/yaml")
    response.headers["Content-Disposition"] = (
        f'attachment; filename="{policy_admin.download_name(version)}"'
    )
    return response


@policy_bp.get("/versions/<int:version_id>/download")
@admin_required
def download(version_id: int) -> Response:
    """Any loaded version's YAML, exactly as it was loaded."""
    row = _version_or_404(version_id)
    return _yaml_download(row.yaml_text, row.version)


@policy_bp.get("/in-force/download")
@admin_required
def download_in_force() -> Response:
    """The policy in force, whether loaded here or shipped with the service."""
    version, text = policy_admin.in_force_yaml()
    return _yaml_download(text, version)


@policy_bp.post("/versions/<int:version_id>/schedule")
@admin_required
def schedule(version_id: int) -> str | Response:
    row = _version_or_404(version_id)
    if not ScheduleForm().validate_on_submit():
        abort(400)
    try:
        day = policy_admin.schedule(row, acting_user())
    except policy_admin.PolicyRefused as refusal:
        return version(version_id, problem=str(refusal))
    flash(f"Policy {row.version} will be put in force on {day:%-d %B %Y}")
    return redirect(url_for("policy.version", version_id=version_id))


@policy_bp.post("/versions/<int:version_id>/cancel-schedule")
@admin_required
def cancel_schedule(version_id: int) -> Response:
    row = _version_or_404(version_id)
    if not CancelScheduleForm().validate_on_submit():
        abort(400)
    if policy_admin.cancel_schedule(row, acting_user()):
        flash(f"Policy {row.version} is no longer scheduled")
    return redirect(url_for("policy.version", version_id=version_id))
