"""The existing-supply register's forms (the rest of the admin forms are in
triage/admin/forms.py)."""

from __future__ import annotations

from typing import Any

from flask_wtf import FlaskForm
from govuk_frontend_wtf.wtforms_widgets import GovSelect, GovSubmitInput, GovTextInput
from wtforms import SelectField, StringField, SubmitField
from wtforms.validators import ValidationError

from rules.existing_supply import ACCOMMODATION_LABELS, Accommodation
from triage.fields import (
    ChoiceField,
    LongTextField,
    NumberField,
    TextField,
    clean_text,
    normalise_postcode,
)
from triage.services.policy import policy_in_force
from triage.services.supply_register import SchemeFields


class OptionalPostcodeField(StringField):
    """A UK postcode that may be left empty (a scheme not placed yet)."""

    data: Any
    widget = GovTextInput()

    def __init__(self, label: str, **kwargs: Any) -> None:
        kwargs.setdefault("filters", []).append(clean_text)
        super().__init__(label, **kwargs)

    def pre_validate(self, form: Any) -> None:
        if not self.data:
            self.data = None
            return
        normalised = normalise_postcode(self.data) if len(self.data) <= 10 else None
        if normalised is None:
            raise ValidationError("Enter a real postcode, like LE1 6ZG, or leave it empty")
        self.data = normalised


class CohortField(SelectField):
    widget = GovSelect()

    def pre_validate(self, form: Any) -> None:
        if self.data and self.data not in {value for value, _label in self.choices or []}:
            raise ValidationError("Select a cohort from the list")


class SupplySchemeForm(FlaskForm):
    name = TextField("Scheme name", required="Enter the scheme's name", max_length=200)
    accommodation = ChoiceField(
        "Kind of home",
        required="Select the kind of home",
        choices=[(kind.value, label) for kind, label in ACCOMMODATION_LABELS.items()],
    )
    units = NumberField(
        "Units",
        description="Homes or bed spaces in the scheme",
        minimum=1,
        maximum=5000,
        required="Enter the number of units",
        noun="Units",
    )
    schemes = NumberField(
        "Schemes on this line",
        description="1 for one scheme; more where a line stands for several schemes of one kind",
        minimum=1,
        maximum=500,
        required="Enter how many schemes this line stands for",
        noun="Schemes",
    )
    postcode = OptionalPostcodeField(
        "Postcode",
        description="Leave empty if it is not known yet: the units then count in no area",
    )
    cohort = CohortField("Cohort it serves")
    note = LongTextField("Note", description="Where the figures come from", max_length=500)
    submit = SubmitField("Save", widget=GovSubmitInput())

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.cohort.choices = [
            ("", "Not recorded"),
            *((cohort.code, cohort.label) for cohort in policy_in_force().cohorts),
        ]

    @property
    def fields(self) -> SchemeFields:
        return SchemeFields(
            name=self.name.data,
            accommodation=Accommodation(self.accommodation.data),
            units=self.units.data,
            schemes=self.schemes.data,
            postcode=self.postcode.data,
            cohort=self.cohort.data or None,
            note=self.note.data,
        )
