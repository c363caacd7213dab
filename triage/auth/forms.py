"""Registration and sign-in forms."""

from __future__ import annotations

from typing import Any

from email_validator import EmailNotValidError, validate_email
from flask_wtf import FlaskForm
from govuk_frontend_wtf.wtforms_widgets import GovPasswordInput, GovSubmitInput, GovTextInput
from wtforms import PasswordField, StringField, SubmitField
from wtforms.validators import ValidationError

from triage.fields import ChoiceField, TextField, clean_text
from triage.models.users import ORGANISATION_TYPE_LABELS
from triage.passwords import password_problem


class EmailField(StringField):
    widget = GovTextInput()
    data: Any

    def __init__(self, label: str, **kwargs: Any) -> None:
        kwargs.setdefault("filters", []).append(clean_text)
        super().__init__(label, **kwargs)

    def pre_validate(self, form: Any) -> None:
        if not self.data:
            raise ValidationError("Enter your email address")
        if len(self.data) > 320:
            raise ValidationError("Email address must be 320 characters or fewer")
        try:
            checked = validate_email(self.data, check_deliverability=False)
        except EmailNotValidError:
            raise ValidationError(
                "Enter an email address in the correct format, like name@example.com"
            ) from None
        self.data = checked.normalized.lower()


class NewPasswordMixin:
    password = PasswordField(
        "Create a password",
        widget=GovPasswordInput(),
        description="Use 8 characters or more. Avoid common passwords.",
    )
    confirm_password = PasswordField("Confirm your password", widget=GovPasswordInput())

    def validate_password(self, field: PasswordField) -> None:
        email = getattr(self, "email", None)
        name = getattr(self, "full_name", None)
        problem = password_problem(
            field.data or "",
            email=email.data or "" if email else "",
            name=name.data or "" if name else "",
        )
        if problem:
            raise ValidationError(problem)

    def validate_confirm_password(self, field: PasswordField) -> None:
        if field.data != self.password.data:
            raise ValidationError("Passwords must match")


class PersonFields:
    full_name = TextField("Your full name", required="Enter your full name", max_length=200)
    email = EmailField("Email address", description="We will send updates about offers here.")


class RegisterForm(PersonFields, NewPasswordMixin, FlaskForm):
    organisation_name = TextField(
        "Organisation name", required="Enter your organisation’s name", max_length=200
    )
    organisation_type = ChoiceField(
        "Type of organisation",
        required="Select the type of organisation",
        choices=[(key.value, label) for key, label in ORGANISATION_TYPE_LABELS.items()],
    )
    rsh_registration_number = TextField(
        "Regulator of Social Housing registration number (if you have one)",
        description="For example, 4850 or L4850",
        max_length=10,
        noun="Registration number",
    )
    submit = SubmitField("Create account", widget=GovSubmitInput())

    def validate_rsh_registration_number(self, field: TextField) -> None:
        if field.data:
            field.data = field.data.upper().replace(" ", "")
            if not (field.data[:1].isalnum() and field.data.isalnum()):
                raise ValidationError(
                    "Registration number must only include letters and numbers, like L4850"
                )


class AcceptInvitationForm(NewPasswordMixin, FlaskForm):
    """The invitee's name and password: the address is the one invited."""

    full_name = TextField("Your full name", required="Enter your full name", max_length=200)
    submit = SubmitField("Create account", widget=GovSubmitInput())

    def __init__(self, *args: Any, invited_email: str = "", **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._invited_email = invited_email

    def validate_password(self, field: PasswordField) -> None:
        problem = password_problem(
            field.data or "", email=self._invited_email, name=self.full_name.data or ""
        )
        if problem:
            raise ValidationError(problem)


class InviteForm(FlaskForm):
    email = EmailField("Email address", description="The invitation will be sent to this address.")
    submit = SubmitField("Send invitation", widget=GovSubmitInput())


class ButtonForm(FlaskForm):
    """Only a CSRF token: a button that changes something is a POST, never a link."""


class SignInForm(FlaskForm):
    email = StringField("Email address", widget=GovTextInput(), filters=[clean_text])
    password = PasswordField("Password", widget=GovPasswordInput())
    submit = SubmitField("Sign in", widget=GovSubmitInput())

    def validate_email(self, field: StringField) -> None:
        if not field.data:
            raise ValidationError("Enter your email address")
        if len(field.data) > 320:
            raise ValidationError("Email address must be 320 characters or fewer")

    def validate_password(self, field: PasswordField) -> None:
        if not field.data:
            raise ValidationError("Enter your password")


class SignOutForm(FlaskForm):
    """Only a CSRF token: signing out is a POST, never a link."""


class ForgottenPasswordForm(FlaskForm):
    email = EmailField(
        "Email address", description="The email address you use to sign in to the service."
    )
    submit = SubmitField("Send a link to reset my password", widget=GovSubmitInput())


class NewPasswordForm(NewPasswordMixin, FlaskForm):
    """A new password chosen with a reset link. The rules are registration's; the
    account's email address and name (given by the view) are refused as passwords."""

    password = PasswordField(
        "New password",
        widget=GovPasswordInput(),
        description="Use 8 characters or more. Avoid common passwords.",
    )
    confirm_password = PasswordField("Confirm your new password", widget=GovPasswordInput())
    submit = SubmitField("Change password", widget=GovSubmitInput())

    def __init__(self, *args: Any, account_email: str = "", account_name: str = "", **kwargs: Any):
        super().__init__(*args, **kwargs)
        self._account_email = account_email
        self._account_name = account_name

    def validate_password(self, field: PasswordField) -> None:
        problem = password_problem(
            field.data or "", email=self._account_email, name=self._account_name
        )
        if problem:
            raise ValidationError(problem)
