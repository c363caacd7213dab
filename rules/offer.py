"""What an offer of accommodation says, as plain typed data.

The web form, the database and (later) the scoring rules all speak these types, so
the choices a submitter sees and the values a rule receives are one list. Money
is whole pence (int), never float.
"""

from __future__ import annotations

import enum
from datetime import date
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, model_validator


class DevelopmentType(enum.StrEnum):
    NEW_BUILD = "new_build"
    CONVERSION = "conversion"
    REFURBISHMENT = "refurbishment"
    EXISTING_STOCK = "existing_stock"
    OPEN_MARKET_PURCHASE = "open_market_purchase"


class PlanningStatus(enum.StrEnum):
    NOT_NEEDED = "not_needed"
    NOT_YET_APPLIED = "not_yet_applied"
    APPLIED = "applied"
    GRANTED = "granted"
    REFUSED = "refused"


class Configuration(enum.StrEnum):
    CORE_AND_CLUSTER = "core_and_cluster"
    SELF_CONTAINED_BLOCK = "self_contained_block"
    SELF_CONTAINED_DISPERSED = "self_contained_dispersed"
    SHARED_HOUSE = "shared_house"
    EXTRA_CARE = "extra_care"
    OTHER = "other"


class UnitKind(enum.StrEnum):
    STUDIO = "studio"
    ONE_BED = "one_bed"
    TWO_BED = "two_bed"
    SHARED_ROOM = "shared_room"
    # Larger homes (issue 13), in CORE's unit types: a flat, a house or a bungalow;
    # a house, a bungalow or a flat of 4 or more says its bedrooms (UnitType.bedrooms).
    THREE_BED = "three_bed"
    FOUR_BED = "four_bed"
    HOUSE = "house"
    BUNGALOW = "bungalow"


# Bedrooms of each kind of unit; None: the unit type says (UnitType.bedrooms).
KIND_BEDROOMS: dict[UnitKind, int | None] = {
    UnitKind.STUDIO: 1,
    UnitKind.ONE_BED: 1,
    UnitKind.TWO_BED: 2,
    UnitKind.SHARED_ROOM: 1,
    UnitKind.THREE_BED: 3,
    UnitKind.FOUR_BED: None,
    UnitKind.HOUSE: None,
    UnitKind.BUNGALOW: None,
}


class AccessibilityStandard(enum.StrEnum):
    M4_1 = "m4_1"
    M4_2 = "m4_2"
    M4_3 = "m4_3"


class SupportModel(enum.StrEnum):
    ON_SITE_24_7 = "on_site_24_7"
    REGULAR_ON_SITE = "regular_on_site"
    FLOATING = "floating"
    NONE = "none"


class LandlordType(enum.StrEnum):
    REGISTERED_PROVIDER = "registered_provider"
    COUNCIL = "council"
    CHARITY = "charity"
    VOLUNTARY_ORGANISATION = "voluntary_organisation"
    PRIVATE_LANDLORD = "private_landlord"


class LeaseModel(enum.StrEnum):
    LANDLORD_MANAGES = "landlord_manages"
    LEASE_TO_PROVIDER = "lease_to_provider"
    MANAGING_AGENT = "managing_agent"
    OTHER = "other"


class RentType(enum.StrEnum):
    """The rent regime, as CORE records it: the exempt-rent benchmark differs."""

    SOCIAL = "social"
    AFFORDABLE = "affordable"
    INTERMEDIATE = "intermediate"


class FrameworkStatus(enum.StrEnum):
    ON_FRAMEWORK = "on_framework"
    NOT_ON_FRAMEWORK = "not_on_framework"
    NOT_KNOWN = "not_known"


# --- The offer's terms (issue 13), in CORE's vocabulary where CORE has one ----------
# LABELS is keyed by value (StrEnum members hash as their strings): every value below
# differs from every other enum's, so "council" or "medium" cannot take another label.


class VoidPayer(enum.StrEnum):
    """Who pays the rent and charges of a home while it stands empty (a void)."""

    LANDLORD_OR_PROVIDER = "landlord_or_provider"
    COUNCIL = "council_pays"
    SHARED = "shared_cost"


