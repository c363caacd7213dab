"""What an offer of accommodation says, as plain typed data.

The web form, the database and (later) the scoring rules all speak these types, so
the choices a submitter sees and the values a rule receives are one list. Money
is whole pence (int), never float.
"""

from __future__ import annotations

import enum
from datetime import date
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field


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


# The offer format's version (docs/offer.schema.json). 1: before issue 13 (no rent
# type, nomination rights or registration: read with those "not said"); 2: now.
OFFER_SCHEMA_VERSION: Literal[1, 2] = 2
OFFER_SCHEMA_VERSIONS_READ = (1, 2)


class OfferData(_Strict):
    """An offer as the scoring rules will take it."""

    schema_version: Literal[1, 2] = Field(
        default=OFFER_SCHEMA_VERSION,
        description="The offer format's version: 2 (current); 1 is read, its newer answers not said",
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
    wheelchair_accessible_units: int = Field(ge=0)
    fully_adapted_units: int = Field(ge=0)
    assistive_technology: bool
    lift: bool
    accessibility_standard: AccessibilityStandard
    cohorts: list[str] = Field(min_length=1)
    support_model: SupportModel
    age_min: int = Field(ge=16, le=120)
    age_max: int = Field(ge=16, le=120)
    landlord_name: str
    landlord_type: LandlordType
    landlord_provides_care_support_or_supervision: bool
    lease_model: LeaseModel
    council_asked_to_cover_voids: bool
    # Optional until the form asks: social rent is the usual supported housing let.
    rent_type: RentType = RentType.SOCIAL
    # Nomination rights (Appendix C): the share of homes the council nominates to,
    # in per cent, and for how many years. None: not said (offers from before the
    # question was asked).
    nomination_share_percent: int | None = Field(default=None, ge=0, le=100)
    nomination_term_years: int | None = Field(default=None, ge=0, le=125)
    care_provider_name: str | None = None
    care_provider_framework_status: FrameworkStatus | None = None
    care_hours_per_person_per_week: float | None = None
    care_cost_pence_per_person_per_week: int | None = None
    # Registration (issue 13). None: not asked (no care bundled, no looked-after
    # 16-17-year-olds) or an offer from before the question was asked.
    cqc_registered: bool | None = None
    ofsted_registered: bool | None = None

    @property
    def total_units(self) -> int:
        return sum(unit.count for unit in self.unit_types)
