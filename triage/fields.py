"""Form fields for the answers this service asks for, with GOV.UK-style messages.

Each field turns what a person typed into a typed value (pence, a normalised
postcode, a bool) and says plainly what is wrong when it cannot.
"""

from __future__ import annotations

import re
from decimal import Decimal, InvalidOperation
from typing import Any

from govuk_frontend_wtf.wtforms_widgets import GovRadioInput, GovTextArea, GovTextInput
from wtforms import Field, RadioField, StringField, TextAreaField
from wtforms.validators import ValidationError

# Control characters other than tab and newline have no place in a form answer.
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")


def clean_text(value: Any) -> Any:
    if isinstance(value, str):
        return _CONTROL.sub("", value).strip()
    return value


class _BoundedText:
    """Trimmed text, optional or required, with a maximum length named in the message."""

    data: Any
    label: Any
    default_max_length = 200

    def __init__(
        self,
        label: str,
        *,
        max_length: int | None = None,
        required: str | None = None,
        noun: str | None = None,
        **kwargs: Any,
    ) -> None:
        kwargs.setdefault("filters", []).append(clean_text)
        super().__init__(label, **kwargs)  # type: ignore[call-arg]
        self.max_length = max_length or self.default_max_length
        self.required_message = required
        # What the messages call the answer, when the label is a question.
        self.noun = noun or label

    def pre_validate(self, form: Any) -> None:
        if not self.data:
            self.data = None
            if self.required_message:
                raise ValidationError(self.required_message)
            return
        if len(self.data) > self.max_length:
            raise ValidationError(f"{self.noun} must be {self.max_length} characters or fewer")


class TextField(_BoundedText, StringField):
    """One line of text."""

    widget = GovTextInput()


class LongTextField(_BoundedText, TextAreaField):
    """Several lines of text."""

    widget = GovTextArea()
    default_max_length = 2000


class ChoiceField(RadioField):
    """Radios; an unanswered question gets its own message, not WTForms' default."""

    widget = GovRadioInput()

    def __init__(self, label: str, *, required: str, **kwargs: Any) -> None:
        super().__init__(label, **kwargs)
        self.required_message = required

    def pre_validate(self, form: Any) -> None:
        if self.data in (None, "", "None"):
            raise ValidationError(self.required_message)
        if self.data not in {value for value, _label in self.choices}:
            raise ValidationError(self.required_message)


class YesNoField(ChoiceField):
    """A yes/no question whose data is a bool (or None before it is answered)."""

    def __init__(self, label: str, *, required: str, **kwargs: Any) -> None:
        super().__init__(label, required=required, choices=[("yes", "Yes"), ("no", "No")], **kwargs)

    def process_data(self, value: Any) -> None:
        self.data = {True: "yes", False: "no"}.get(value, value)

    @property
    def answer(self) -> bool | None:
        return {"yes": True, "no": False}.get(self.data)


class NumberField(Field):
    """A whole number typed as text, with bounds named in the messages."""

    data: Any

    widget = GovTextInput()

    def __init__(
        self,
        label: str,
        *,
        minimum: int,
        maximum: int,
        required: str | None = None,
        noun: str | None = None,
        **kwargs: Any,
    ) -> None:
        super().__init__(label, **kwargs)
        self.minimum = minimum
        self.maximum = maximum
        self.required_message = required
        self.noun = noun or label
        self.raw_text = ""

    def _value(self) -> str:
        if self.raw_data:
            return str(self.raw_data[0])
        return "" if self.data is None else str(self.data)

    def process_formdata(self, valuelist: list[Any]) -> None:
        self.raw_text = clean_text(valuelist[0]) if valuelist else ""
        text = self.raw_text.replace(",", "")
        self.data = None
        # Up to 30 digits, so an absurd number gets the "or fewer" message rather than
        # "whole number"; the bounds are checked before anything is saved.
        if text and re.fullmatch(r"-?\d{1,30}", text):
            self.data = int(text)

    def pre_validate(self, form: Any) -> None:
        if not self.raw_data or not self.raw_text:
            if self.required_message:
                raise ValidationError(self.required_message)
            self.data = None
            return
        if self.data is None:
            raise ValidationError(f"{self.noun} must be a whole number, like 12")
        if self.data < self.minimum:
            raise ValidationError(f"{self.noun} must be {self.minimum} or more")
        if self.data > self.maximum:
            raise ValidationError(f"{self.noun} must be {self.maximum:,} or fewer")