class VoidsFrom(enum.StrEnum):
    FROM_HANDOVER = "from_handover"
    AFTER_WEEKS_EMPTY = "after_weeks_empty"


class VoidRateBasis(enum.StrEnum):
    PERCENT_OF_RENT = "percent_of_rent"
    POUNDS_PER_WEEK = "pounds_per_week"


class Repairs(enum.StrEnum):
    LANDLORD = "landlord_repairs"
    PROVIDER = "provider_repairs"
    SHARED = "shared_repairs"


class IntendedStay(enum.StrEnum):
    """CORE's intended length of stay (the scheme's `intended_stay`)."""

    VERY_SHORT = "very_short_stay"
    SHORT = "short_stay"
    MEDIUM = "medium_stay"
    PERMANENT = "permanent"


class TenancyType(enum.StrEnum):
    """CORE's tenancy types for a supported housing let."""

    ASSURED = "assured"
    ASSURED_SHORTHOLD = "assured_shorthold"
    SECURE = "secure"
    LICENCE = "licence"
    OTHER = "other_tenancy"


class SupportLevel(enum.StrEnum):
    """CORE's level of support given (the scheme's `support_type`)."""

    LOW = "low_level"
    MEDIUM = "medium_level"
    HIGH = "high_level"
    FLOATING = "floating_support"


class ClientGroup(enum.StrEnum):
    """CORE's client groups (the scheme's primary and secondary client group)."""

    HOMELESS_FAMILIES = "homeless_families"
    OFFENDERS = "offenders"
    OLDER_PEOPLE = "older_people"
    DOMESTIC_VIOLENCE = "domestic_violence"
    PHYSICAL_OR_SENSORY_DISABILITY = "physical_or_sensory_disability"
    ALCOHOL = "alcohol"
    DRUGS = "drugs"
    HIV_AIDS = "hiv_aids"
    LEARNING_DISABILITIES = "learning_disabilities"
    MENTAL_HEALTH = "mental_health"
    REFUGEES = "refugees"
    ROUGH_SLEEPERS = "rough_sleepers"
    SINGLE_HOMELESS = "single_homeless"
    TEENAGE_PARENTS = "teenage_parents"
    YOUNG_PEOPLE_AT_RISK = "young_people_at_risk"
    YOUNG_PEOPLE_LEAVING_CARE = "young_people_leaving_care"


class CapitalFunding(enum.StrEnum):
    """Capital the offeror seeks (strategy: RTB receipts up to 30% of scheme cost)."""

    RIGHT_TO_BUY_RECEIPTS = "right_to_buy_receipts"
    HOMES_ENGLAND = "homes_england"
    NHS_ENGLAND = "nhs_england"
    COUNCIL_LAND = "council_land"


class SiteStatus(enum.StrEnum):
    OWNED = "owned"
    UNDER_OPTION = "under_option"
    NOT_YET_FOUND = "not_yet_found"


