"""The offer form's question pages, in order, grouped into the task list's sections.

A page knows its form, how to fill the form from the offer, how to save the
answers back, whether it applies to this offer, whether it has been answered,
and how its answers read on "check your answers". The views are generic over it.
"""

from __future__ import annotations

import html
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from typing import Any

from flask_wtf import FlaskForm
from markupsafe import Markup, escape

from rules.affordability import rent_outside_benchmark
from rules.guidance import Guidance
from rules.offer import (
    ACCESS_FIELDS,
    KIND_BEDROOMS,
    LOOKED_AFTER,
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
    label,
)
from triage.models import Offer, OfferAddress, OfferCohort, OfferUnitType
from triage.offers import forms
from triage.services.policy import policy_in_force
from triage.template_helpers import long_date, pounds, yes_no

UNIT_KINDS = [kind.value for kind in UnitKind]


@dataclass(frozen=True)
class Row:
    key: str
    value: str | Markup


@dataclass(frozen=True)
class Page:
    slug: str
    title: str
    form_class: type[FlaskForm]
    fields: tuple[str, ...]
    rows: Callable[[Offer], list[Row]]
    applies: Callable[[Offer], bool] = lambda offer: True
    unit_kind: str | None = None
    caption: str | None = None
    form_kwargs: Callable[[Offer], dict[str, Any]] = lambda offer: {}
    load: Callable[[Offer, FlaskForm], None] | None = None
    save: Callable[[Offer, FlaskForm], None] | None = None
    required: tuple[str, ...] = ()
    answered_when: Callable[[Offer], bool] | None = None
    intro: Callable[[Offer], str] | None = None
    # A page whose form depends on what is posted (the addresses page: one set of
    # fields per address) builds it itself, and has a template of its own.
    build_form: Callable[[Offer, Any], FlaskForm] | None = None
    template: str = "views/offers/question.html"

    @property
    def key(self) -> str:
        return f"{self.slug}/{self.unit_kind}" if self.unit_kind else self.slug

    def make_form(self, offer: Offer, formdata: Any = None) -> FlaskForm:
        if self.build_form is not None:
            return self.build_form(offer, formdata)
        form = self.form_class(formdata=formdata, **self.form_kwargs(offer))
        if formdata is None:
            if self.load:
                self.load(offer, form)
            else:
                for name in self.fields:
                    form[name].process(None, getattr(offer, name))
        return form

    def apply(self, offer: Offer, form: FlaskForm) -> None:
        if self.save:
            self.save(offer, form)
            return
        for name in self.fields:
            field_ = form[name]
            value = field_.answer if isinstance(field_, forms.YesNoField) else field_.data
            setattr(offer, name, value)

    def answered(self, offer: Offer) -> bool:
        if self.answered_when is not None:
            return self.answered_when(offer)
        return all(getattr(offer, name) is not None for name in self.required or self.fields)


@dataclass(frozen=True)
class Section:
    slug: str
    title: str
    pages: Callable[[Offer], list[Page]]
    optional: bool = False
    cannot_start: Callable[[Offer], str | None] = lambda offer: None
    extra_status: Callable[[Offer], bool] | None = None

    def applicable_pages(self, offer: Offer) -> list[Page]:
        return [page for page in self.pages(offer) if page.applies(offer)]

    def status(self, offer: Offer) -> str:
        if self.cannot_start(offer):
            return "cannot_start"
        if self.extra_status is not None:
            return "completed" if self.extra_status(offer) else "not_started"
        pages = self.applicable_pages(offer)
        done = [page for page in pages if page.answered(offer)]
        if pages and len(done) == len(pages):
            return "completed"
        return "in_progress" if done else "not_started"


def _enum_text(enum_type: Any, value: str | None) -> str:
    return label(enum_type(value)) if value else ""


def _lines(text: str | None) -> Markup:
    return Markup("<br>").join(escape(line) for line in (text or "").splitlines())


# --- Section 1: property and location ---------------------------------------

NAME_ADDRESS = Page(
    slug="name-and-address",
    title="Property name and address",
    form_class=forms.NameAddressForm,
    fields=("name", "address", "postcode"),
    rows=lambda o: [
        Row("Property or scheme name", o.name or ""),
        Row("Address", _lines(o.address)),
        Row("Postcode", o.postcode or ""),
    ],
)
DEVELOPMENT = Page(
    slug="development",
    title="Development and planning",
    form_class=forms.DevelopmentForm,
    fields=("development_type", "planning_status"),
    rows=lambda o: [
        Row("Type of development", _enum_text(DevelopmentType, o.development_type)),
        Row("Planning permission", _enum_text(PlanningStatus, o.planning_status)),
    ],
)


