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
    LOOKED_AFTER,
    AccessibilityStandard,
    Configuration,
    DevelopmentType,
    FrameworkStatus,
    LandlordType,
    LeaseModel,
    PlanningStatus,
    RentType,
    SupportModel,
    UnitKind,
    label,
)
from triage.models import Offer, OfferCohort, OfferUnitType
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

    @property
    def key(self) -> str:
        return f"{self.slug}/{self.unit_kind}" if self.unit_kind else self.slug

    def make_form(self, offer: Offer, formdata: Any = None) -> FlaskForm:
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
    )


UNIT_FACILITIES = {
    kind: _unit_page(
        "unit-facilities",
        "Bathrooms and kitchens",
        forms.UnitFacilitiesForm,
        kind,
        answered=lambda unit: unit.facilities_answered,
        fields=("own_bathroom", "own_kitchen", "most_people_sharing"),
        rows=lambda unit: [
            Row(
                f"{label(UnitKind(unit.kind))}: facilities",
                f"Own bathroom: {yes_no(unit.own_bathroom)}. Own kitchen: "
                f"{yes_no(unit.own_kitchen)}. Most people sharing: {unit.most_people_sharing}",
            )
        ],
    )
    for kind in UNIT_KINDS
}
SHARED_FACILITIES = Page(
    slug="shared-facilities",
    title="Shared facilities",
    form_class=forms.SharedFacilitiesForm,
    fields=("communal_space", "staff_office", "assistive_technology", "lift"),
    rows=lambda o: [
        Row("Communal space", yes_no(o.communal_space)),
        Row("Staff office or communal resource space", yes_no(o.staff_office)),
        Row("Assistive technology", yes_no(o.assistive_technology)),
        Row("Lift", yes_no(o.lift)),
    ],
)
ACCESSIBILITY = Page(
    slug="accessibility",
    title="Accessibility",
    form_class=forms.AccessibilityForm,
    fields=("units_wheelchair_accessible", "units_fully_adapted", "accessibility_standard"),
    form_kwargs=lambda o: {"total_units": o.total_units},
    rows=lambda o: [
        Row("Wheelchair accessible units", str(o.units_wheelchair_accessible or 0)),
        Row("Fully adapted units", str(o.units_fully_adapted or 0)),
        Row("Accessibility standard", _enum_text(AccessibilityStandard, o.accessibility_standard)),
    ],
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
    fields=("lease_model", "lease_model_other", "council_asked_to_cover_voids"),
    required=("lease_model", "council_asked_to_cover_voids"),
    rows=lambda o: [
        Row(
            "Lease or management",
            _enum_text(LeaseModel, o.lease_model)
            + (f": {o.lease_model_other}" if o.lease_model == LeaseModel.OTHER else ""),
        ),
        Row("Council asked to cover voids", yes_no(o.council_asked_to_cover_voids)),
    ],
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
        lambda o: [NAME_ADDRESS, DEVELOPMENT, SITE_AREA, DATE_AVAILABLE],
    ),
    Section(
        "design",
        "Design",
        lambda o: [
            CONFIGURATION,
            UNIT_COUNTS,
            *(UNIT_FACILITIES[unit.kind] for unit in o.unit_types),
            SHARED_FACILITIES,
            ACCESSIBILITY,
        ],
    ),
    Section("who", "Who it is for", lambda o: [COHORTS, SUPPORT_MODEL, AGE_RANGE]),
    Section(
        "rent",
        "Rent and charges",
        lambda o: [
            *(UNIT_CHARGES[unit.kind] for unit in o.unit_types),
            LANDLORD,
            MANAGEMENT,
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
    DEVELOPMENT,
    SITE_AREA,
    DATE_AVAILABLE,
    CONFIGURATION,
    UNIT_COUNTS,
    *UNIT_FACILITIES.values(),
    SHARED_FACILITIES,
    ACCESSIBILITY,
    COHORTS,
    SUPPORT_MODEL,
    AGE_RANGE,
    *UNIT_CHARGES.values(),
    *RENT_CHECKS.values(),
    LANDLORD,
    MANAGEMENT,
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