LABELS: dict[enum.StrEnum, str] = {
    DevelopmentType.NEW_BUILD: "New build",
    DevelopmentType.CONVERSION: "Conversion",
    DevelopmentType.REFURBISHMENT: "Refurbishment",
    DevelopmentType.EXISTING_STOCK: "Existing stock",
    DevelopmentType.OPEN_MARKET_PURCHASE: "Open-market purchase",
    PlanningStatus.NOT_NEEDED: "Planning permission is not needed",
    PlanningStatus.NOT_YET_APPLIED: "Not yet applied for",
    PlanningStatus.APPLIED: "Applied for, waiting for a decision",
    PlanningStatus.GRANTED: "Granted",
    PlanningStatus.REFUSED: "Refused",
    Configuration.CORE_AND_CLUSTER: "Self-contained flats, core and cluster",
    Configuration.SELF_CONTAINED_BLOCK: "Self-contained flats in one block",
    Configuration.SELF_CONTAINED_DISPERSED: "Self-contained homes, dispersed",
    Configuration.SHARED_HOUSE: "Shared house",
    Configuration.EXTRA_CARE: "Extra care",
    Configuration.OTHER: "Other",
    UnitKind.STUDIO: "Studio",
    UnitKind.ONE_BED: "1-bedroom flat",
    UnitKind.TWO_BED: "2-bedroom flat",
    UnitKind.SHARED_ROOM: "Room in a shared house or shared flat",
    UnitKind.THREE_BED: "3-bedroom flat",
    UnitKind.FOUR_BED: "Flat with 4 or more bedrooms",
    UnitKind.HOUSE: "House",
    UnitKind.BUNGALOW: "Bungalow",
    AccessibilityStandard.M4_1: "M4(1) visitable dwellings",
    AccessibilityStandard.M4_2: "M4(2) accessible and adaptable dwellings",
    AccessibilityStandard.M4_3: "M4(3) wheelchair user dwellings",
    SupportModel.ON_SITE_24_7: "24/7 support on site",
    SupportModel.REGULAR_ON_SITE: "Regular support on site",
    SupportModel.FLOATING: "Floating support",
    SupportModel.NONE: "No support",
    LandlordType.REGISTERED_PROVIDER: "Registered provider or housing association",
    LandlordType.COUNCIL: "Council",
    LandlordType.CHARITY: "Registered charity",
    LandlordType.VOLUNTARY_ORGANISATION: "Voluntary organisation",
    LandlordType.PRIVATE_LANDLORD: "Private landlord",
    LeaseModel.LANDLORD_MANAGES: "The landlord manages the homes itself",
    LeaseModel.LEASE_TO_PROVIDER: "Leased to a registered provider or charity",
    LeaseModel.MANAGING_AGENT: "Managed by a managing agent",
    LeaseModel.OTHER: "Other",
    RentType.SOCIAL: "Social rent",
    RentType.AFFORDABLE: "Affordable rent",
    RentType.INTERMEDIATE: "Intermediate rent",
    FrameworkStatus.ON_FRAMEWORK: "Yes, on the Supported Living Framework",
    FrameworkStatus.NOT_ON_FRAMEWORK: "No",
    FrameworkStatus.NOT_KNOWN: "Not known yet",
    VoidPayer.LANDLORD_OR_PROVIDER: "The landlord or provider",
    VoidPayer.COUNCIL: "The council",
    VoidPayer.SHARED: "Shared between the council and the landlord or provider",
    VoidsFrom.FROM_HANDOVER: "From handover",
    VoidsFrom.AFTER_WEEKS_EMPTY: "After a home has been empty for a number of weeks",
    VoidRateBasis.PERCENT_OF_RENT: "A percentage of the rent and charges",
    VoidRateBasis.POUNDS_PER_WEEK: "An amount in pounds a week for each empty home",
    Repairs.LANDLORD: "The landlord",
    Repairs.PROVIDER: "The provider",
    Repairs.SHARED: "Shared between the landlord and the provider",
    IntendedStay.VERY_SHORT: "Very short stay: up to one month",
    IntendedStay.SHORT: "Short stay: up to one year",
    IntendedStay.MEDIUM: "Medium stay: more than one year, with an expectation to move on",
    IntendedStay.PERMANENT: "Permanent: a home for life, with no requirement to move",
    TenancyType.ASSURED: "Assured tenancy",
    TenancyType.ASSURED_SHORTHOLD: "Assured shorthold tenancy",
    TenancyType.SECURE: "Secure tenancy",
    TenancyType.LICENCE: "Licence agreement",
    TenancyType.OTHER: "Other",
    SupportLevel.LOW: "Low level: staff visit once a week, fortnightly or less",
    SupportLevel.MEDIUM: "Medium level: staff on site daily or visiting often, some out-of-hours cover",
    SupportLevel.HIGH: "High level: intensive staffing 24 hours a day",
    SupportLevel.FLOATING: "Floating support",
    ClientGroup.HOMELESS_FAMILIES: "Homeless families with support needs",
    ClientGroup.OFFENDERS: "Offenders and people at risk of offending",
    ClientGroup.OLDER_PEOPLE: "Older people with support needs",
    ClientGroup.DOMESTIC_VIOLENCE: "People at risk of domestic violence",
    ClientGroup.PHYSICAL_OR_SENSORY_DISABILITY: "People with a physical or sensory disability",
    ClientGroup.ALCOHOL: "People with alcohol problems",
    ClientGroup.DRUGS: "People with drug problems",
    ClientGroup.HIV_AIDS: "People with HIV or AIDS",
    ClientGroup.LEARNING_DISABILITIES: "People with learning disabilities",
    ClientGroup.MENTAL_HEALTH: "People with mental health problems",
    ClientGroup.REFUGEES: "Refugees (permanent)",
    ClientGroup.ROUGH_SLEEPERS: "Rough sleepers",
    ClientGroup.SINGLE_HOMELESS: "Single homeless people with support needs",
    ClientGroup.TEENAGE_PARENTS: "Teenage parents",
    ClientGroup.YOUNG_PEOPLE_AT_RISK: "Young people at risk",
    ClientGroup.YOUNG_PEOPLE_LEAVING_CARE: "Young people leaving care",
    CapitalFunding.RIGHT_TO_BUY_RECEIPTS: "Right to Buy receipts from the council",
    CapitalFunding.HOMES_ENGLAND: "Homes England grant",
    CapitalFunding.NHS_ENGLAND: "NHS England capital",
    CapitalFunding.COUNCIL_LAND: "Council land or buildings",
    SiteStatus.OWNED: "Owned",
    SiteStatus.UNDER_OPTION: "Under option or contract to buy",
    SiteStatus.NOT_YET_FOUND: "Not yet found",
}