def _save_site_area(offer: Offer, form: FlaskForm) -> None:
    offer.site_area_hectares = form.site_area_hectares.data
    offer.site_area_answered = True


SITE_AREA = Page(
    slug="site-area",
    title="Site area",
    form_class=forms.SiteAreaForm,
    fields=("site_area_hectares",),
    save=_save_site_area,
    # site_area_answered is False, not None, until the page is saved.
    answered_when=lambda offer: offer.site_area_answered,
    rows=lambda o: [
        Row(
            "Site area",
            f"{o.site_area_hectares:g} hectares"
            if o.site_area_hectares is not None
            else "Not known",
        )
    ],
)
DATE_AVAILABLE = Page(
    slug="date-available",
    title="Date available",
    form_class=forms.DateAvailableForm,
    fields=("date_available",),
    rows=lambda o: [Row("Date available", long_date(o.date_available))],
)


# --- The offer's terms (issue 13) ----------------------------------------------------

CONFIDENTIAL_ADDRESS = Page(
    slug="confidential-address",
    title="Confidential address",
    form_class=forms.ConfidentialAddressForm,
    fields=("confidential_address",),
    rows=lambda o: [Row("Address kept confidential", yes_no(o.confidential_address))],
)


def _load_site_funding(offer: Offer, form: FlaskForm) -> None:
    form.site_status.process(None, offer.site_status)
    funding = offer.capital_funding
    form.capital_funding.process(
        None, None if funding is None else (list(funding) or [forms.NO_CAPITAL])
    )
    form.right_to_buy_percent.process(None, offer.right_to_buy_percent)


def _save_site_funding(offer: Offer, form: FlaskForm) -> None:
    offer.site_status = form.site_status.data
    chosen = [value for value in form.capital_funding.data if value != forms.NO_CAPITAL]
    offer.capital_funding = chosen
    rtb = CapitalFunding.RIGHT_TO_BUY_RECEIPTS in chosen
    offer.right_to_buy_percent = form.right_to_buy_percent.data if rtb else None


def _funding_text(offer: Offer) -> str:
    if offer.capital_funding is None:
        return ""
    if not offer.capital_funding:
        return "None"
    return ", ".join(
        label(CapitalFunding(value))
        + (
            f" ({offer.right_to_buy_percent}% of the capital cost)"
            if value == CapitalFunding.RIGHT_TO_BUY_RECEIPTS and offer.right_to_buy_percent
            else ""
        )
        for value in offer.capital_funding
    )


SITE_FUNDING = Page(
    slug="site-and-funding",
    title="The site and capital funding",
    form_class=forms.SiteFundingForm,
    fields=("site_status", "capital_funding", "right_to_buy_percent"),
    required=("site_status", "capital_funding"),
    load=_load_site_funding,
    save=_save_site_funding,
    rows=lambda o: [
        Row("The site", _enum_text(SiteStatus, o.site_status)),
        Row("Capital funding sought", _funding_text(o)),
    ],
)

# --- Section 2: design ------------------------------------------------------

CONFIGURATION = Page(
    slug="configuration",
    title="How the homes are arranged",
    form_class=forms.ConfigurationForm,
    fields=("configuration", "configuration_other"),
    required=("configuration",),
    rows=lambda o: [
        Row(
            "Arrangement",
            _enum_text(Configuration, o.configuration)
            + (f": {o.configuration_other}" if o.configuration == Configuration.OTHER else ""),
        )
    ],
)


def _load_unit_counts(offer: Offer, form: FlaskForm) -> None:
    for kind in UNIT_KINDS:
        unit = offer.unit_type(kind)
        form[kind].process(None, unit.count if unit else None)


def _save_unit_counts(offer: Offer, form: FlaskForm) -> None:
    for kind in UNIT_KINDS:
        count = form[kind].data or 0
        unit = offer.unit_type(kind)
        if count and unit is None:
            offer.unit_types.append(OfferUnitType(kind=kind, count=count))
        elif count and unit is not None:
            unit.count = count
        elif unit is not None:
            offer.unit_types.remove(unit)


