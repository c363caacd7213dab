from __future__ import annotations

from flask_wtf import FlaskForm
from govuk_frontend_wtf.wtforms_widgets import GovSubmitInput
from wtforms import SubmitField

from triage.auth.forms import NewPasswordMixin, PersonFields
from triage.fields import ChoiceField
from triage.models.users import ROLE_LABELS, STAFF_ROLES


class StaffAccountForm(PersonFields, NewPasswordMixin, FlaskForm):
    role = ChoiceField(
        "Role",
        required="Select the role",
        choices=[(role.value, label) for role, label in ROLE_LABELS.items() if role in STAFF_ROLES],
    )
    submit = SubmitField("Create account", widget=GovSubmitInput())