def label(value: enum.StrEnum) -> str:
    return LABELS[value]


def choices(enum_type: type[enum.StrEnum]) -> list[tuple[str, str]]:
    return [(member.value, LABELS[member]) for member in enum_type]


# The cohort whose supported accommodation Ofsted must register (policy cohort code).
LOOKED_AFTER = "looked_after_16_17"


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class UnitType(_Strict):
    """One kind of unit in the offer, with its facilities and weekly charges."""

    kind: UnitKind
    count: int = Field(ge=1, le=2000)
    own_bathroom: bool
    own_kitchen: bool
    most_people_sharing: int = Field(ge=1, le=20, description="Most people sharing facilities")
    core_rent_pence: int = Field(ge=0, description="Weekly core rent, pence")
    eligible_service_charge_pence: int = Field(ge=0)
    ineligible_service_charge_pence: int = Field(ge=0)
    ineligible_charges_cover: str = ""
    intensive_housing_management_pence: int = Field(ge=0, default=0)
    # Homes (issue 13). Bedrooms: said for a house, a bungalow or a flat with 4 or
    # more; other kinds have their own (KIND_BEDROOMS). Accessibility is counted per
    # unit type: how many of its homes are wheelchair accessible, fully adapted,
    # reached without steps (level access), on an upper floor served by a lift, and
    # fitted with assistive technology. None: not said (offers from before issue 13
    # are given their offer-level answers, see OfferData).
    bedrooms: int | None = Field(default=None, ge=1, le=10)
    wheelchair_accessible: int | None = Field(default=None, ge=0)
    fully_adapted: int | None = Field(default=None, ge=0)
    level_access: int | None = Field(default=None, ge=0)
    lift: int | None = Field(default=None, ge=0)
    assistive_technology: int | None = Field(default=None, ge=0)

    @model_validator(mode="after")
    def _homes_within_count(self) -> UnitType:
        for name in ACCESS_FIELDS:
            value = getattr(self, name)
            if value is not None and value > self.count:
                raise ValueError(f"{name} ({value}) is more than the {self.count} homes")
        return self

    @property
    def bedroom_count(self) -> int:
        """Bedrooms in each home: the kind's, or what the unit type says (a house
        or larger flat whose bedrooms are not said is taken to have 3)."""
        return KIND_BEDROOMS[self.kind] or self.bedrooms or 3

    @property
    def step_free(self) -> int | None:
        """Homes a wheelchair user can reach: level access, or on an upper floor
        served by a lift. None when level access was not said (offers from before
        issue 13, whose lift answer was for the building, not for each home)."""
        if self.level_access is None:
            return None
        return min(self.count, self.level_access + (self.lift or 0))


ACCESS_FIELDS = (
    "wheelchair_accessible",
    "fully_adapted",
    "level_access",
    "lift",
    "assistive_technology",
)


class OfferAddress(_Strict):
    """One address of a dispersed scheme, with its own postcode and units."""

    address: str = ""
    postcode: str
    units: int = Field(ge=1, le=2000)