UNIT_COUNTS = Page(
    slug="units",
    title="Number of units",
    form_class=forms.UnitCountsForm,
    fields=tuple(UNIT_KINDS),
    load=_load_unit_counts,
    save=_save_unit_counts,
    answered_when=lambda offer: bool(offer.unit_types),
    rows=lambda o: (
        [Row(label(UnitKind(unit.kind)), str(unit.count)) for unit in o.unit_types]
        or [Row("Units", "")]
    ),
)


def _unit_page(
    slug: str,
    title: str,
    form_class: type[FlaskForm],
    kind: str,
    answered: Callable[[OfferUnitType], bool],
    rows: Callable[[OfferUnitType], list[Row]],
    fields: tuple[str, ...],
    form_kwargs: Callable[[OfferUnitType], dict[str, Any]] | None = None,
) -> Page:
    def load(offer: Offer, form: FlaskForm) -> None:
        unit = offer.unit_type(kind)
        for name in fields:
            form[name].process(None, getattr(unit, name) if unit else None)

    def save(offer: Offer, form: FlaskForm) -> None:
        unit = offer.unit_type(kind)
        assert unit is not None
        for name in fields:
            field_ = form[name]
            setattr(
                unit, name, field_.answer if isinstance(field_, forms.YesNoField) else field_.data
            )

    def unit_rows(offer: Offer) -> list[Row]:
        unit = offer.unit_type(kind)
        return rows(unit) if unit else []

    def is_answered(offer: Offer) -> bool:
        unit = offer.unit_type(kind)
        return unit is not None and answered(unit)

    return Page(
        slug=slug,
        title=title,
        caption=label(UnitKind(kind)),
        form_class=form_class,
        fields=fields,
        unit_kind=kind,
        applies=lambda offer: offer.unit_type(kind) is not None,
        load=load,
        save=save,
        rows=unit_rows,
        answered_when=is_answered,
        form_kwargs=lambda offer: (
            form_kwargs(unit)
            if form_kwargs is not None and (unit := offer.unit_type(kind)) is not None
            else {}
        ),
    )


def _says_bedrooms(kind: str) -> bool:
    """A house, a bungalow or a flat of 4 or more bedrooms says how many it has."""
    return KIND_BEDROOMS[UnitKind(kind)] is None


def _facilities_text(unit: OfferUnitType) -> str:
    text = (
        f"Own bathroom: {yes_no(unit.own_bathroom)}. Own kitchen: "
        f"{yes_no(unit.own_kitchen)}. Most people sharing: {unit.most_people_sharing}"
    )
    if _says_bedrooms(unit.kind):
        text = f"Bedrooms: {unit.bedrooms}. " + text
    return text


UNIT_FACILITIES = {
    kind: _unit_page(
        "unit-facilities",
        "Bedrooms, bathrooms and kitchens" if _says_bedrooms(kind) else "Bathrooms and kitchens",
        forms.UnitBedroomsFacilitiesForm if _says_bedrooms(kind) else forms.UnitFacilitiesForm,
        kind,
        answered=lambda unit: (
            unit.facilities_answered
            and (unit.bedrooms is not None or not _says_bedrooms(unit.kind))
        ),
        fields=("own_bathroom", "own_kitchen", "most_people_sharing")
        + (("bedrooms",) if _says_bedrooms(kind) else ()),
        rows=lambda unit: [
            Row(f"{label(UnitKind(unit.kind))}: facilities", _facilities_text(unit))
        ],
    )
    for kind in UNIT_KINDS
}


def _access_text(unit: OfferUnitType) -> str:
    return (
        f"Of {unit.count}: wheelchair accessible {unit.wheelchair_accessible}, "
        f"fully adapted {unit.fully_adapted}, level access {unit.level_access}, "
        f"upper floor with a lift {unit.lift}, assistive technology {unit.assistive_technology}"
    )


