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
    ACCESS_FIELDS,
    AccessibilityStandard,
    CapitalFunding,
    ClientGroup,
    Configuration,
    DevelopmentType,
    FrameworkStatus,
    IntendedStay,
    LandlordType,
    LeaseModel,
    PlanningStatus,
    RentType,
    Repairs,
    SiteStatus,
    SupportLevel,
    SupportModel,
    TenancyType,
    UnitKind,
    VoidPayer,
    VoidRateBasis,
    VoidsFrom,
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
    # Larger homes (issue 13).
    three_bed = NumberField(
        "3-bedroom flats", minimum=0, maximum=MAX_UNITS_PER_TYPE, noun="3-bedroom flats"
    )
    four_bed = NumberField(
        "Flats with 4 or more bedrooms",
        minimum=0,
        maximum=MAX_UNITS_PER_TYPE,
        noun="Flats with 4 or more bedrooms",
    )
    house = NumberField("Houses", minimum=0, maximum=MAX_UNITS_PER_TYPE, noun="Houses")
    bungalow = NumberField("Bungalows", minimum=0, maximum=MAX_UNITS_PER_TYPE, noun="Bungalows")

    def validate(self, extra_validators: Any = None) -> bool:
        if not super().validate(extra_validators):
            return False
        if not any((self[kind.value].data or 0) > 0 for kind in UnitKind):
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


class UnitBedroomsFacilitiesForm(UnitFacilitiesForm):
    """A house, a bungalow or a flat of 4 or more bedrooms: how many bedrooms too."""

    bedrooms = NumberField(
        "How many bedrooms does each home have?",
        minimum=1,
        maximum=10,
        required="Enter how many bedrooms each home has",
        noun="Bedrooms",
    )


