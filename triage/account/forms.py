"""A person's own settings: name, password, sessions, and staff email preferences."""

from __future__ import annotations

from typing import Any

from flask_wtf import FlaskForm
from govuk_frontend_wtf.wtforms_widgets import GovPasswordInput, GovSubmitInput
from wtforms import PasswordField, SubmitField
from wtforms.validators import ValidationError

from triage.fields import ChoiceField, TextField
from triage.models.users import NOTIFICATION_FREQUENCY_LABELS
from triage.passwords import password_problem


class NotificationsForm(FlaskForm):
    frequency = ChoiceField(
        "How do you want to hear about your offers?",
        required="Select how you want to hear about your offers",
        choices=[(value.value, label) for value, label in NOTIFICATION_FREQUENCY_LABELS.items()],
    )
    submit = SubmitField("Save", widget=GovSubmitInput())


class NameForm(FlaskForm):
    full_name = TextField("Your full name", required="Enter your full name", max_length=200)
    submit = SubmitField("Save", widget=GovSubmitInput())


class PasswordForm(FlaskForm):
    current_password = PasswordField("Current password", widget=GovPasswordInput())
    password = PasswordField(
        "New password",
        widget=GovPasswordInput(),
        description="Use 8 characters or more. Avoid common passwords.",
    )
    confirm_password = PasswordField("Confirm your new password", widget=GovPasswordInput())
    submit = SubmitField("Change password", widget=GovSubmitInput())

    def __init__(self, *args: Any, email: str = "", name: str = "", **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._email = email
        self._name = name

    def validate_current_password(self, field: PasswordField) -> None:
        if not field.data:
            raise ValidationError("Enter your current password")

    def validate_password(self, field: PasswordField) -> None:
        problem = password_problem(field.data or "", email=self._email, name=self._name)
        if problem:
            raise ValidationError(problem.replace("Password", "New password", 1))

    def validate_confirm_password(self, field: PasswordField) -> None:
        if field.data != self.password.data:
            raise ValidationError("Passwords must match")


class EndSessionsForm(FlaskForm):
    """Only a CSRF token: ending sessions is a POST, never a link."""