# Accessibility per unit type (issue 13): how many of the type's homes have each feature.
UNIT_ACCESS = {
    kind: _unit_page(
        "unit-access",
        "Accessibility of these homes",
        forms.UnitAccessForm,
        kind,
        answered=lambda unit: unit.access_answered,
        fields=ACCESS_FIELDS,
        rows=lambda unit: [Row(f"{label(UnitKind(unit.kind))}: accessibility", _access_text(unit))],
        form_kwargs=lambda unit: {
            "count": unit.count,
            "noun": label(UnitKind(unit.kind)).lower() + "s",
        },
    )
    for kind in UNIT_KINDS
}
SHARED_FACILITIES = Page(
    slug="shared-facilities",
    title="Shared facilities",
    form_class=forms.SharedFacilitiesForm,
    fields=("communal_space", "staff_office"),
    rows=lambda o: [
        Row("Communal space", yes_no(o.communal_space)),
        Row("Staff office or communal resource space", yes_no(o.staff_office)),
    ],
)
ACCESSIBILITY = Page(
    slug="accessibility",
    title="Accessibility standard",
    form_class=forms.AccessibilityForm,
    fields=("accessibility_standard",),
    rows=lambda o: [
        Row("Accessibility standard", _enum_text(AccessibilityStandard, o.accessibility_standard)),
    ],
)


# A dispersed scheme's addresses (issue 13), GOV.UK's "add another" pattern.
def _address_entries(offer: Offer) -> list[dict[str, Any]]:
    return [
        {"address": a.address, "postcode": a.postcode, "units": a.units} for a in offer.addresses
    ]


def _save_addresses(offer: Offer, form: FlaskForm) -> None:
    assert isinstance(form, forms.AddressesForm)
    answers = form.answers()
    for row in offer.addresses[len(answers) :]:
        offer.addresses.remove(row)
    for position, answer in enumerate(answers, start=1):
        if position <= len(offer.addresses):
            row = offer.addresses[position - 1]
            row.address, row.postcode, row.units = (
                answer["address"],
                answer["postcode"],
                answer["units"],
            )
        else:
            offer.addresses.append(OfferAddress(position=position, **answer))


def _addresses_text(offer: Offer) -> Markup:
    return Markup("<br>").join(
        escape(f"{', '.join(a.address.splitlines())}, {a.postcode}: {a.units} units")
        for a in offer.addresses
    )


ADDRESSES = Page(
    slug="addresses",
    title="Addresses",
    form_class=forms.AddressesForm,
    fields=(),
    build_form=lambda offer, formdata: forms.addresses_form(
        _address_entries(offer), offer.total_units, formdata
    ),
    template="views/offers/addresses.html",
    save=_save_addresses,
    applies=lambda offer: offer.is_dispersed and bool(offer.unit_types),
    answered_when=lambda offer: bool(offer.addresses) and offer.address_units == offer.total_units,
    intro=lambda offer: (
        f"Give each address of the scheme, with its postcode and how many of the "
        f"{offer.total_units} units are there."
    ),
    rows=lambda o: [Row("Addresses", _addresses_text(o))],
)

# --- Section 3: who it is for -------------------------------------------------


def _load_cohorts(offer: Offer, form: FlaskForm) -> None:
    form.cohorts.process(None, [row.cohort for row in offer.cohorts])


def _save_cohorts(offer: Offer, form: FlaskForm) -> None:
    wanted = set(form.cohorts.data)
    for row in list(offer.cohorts):
        if row.cohort not in wanted:
            offer.cohorts.remove(row)
    have = {row.cohort for row in offer.cohorts}
    for code in sorted(wanted - have):
        offer.cohorts.append(OfferCohort(cohort=code))


def _cohort_label(code: str) -> str:
    cohort = policy_in_force().cohort(code)
    return cohort.label if cohort else code


COHORTS = Page(
    slug="cohorts",
    title="Who the homes are for",
    form_class=forms.CohortsForm,
    fields=("cohorts",),
    load=_load_cohorts,
    save=_save_cohorts,
    rows=lambda o: [
        Row("Who the homes are for", _lines("\n".join(_cohort_label(c.cohort) for c in o.cohorts)))
    ],
    answered_when=lambda offer: bool(offer.cohorts),
)
SUPPORT_MODEL = Page(
    slug="support-model",
    title="Support on site",
    form_class=forms.SupportModelForm,
    fields=("support_model",),
    rows=lambda o: [Row("Support on site", _enum_text(SupportModel, o.support_model))],
)
AGE_RANGE = Page(
    slug="age-range",
    title="Age range",
    form_class=forms.AgeRangeForm,
    fields=("age_min", "age_max"),
    rows=lambda o: [Row("Age range", f"{o.age_min} to {o.age_max}" if o.age_min else "")],
)
STAY_TENANCY = Page(
    slug="length-of-stay",
    title="Length of stay and tenancy",
    form_class=forms.StayTenancyForm,
    fields=("intended_stay", "tenancy_type"),
    rows=lambda o: [
        Row("Intended length of stay", _enum_text(IntendedStay, o.intended_stay)),
        Row("Tenancy", _enum_text(TenancyType, o.tenancy_type)),
    ],
)
CLIENT_GROUPS = Page(
    slug="client-groups",
    title="Client groups and support level",
    form_class=forms.ClientGroupsForm,
    fields=("client_groups", "support_level"),
    rows=lambda o: [
        Row(
            "Client groups (CORE)",
            _lines("\n".join(label(g) for g in ClientGroup if g in (o.client_groups or []))),
        ),
        Row("Level of support", _enum_text(SupportLevel, o.support_level)),
    ],
)

