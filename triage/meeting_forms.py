"""What the forms about a meeting share (issue 14): a day and start and end times,
typed as a person would (GOV.UK date input, "9:30am" or "14:30"), checked
together; used by the council's proposal (triage/queue/forms.py) and the
submitter's suggestion (triage/offers/forms.py)."""

from __future__ import annotations

import re
from datetime import time
from typing import Any

from flask_wtf import FlaskForm
from govuk_frontend_wtf.wtforms_widgets import GovSubmitInput, GovTextInput
from wtforms import Field, HiddenField, SubmitField
from wtforms.validators import ValidationError

from triage import clock
from triage.fields import LongTextField, clean_text
from triage.offers.forms import GovDateField
from triage.services.meetings import Slot

# "9", "9am", "9:30", "9.30am", "14:30", "2:30 pm"
_TIME = re.compile(r"^([0-9]{1,2})(?:[:.]([0-9]{2}))?\s*(am|pm)?$")


def parse_time(text: str) -> time | None:
    match = _TIME.fullmatch(text.strip().lower().replace(" ", ""))
    if match is None:
        return None
    hour, minute, half = int(match[1]), int(match[2] or 0), match[3]
    if half is not None:
        if not 1 <= hour <= 12:
            return None
        hour = hour % 12 + (12 if half == "pm" else 0)
    if hour > 23 or minute > 59:
        return None
    return time(hour, minute)


class TimeField(Field):
    """A time of day in UK time, typed as text."""

    data: Any
    widget = GovTextInput()

    def __init__(self, label: str, *, noun: str, **kwargs: Any) -> None:
        super().__init__(label, **kwargs)
        self.noun = noun

    def _value(self) -> str:
        # What was typed, as typed; otherwise the time held.
        if self.raw_data:
            return str(self.raw_data[0])
        return f"{self.data:%H:%M}" if isinstance(self.data, time) else ""

    def process_formdata(self, valuelist: list[str]) -> None:
        self.data = None
        if valuelist:
            text = clean_text(valuelist[0]) or ""
            self.raw_data = [text]
            self.data = parse_time(text) if len(text) <= 10 else None

    def pre_validate(self, form: Any) -> None:
        if self.data is None:
            if not (self.raw_data and self.raw_data[0]):
                raise ValidationError(f"Enter the {self.noun.lower()}")
            raise ValidationError(f"{self.noun} must be a real time, like 9:30am or 14:30")


class MeetingTimesForm(FlaskForm):
    """A day, a start and an end; the meeting must start in the future and end
    after it starts."""

    version = HiddenField()
    day = GovDateField(
        "Date",
        description="For example, 27 3 2027",
        noun="Date",
        required="Enter the date of the meeting",
    )
    starts = TimeField(
        "Start time", description="UK time, for example 9:30am or 14:30", noun="Start time"
    )
    ends = TimeField("End time", description="For example, 11am or 11:00", noun="End time")

    @property
    def seen_version(self) -> int:
        try:
            return int(self.version.data)
        except (TypeError, ValueError):
            return -1

    @property
    def slot(self) -> Slot:
        """Only once the form is valid."""
        day = self.day.data
        if day is None:
            raise ValueError("the form is not valid")
        return Slot.from_uk(day, self.starts.data, self.ends.data)

    def validate(self, extra_validators: Any = None) -> bool:
        valid = super().validate(extra_validators)
        if self.day.errors or self.starts.errors or self.ends.errors:
            return False
        day = self.day.data
        if day is None or day < clock.today_uk():
            self.day.errors = ["The date of the meeting must be today or in the future"]
            return False
        slot = self.slot
        if slot.starts_at <= clock.now():
            self.starts.errors = ["The start time must be in the future"]
            return False
        if slot.ends_at <= slot.starts_at:
            self.ends.errors = ["The end time must be after the start time"]
            return False
        return valid


class SuggestTimeForm(MeetingTimesForm):
    """The submitter's answer to a proposed meeting: another time, and why."""

    message = LongTextField(
        "Message to the council",
        description="For example, why the time proposed does not suit you",
        required="Enter a message to the council",
        max_length=2000,
        noun="Your message",
    )
    submit = SubmitField("Suggest this time", widget=GovSubmitInput())
