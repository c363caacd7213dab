"""The people and places the placement matcher works on, as plain typed data.

The waiting-list import, the database and the `triage match` command all speak these
types. A person is pseudonymous: a reference the placement team chose, never a name.
"""

from __future__ import annotations

import enum
from dataclasses import dataclass, field
from datetime import date

from rules.offer import Configuration, SupportModel
from rules.tenant import TenantProfile


class Priority(enum.StrEnum):
    """The placement team's own priority bands, most urgent first."""

    URGENT = "urgent"
    HIGH = "high"
    MEDIUM = "medium"
    LOW = "low"


class SupportNeed(enum.StrEnum):
    """The support a person needs, on the same ladder as a scheme's support model."""

    FLOATING = "floating"
    REGULAR_ON_SITE = "regular_on_site"
    ON_SITE_24_7 = "on_site_24_7"


class AgeBand(enum.StrEnum):
    AGE_16_17 = "16-17"
    AGE_18_24 = "18-24"
    AGE_25_34 = "25-34"
    AGE_35_49 = "35-49"
    AGE_50_64 = "50-64"
    AGE_65_74 = "65-74"
    AGE_75_PLUS = "75+"


AGE_BAND_RANGES: dict[AgeBand, tuple[int, int]] = {
    AgeBand.AGE_16_17: (16, 17),
    AgeBand.AGE_18_24: (18, 24),
    AgeBand.AGE_25_34: (25, 34),
    AgeBand.AGE_35_49: (35, 49),
    AgeBand.AGE_50_64: (50, 64),
    AgeBand.AGE_65_74: (65, 74),
    AgeBand.AGE_75_PLUS: (75, 120),
}

# How much support each scheme model provides, on one ladder with SupportNeed.
SUPPORT_PROVIDED: dict[SupportModel, int] = {
    SupportModel.NONE: 0,
    SupportModel.FLOATING: 1,
    SupportModel.REGULAR_ON_SITE: 2,
    SupportModel.ON_SITE_24_7: 3,
}
SUPPORT_NEEDED: dict[SupportNeed, int] = {
    SupportNeed.FLOATING: 1,
    SupportNeed.REGULAR_ON_SITE: 2,
    SupportNeed.ON_SITE_24_7: 3,
}

LABELS: dict[enum.StrEnum, str] = {
    Priority.URGENT: "Urgent",
    Priority.HIGH: "High",
    Priority.MEDIUM: "Medium",
    Priority.LOW: "Low",
    SupportNeed.FLOATING: "Floating support",
    SupportNeed.REGULAR_ON_SITE: "Regular support on site",
    SupportNeed.ON_SITE_24_7: "24/7 support on site",
    **{band: band.value.replace("-", " to ").replace("75+", "75 and over") for band in AgeBand},
}


@dataclass(frozen=True)
class Person:
    """One person on the waiting list, pseudonymous."""

    reference: str
    cohort: str
    referred_on: date
    priority: Priority
    support_needed: SupportNeed
    self_contained_required: bool
    wheelchair_user: bool
    level_access_needed: bool
    age_band: AgeBand
    preferred_areas: frozenset[str] = frozenset()
    excluded_areas: frozenset[str] = frozenset()
    sharing_notes: str = ""
    # Set after a decline: the person is not proposed before this date.
    unavailable_until: date | None = None
    # Pseudonymous benefit facts for the rent affordability check (no name, no
    # date of birth): None when the team has not recorded them.
    benefit_profile: TenantProfile | None = None


@dataclass(frozen=True)
class Unit:
    """One vacant home: a flat, or a shared flat or house with several places."""

    reference: str
    scheme: str
    cohorts: frozenset[str]
    configuration: Configuration
    postcode_district: str
    support_model: SupportModel
    self_contained: bool
    wheelchair_accessible: bool
    level_access: bool
    places: int = 1
    age_min: int = 16
    age_max: int = 120
    # People already living in a shared home: newcomers must be able to share with them.
    occupants: frozenset[str] = frozenset()


@dataclass(frozen=True)
class SharingRules:
    """Who may share a home with whom, as the placement team recorded it.

    Only people recorded as able to share are proposed together in a home with more
    than one place; a person alone in such a home breaks nothing.
    """

    may_share: frozenset[frozenset[str]] = field(default_factory=frozenset)

    def compatible(self, first: str, second: str) -> bool:
        return first == second or frozenset((first, second)) in self.may_share