def spread(total: int, counts: list[int]) -> list[int]:
    """`total` homes given to unit types in order, each capped by its count: how an
    offer-level answer from before issue 13 is shared (migration 0023 does the same)."""
    given = []
    for count in counts:
        take = max(0, min(total, count))
        given.append(take)
        total -= take
    return given


# The offer format's version (docs/offer.schema.json). 1: before issue 13 (no rent
# type, nomination rights or registration: read with those "not said"); 2: with
# them, voids a yes/no; 3: now, with the offer's terms (voids, lease, length of
# stay, tenancy, CORE client groups and support level, capital funding, site,
# confidential address). Versions 1 and 2 are read with the terms "not said".
OFFER_SCHEMA_VERSION: Literal[1, 2, 3] = 3
OFFER_SCHEMA_VERSIONS_READ = (1, 2, 3)


class OfferData(_Strict):
    """An offer as the scoring rules will take it."""

    schema_version: Literal[1, 2, 3] = Field(
        default=OFFER_SCHEMA_VERSION,
        description=(
            "The offer format's version: 3 (current); 1 and 2 are read, their newer "
            "answers not said"
        ),
    )
    reference: str | None = None
    name: str
    postcode: str
    development_type: DevelopmentType
    planning_status: PlanningStatus
    site_area_hectares: float | None = None
    date_available: date | None = None
    configuration: Configuration
    unit_types: list[UnitType] = Field(min_length=1)
    communal_space: bool
    staff_office: bool
    # Offer-level accessibility, as offers before issue 13 said it: now each unit
    # type says it, and these are its totals (see _homes_per_unit_type).
    wheelchair_accessible_units: int = Field(default=0, ge=0)
    fully_adapted_units: int = Field(default=0, ge=0)
    assistive_technology: bool = False
    lift: bool = False
    accessibility_standard: AccessibilityStandard
    cohorts: list[str] = Field(min_length=1)
    support_model: SupportModel
    age_min: int = Field(ge=16, le=120)
    age_max: int = Field(ge=16, le=120)
    landlord_name: str
    landlord_type: LandlordType
    landlord_provides_care_support_or_supervision: bool
    lease_model: LeaseModel
    # Optional until the form asks: social rent is the usual supported housing let.
    rent_type: RentType = RentType.SOCIAL
    # Nomination rights (Appendix C): the share of homes the council nominates to,
    # in per cent, and for how many years. None: not said (offers from before the
    # question was asked).
    nomination_share_percent: int | None = Field(default=None, ge=0, le=100)
    nomination_term_years: int | None = Field(default=None, ge=0, le=125)
    care_provider_name: str | None = None
    care_provider_framework_status: FrameworkStatus | None = None
    care_hours_per_person_per_week: float | None = Field(default=None, ge=0, le=168)
    care_cost_pence_per_person_per_week: int | None = None
    # Registration (issue 13). None: not asked (no care bundled, no looked-after
    # 16-17-year-olds) or an offer from before the question was asked.
    cqc_registered: bool | None = None
    ofsted_registered: bool | None = None
    # --- The offer's terms (issue 13, format version 3). None: not said. ---------
    # Void liability: who pays for an empty home, from when, at what rate, how long.
    # Versions 1 and 2 said only yes/no to "the council is asked to cover voids":
    # read as the council paying (terms not said) or the landlord or provider.
    void_payer: VoidPayer
    voids_from: VoidsFrom | None = None
    voids_from_weeks: int | None = Field(default=None, ge=1, le=520)
    void_rate_basis: VoidRateBasis | None = None
    void_rate_percent: int | None = Field(default=None, ge=1, le=100)
    void_rate_pence_per_week: int | None = Field(default=None, ge=1)
    void_cover_months: int | None = Field(
        default=None, ge=1, le=1500, description="How long the council pays for voids, months"
    )
    # Lease or management terms (when the homes are leased or managed by another).
    lease_years: int | None = Field(default=None, ge=0, le=999)
    break_clause: bool | None = None
    break_clause_after_years: int | None = Field(default=None, ge=0, le=999)
    repairs_by: Repairs | None = None
    # Length of stay, tenancy, client groups and support level, as CORE records them.
    intended_stay: IntendedStay | None = None
    tenancy_type: TenancyType | None = None
    client_groups: list[ClientGroup] | None = None
    support_level: SupportLevel | None = None
    # Capital sought ([] none); the share of scheme cost asked of RTB receipts.
    capital_funding: list[CapitalFunding] | None = None
    right_to_buy_percent: int | None = Field(default=None, ge=1, le=100)
    site_status: SiteStatus | None = None
    # Ministry of Justice / Transforming Care homes: the address is never published.
    confidential_address: bool = False
    # A dispersed scheme's addresses (issue 13), each with its postcode and units;
    # empty for a scheme at one address (`postcode`).
    addresses: list[OfferAddress] = Field(default_factory=list)

    @model_validator(mode="before")
    @classmethod
    def _homes_per_unit_type(cls, data: Any) -> Any:
        """Accessibility lives on the unit types. An offer whose unit types say
        nothing of it (formats 1 and 2) has its offer-level answers shared out in
        order, capped by each type's count; otherwise the offer-level figures are
        the unit types' totals."""
        if not isinstance(data, dict) or not isinstance(data.get("unit_types"), list):
            return data
        units = [
            unit.model_dump() if isinstance(unit, BaseModel) else unit
            for unit in data["unit_types"]
        ]
        if not all(isinstance(unit, dict) for unit in units):
            return data
        units = [dict(unit) for unit in units]
        said = any(unit.get(name) is not None for unit in units for name in ACCESS_FIELDS)
        data = dict(data)
        if not said:
            counts = [unit["count"] if isinstance(unit.get("count"), int) else 0 for unit in units]
            wheelchair = data.get("wheelchair_accessible_units") or 0
            adapted = data.get("fully_adapted_units") or 0
            if not isinstance(wheelchair, int) or not isinstance(adapted, int):
                return data
            answers = {name: data.get(name) for name in ("assistive_technology", "lift")}
            for unit, count, w, a in zip(
                units, counts, spread(wheelchair, counts), spread(adapted, counts), strict=True
            ):
                unit["wheelchair_accessible"] = w
                unit["fully_adapted"] = a
                for name, answer in answers.items():
                    if isinstance(answer, bool):
                        unit[name] = count if answer else 0
            data["unit_types"] = units
            return data

        def total(name: str) -> int:
            return sum(unit.get(name) or 0 for unit in units)

        data["wheelchair_accessible_units"] = total("wheelchair_accessible")
        data["fully_adapted_units"] = total("fully_adapted")
        data["assistive_technology"] = total("assistive_technology") > 0
        data["lift"] = total("lift") > 0
        return data

    @model_validator(mode="after")
    def _addresses_hold_the_units(self) -> OfferData:
        held = sum(address.units for address in self.addresses)
        if self.addresses and held != self.total_units:
            raise ValueError(
                f"the addresses' units ({held}) must add up to the offer's {self.total_units} units"
            )
        return self

    @property
    def postcodes(self) -> list[str]:
        """Every postcode of the offer: its own, then each address's, once each
        (for the location rule: a dispersed scheme is in several places)."""
        return list(dict.fromkeys([self.postcode, *(a.postcode for a in self.addresses)]))

    @model_validator(mode="before")
    @classmethod
    def _voids_from_older_versions(cls, data: Any) -> Any:
        """Versions 1 and 2 answered voids yes/no: yes is the council paying (its
        terms not said), no the landlord or provider bearing them."""
        if isinstance(data, dict) and "council_asked_to_cover_voids" in data:
            data = dict(data)
            asked = data.pop("council_asked_to_cover_voids")
            if "void_payer" in data or not isinstance(asked, bool):
                return data | {"council_asked_to_cover_voids": asked}  # refused as extra
            data["void_payer"] = VoidPayer.COUNCIL if asked else VoidPayer.LANDLORD_OR_PROVIDER
        return data

    @property
    def council_asked_to_cover_voids(self) -> bool:
        """Whether the council would carry any of the cost of empty homes."""
        return self.void_payer in (VoidPayer.COUNCIL, VoidPayer.SHARED)

    @property
    def total_units(self) -> int:
        return sum(unit.count for unit in self.unit_types)
