"""The queue's forms: commissioners' actions on an offer (each carries the version
of the offer the officer saw, so a change made meanwhile by someone else is
caught), bulk assignment, internal notes and flags."""

from __future__ import annotations

import re
from typing import Any
from urllib.parse import urlsplit

from flask_wtf import FlaskForm
from govuk_frontend_wtf.wtforms_widgets import GovSelect, GovSubmitInput
from wtforms import Field, HiddenField, SelectField, SelectMultipleField, SubmitField
from wtforms.validators import ValidationError

from triage.fields import ChoiceField, DecimalNumberField, LongTextField, TextField
from triage.meeting_forms import MeetingTimesForm
from triage.services import queue
from triage.workflow import DECLINE_CONCERN_LABELS, DeclineConcern

NOTE_MAX_LENGTH = 5000
FLAG_MAX_LENGTH = 200
RESOLUTION_MAX_LENGTH = 2000

# A ticked offer in the queue's table: "id:version".
_CHOICE = re.compile(r"^([0-9]{1,9}):([0-9]{1,9})$")


class _Versioned(FlaskForm):
    version = HiddenField()

    @property
    def seen_version(self) -> int:
        try:
            return int(self.version.data)
        except (TypeError, ValueError):
            return -1


class RetryScoringForm(_Versioned):
    submit = SubmitField("Try scoring again", widget=GovSubmitInput())


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


class ProposeMeetingForm(MeetingTimesForm):
    """Issue 14: a meeting with a time, a place or a video link, and who attends."""

    place = TextField(
        "Place",
        description="The address, or leave it empty for a video meeting",
        max_length=300,
    )
    link = TextField(
        "Video link",
        description="For example, https://meet.example.org/abc-defg. Leave it empty to meet in person",
        max_length=500,
    )
    attendees = LongTextField(
        "Who will attend",
        description="Names and roles, for example: Sam Patel, commissioning officer",
        required="Enter who will attend",
        max_length=1000,
        noun="Who will attend",
    )
    note = LongTextField(
        "Message to the submitter (optional)",
        description="What the meeting is for, what to bring",
        max_length=5000,
        noun="The message",
    )
    submit = SubmitField("Propose the meeting", widget=GovSubmitInput())

    def validate_place(self, field: TextField) -> None:
        if not field.data and not self.link.data and not self.link.errors:
            raise ValidationError("Enter a place or a video link")

    def validate_link(self, field: TextField) -> None:
        if field.data and not is_https_link(field.data):
            raise ValidationError(
                "Enter a video link that starts with https://, like https://meet.example.org/abc"
            )


def is_https_link(text: str) -> bool:
    parts = urlsplit(text)
    return (
        parts.scheme == "https"
        and bool(parts.hostname)
        and not any(character.isspace() for character in text)
    )


class AcceptSuggestionForm(_Versioned):
    submit = SubmitField("Accept the suggested time", widget=GovSubmitInput())


class CancelMeetingForm(_Versioned):
    reason = LongTextField(
        "Why is the meeting cancelled?",
        description="The submitter receives this",
        required="Enter why the meeting is cancelled",
        max_length=2000,
        noun="The reason",
    )
    submit = SubmitField("Cancel the meeting", widget=GovSubmitInput())


class MeetingOutcomeForm(_Versioned):
    held = ChoiceField(
        "Did the meeting happen?",
        required="Select whether the meeting happened",
        choices=[("held", "Yes, it was held"), ("not_held", "No, it did not happen")],
    )
    notes = LongTextField(
        "Notes",
        description="What was discussed and agreed, or why it did not happen. Staff only",
        required="Enter notes about the meeting",
        max_length=5000,
        noun="The notes",
    )
    submit = SubmitField("Record the outcome", widget=GovSubmitInput())


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
    concerns = SelectMultipleField(
        "If you decline it, which Appendix C concerns does it fall short on?",
        choices=[(concern.value, label) for concern, label in DECLINE_CONCERN_LABELS.items()],
        # Checked in validate, with a message of ours rather than WTForms'.
        validate_choice=False,
    )
    reasons = LongTextField(
        "Reasons",
        description="In plain English: the submitter receives these",
        required="Enter the reasons for the decision",
        max_length=5000,
    )
    submit = SubmitField("Record the decision", widget=GovSubmitInput())

    def reason_field(self, concern: DeclineConcern) -> Field:
        """The reason given for one concern (shown when its box is ticked)."""
        return self[f"reason_{concern.value}"]

    def named_concerns(self) -> list[tuple[DeclineConcern, str]]:
        """The concerns ticked, in the form's order, each with its reason."""
        ticked = set(self.concerns.data or [])
        return [
            (concern, self.reason_field(concern).data or "")
            for concern in DeclineConcern
            if concern.value in ticked
        ]

    def validate(self, extra_validators: Any = None) -> bool:
        valid = super().validate(extra_validators)
        reasons = [self.reason_field(concern) for concern in DeclineConcern]
        if self.decision.data != "decline":
            # Only a decline names concerns: whatever was typed for them is ignored.
            self.concerns.errors = []
            for field in reasons:
                field.errors = []
            return not any(field.errors for field in self)
        known = {concern.value for concern in DeclineConcern}
        ticked = [value for value in self.concerns.data or [] if value in known]
        if not ticked:
            self.concerns.errors = ["Select the Appendix C concerns the offer falls short on"]
            valid = False
        for concern in DeclineConcern:
            field = self.reason_field(concern)
            if concern.value not in ticked:
                field.errors = []
            elif not field.data and not field.errors:
                field.errors = [
                    f"Enter why it falls short: {DECLINE_CONCERN_LABELS[concern].lower()}"
                ]
                valid = False
        return valid and not any(field.errors for field in self)


