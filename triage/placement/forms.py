"""Forms for the waiting list, homes and nominations."""

from __future__ import annotations

import re
from typing import Any

from flask_wtf import FlaskForm
from flask_wtf.file import FileField
from govuk_frontend_wtf.wtforms_widgets import GovFileInput, GovSelect, GovSubmitInput
from wtforms import HiddenField, SelectField, SubmitField
from wtforms.validators import ValidationError

from rules.matching.people import LABELS, AgeBand, Person, Priority, SupportNeed
from rules.offer import Configuration, SupportModel, choices
from rules.policy_data import Policy
from rules.tenant import TenantProfile
from triage import clock
from triage.fields import ChoiceField, LongTextField, NumberField, TextField, YesNoField
from triage.models.placement import PERSON_STATUS_LABELS, NominationStatus, PersonStatus
from triage.offers.forms import GovDateField
from triage.validators import check_cohorts, oldest_age_not_below_youngest

REFERENCE_PATTERN = re.compile(r"[A-Za-z0-9][A-Za-z0-9-]{2,19}")
DISTRICT_PATTERN = re.compile(r"[A-Z]{1,2}[0-9][0-9A-Z]?")
SHARING_NOTES_MAX = 500
DECLINE_REASON_MAX = 1000


def _choices(members: Any) -> list[tuple[str, str]]:
    return [(member.value, LABELS[member]) for member in members]


class OptionalDateField(GovDateField):
    """A date the officer may leave blank."""

    def pre_validate(self, form: Any) -> None:
        if not any(getattr(self, "parts", [])):
            self.data = None
            return
        super().pre_validate(form)


class CohortField(SelectField):
    widget = GovSelect()

    def __init__(
        self, label: str, *, message: str = "Select the person's cohort", **kwargs: Any
    ) -> None:
        super().__init__(label, **kwargs)
        self.message = message

    def pre_validate(self, form: Any) -> None:
        check_cohorts(
            self, [self.data] if self.data else [], required=self.message, unknown=self.message
        )


def parse_districts(text: str | None) -> frozenset[str] | None:
    """Postcode districts typed with spaces, commas or semicolons; None if any is
    not a district."""
    parts = [part.upper() for part in re.split(r"[\s,;]+", text or "") if part]
    if not all(DISTRICT_PATTERN.fullmatch(part) for part in parts):
        return None
    return frozenset(parts)


class DistrictsField(TextField):
    def pre_validate(self, form: Any) -> None:
        super().pre_validate(form)
        if self.data and parse_districts(self.data) is None:
            raise ValidationError(
                f"{self.noun} must be postcode districts separated by spaces, like LE2 LE3"
            )

    @property
    def districts(self) -> frozenset[str]:
        return parse_districts(self.data) or frozenset()


