"""Administrators: the scoring policy in force, loading a new version, seeing what
it would change, and putting it in force."""

from __future__ import annotations

from flask import Blueprint, abort, flash, redirect, render_template, url_for
from flask_login import current_user
from flask_wtf import FlaskForm
from flask_wtf.file import FileField
from govuk_frontend_wtf.wtforms_widgets import GovFileInput, GovSubmitInput
from sqlalchemy import select
from werkzeug.wrappers import Response
from wtforms import SubmitField

from triage import db
from triage.auth.access import admin_required
from triage.models import PolicyVersion, RescoreRun
from triage.services import policy_admin, scoring
from triage.services.policy import policy_in_force

blueprint = Blueprint("policy", __name__, url_prefix="/admin/policy")


class PolicyUploadForm(FlaskForm):
    policy_file = FileField(
        "Upload a policy file",
        description="A YAML file in the same format as the policy in force, with a new version",
        widget=GovFileInput(),
    )
    submit = SubmitField("Check the policy", widget=GovSubmitInput())


class ActivateForm(FlaskForm):
    submit = SubmitField("Put this policy in force", widget=GovSubmitInput())


@blueprint.get("")
@admin_required
def index() -> str:
    loaded = db.session.scalars(
        select(PolicyVersion).order_by(PolicyVersion.loaded_at.desc()).limit(20)
    ).all()
    runs = db.session.scalars(select(RescoreRun).order_by(RescoreRun.id.desc()).limit(5)).all()
    return render_template(
        "views/admin/policy.html",
        policy=policy_in_force(),
        loaded=loaded,
        runs=[(run, *scoring.run_progress(run)) for run in runs],
        form=PolicyUploadForm(),
    )


@blueprint.post("")
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
                    row = policy_admin.load_version(text, upload.filename, current_user.user)
                except UnicodeDecodeError:
                    form.policy_file.errors.append("The policy file must be text (UTF-8 YAML)")
                except policy_admin.PolicyRefused as refusal:
                    form.policy_file.errors.append(str(refusal))
                else:
                    return redirect(url_for("policy.version", version_id=row.id))
    loaded = db.session.scalars(
        select(PolicyVersion).order_by(PolicyVersion.loaded_at.desc()).limit(20)
    ).all()
    return render_template(
        "views/admin/policy.html",
        policy=policy_in_force(),
        loaded=loaded,
        runs=[],
        form=form,
    )


@blueprint.get("/versions/<int:version_id>")
@admin_required
def version(version_id: int) -> str:
    row = db.session.get(PolicyVersion, version_id)
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


@blueprint.post("/versions/<int:version_id>/activate")
@admin_required
def activate(version_id: int) -> Response:
    row = db.session.get(PolicyVersion, version_id)
    if row is None:
        abort(404)
    if not ActivateForm().validate_on_submit():
        abort(400)
    if row.activated_at is not None:
        return redirect(url_for("policy.index"))
    run = policy_admin.activate(row)
    flash(f"Policy {row.version} is in force. {run.total} open offers are being rescored")
    return redirect(url_for("policy.run", run_id=run.id))


@blueprint.get("/rescoring/<int:run_id>")
@admin_required
def run(run_id: int) -> str:
    found = db.session.get(RescoreRun, run_id)
    if found is None:
        abort(404)
    done, total = scoring.run_progress(found)
    return render_template("views/admin/rescore_run.html", run=found, done=done, total=total)