# --- Section 4: rent and charges --------------------------------------------

UNIT_CHARGES = {
    kind: _unit_page(
        "unit-charges",
        "Weekly rent and charges",
        forms.UnitChargesForm,
        kind,
        answered=lambda unit: unit.charges_answered,
        fields=(
            "core_rent_pence",
            "eligible_service_charge_pence",
            "ineligible_service_charge_pence",
            "ineligible_charges_cover",
            "intensive_housing_management_pence",
        ),
        rows=lambda unit: [
            Row(
                f"{label(UnitKind(unit.kind))}: weekly charges",
                _lines(
                    f"Core rent {pounds(unit.core_rent_pence)}\n"
                    f"Eligible service charges {pounds(unit.eligible_service_charge_pence)}\n"
                    f"Ineligible service charges {pounds(unit.ineligible_service_charge_pence)}"
                    + (
                        f" ({unit.ineligible_charges_cover})"
                        if unit.ineligible_charges_cover
                        else ""
                    )
                    + "\n"
                    "Intensive housing management "
                    f"{pounds(unit.intensive_housing_management_pence)}"
                ),
            )
        ],
    )
    for kind in UNIT_KINDS
}
LANDLORD = Page(
    slug="landlord",
    title="The landlord",
    form_class=forms.LandlordForm,
    fields=("landlord_name", "landlord_type", "landlord_provides_care"),
    rows=lambda o: [
        Row("Landlord", o.landlord_name or ""),
        Row("Type of landlord", _enum_text(LandlordType, o.landlord_type)),
        Row("Landlord provides care, support or supervision", yes_no(o.landlord_provides_care)),
    ],
)
MANAGEMENT = Page(
    slug="management",
    title="Leasing, management and voids",
    form_class=forms.ManagementForm,
    fields=("lease_model", "lease_model_other"),
    required=("lease_model",),
    rows=lambda o: [
        Row(
            "Lease or management",
            _enum_text(LeaseModel, o.lease_model)
            + (f": {o.lease_model_other}" if o.lease_model == LeaseModel.OTHER else ""),
        ),
    ],
)


def _years(count: int | None) -> str:
    return "" if count is None else f"{count} year{'' if count == 1 else 's'}"


def _save_lease_terms(offer: Offer, form: FlaskForm) -> None:
    offer.lease_years = form.lease_years.data
    offer.break_clause = form.break_clause.answer
    offer.break_clause_after_years = (
        form.break_clause_after_years.data if offer.break_clause else None
    )
    offer.repairs_by = form.repairs_by.data


LEASE_TERMS = Page(
    slug="lease-terms",
    title="Lease or management terms",
    form_class=forms.LeaseTermsForm,
    fields=("lease_years", "break_clause", "break_clause_after_years", "repairs_by"),
    required=("lease_years", "break_clause", "repairs_by"),
    # Asked when another body leases or manages the homes (the landlord managing
    # them itself has no lease).
    applies=lambda o: o.lease_model not in (None, LeaseModel.LANDLORD_MANAGES),
    save=_save_lease_terms,
    rows=lambda o: [
        Row("Length of the lease or agreement", _years(o.lease_years)),
        Row(
            "Break clause",
            (f"Yes, after {_years(o.break_clause_after_years)}" if o.break_clause else "No")
            if o.break_clause is not None
            else "",
        ),
        Row("Repairs done by", _enum_text(Repairs, o.repairs_by)),
    ],
)
VOIDS = Page(
    slug="voids",
    title="Empty homes (voids)",
    form_class=forms.VoidsForm,
    fields=("void_payer",),
    rows=lambda o: [Row("Who pays for empty homes", _enum_text(VoidPayer, o.void_payer))],
)


