"""Administrators' forms: staff accounts and invitations, the audit search and the scoring policy."""

from __future__ import annotations

import re
from typing import Any

from flask_wtf import FlaskForm
from flask_wtf.file import FileField
from govuk_frontend_wtf.wtforms_widgets import GovFileInput, GovSelect, GovSubmitInput
from wtforms import SelectField, SubmitField
from wtforms.validators import ValidationError

from triage.auth.forms import EmailField
from triage.fields import ChoiceField, TextField
from triage.models.users import ROLE_LABELS, STAFF_ROLES
from triage.offers.forms import GovDateField
from triage.services import audit_search

# As triage.services.offers.reference_for writes them: SA-2026-00042.
REFERENCE = re.compile(r"[A-Z]{2}-\d{4}-\d{1,10}")


STAFF_ROLE_CHOICES = [
    (role.value, label) for role, label in ROLE_LABELS.items() if role in STAFF_ROLES
]


class StaffInvitationForm(FlaskForm):
    """An invitation to a staff account: the invitee chooses their own name and
    password, so the administrator never sees or sets it."""

    email = EmailField("Email address", description="The invitation will be sent to this address.")
    role = ChoiceField("Role", required="Select the role", choices=STAFF_ROLE_CHOICES)
    submit = SubmitField("Send invitation", widget=GovSubmitInput())


class RoleForm(FlaskForm):
    role = ChoiceField("Role", required="Select the role", choices=STAFF_ROLE_CHOICES)
    submit = SubmitField("Change role", widget=GovSubmitInput())


class OptionalDateField(GovDateField):
    """A GOV.UK date input that may be left empty."""

    def __init__(self, label: str, *, noun: str, **kwargs: Any) -> None:
        super().__init__(label, noun=noun, required="", **kwargs)
        # The page's error summary links a GovDateField's error to its day box.
        self.type = "GovDateField"

    def pre_validate(self, form: Any) -> None:
        if not any(getattr(self, "parts", None) or []):
            self.data = None
            return
        super().pre_validate(form)


class ActionField(SelectField):
    widget = GovSelect()

    def pre_validate(self, form: Any) -> None:
        if self.data and self.data not in {value for value, _label in self.choices or []}:
            raise ValidationError("Select an action from the list")


class AuditSearchForm(FlaskForm):
    class Meta:
        csrf = False  # a search (GET) changes nothing

    reference = TextField(
        "Offer reference", description="For example, SA-2026-00042", max_length=20
    )
    action = ActionField("Action")
    person = TextField("Person", description="Part of their name or email address", max_length=200)
    date_from = OptionalDateField("From", description="For example, 1 11 2026", noun="From date")
    date_to = OptionalDateField("To", description="For example, 30 11 2026", noun="To date")

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.action.choices = [("", "Any action"), *audit_search.action_choices()]

    def validate_reference(self, field: TextField) -> None:
        if field.data and not REFERENCE.fullmatch(field.data.upper()):
            raise ValidationError("Enter an offer reference like SA-2026-00042")

    def validate_date_to(self, field: OptionalDateField) -> None:
        if field.data and self.date_from.data and field.data < self.date_from.data:
            raise ValidationError("To date must be the same as or after the from date")

    @property
    def filters(self) -> audit_search.AuditFilters:
        return audit_search.AuditFilters(
            reference=self.reference.data.upper() if self.reference.data else None,
            action=self.action.data or None,
            person=self.person.data or None,
            date_from=self.date_from.data,
            date_to=self.date_to.data,
        )


class PolicyUploadForm(FlaskForm):
    policy_file = FileField(
        "Upload a policy file",
        description="A YAML file in the same format as the policy in force, with a new version",
        widget=GovFileInput(),
    )
    submit = SubmitField("Check the policy", widget=GovSubmitInput())


class ActivateForm(FlaskForm):
    submit = SubmitField("Put this policy in force", widget=GovSubmitInput())
