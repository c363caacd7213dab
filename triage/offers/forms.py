"""One form per question page of the offer, and the forms around it."""

from __future__ import annotations

from datetime import date
from typing import Any

from flask_wtf import FlaskForm
from flask_wtf.file import FileField
from govuk_frontend_wtf.wtforms_widgets import (
    GovCheckboxesInput,
    GovCheckboxInput,
    GovDateInput,
    GovFileInput,
    GovSubmitInput,
)
from wtforms import BooleanField, DateField, HiddenField, SelectMultipleField, SubmitField
from wtforms.validators import ValidationError

from rules.offer import (
    AccessibilityStandard,
    Configuration,
    DevelopmentType,
    FrameworkStatus,
    LandlordType,
    LeaseModel,
    PlanningStatus,
    RentType,
    SupportModel,
    choices,
)
from triage.fields import (
    ChoiceField,
    DecimalNumberField,
    LongTextField,
    MoneyField,
    NumberField,
    PostcodeField,
    TextField,
    YesNoField,
)
from triage.models.documents import DOCUMENT_KIND_LABELS, DocumentKind
from triage.services.policy import policy_in_force
from triage.validators import check_cohorts, oldest_age_not_below_youngest

# Weekly amounts above these are typing mistakes, not rents.
MAX_WEEKLY_CHARGE_PENCE = 5_000_00
MAX_WEEKLY_CARE_COST_PENCE = 20_000_00
MAX_UNITS_PER_TYPE = 1000


class QuestionForm(FlaskForm):
    submit = SubmitField("Save and continue", widget=GovSubmitInput())


class NameAddressForm(QuestionForm):
    name = TextField(
        "Property or scheme name", required="Enter the property or scheme name", max_length=200
    )
    address = LongTextField(
        "Address", required="Enter the address", max_length=500, description="Without the postcode"
    )
    postcode = PostcodeField("Postcode", required="Enter the postcode")


class DevelopmentForm(QuestionForm):
    development_type = ChoiceField(
        "Type of development",
        required="Select the type of development",
        choices=choices(DevelopmentType),
    )
    planning_status = ChoiceField(
        "Planning permission",
        required="Select the planning status",
        choices=choices(PlanningStatus),
    )


class SiteAreaForm(QuestionForm):
    site_area_hectares = DecimalNumberField(
        "Site area in hectares",
        description="For example, 0.25. Leave this blank if you do not know it yet.",
        places=3,
        example="0.25",
        minimum=0,
        maximum=1000,
        noun="Site area",
    )

    def validate_site_area_hectares(self, field: DecimalNumberField) -> None:
        if field.data is not None and field.data <= 0:
            raise ValidationError("Site area must be more than 0")


class GovDateField(DateField):
    """A GOV.UK date input with the messages the design system recommends."""

    widget = GovDateInput()

    def __init__(self, label: str, *, noun: str, required: str, **kwargs: Any) -> None:
        super().__init__(label, format="%d %m %Y", **kwargs)
        self.noun = noun
        self.required_message = required

    def process_formdata(self, valuelist: list[str]) -> None:
        self.parts = [str(part).strip() for part in valuelist] if valuelist else []
        # The widget shows back exactly three boxes; a post with more or fewer parts
        # (not one a browser makes) must not break the page that explains the error.
        self.raw_data = [*self.parts, "", "", ""][:3]
        self.data = None
        # ASCII digits only: str.isdigit() also accepts "²", which int() refuses.
        if len(self.parts) == 3 and all(
            part.isascii() and part.isdigit() and len(part) <= 4 for part in self.parts
        ):
            day, month, year = (int(part) for part in self.parts)
            try:
                self.data = date(year, month, day)
            except ValueError:
                self.data = None

    def pre_validate(self, form: Any) -> None:
        parts = getattr(self, "parts", None)
        if parts is None:
            if self.data is None:
                raise ValidationError(self.required_message)
            return
        if not any(parts):
            raise ValidationError(self.required_message)
        missing = [
            name for name, part in zip(("day", "month", "year"), parts, strict=False) if not part
        ]
        if missing:
            raise ValidationError(f"{self.noun} must include a {' and '.join(missing)}")
        if self.data is None:
            raise ValidationError(f"{self.noun} must be a real date")
        if not 2000 <= self.data.year <= 2100:
            raise ValidationError(f"{self.noun} must be between 2000 and 2100")

    def post_validate(self, form: Any, validation_stopped: bool) -> None:
        # WTForms' DateField adds its own "Not a valid date value" on top of ours.
        pass