def _save_void_terms(offer: Offer, form: FlaskForm) -> None:
    offer.voids_from = form.voids_from.data
    after_weeks = offer.voids_from == VoidsFrom.AFTER_WEEKS_EMPTY
    offer.voids_from_weeks = form.voids_from_weeks.data if after_weeks else None
    offer.void_rate_basis = form.void_rate_basis.data
    percent = offer.void_rate_basis == VoidRateBasis.PERCENT_OF_RENT
    offer.void_rate_percent = form.void_rate_percent.data if percent else None
    offer.void_rate_pence_per_week = None if percent else form.void_rate_pence_per_week.data
    offer.void_cover_months = form.void_cover_months.data


def _void_terms_text(o: Offer) -> str:
    if o.voids_from is None:
        return ""
    start = (
        "From handover"
        if o.voids_from == VoidsFrom.FROM_HANDOVER
        else f"After {o.voids_from_weeks} week{'' if o.voids_from_weeks == 1 else 's'} empty"
    )
    rate = (
        f"{o.void_rate_percent}% of the rent and charges"
        if o.void_rate_basis == VoidRateBasis.PERCENT_OF_RENT
        else f"{pounds(o.void_rate_pence_per_week)} a week for each empty home"
    )
    months = f"{o.void_cover_months} month{'' if o.void_cover_months == 1 else 's'}"
    return f"{start}, at {rate}, for {months}"


VOID_TERMS = Page(
    slug="void-terms",
    title="What the council would pay for empty homes",
    form_class=forms.VoidTermsForm,
    fields=(
        "voids_from",
        "voids_from_weeks",
        "void_rate_basis",
        "void_rate_percent",
        "void_rate_pence_per_week",
        "void_cover_months",
    ),
    required=("voids_from", "void_rate_basis", "void_cover_months"),
    applies=lambda o: o.void_payer in (VoidPayer.COUNCIL, VoidPayer.SHARED),
    save=_save_void_terms,
    rows=lambda o: [Row("The council’s terms for empty homes", _void_terms_text(o))],
)

RENT_TYPE = Page(
    slug="rent-type",
    title="Type of rent",
    form_class=forms.RentTypeForm,
    fields=("rent_type",),
    rows=lambda o: [Row("Type of rent", _enum_text(RentType, o.rent_type))],
)


def _nominations_text(offer: Offer) -> str:
    share, years = offer.nomination_share_percent, offer.nomination_term_years
    if share is None:
        return ""
    if share == 0:
        return "None"
    return f"{share}% of the homes, for {years} year{'s' if years != 1 else ''}"


NOMINATIONS = Page(
    slug="nominations",
    title="Nomination rights",
    form_class=forms.NominationsForm,
    fields=("nomination_share_percent", "nomination_term_years"),
    rows=lambda o: [Row("Council nomination rights", _nominations_text(o))],
)

# --- Section 5: care and support ----------------------------------------------

CARE_PROVIDED = Page(
    slug="care",
    title="Care and support",
    form_class=forms.CareProvidedForm,
    fields=("care_provided",),
    rows=lambda o: [Row("Care and support included", yes_no(o.care_provided))],
)
CARE_PROVIDER = Page(
    slug="care-provider",
    title="Care and support provider",
    form_class=forms.CareProviderForm,
    fields=(
        "care_provider_name",
        "care_framework_status",
        "care_hours_per_person_per_week",
        "care_cost_pence_per_person_per_week",
    ),
    required=("care_provider_name", "care_framework_status"),
    applies=lambda o: o.care_provided is True,
    rows=lambda o: [
        Row("Care provider", o.care_provider_name or ""),
        Row(
            "On the Supported Living Framework",
            _enum_text(FrameworkStatus, o.care_framework_status),
        ),
        Row(
            "Expected care per person per week",
            " and ".join(
                part
                for part in (
                    f"{o.care_hours_per_person_per_week:g} hours"
                    if o.care_hours_per_person_per_week is not None
                    else "",
                    pounds(o.care_cost_pence_per_person_per_week),
                )
                if part
            ),
        ),
    ],
)