for _concern in DeclineConcern:
    # One reason a concern, optional here: validate requires those ticked.
    setattr(
        DecisionForm,
        f"reason_{_concern.value}",
        LongTextField(
            f"Why does it fall short on this? ({DECLINE_CONCERN_LABELS[_concern]})",
            description="The submitter receives this",
            max_length=2000,
            noun="The reason",
        ),
    )


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


class BulkAssignForm(FlaskForm):
    # The checkboxes are in the queue's table, one per offer: "id:version".
    offers = SelectMultipleField(validate_choice=False)
    assign_to = SelectField(
        "Assign the selected offers to", widget=GovSelect(), validate_choice=False
    )
    submit = SubmitField("Assign selected offers", widget=GovSubmitInput())

    def __init__(
        self, *args: Any, officers: list[queue.Officer] | None = None, **kwargs: Any
    ) -> None:
        super().__init__(*args, **kwargs)
        self.assign_to.choices = [("", "Choose an officer")] + [
            (str(person.id), person.name) for person in officers or []
        ]

    @property
    def chosen(self) -> list[tuple[int, int]]:
        """The ticked offers as (id, version the officer saw), each once."""
        seen: dict[int, int] = {}
        for value in self.offers.data or []:
            match = _CHOICE.match(value or "")
            if match:
                seen.setdefault(int(match.group(1)), int(match.group(2)))
        return list(seen.items())

    def validate_offers(self, _field: Field) -> None:
        chosen = self.chosen
        if not chosen:
            raise ValidationError("Select the offers to assign")
        if len(chosen) > queue.PAGE_SIZE:
            raise ValidationError(f"Select {queue.PAGE_SIZE} offers or fewer")

    def validate_assign_to(self, field: Field) -> None:
        known = {value for value, _label in self.assign_to.choices or [] if value}
        if field.data not in known:
            raise ValidationError("Select the officer to assign the offers to")


class NoteForm(FlaskForm):
    internal_note = LongTextField(
        "Add an internal note",
        description="Only council staff can see notes. The submitter never sees them.",
        required="Enter the note",
        max_length=NOTE_MAX_LENGTH,
        noun="The note",
    )
    submit = SubmitField("Add the note", widget=GovSubmitInput())


class RaiseFlagForm(FlaskForm):
    flag_text = TextField(
        "What needs checking?",
        description="For example, Rent to check with the housing benefit team",
        required="Enter what needs checking",
        max_length=FLAG_MAX_LENGTH,
        noun="The flag",
    )
    submit = SubmitField("Raise the flag", widget=GovSubmitInput())


class ResolveFlagForm(FlaskForm):
    resolution = LongTextField(
        "How was it resolved?",
        required="Enter how the flag was resolved",
        max_length=RESOLUTION_MAX_LENGTH,
        noun="The resolution",
    )
    submit = SubmitField("Resolve the flag", widget=GovSubmitInput())


def resolve_form(flag_id: int, **kwargs: Any) -> ResolveFlagForm:
    """One per open flag on the page: each textarea gets its own id, so labels and
    the error summary point at the right one."""
    form = ResolveFlagForm(**kwargs)
    form.resolution.id = f"flag-{flag_id}-resolution"
    form.flag_id = flag_id
    return form