class DateAvailableForm(QuestionForm):
    date_available = GovDateField(
        "When will the homes be available to let?",
        description="For example, 1 9 2027",
        noun="Date available",
        required="Enter the date the homes will be available",
    )


class ConfigurationForm(QuestionForm):
    configuration = ChoiceField(
        "How are the homes arranged?",
        required="Select how the homes are arranged",
        choices=choices(Configuration),
    )
    configuration_other = LongTextField(
        "If other, describe the arrangement",
        max_length=500,
        description="Only if you chose other",
        noun="Description of the arrangement",
    )

    def validate_configuration_other(self, field: LongTextField) -> None:
        if self.configuration.data == Configuration.OTHER and not field.data:
            raise ValidationError("Describe how the homes are arranged")


class UnitCountsForm(QuestionForm):
    studio = NumberField("Studios", minimum=0, maximum=MAX_UNITS_PER_TYPE, noun="Studios")
    one_bed = NumberField(
        "1-bedroom flats", minimum=0, maximum=MAX_UNITS_PER_TYPE, noun="1-bedroom flats"
    )
    two_bed = NumberField(
        "2-bedroom flats", minimum=0, maximum=MAX_UNITS_PER_TYPE, noun="2-bedroom flats"
    )
    shared_room = NumberField(
        "Rooms in a shared house or shared flat",
        minimum=0,
        maximum=MAX_UNITS_PER_TYPE,
        noun="Rooms in shared housing",
    )

    def validate(self, extra_validators: Any = None) -> bool:
        if not super().validate(extra_validators):
            return False
        if not any(
            (self[kind].data or 0) > 0 for kind in ("studio", "one_bed", "two_bed", "shared_room")
        ):
            self.studio.errors = ["Enter how many units of at least one type the offer has"]
            return False
        return True


class UnitFacilitiesForm(QuestionForm):
    own_bathroom = YesNoField(
        "Does each unit have its own bathroom?",
        required="Select yes if each unit has its own bathroom",
    )
    own_kitchen = YesNoField(
        "Does each unit have its own kitchen?",
        required="Select yes if each unit has its own kitchen",
    )
    most_people_sharing = NumberField(
        "What is the most people who share a bathroom or kitchen?",
        description="Enter 1 if nobody shares",
        minimum=1,
        maximum=20,
        required="Enter the most people who share a bathroom or kitchen",
        noun="Most people sharing",
    )

    def validate_most_people_sharing(self, field: NumberField) -> None:
        if (
            field.data
            and field.data > 1
            and self.own_bathroom.answer is True
            and self.own_kitchen.answer is True
        ):
            raise ValidationError(
                "Enter 1 if each unit has its own bathroom and kitchen, or change those answers"
            )


class SharedFacilitiesForm(QuestionForm):
    communal_space = YesNoField(
        "Is there a communal space for tenants?", required="Select yes if there is a communal space"
    )
    staff_office = YesNoField(
        "Is there a staff office or communal resource space?",
        required="Select yes if there is a staff office or communal resource space",
    )
    assistive_technology = YesNoField(
        "Is assistive technology fitted?",
        description="For example, alarms, sensors or door entry systems",
        required="Select yes if assistive technology is fitted",
    )
    lift = YesNoField("Is there a lift?", required="Select yes if there is a lift")