CQC_REGISTRATION = Page(
    slug="cqc-registration",
    title="CQC registration",
    form_class=forms.CqcRegistrationForm,
    fields=("cqc_registered",),
    applies=lambda o: o.care_provided is True,
    rows=lambda o: [Row("Care provider registered with the CQC", yes_no(o.cqc_registered))],
)
OFSTED_REGISTRATION = Page(
    slug="ofsted-registration",
    title="Ofsted registration",
    form_class=forms.OfstedRegistrationForm,
    fields=("ofsted_registered",),
    applies=lambda o: any(row.cohort == LOOKED_AFTER for row in o.cohorts),
    rows=lambda o: [
        Row("Registered with Ofsted as supported accommodation", yes_no(o.ofsted_registered))
    ],
)


def _rent_warning(offer: Offer, kind: str) -> str | None:
    unit = offer.unit_type(kind)
    if unit is None or unit.core_rent_pence is None or offer.landlord_type is None:
        return None
    return rent_outside_benchmark(unit.core_rent_pence, offer.landlord_type, policy_in_force())


def _rent_check_page(kind: str) -> Page:
    """Shown only when a unit's core rent is outside the published range, as the
    national lettings return does: the submitter confirms it, or changes it."""

    def save(offer: Offer, form: FlaskForm) -> None:
        unit = offer.unit_type(kind)
        assert unit is not None
        if form.rent_correct.answer:
            unit.core_rent_confirmed_pence = unit.core_rent_pence
        else:
            unit.core_rent_pence = None
            unit.core_rent_confirmed_pence = None

    def confirmed(offer: Offer) -> bool:
        unit = offer.unit_type(kind)
        return unit is not None and unit.core_rent_confirmed_pence == unit.core_rent_pence

    return Page(
        slug="rent-check",
        title="Check the core rent",
        caption=label(UnitKind(kind)),
        form_class=forms.RentCheckForm,
        fields=("rent_correct",),
        unit_kind=kind,
        applies=lambda offer: _rent_warning(offer, kind) is not None,
        load=lambda offer, form: None,
        save=save,
        answered_when=confirmed,
        intro=lambda offer: (
            (_rent_warning(offer, kind) or "")
            + " The council will ask about it. If it is right, confirm it; if not, change it."
        ),
        rows=lambda offer: [
            Row(
                f"{label(UnitKind(kind))}: core rent outside the usual range",
                "Confirmed as correct",
            )
        ],
    )


RENT_CHECKS = {kind: _rent_check_page(kind) for kind in UNIT_KINDS}


def _units_first(offer: Offer) -> str | None:
    return None if offer.unit_types else "Add the number of units in the design section first"


SECTIONS = [
    Section(
        "property",
        "Property and location",
        lambda o: [
            NAME_ADDRESS,
            CONFIDENTIAL_ADDRESS,
            DEVELOPMENT,
            SITE_AREA,
            DATE_AVAILABLE,
            SITE_FUNDING,
        ],
    ),
    Section(
        "design",
        "Design",
        lambda o: [
            CONFIGURATION,
            UNIT_COUNTS,
            ADDRESSES,
            *(UNIT_FACILITIES[unit.kind] for unit in o.unit_types),
            *(UNIT_ACCESS[unit.kind] for unit in o.unit_types),
            SHARED_FACILITIES,
            ACCESSIBILITY,
        ],
    ),
    Section(
        "who",
        "Who it is for",
        lambda o: [COHORTS, SUPPORT_MODEL, AGE_RANGE, STAY_TENANCY, CLIENT_GROUPS],
    ),
    Section(
        "rent",
        "Rent and charges",
        lambda o: [
            *(UNIT_CHARGES[unit.kind] for unit in o.unit_types),
            LANDLORD,
            MANAGEMENT,
            LEASE_TERMS,
            VOIDS,
            VOID_TERMS,
            RENT_TYPE,
            NOMINATIONS,
            *(RENT_CHECKS[unit.kind] for unit in o.unit_types),
        ],
        cannot_start=_units_first,
    ),
    Section(
        "care",
        "Care and support",
        lambda o: [CARE_PROVIDED, CARE_PROVIDER, CQC_REGISTRATION, OFSTED_REGISTRATION],
    ),
    Section(
        "documents",
        "Documents",
        lambda o: [],
        optional=True,
        extra_status=lambda o: bool(o.documents),
    ),
]
SECTIONS_BY_SLUG = {section.slug: section for section in SECTIONS}

