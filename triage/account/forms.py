"""A member of staff's own settings."""

from __future__ import annotations

from flask_wtf import FlaskForm
from govuk_frontend_wtf.wtforms_widgets import GovSubmitInput
from wtforms import SubmitField

from triage.fields import ChoiceField
from triage.models.users import NOTIFICATION_FREQUENCY_LABELS


class NotificationsForm(FlaskForm):
    frequency = ChoiceField(
        "How do you want to hear about your offers?",
        required="Select how you want to hear about your offers",
        choices=[(value.value, label) for value, label in NOTIFICATION_FREQUENCY_LABELS.items()],
    )
    submit = SubmitField("Save", widget=GovSubmitInput())
