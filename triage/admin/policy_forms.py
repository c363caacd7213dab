"""The scoring policy pages' own forms (the rest of the admin forms are in
triage/admin/forms.py): scheduling a version for its date, and cancelling that."""

from __future__ import annotations

from flask_wtf import FlaskForm
from govuk_frontend_wtf.wtforms_widgets import GovSubmitInput
from wtforms import SubmitField


class ScheduleForm(FlaskForm):
    submit = SubmitField("Put it in force on its date", widget=GovSubmitInput())


class CancelScheduleForm(FlaskForm):
    submit = SubmitField("Cancel the schedule", widget=GovSubmitInput())