_ALL_PAGES: list[Page] = [
    NAME_ADDRESS,
    CONFIDENTIAL_ADDRESS,
    DEVELOPMENT,
    SITE_AREA,
    DATE_AVAILABLE,
    SITE_FUNDING,
    CONFIGURATION,
    UNIT_COUNTS,
    ADDRESSES,
    *UNIT_FACILITIES.values(),
    *UNIT_ACCESS.values(),
    SHARED_FACILITIES,
    ACCESSIBILITY,
    COHORTS,
    SUPPORT_MODEL,
    AGE_RANGE,
    STAY_TENANCY,
    CLIENT_GROUPS,
    *UNIT_CHARGES.values(),
    *RENT_CHECKS.values(),
    LANDLORD,
    MANAGEMENT,
    LEASE_TERMS,
    VOIDS,
    VOID_TERMS,
    RENT_TYPE,
    NOMINATIONS,
    CARE_PROVIDED,
    CARE_PROVIDER,
    CQC_REGISTRATION,
    OFSTED_REGISTRATION,
]
PAGES_BY_KEY = {page.key: page for page in _ALL_PAGES}


@dataclass
class Located:
    section: Section
    page: Page
    following: list[Page] = field(default_factory=list)


def locate(offer: Offer, key: str) -> Located | None:
    """The page for `key` on this offer, its section, and the pages after it."""
    page = PAGES_BY_KEY.get(key)
    if page is None or not page.applies(offer):
        return None
    for section in SECTIONS:
        pages = section.applicable_pages(offer)
        if page in pages:
            return Located(section, page, pages[pages.index(page) + 1 :])
    return None


def next_page(offer: Offer, section: Section, after: Page) -> Page | None:
    """Where "Save and continue" goes: the next page in the section that still
    applies (answers on this page may have added or removed some)."""
    pages = section.applicable_pages(offer)
    if after not in pages:
        # The answer made this page stop applying: the first question still open.
        return next((page for page in pages if not page.answered(offer)), None)
    position = pages.index(after)
    # Onwards first; then back to any earlier page an answer here reopened.
    ordered = pages[position + 1 :] + pages[:position]
    return next((page for page in ordered if not page.answered(offer)), None)


def first_page(offer: Offer, section: Section) -> Page | None:
    pages = section.applicable_pages(offer)
    unanswered = (page for page in pages if not page.answered(offer))
    return next(unanswered, pages[0] if pages else None)


def summary(offer: Offer, section: Section) -> Iterator[tuple[Page, Row]]:
    for page in section.applicable_pages(offer):
        for row in page.rows(offer):
            yield page, row


def incomplete_sections(offer: Offer) -> list[Section]:
    return [
        section
        for section in SECTIONS
        if not section.optional and section.status(offer) != "completed"
    ]


@dataclass(frozen=True)
class GuidanceLink:
    text: str
    page_key: str
    page_title: str


def guidance_links(offer: Offer, found: list[Guidance]) -> list[GuidanceLink]:
    """Each guidance item with the question page to change (rules name the answer in
    the form's terms: a page, or a unit's page); an answer whose page does not apply
    to this offer links to nothing and is left out."""
    links = []
    for item in found:
        page = PAGES_BY_KEY.get(item.answer)
        if page is None or not page.applies(offer):
            continue
        title = page.title + (f" ({page.caption})" if page.caption else "")
        links.append(GuidanceLink(item.text, page.key, title))
    return links


# --- Sections the council may return for changes (issue 14) -----------------------

# The question sections: documents are sent with an answer to a message instead.
CHANGEABLE_SECTIONS = [section for section in SECTIONS if not section.optional]


def _plain(value: str | Markup) -> str:
    """A summary row's answer as plain text (the line breaks of an address kept)."""
    if isinstance(value, Markup):
        return html.unescape(str(value).replace("<br>", "\n"))
    return str(value)


def snapshot(offer: Offer, slugs: list[str]) -> list[dict[str, Any]]:
    """The answers in the sections `slugs`, as "check your answers" reads them:
    what a round of changes keeps from before and after."""
    return [
        {
            "section": section.slug,
            "title": section.title,
            "rows": [[row.key, _plain(row.value)] for _page, row in summary(offer, section)],
        }
        for section in SECTIONS
        if section.slug in slugs
    ]


def page_after(offer: Offer, section: Section, page: Page) -> Page | None:
    """The next page of the section in order, whether answered or not (changing an
    answer goes through the section's pages one by one)."""
    pages = section.applicable_pages(offer)
    if page not in pages:
        return None
    position = pages.index(page)
    return pages[position + 1] if position + 1 < len(pages) else None