class AccessibilityForm(QuestionForm):
    units_wheelchair_accessible = NumberField(
        "How many units are wheelchair accessible?",
        minimum=0,
        maximum=MAX_UNITS_PER_TYPE * 4,
        required="Enter how many units are wheelchair accessible, or 0",
        noun="Wheelchair accessible units",
    )
    units_fully_adapted = NumberField(
        "How many units are fully adapted?",
        minimum=0,
        maximum=MAX_UNITS_PER_TYPE * 4,
        required="Enter how many units are fully adapted, or 0",
        noun="Fully adapted units",
    )
    accessibility_standard = ChoiceField(
        "Which accessibility standard do the homes meet?",
        description="Building Regulations, Approved Document M, volume 1",
        required="Select the accessibility standard",
        choices=choices(AccessibilityStandard),
    )

    def __init__(self, *args: Any, total_units: int = 0, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.total_units = total_units

    def validate_units_wheelchair_accessible(self, field: NumberField) -> None:
        if field.data is not None and self.total_units and field.data > self.total_units:
            raise ValidationError(
                f"Wheelchair accessible units must be {self.total_units} or fewer, "
                "the number of units in the offer"
            )

    def validate_units_fully_adapted(self, field: NumberField) -> None:
        if field.data is not None and self.total_units and field.data > self.total_units:
            raise ValidationError(
                f"Fully adapted units must be {self.total_units} or fewer, "
                "the number of units in the offer"
            )


class CohortsForm(QuestionForm):
    cohorts = SelectMultipleField(
        "Who are the homes for?",
        description="Select all that apply. These are the groups in the council’s strategy.",
        widget=GovCheckboxesInput(),
        # Checked in validate_cohorts, with a message for people rather than WTForms'
        # default, which repeats the posted value back.
        validate_choice=False,
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.cohorts.choices = [(cohort.code, cohort.label) for cohort in policy_in_force().cohorts]

    def validate_cohorts(self, field: SelectMultipleField) -> None:
        check_cohorts(
            field,
            field.data or [],
            required="Select who the homes are for",
            unknown="Select who the homes are for from the list",
        )


class SupportModelForm(QuestionForm):
    support_model = ChoiceField(
        "What support is there on site?",
        required="Select the support model",
        choices=choices(SupportModel),
    )


class AgeRangeForm(QuestionForm):
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

    validate_age_max = oldest_age_not_below_youngest


class UnitChargesForm(QuestionForm):
    core_rent_pence = MoneyField(
        "Core rent",
        description="Rent before service charges, in pounds and pence a week",
        maximum_pence=MAX_WEEKLY_CHARGE_PENCE,
        required="Enter the weekly core rent",
        noun="Core rent",
    )
    eligible_service_charge_pence = MoneyField(
        "Eligible service charges",
        description=(
            "Charges Housing Benefit can meet, such as communal cleaning, communal "
            "fuel and water, and caretaking. Enter 0 if none."
        ),
        maximum_pence=MAX_WEEKLY_CHARGE_PENCE,
        required="Enter the weekly eligible service charges, or 0",
        noun="Eligible service charges",
    )
    ineligible_service_charge_pence = MoneyField(
        "Ineligible service charges",
        description=(
            "Charges the tenant pays from their own income, such as meals, their own "
            "heating and lighting, or emergency alarms. Enter 0 if none."
        ),
        maximum_pence=MAX_WEEKLY_CHARGE_PENCE,
        required="Enter the weekly ineligible service charges, or 0",
        noun="Ineligible service charges",
    )
    ineligible_charges_cover = LongTextField(
        "What do the ineligible service charges cover?",
        max_length=1000,
        noun="What the ineligible service charges cover",
    )
    intensive_housing_management_pence = MoneyField(
        "Intensive housing management charge",
        description="Enter 0 if there is none",
        maximum_pence=MAX_WEEKLY_CHARGE_PENCE,
        required="Enter the weekly intensive housing management charge, or 0",
        noun="Intensive housing management charge",
    )

    def validate_ineligible_charges_cover(self, field: LongTextField) -> None:
        if self.ineligible_service_charge_pence.data and not field.data:
            raise ValidationError("Enter what the ineligible service charges cover")


class LandlordForm(QuestionForm):
    landlord_name = TextField(
        "Landlord’s name", required="Enter the landlord’s name", max_length=200
    )
    landlord_type = ChoiceField(
        "Type of landlord", required="Select the type of landlord", choices=choices(LandlordType)
    )
    landlord_provides_care = YesNoField(
        "Does the landlord, or someone on its behalf, provide care, support or supervision?",
        required="Select yes if the landlord provides care, support or supervision",
    )


class ManagementForm(QuestionForm):
    lease_model = ChoiceField(
        "How will the homes be leased or managed?",
        required="Select how the homes will be leased or managed",
        choices=choices(LeaseModel),
    )
    lease_model_other = LongTextField(
        "If other, describe the arrangement",
        max_length=500,
        description="Only if you chose other",
        noun="Description of the arrangement",
    )
    council_asked_to_cover_voids = YesNoField(
        "Are you asking the council to cover the cost of empty homes (voids)?",
        required="Select yes if you are asking the council to cover voids",
    )

    def validate_lease_model_other(self, field: LongTextField) -> None:
        if self.lease_model.data == LeaseModel.OTHER and not field.data:
            raise ValidationError("Describe how the homes will be leased or managed")


class RentTypeForm(QuestionForm):
    rent_type = ChoiceField(
        "What type of rent will tenants pay?",
        description=(
            "As the national lettings return (CORE) records it. Social rent is the usual "
            "supported housing let."
        ),
        required="Select the type of rent",
        choices=choices(RentType),
    )


class NominationsForm(QuestionForm):
    nomination_share_percent = NumberField(
        "What share of the homes will the council nominate tenants to, as a percentage?",
        description="For example, 100 if the council nominates to every home",
        minimum=0,
        maximum=100,
        required="Enter the share of homes the council will nominate to, or 0",
        noun="The share of homes",
    )
    nomination_term_years = NumberField(
        "For how many years will the council have these nomination rights?",
        description="For example, 25",
        minimum=0,
        maximum=125,
        required="Enter how many years the council will have nomination rights, or 0",
        noun="The number of years",
    )

    def validate_nomination_term_years(self, field: NumberField) -> None:
        share = self.nomination_share_percent.data
        if share and field.data == 0:
            raise ValidationError(
                "Enter how many years the council will have nomination rights: "
                "more than 0 if it nominates to any homes"
            )


class CqcRegistrationForm(QuestionForm):
    cqc_registered = YesNoField(
        "Is the care provider registered with the Care Quality Commission (CQC) for personal care?",
        description="Answer no if the registration has been applied for but not granted yet",
        required="Select yes if the care provider is registered with the CQC",
    )


class OfstedRegistrationForm(QuestionForm):
    ofsted_registered = YesNoField(
        "Is the accommodation registered with Ofsted as supported accommodation?",
        description=(
            "Supported accommodation for looked-after children aged 16 and 17 must be "
            "registered with Ofsted"
        ),
        required="Select yes if the accommodation is registered with Ofsted",
    )


class CareProvidedForm(QuestionForm):
    care_provided = YesNoField(
        "Does the offer include care and support?",
        required="Select yes if the offer includes care and support",
    )


class CareProviderForm(QuestionForm):
    care_provider_name = TextField(
        "Who provides the care and support?",
        required="Enter who provides the care and support",
        max_length=200,
        noun="Name of the care and support provider",
    )
    care_framework_status = ChoiceField(
        "Is the provider on the council’s Supported Living Framework?",
        required="Select whether the provider is on the Supported Living Framework",
        choices=choices(FrameworkStatus),
    )
    care_hours_per_person_per_week = DecimalNumberField(
        "Expected hours of care and support per person per week",
        description="For example, 12.5. Leave blank if you give a cost instead.",
        places=1,
        example="12.5",
        minimum=0,
        maximum=168,
        noun="Hours per person",
    )
    care_cost_pence_per_person_per_week = MoneyField(
        "Expected cost of care and support per person per week",
        description="In pounds and pence. Leave blank if you give hours instead.",
        maximum_pence=MAX_WEEKLY_CARE_COST_PENCE,
        noun="Cost per person",
    )

    def validate_care_cost_pence_per_person_per_week(self, field: MoneyField) -> None:
        if field.data is None and self.care_hours_per_person_per_week.data is None:
            raise ValidationError("Enter the expected hours or cost per person per week")


class DocumentForm(FlaskForm):
    kind = ChoiceField(
        "What is the document?",
        required="Select what the document is",
        choices=[
            (kind.value, label)
            for kind, label in DOCUMENT_KIND_LABELS.items()
            if kind is not DocumentKind.ANSWER
        ],
    )
    file = FileField(
        "Upload a file", description="PDF, PNG or JPEG, 10MB or smaller", widget=GovFileInput()
    )
    submit = SubmitField(
        "Upload file", widget=GovSubmitInput(), render_kw={"classes": "govuk-button--secondary"}
    )


class DeclarationForm(FlaskForm):
    declaration_name = TextField("Your full name", required="Enter your full name", max_length=200)
    confirm = BooleanField(
        "I confirm that the information I have given is correct to the best of my knowledge",
        widget=GovCheckboxInput(),
    )
    submit = SubmitField("Submit offer", widget=GovSubmitInput())

    def validate_confirm(self, field: BooleanField) -> None:
        if not field.data:
            raise ValidationError("Confirm that the information is correct")


class NewOfferForm(FlaskForm):
    submit = SubmitField("Start a new offer", widget=GovSubmitInput())


class ConfirmForm(FlaskForm):
    """Only a CSRF token, for buttons that change state (withdraw, remove)."""


class RentCheckForm(QuestionForm):
    rent_correct = YesNoField(
        "Is this core rent correct?",
        required="Select yes if the core rent is correct",
    )


class RespondForm(FlaskForm):
    version = HiddenField()
    answer = LongTextField(
        "Your answer",
        required="Enter your answer",
        max_length=10000,
        noun="Your answer",
    )
    attachment = FileField(
        "Attach a document (optional)",
        description="A PDF, PNG or JPEG, 10MB at most",
        widget=GovFileInput(),
    )
    submit = SubmitField("Send your answer", widget=GovSubmitInput())


# --- Changes the council asks for (issue 14) ---------------------------------------


class RequestChangesForm(FlaskForm):
    """A commissioner returns an offer for changes to named sections, with a reason."""

    version = HiddenField()
    sections = SelectMultipleField(
        "Which sections should the submitter change?",
        description="They can change only these. Select all that apply.",
        widget=GovCheckboxesInput(),
        validate_choice=False,
    )
    reason = LongTextField(
        "What should they change, and why?",
        required="Enter what the submitter should change and why",
        max_length=5000,
        noun="The reason",
    )
    submit = SubmitField("Return the offer for changes", widget=GovSubmitInput())

    def __init__(self, *args: Any, section_choices: list[tuple[str, str]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.sections.choices = section_choices

    def validate_sections(self, field: SelectMultipleField) -> None:
        chosen = field.data or []
        if not chosen:
            raise ValidationError("Select at least one section to change")
        known = {value for value, _label in field.choices or []}
        if any(value not in known for value in chosen):
            raise ValidationError("Select the sections to change from the list")


class ResubmitForm(FlaskForm):
    version = HiddenField()
    submit = SubmitField("Resubmit your offer", widget=GovSubmitInput())


class CopyOfferForm(FlaskForm):
    submit = SubmitField("Copy into a new draft", widget=GovSubmitInput())