class PersonForm(FlaskForm):
    reference = TextField(
        "Person reference",
        description="The team's own reference, 3 to 20 letters, numbers or hyphens. Do not use a name.",
        required="Enter the person reference",
        max_length=20,
        noun="Person reference",
    )
    cohort = CohortField("Cohort")
    referred_on = GovDateField(
        "Date referred",
        description="For example, 27 3 2024",
        noun="Date referred",
        required="Enter the date the person was referred",
    )
    priority = ChoiceField(
        "Priority", choices=_choices(Priority), required="Select the person's priority"
    )
    support_needed = ChoiceField(
        "Support needed",
        choices=_choices(SupportNeed),
        required="Select the support the person needs",
    )
    self_contained_required = YesNoField(
        "Does the person need a self-contained home?",
        description="Answer no if sharing a kitchen or bathroom is acceptable.",
        required="Select yes if the person needs a self-contained home",
    )
    wheelchair_user = YesNoField(
        "Is the person a wheelchair user?",
        required="Select yes if the person is a wheelchair user",
    )
    level_access_needed = YesNoField(
        "Does the person need level access or a ground-floor home?",
        required="Select yes if the person needs level access or a ground-floor home",
    )
    age_band = ChoiceField("Age band", choices=_choices(AgeBand), required="Select the age band")
    preferred_areas = DistrictsField(
        "Preferred areas (optional)",
        description="Postcode districts separated by spaces, for example LE2 LE3",
        noun="Preferred areas",
    )
    excluded_areas = DistrictsField(
        "Areas to avoid (optional)",
        description="Postcode districts the person must not be placed in, for example LE1",
        noun="Areas to avoid",
    )
    sharing_notes = LongTextField(
        "Notes on sharing (optional)",
        description="Only what the team needs to judge who the person could share a home with. No names or health details.",
        max_length=SHARING_NOTES_MAX,
        noun="Notes on sharing",
    )
    unavailable_until = OptionalDateField(
        "Not available for a home until (optional)",
        description="For example, 1 6 2027",
        noun="Not available until",
        required="",
    )
    submit = SubmitField("Save", widget=GovSubmitInput())

    def __init__(self, *args: Any, policy: Policy, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.cohort.choices = [("", "Select a cohort")] + [
            (cohort.code, cohort.label) for cohort in policy.cohorts
        ]

    def validate_reference(self, field: TextField) -> None:
        if field.data and not REFERENCE_PATTERN.fullmatch(field.data):
            raise ValidationError(
                "Person reference must be 3 to 20 letters, numbers or hyphens, starting with a letter or number"
            )

    def validate_referred_on(self, field: GovDateField) -> None:
        if field.data and field.data > clock.today_uk():
            raise ValidationError("Date referred must be today or in the past")

    def person(
        self, reference: str | None = None, benefit_profile: TenantProfile | None = None
    ) -> Person:
        return Person(
            reference=reference or self.reference.data.upper(),
            cohort=self.cohort.data,
            referred_on=self.referred_on.data or clock.today_uk(),
            priority=Priority(self.priority.data),
            support_needed=SupportNeed(self.support_needed.data),
            self_contained_required=bool(self.self_contained_required.answer),
            wheelchair_user=bool(self.wheelchair_user.answer),
            level_access_needed=bool(self.level_access_needed.answer),
            age_band=AgeBand(self.age_band.data),
            preferred_areas=self.preferred_areas.districts,
            excluded_areas=self.excluded_areas.districts,
            sharing_notes=self.sharing_notes.data or "",
            unavailable_until=self.unavailable_until.data,
            benefit_profile=benefit_profile,
        )


class EditPersonForm(PersonForm):
    # A reference is how files, nominations and saved shortlists name the person:
    # it is not changed once on the list.
    reference = None  # type: ignore[assignment]
    status = ChoiceField(
        "Status",
        choices=[
            (status.value, PERSON_STATUS_LABELS[status])
            for status in (PersonStatus.WAITING, PersonStatus.REMOVED)
        ],
        required="Select the person's status",
    )
    version = HiddenField()

    def __init__(self, *args: Any, moved_in: bool = False, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if moved_in:
            # Moving in and out is recorded on the nomination.
            self.status.choices = [
                (PersonStatus.MOVED_IN.value, PERSON_STATUS_LABELS[PersonStatus.MOVED_IN])
            ]


class ImportForm(FlaskForm):
    waiting_list = FileField("Upload a CSV file", widget=GovFileInput())
    submit = SubmitField("Check the file", widget=GovSubmitInput())


class ConfirmImportForm(FlaskForm):
    submit = SubmitField("Import these people", widget=GovSubmitInput())


class CancelImportForm(FlaskForm):
    cancel = SubmitField("Cancel the import", widget=GovSubmitInput())


class SharingForm(FlaskForm):
    other_reference = TextField(
        "Reference of someone this person may share a home with",
        required="Enter the reference of the person they may share with",
        max_length=20,
        noun="Reference",
    )
    submit = SubmitField("Record", widget=GovSubmitInput())


class RemoveSharingForm(FlaskForm):
    other_id = HiddenField()
    submit = SubmitField("Remove", widget=GovSubmitInput())


class VacancyForm(FlaskForm):
    scheme = TextField("Scheme name", required="Enter the scheme name", noun="Scheme name")
    description = TextField(
        "Which home in the scheme",
        description="For example, Flat 3, ground floor",
        required="Enter which home in the scheme it is",
        noun="Which home",
    )
    postcode_district = TextField(
        "Postcode district",
        description="The first half of the postcode, for example LE2",
        required="Enter the postcode district",
        max_length=4,
        noun="Postcode district",
    )
    cohorts = CohortField("Cohort the home is for", message="Select the cohort the home is for")
    configuration = ChoiceField(
        "Type of scheme", choices=choices(Configuration), required="Select the type of scheme"
    )
    support_model = ChoiceField(
        "Support on site", choices=choices(SupportModel), required="Select the support on site"
    )
    self_contained = YesNoField(
        "Is the home self-contained?", required="Select yes if the home is self-contained"
    )
    wheelchair_accessible = YesNoField(
        "Is it suitable for a wheelchair user?",
        required="Select yes if the home is suitable for a wheelchair user",
    )
    level_access = YesNoField(
        "Does it have level access or is it on the ground floor?",
        required="Select yes if the home has level access",
    )
    places = NumberField(
        "How many people can live there?",
        description="1 for a flat; more for a shared flat or house",
        minimum=1,
        maximum=8,
        required="Enter how many people can live there",
        noun="Number of people",
    )
    age_min = NumberField(
        "Youngest age",
        minimum=16,
        maximum=120,
        required="Enter the youngest age",
        noun="Youngest age",
    )
    age_max = NumberField(
        "Oldest age", minimum=16, maximum=120, required="Enter the oldest age", noun="Oldest age"
    )
    available_from = OptionalDateField(
        "Available from (optional)",
        description="Leave blank if it is free now. For example, 1 2 2027",
        noun="Available from",
        required="",
    )
    submit = SubmitField("Register the vacancy", widget=GovSubmitInput())

    def __init__(self, *args: Any, policy: Policy, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.cohorts.choices = [("", "Select a cohort")] + [
            (cohort.code, cohort.label) for cohort in policy.cohorts
        ]

    def validate_postcode_district(self, field: TextField) -> None:
        if field.data and not DISTRICT_PATTERN.fullmatch(field.data.upper()):
            raise ValidationError("Postcode district must be like LE2 or LE19")

    validate_age_max = oldest_age_not_below_youngest


class NominateForm(FlaskForm):
    person_id = HiddenField()
    # "yes" once the officer has seen the rent shortfall and nominates anyway.
    confirm_shortfall = HiddenField()
    submit = SubmitField("Nominate", widget=GovSubmitInput())


OUTCOME_CHOICES = [
    (NominationStatus.OFFERED.value, "Offered the home"),
    (NominationStatus.ACCEPTED.value, "Accepted the offer"),
    (NominationStatus.DECLINED.value, "Declined"),
    (NominationStatus.MOVED_IN.value, "Moved in"),
    (NominationStatus.MOVED_OUT.value, "Moved out"),
    (NominationStatus.CLOSED.value, "Withdrawn by the team"),
]


class OutcomeForm(FlaskForm):
    outcome = ChoiceField(
        "What happened?", choices=OUTCOME_CHOICES, required="Select what happened"
    )
    decline_reason = LongTextField(
        "If declined: why?",
        description="No names or health details.",
        max_length=DECLINE_REASON_MAX,
        noun="Reason",
    )
    unavailable_until = OptionalDateField(
        "If declined: not available for another home until (optional)",
        description="For example, 1 6 2027",
        noun="Not available until",
        required="",
    )
    moved_in_on = OptionalDateField(
        "If moved in: the date (optional, today if blank)",
        noun="Date moved in",
        required="",
    )
    seen_status = HiddenField()
    submit = SubmitField("Record the outcome", widget=GovSubmitInput())

    def validate_decline_reason(self, field: LongTextField) -> None:
        if self.outcome.data == NominationStatus.DECLINED and not field.data:
            raise ValidationError("Enter why it was declined")

    def validate_unavailable_until(self, field: OptionalDateField) -> None:
        if field.data and field.data <= clock.today_uk():
            raise ValidationError("Not available until must be a date in the future")

    def validate_moved_in_on(self, field: OptionalDateField) -> None:
        if field.data and field.data > clock.today_uk():
            raise ValidationError("Date moved in must be today or in the past")


class SearchForm(FlaskForm):
    reference = TextField("Person reference", max_length=20, noun="Person reference")
    submit = SubmitField("Search", widget=GovSubmitInput())
    clear = SubmitField("Clear the search", widget=GovSubmitInput())


class HomeFeaturesForm(FlaskForm):
    self_contained = YesNoField(
        "Is the home self-contained?", required="Select yes if the home is self-contained"
    )
    wheelchair_accessible = YesNoField(
        "Is it suitable for a wheelchair user?",
        required="Select yes if the home is suitable for a wheelchair user",
    )
    level_access = YesNoField(
        "Does it have level access or is it on the ground floor?",
        required="Select yes if the home has level access",
    )
    available_from = OptionalDateField(
        "Available from (optional)",
        description="For example, 1 9 2027",
        noun="Available from",
        required="",
    )
    submit = SubmitField("Confirm these features", widget=GovSubmitInput())