class DecimalNumberField(NumberField):
    """A number that may have a decimal part (hectares, hours)."""

    def __init__(self, label: str, *, places: int, example: str, **kwargs: Any) -> None:
        super().__init__(label, **kwargs)
        self.places = places
        self.example = example

    def process_formdata(self, valuelist: list[Any]) -> None:
        self.raw_text = clean_text(valuelist[0]) if valuelist else ""
        text = self.raw_text.replace(",", "")
        self.data = None
        if text and re.fullmatch(r"-?\d{1,30}(\.\d+)?", text):
            self.data = float(Decimal(text))
            self._places_ok = "." not in text or len(text.split(".")[1]) <= self.places

    def pre_validate(self, form: Any) -> None:
        if not self.raw_data or not self.raw_text:
            if self.required_message:
                raise ValidationError(self.required_message)
            self.data = None
            return
        if self.data is None:
            raise ValidationError(f"{self.noun} must be a number, like {self.example}")
        if not self._places_ok:
            places = f"{self.places} decimal place{'' if self.places == 1 else 's'}"
            raise ValidationError(f"{self.noun} must have no more than {places}")
        if self.data < self.minimum:
            raise ValidationError(f"{self.noun} must be {self.minimum} or more")
        if self.data > self.maximum:
            raise ValidationError(f"{self.noun} must be {self.maximum:,} or less")


class MoneyField(Field):
    """An amount in pounds and pence, held as whole pence."""

    widget = GovTextInput()

    def __init__(
        self,
        label: str,
        *,
        maximum_pence: int,
        required: str | None = None,
        noun: str | None = None,
        **kwargs: Any,
    ) -> None:
        super().__init__(label, **kwargs)
        self.maximum_pence = maximum_pence
        self.required_message = required
        self.noun = noun or label
        self.raw_text = ""
        self._problem: str | None = None

    def _value(self) -> str:
        if self.raw_data:
            return str(self.raw_data[0])
        if self.data is None:
            return ""
        whole, part = divmod(self.data, 100)
        return f"{whole}.{part:02d}"

    def process_formdata(self, valuelist: list[Any]) -> None:
        self.raw_text = clean_text(valuelist[0]) if valuelist else ""
        text = self.raw_text.replace(",", "").removeprefix("£").strip()
        self.data = None
        self._problem = None
        if not text:
            return
        if not re.fullmatch(r"-?\d{1,30}(\.\d{1,2})?|-?\.\d{1,2}", text):
            if re.fullmatch(r"-?\d+\.\d{3,}", text):
                self._problem = f"{self.noun} must be in pounds and pence, like 150.00"
            else:
                self._problem = f"{self.noun} must be an amount of money, like 150.00"
            return
        try:
            self.data = int((Decimal(text) * 100).to_integral_exact())
        except InvalidOperation:
            self._problem = f"{self.noun} must be an amount of money, like 150.00"

    def pre_validate(self, form: Any) -> None:
        if not self.raw_data or not self.raw_text:
            if self.required_message:
                raise ValidationError(self.required_message)
            self.data = None
            return
        if self._problem:
            raise ValidationError(self._problem)
        assert self.data is not None
        if self.data < 0:
            raise ValidationError(f"{self.noun} must be £0.00 or more")
        if self.data > self.maximum_pence:
            whole, part = divmod(self.maximum_pence, 100)
            raise ValidationError(f"{self.noun} must be £{whole:,}.{part:02d} or less")


# Royal Mail postcode shape: outward code (area, district) and inward code.
_POSTCODE = re.compile(r"^([A-Z]{1,2}[0-9][A-Z0-9]?)([0-9][A-Z]{2})$")


def normalise_postcode(text: str) -> str | None:
    """'le1 5ww' -> 'LE1 5WW'; None if it is not the shape of a UK postcode."""
    compact = re.sub(r"\s+", "", text or "").upper()
    match = _POSTCODE.match(compact)
    if not match:
        return None
    return f"{match.group(1)} {match.group(2)}"


class PostcodeField(StringField):
    data: Any
    widget = GovTextInput()

    def __init__(self, label: str, *, required: str, **kwargs: Any) -> None:
        kwargs.setdefault("filters", []).append(clean_text)
        super().__init__(label, **kwargs)
        self.required_message = required

    def pre_validate(self, form: Any) -> None:
        if not self.data:
            raise ValidationError(self.required_message)
        if len(self.data) > 10:
            raise ValidationError("Enter a real postcode, like LE1 6ZG")
        normalised = normalise_postcode(self.data)
        if normalised is None:
            raise ValidationError("Enter a real postcode, like LE1 6ZG")
        self.data = normalised
