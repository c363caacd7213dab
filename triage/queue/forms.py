"""Forms for commissioners' actions on an offer. Each carries the version of the
offer the officer saw, so a change made meanwhile by someone else is caught."""

from __future__ import annotations

from typing import Any

from flask_wtf import FlaskForm
from govuk_frontend_wtf.wtforms_widgets import GovSelect, GovSubmitInput
from wtforms import HiddenField, SelectField, SubmitField
from wtforms.validators import ValidationError

from triage.fields import ChoiceField, DecimalNumberField, LongTextField
from triage.workflow import DECLINE_CONCERN_LABELS


class _Versioned(FlaskForm):
    version = HiddenField()

    @property
    def seen_version(self) -> int:
        try:
            return int(self.version.data)
        except (TypeError, ValueError):
            return -1


class AssignForm(_Versioned):
    officer = SelectField("Assign to", widget=GovSelect())
    submit = SubmitField("Assign", widget=GovSubmitInput())

    def __init__(
        self, *args: Any, officers: list[tuple[str, str]] | None = None, **kwargs: Any
    ) -> None:
        super().__init__(*args, **kwargs)
        self.officer.choices = officers or []


class RequestInformationForm(_Versioned):
    question = LongTextField(
        "What do you need to know?",
        description="The submitter sees this on their offer and by email",
        required="Enter what you need to know",
        max_length=5000,
        noun="The request",
    )
    submit = SubmitField("Send the request", widget=GovSubmitInput())


class ProposeMeetingForm(_Versioned):
    note = LongTextField(
        "Proposed meeting",
        description="When, where and who: the submitter sees this on their offer and by email",
        required="Enter the meeting you propose",
        max_length=5000,
        noun="The proposal",
    )
    submit = SubmitField("Propose the meeting", widget=GovSubmitInput())


class DecisionForm(_Versioned):
    decision = ChoiceField(
        "Decision",
        required="Select a decision",
        choices=[
            ("progress_to_feasibility", "Progress to a feasibility study"),
            ("approve", "Approve in principle"),
            ("decline", "Decline"),
        ],
    )
    concern = ChoiceField(
        "If you decline it, which Appendix C concern is it?",
        required="Select the Appendix C concern the offer falls short on",
        choices=[(concern.value, label) for concern, label in DECLINE_CONCERN_LABELS.items()],
    )
    reasons = LongTextField(
        "Reasons",
        description="In plain English: the submitter receives these",
        required="Enter the reasons for the decision",
        max_length=5000,
    )
    submit = SubmitField("Record the decision", widget=GovSubmitInput())

    def validate(self, extra_validators: Any = None) -> bool:
        valid = super().validate(extra_validators)
        if self.decision.data != "decline" and self.concern.errors:
            # Only a decline names a concern.
            self.concern.errors = []
            return not any(field.errors for field in self)
        return valid


class OverrideForm(FlaskForm):
    score = DecimalNumberField(
        "Score, 0 to 100",
        places=1,
        example="72.5",
        minimum=0,
        maximum=100,
        required="Enter the score",
        noun="Score",
    )
    band = ChoiceField("Band", required="Select the band")
    justification = LongTextField(
        "Why are you overriding the score?",
        required="Enter why you are overriding the score",
        max_length=5000,
        noun="The justification",
    )
    submit = SubmitField("Override the score", widget=GovSubmitInput())

    def __init__(
        self, *args: Any, bands: list[tuple[str, str]] | None = None, **kwargs: Any
    ) -> None:
        super().__init__(*args, **kwargs)
        self.band.choices = bands or []

    def validate_band(self, field: ChoiceField) -> None:
        if field.data not in {value for value, _label in field.choices or []}:
            raise ValidationError("Select the band")