class UnitAccessForm(QuestionForm):
    """How many of a unit type's homes have each accessibility feature (issue 13)."""

    wheelchair_accessible = NumberField(
        "How many are wheelchair accessible?",
        description="Built to M4(3) or otherwise usable by a wheelchair user. Enter 0 if none.",
        minimum=0,
        maximum=MAX_UNITS_PER_TYPE,
        required="Enter how many of these homes are wheelchair accessible, or 0",
        noun="Wheelchair accessible homes",
    )
    fully_adapted = NumberField(
        "How many are fully adapted?",
        description="Adapted for a disabled person, for example with a hoist or a level-access "
        "shower. Enter 0 if none.",
        minimum=0,
        maximum=MAX_UNITS_PER_TYPE,
        required="Enter how many of these homes are fully adapted, or 0",
        noun="Fully adapted homes",
    )
    level_access = NumberField(
        "How many have level access?",
        description="Reached from the street without steps and without a lift, for example "
        "on the ground floor. Enter 0 if none.",
        minimum=0,
        maximum=MAX_UNITS_PER_TYPE,
        required="Enter how many of these homes have level access, or 0",
        noun="Homes with level access",
    )
    lift = NumberField(
        "How many are on an upper floor served by a lift?",
        description="Enter 0 if none.",
        minimum=0,
        maximum=MAX_UNITS_PER_TYPE,
        required="Enter how many of these homes are on an upper floor served by a lift, or 0",
        noun="Homes served by a lift",
    )
    assistive_technology = NumberField(
        "How many have assistive technology fitted?",
        description="For example, alarms, sensors or door entry systems. Enter 0 if none.",
        minimum=0,
        maximum=MAX_UNITS_PER_TYPE,
        required="Enter how many of these homes have assistive technology, or 0",
        noun="Homes with assistive technology",
    )

    def __init__(self, *args: Any, count: int = 0, noun: str = "homes", **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.count = count
        self.homes_noun = noun

    def validate(self, extra_validators: Any = None) -> bool:
        valid = super().validate(extra_validators)
        for name in ACCESS_FIELDS:
            field_ = self[name]
            if not field_.errors and field_.data is not None and field_.data > self.count:
                field_.errors = [
                    f"{field_.noun} must be {self.count} or fewer, the number of "
                    f"{self.homes_noun} in the offer"
                ]
                valid = False
        reached = (self.level_access.data or 0) + (self.lift.data or 0)
        if valid and reached > self.count:
            self.lift.errors = [
                f"Homes with level access and homes served by a lift must add up to "
                f"{self.count} or fewer: a home is one or the other"
            ]
            valid = False
        return valid


class SharedFacilitiesForm(QuestionForm):
    communal_space = YesNoField(
        "Is there a communal space for tenants?", required="Select yes if there is a communal space"
    )
    staff_office = YesNoField(
        "Is there a staff office or communal resource space?",
        required="Select yes if there is a staff office or communal resource space",
    )
    # Assistive technology and lifts are asked per unit type (UnitAccessForm).


class AccessibilityForm(QuestionForm):
    # Wheelchair and adapted homes are counted per unit type (UnitAccessForm).
    accessibility_standard = ChoiceField(
        "Which accessibility standard do the homes meet?",
        description="Building Regulations, Approved Document M, volume 1",
        required="Select the accessibility standard",
        choices=choices(AccessibilityStandard),
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

    def validate_lease_model_other(self, field: LongTextField) -> None:
        if self.lease_model.data == LeaseModel.OTHER and not field.data:
            raise ValidationError("Describe how the homes will be leased or managed")


# --- The offer's terms (issue 13) ----------------------------------------------------

MAX_LEASE_YEARS = 999


class LeaseTermsForm(QuestionForm):
    lease_years = NumberField(
        "How many years does the lease or management agreement run for?",
        description="For example, 10",
        minimum=0,
        maximum=MAX_LEASE_YEARS,
        required="Enter how many years the lease or management agreement runs for",
        noun="The length of the lease",
    )
    break_clause = YesNoField(
        "Is there a break clause?",
        description="A date from which either side may end the agreement early",
        required="Select yes if there is a break clause",
    )
    break_clause_after_years = NumberField(
        "If there is a break clause, after how many years can it be used?",
        description="Only if you answered yes",
        minimum=0,
        maximum=MAX_LEASE_YEARS,
        noun="The years before the break clause",
    )
    repairs_by = ChoiceField(
        "Who does the repairs?", required="Select who does the repairs", choices=choices(Repairs)
    )

    def validate_break_clause_after_years(self, field: NumberField) -> None:
        if self.break_clause.answer is not True:
            return
        if field.data is None:
            raise ValidationError("Enter after how many years the break clause can be used")
        lease = self.lease_years.data
        if lease is not None and field.data > lease:
            raise ValidationError(
                "The years before the break clause must not be more than the length of the lease"
            )


class VoidsForm(QuestionForm):
    void_payer = ChoiceField(
        "Who will pay the rent and charges of a home while it is empty (a void)?",
        required="Select who will pay for empty homes",
        choices=choices(VoidPayer),
    )


class VoidTermsForm(QuestionForm):
    voids_from = ChoiceField(
        "From when would the council pay for an empty home?",
        required="Select from when the council would pay for empty homes",
        choices=choices(VoidsFrom),
    )
    voids_from_weeks = NumberField(
        "If after a number of weeks, how many weeks empty?",
        description="Only if the council pays after a home has been empty for some weeks",
        minimum=1,
        maximum=520,
        noun="The number of weeks",
    )
    void_rate_basis = ChoiceField(
        "At what rate would the council pay?",
        required="Select the rate at which the council would pay",
        choices=choices(VoidRateBasis),
    )
    void_rate_percent = NumberField(
        "If a percentage, what percentage of the rent and charges?",
        description="For example, 50",
        minimum=1,
        maximum=100,
        noun="The percentage",
    )
    void_rate_pence_per_week = MoneyField(
        "If an amount, how much for each empty home?",
        description="In pounds and pence",
        maximum_pence=MAX_WEEKLY_CHARGE_PENCE,
        noun="The amount",
    )
    void_cover_months = NumberField(
        "For how many months in all would the council pay for empty homes?",
        description="For example, 12",
        minimum=1,
        maximum=1500,
        required="Enter for how many months the council would pay for empty homes",
        noun="The number of months",
    )

    def validate_voids_from_weeks(self, field: NumberField) -> None:
        if self.voids_from.data == VoidsFrom.AFTER_WEEKS_EMPTY and field.data is None:
            raise ValidationError(
                "Enter how many weeks a home must be empty before the council pays"
            )

    def validate_void_rate_percent(self, field: NumberField) -> None:
        if self.void_rate_basis.data == VoidRateBasis.PERCENT_OF_RENT and field.data is None:
            raise ValidationError("Enter the percentage of the rent and charges")

    def validate_void_rate_pence_per_week(self, field: MoneyField) -> None:
        if self.void_rate_basis.data == VoidRateBasis.POUNDS_PER_WEEK:
            if field.data is None:
                raise ValidationError("Enter the amount for each empty home")
            if field.data == 0:
                raise ValidationError("The amount must be more than £0.00")


class StayTenancyForm(QuestionForm):
    intended_stay = ChoiceField(
        "How long are tenants expected to stay?",
        description="As the national lettings return (CORE) records it",
        required="Select how long tenants are expected to stay",
        choices=choices(IntendedStay),
    )
    tenancy_type = ChoiceField(
        "What will tenants have?",
        required="Select the type of tenancy",
        choices=choices(TenancyType),
    )


NO_CAPITAL = "none"


class ClientGroupsForm(QuestionForm):
    client_groups = SelectMultipleField(
        "Which client groups are the homes for?",
        description="The groups the national lettings return (CORE) uses. Select all that apply.",
        widget=GovCheckboxesInput(),
        choices=choices(ClientGroup),
        validate_choice=False,
    )
    support_level = ChoiceField(
        "What level of support is given?",
        description="As CORE records it",
        required="Select the level of support",
        choices=choices(SupportLevel),
    )

    def validate_client_groups(self, field: SelectMultipleField) -> None:
        chosen = field.data or []
        if not chosen:
            raise ValidationError("Select at least one client group")
        if any(value not in ClientGroup.__members__.values() for value in chosen):
            raise ValidationError("Select the client groups from the list")


class SiteFundingForm(QuestionForm):
    site_status = ChoiceField(
        "Do you have the site?",
        required="Select whether you have the site",
        choices=choices(SiteStatus),
    )
    capital_funding = SelectMultipleField(
        "What capital funding are you seeking?",
        description="Select all that apply",
        widget=GovCheckboxesInput(),
        choices=[*choices(CapitalFunding), (NO_CAPITAL, "None")],
        validate_choice=False,
    )
    right_to_buy_percent = NumberField(
        "If Right to Buy receipts, for what share of the scheme’s capital cost, as a percentage?",
        description="The council’s strategy allows up to 30%",
        minimum=1,
        maximum=100,
        noun="The share of the capital cost",
    )

    def validate_capital_funding(self, field: SelectMultipleField) -> None:
        chosen = field.data or []
        if not chosen:
            raise ValidationError("Select the capital funding you are seeking, or none")
        known = {value for value, _label in field.choices or []}
        if any(value not in known for value in chosen):
            raise ValidationError("Select the capital funding from the list")
        if NO_CAPITAL in chosen and len(chosen) > 1:
            raise ValidationError("Select none, or the capital funding you are seeking, not both")

    def validate_right_to_buy_percent(self, field: NumberField) -> None:
        chosen = self.capital_funding.data or []
        if CapitalFunding.RIGHT_TO_BUY_RECEIPTS in chosen and field.data is None:
            raise ValidationError(
                "Enter the share of the scheme’s capital cost sought from Right to Buy receipts"
            )


class ConfidentialAddressForm(QuestionForm):
    confidential_address = YesNoField(
        "Must the address be kept confidential?",
        description=(
            "For example, homes for people under Ministry of Justice supervision or in the "
            "Transforming Care programme. The council will not publish it or put it in emails."
        ),
        required="Select yes if the address must be kept confidential",
    )


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


# --- Meeting the council (issue 14) -----------------------------------------------


class AcceptMeetingForm(FlaskForm):
    version = HiddenField()
    submit = SubmitField("Accept this meeting", widget=GovSubmitInput())


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


# --- A dispersed scheme's addresses (issue 13) ---------------------------------------

MAX_ADDRESSES = 50
ADDRESS_PARTS = ("address", "postcode", "units")


class AddressesForm(QuestionForm):
    """Each address of a dispersed scheme, with its postcode and units, and the
    buttons of GOV.UK's "add another" pattern, which work without JavaScript: they
    post the page, which comes back with an address more or less, nothing saved."""

    # The "Add another address" and "Remove" buttons are plain buttons in the
    # template (add_address, remove_address=<number>), read by addresses_form.
    entries: int = 1
    total_units: int = 0
    rearranged: bool = False

    def entry(self, number: int) -> list[Any]:
        return [self[f"{part}_{number}"] for part in ADDRESS_PARTS]

    def answers(self) -> list[dict[str, Any]]:
        return [
            {part: self[f"{part}_{n}"].data for part in ADDRESS_PARTS}
            for n in range(1, self.entries + 1)
        ]

    def validate(self, extra_validators: Any = None) -> bool:
        valid = super().validate(extra_validators)
        if not valid:
            return False
        held = sum(entry["units"] or 0 for entry in self.answers())
        if held != self.total_units:
            self.units_1.errors = [
                f"The units at each address must add up to {self.total_units}, the "
                f"number of units in the offer (they add up to {held})"
            ]
            return False
        return True


def addresses_form(
    entries: list[dict[str, Any]], total_units: int, formdata: Any = None
) -> AddressesForm:
    """The addresses page's form for `entries` (saved ones, or those posted).

    A post that pressed "Add another address" or "Remove" comes back with the
    addresses posted, one more or one fewer, to be shown again, not saved."""
    rearranged = False
    if formdata is not None:
        numbers = sorted(
            {
                int(key.rsplit("_", 1)[1])
                for key in formdata
                if key.rsplit("_", 1)[0] in ADDRESS_PARTS
                and key.rsplit("_", 1)[-1].isdigit()
                and 1 <= int(key.rsplit("_", 1)[1]) <= MAX_ADDRESSES
            }
        )
        entries = [
            {part: formdata.get(f"{part}_{n}", "") for part in ADDRESS_PARTS} for n in numbers
        ]
        remove = str(formdata.get("remove_address", ""))
        if formdata.get("add_address") and len(entries) < MAX_ADDRESSES:
            entries.append(dict.fromkeys(ADDRESS_PARTS, ""))
            rearranged = True
        elif remove.isdigit() and 1 <= int(remove) <= len(entries):
            del entries[int(remove) - 1]
            rearranged = True
    entries = entries or [dict.fromkeys(ADDRESS_PARTS, "")]

    class _Form(AddressesForm):
        pass

    for n in range(1, len(entries) + 1):
        setattr(
            _Form,
            f"address_{n}",
            LongTextField(
                "Address",
                required="Enter the address",
                max_length=500,
                description="Without the postcode",
                noun="Address",
            ),
        )
        setattr(_Form, f"postcode_{n}", PostcodeField("Postcode", required="Enter the postcode"))
        setattr(
            _Form,
            f"units_{n}",
            NumberField(
                "Units at this address",
                minimum=1,
                maximum=MAX_UNITS_PER_TYPE,
                required="Enter how many units are at this address",
                noun="Units at this address",
            ),
        )
    if rearranged or formdata is None:
        data = {
            f"{part}_{n}": entry[part]
            for n, entry in enumerate(entries, start=1)
            for part in ADDRESS_PARTS
        }
        form = _Form(formdata=None, data=data)
    else:
        form = _Form(formdata=formdata)
    form.entries = len(entries)
    form.total_units = total_units
    form.rearranged = rearranged
    return form
