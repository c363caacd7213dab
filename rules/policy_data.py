"""The policy as data: its schema, and reading it from rules/policy/*.yaml.

A file is validated when it is read: a bad one is refused with the file, the key
and the problem named, so a typo never becomes policy. Money in the files is
pounds and pence (91.00); here it is whole pence.
"""

from __future__ import annotations

from datetime import date, datetime
from functools import cache
from itertools import pairwise
from pathlib import Path
from typing import Literal
from zoneinfo import ZoneInfo

import yaml
from pydantic import (
    BaseModel,
    ConfigDict,
    Field,
    ValidationError,
    field_validator,
    model_validator,
)

from rules.guidance_settings import GuidanceSettings
from rules.money import Pence, to_pence
from rules.offer import ClientGroup, IntendedStay
from rules.tenant import TenantProfile

POLICY_DIR = Path(__file__).parent / "policy"
RULE_NAMES = (
    "rent_affordability",
    "shared_housing",
    "configuration",
    "cohort_need",
    "procurement",
    "location",
    "quality",
    "terms",
    "deliverability",
)
# Rules added after policy files were written: a file without a weight for one
# gives it 0 (its result is shown with its reasons, and counts for nothing).
LATER_RULES = ("terms", "deliverability")
CONFIGURATIONS = (
    "core_and_cluster",
    "self_contained_block",
    "self_contained_dispersed",
    "shared_house",
    "extra_care",
    "other",
)


_to_pence = to_pence  # read policy money as whole pence (rules/money.py)


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class Band(_Strict):
    name: str
    label: str
    min_score: float = Field(ge=0, le=100)


class VerdictThresholds(_Strict):
    green: float = Field(ge=0, le=100)
    amber: float = Field(ge=0, le=100)

    @model_validator(mode="after")
    def _ordered(self) -> VerdictThresholds:
        if self.amber > self.green:
            raise ValueError("amber must not be above green")
        return self


class Scoring(_Strict):
    source: str
    weights: dict[str, float]
    bands: list[Band] = Field(min_length=1)
    verdict_thresholds: VerdictThresholds
    # The best band an offer with any red verdict can reach ("a red flag caps the
    # band at C"); None (an older policy): red flags are listed but cap nothing.
    red_flag_max_band: str | None = None
    # How much a unit counts towards need that is met on paper only by planned
    # schemes with no firm completion date (0: not at all, 1: in full).
    unfirmed_need_weight: float = Field(default=0.5, ge=0, le=1)

    @field_validator("weights")
    @classmethod
    def _every_rule_weighted(cls, weights: dict[str, float]) -> dict[str, float]:
        weights = weights | {name: 0.0 for name in LATER_RULES if name not in weights}
        missing = sorted(set(RULE_NAMES) - set(weights))
        unknown = sorted(set(weights) - set(RULE_NAMES))
        if missing:
            raise ValueError(f"no weight for {', '.join(missing)}")
        if unknown:
            raise ValueError(f"no rule called {', '.join(unknown)}")
        if any(weight < 0 for weight in weights.values()) or sum(weights.values()) <= 0:
            raise ValueError("weights must be 0 or more and not all 0")
        return weights

    @field_validator("bands")
    @classmethod
    def _bands_descend_to_zero(cls, bands: list[Band]) -> list[Band]:
        scores = [band.min_score for band in bands]
        if scores != sorted(scores, reverse=True):
            raise ValueError("bands must be listed from the highest min_score down")
        if scores[-1] != 0:
            raise ValueError("the last band must have min_score 0, so every offer has a band")
        return bands

    @model_validator(mode="after")
    def _cap_is_a_band(self) -> Scoring:
        names = [band.name for band in self.bands]
        if self.red_flag_max_band is not None and self.red_flag_max_band not in names:
            raise ValueError(f"red_flag_max_band must be one of {', '.join(names)}")
        return self

    def band(self, name: str) -> Band:
        return next(band for band in self.bands if band.name == name)


class QueueSettings(_Strict):
    source: str
    red_flags: Literal["first", "last"]
    order: list[Literal["band", "score", "waiting"]] = Field(min_length=1)
    target_days: int = Field(ge=1, le=365)

    @field_validator("order")
    @classmethod
    def _no_repeats(cls, order: list[str]) -> list[str]:
        if len(set(order)) != len(order):
            raise ValueError("each of band, score and waiting at most once")
        return order


class RentSettings(_Strict):
    source: str
    shortfall_green_max: Pence
    shortfall_red_min: Pence
    residual_income_red_below: Pence
    exempt_rent_red_multiple: float = Field(ge=1)
    # Moved to terms.council_voids_penalty (issue 13): read from older files, unused.
    void_cover_penalty: float | None = Field(default=None, ge=0, le=100)
    social_rent_size_criteria_reduction: float = Field(ge=0, lt=1)
    source_size_criteria: str

    @model_validator(mode="after")
    def _ordered(self) -> RentSettings:
        if self.shortfall_green_max > self.shortfall_red_min:
            raise ValueError("shortfall_green_max must not be above shortfall_red_min")
        return self


class LhaRates(_Strict):
    shared_accommodation: Pence
    one_bed: Pence
    two_bed: Pence
    three_bed: Pence
    four_bed: Pence


class LocalHousingAllowance(_Strict):
    source: str
    weekly: LhaRates
    monthly: LhaRates


LandlordKey = Literal["registered_provider", "council", "charity", "voluntary_organisation"]


RentTypeKey = Literal["social", "affordable", "intermediate"]


class RentBenchmarks(_Strict):
    source: str
    supported_housing_soft_max: dict[LandlordKey, Pence]
    supported_housing_soft_min: dict[LandlordKey, Pence]
    # CORE's supported housing soft maximum by rent type and landlord, where CORE
    # has a row; a landlord or rent type without one falls back to the row above.
    soft_max_by_rent_type: dict[RentTypeKey, dict[LandlordKey, Pence]] = {}

    def soft_max(self, landlord: str, rent_type: str) -> int | None:
        by_type = self.soft_max_by_rent_type.get(rent_type, {})  # type: ignore[call-overload]
        found = by_type.get(landlord)
        if found is not None:
            return int(found)
        fallback = self.supported_housing_soft_max.get(landlord)  # type: ignore[call-overload]
        return None if fallback is None else int(fallback)


class StandardAllowance(_Strict):
    under_25: Pence
    aged_25_or_over: Pence


class PipDailyLiving(_Strict):
    standard: Pence
    enhanced: Pence


class DisabilityBenefitRates(_Strict):
    """Weekly rates of the disability benefits a tenant may receive. Attendance
    Allowance is counted at its lower rate (the profile does not say which)."""

    pip_daily_living_standard: Pence
    pip_daily_living_enhanced: Pence
    dla_care_low: Pence
    dla_care_middle: Pence
    dla_care_high: Pence
    attendance_allowance: Pence
    afip: Pence


class TenantIncome(_Strict):
    source: str
    uc_standard_allowance_monthly: StandardAllowance
    # The protected LCWRA (health) element, for a claim from before 6 April 2026.
    lcwra_monthly: Pence
    # UC Act 2025: a claim first assessed from 6 April 2026 (none in an older policy:
    # the protected figure is used).
    lcwra_new_claim_monthly: Pence | None = None
    disability_benefits_weekly: DisabilityBenefitRates | None = None
    # Older policy files give PIP only.
    pip_daily_living_weekly: PipDailyLiving | None = None
    pension_credit_guarantee_weekly: Pence
    # Pension Credit additional amount for severe disability (SPC Regs 2002 Sch I
    # para 2), paid where the severe disability premium conditions are met.
    pension_credit_severe_disability_weekly: Pence = 0
    # Older policy files set one State Pension age; it now follows the date of
    # birth (rules/pension_age.py) and this figure is not used.
    state_pension_age: int | None = Field(default=None, ge=60, le=75)

    @model_validator(mode="after")
    def _rates_given(self) -> TenantIncome:
        if self.disability_benefits_weekly is None and self.pip_daily_living_weekly is None:
            raise ValueError("give disability_benefits_weekly")
        return self

    def disability_rates(self) -> DisabilityBenefitRates:
        if self.disability_benefits_weekly is not None:
            return self.disability_benefits_weekly
        pip = self.pip_daily_living_weekly
        assert pip is not None
        # An older policy: only PIP is known; the other benefits count as nothing.
        # Already pence: built without validation, which would read them as pounds.
        return DisabilityBenefitRates.model_construct(
            pip_daily_living_standard=pip.standard,
            pip_daily_living_enhanced=pip.enhanced,
            dla_care_low=0,
            dla_care_middle=0,
            dla_care_high=0,
            attendance_allowance=0,
            afip=0,
        )


TypicalTenant = TenantProfile  # the name older code used


class Fit(_Strict):
    configurations: list[str] = Field(min_length=1)
    min_units: int | None = Field(default=None, ge=1)
    max_units: int | None = Field(default=None, ge=1)

    @field_validator("configurations")
    @classmethod
    def _known(cls, configurations: list[str]) -> list[str]:
        unknown = [name for name in configurations if name not in CONFIGURATIONS]
        if unknown:
            raise ValueError(f"unknown configuration {', '.join(unknown)}")
        return configurations


SupportModelKey = Literal["none", "floating", "regular_on_site", "on_site_24_7"]


class AgeRange(_Strict):
    """The ages a cohort's people are (the strategy's words: "over 60", "16-17");
    no `max`: any age from `min`."""

    min: int = Field(ge=16, le=120)
    max: int | None = Field(default=None, ge=16, le=120)

    @model_validator(mode="after")
    def _ordered(self) -> AgeRange:
        if self.max is not None and self.max < self.min:
            raise ValueError("max must not be below min")
        return self

    def contains(self, age: int) -> bool:
        return self.min <= age and (self.max is None or age <= self.max)

    def overlaps(self, low: int, high: int) -> bool:
        return low <= (self.max if self.max is not None else 120) and high >= self.min

    def describe(self) -> str:
        return f"aged {self.min} and over" if self.max is None else f"aged {self.min} to {self.max}"


class Cohort(_Strict):
    code: str = Field(pattern=r"^[a-z0-9_]+$")
    label: str
    group: str
    net_units: int = Field(ge=0)
    best_fit: str
    fits: list[Fit] = []
    # A range of typical tenants; one is marked `typical` (else the first is).
    # An older policy gives one `typical_tenant`.
    typical_tenants: list[TenantProfile] = []
    typical_tenant: TenantProfile | None = None
    shared_house_allowed: bool = False
    # The strategy asks for a specialist *registered* scheme (respite): a
    # CQC-registered scheme for the cohort is judged as that, not as shared housing.
    registered_scheme: bool = False
    # The ages the cohort's people are (issue 13: an offer's age range that leaves
    # them all out meets none of their need). None (an older file): not judged.
    ages: AgeRange | None = None
    # The support models that meet the cohort's needs, where the strategy says (issue
    # 13: rules/support.py); empty: any.
    support_models: list[SupportModelKey] = []
    source: str

    @model_validator(mode="after")
    def _some_tenant(self) -> Cohort:
        if not self.typical_tenants and self.typical_tenant is None:
            raise ValueError("give typical_tenants (a list) for the cohort")
        if sum(tenant.typical for tenant in self.typical_tenants) > 1:
            raise ValueError("at most one of the typical_tenants may be marked typical")
        return self

    def tenants(self) -> list[TenantProfile]:
        """The cohort's range of tenants, exactly one of them marked typical."""
        tenants = list(self.typical_tenants) or [self.typical_tenant]  # type: ignore[list-item]
        if not any(tenant.typical for tenant in tenants):
            tenants[0] = tenants[0].model_copy(update={"typical": True})
        return tenants


class SharedHousing(_Strict):
    source: str
    largest_acceptable_shared_house: int = Field(ge=1)
    most_people_sharing_a_flat: int = Field(ge=1)
    # How many shared houses the exception is for (the forecast asks for one): once
    # the register or approved offers provide them, it stops (issue 13).
    exception_houses_wanted: int = Field(default=1, ge=0)


class DesignSettings(_Strict):
    source: str = "strategy, Appendix B"
    # Extra care schemes need sites over this size (strategy: "Sites and locations
    # (>0.5 hectares) required to progress development").
    extra_care_min_site_hectares: float = Field(default=0.5, ge=0)


class PipelineScheme(_Strict):
    phase: int
    period: str
    scheme: str
    units: int = Field(ge=0)
    # Firm: a completion date the council relies on. An unfirmed scheme ("subject
    # to change") counts against need at its `confidence` (the share of its units
    # the council expects): the expected figure; the firm figure counts firm
    # schemes only. Without a confidence a scheme counts in full (older files).
    firm: bool
    confidence: float | None = Field(default=None, ge=0, le=1)
    site_needed: bool = False
    counts_against: list[str]
    note: str | None = None

    @property
    def expected_share(self) -> float:
        if self.firm:
            return 1.0
        return 1.0 if self.confidence is None else self.confidence


class SupplyCount(_Strict):
    schemes: int = Field(ge=0)
    units: int = Field(ge=0)


class ExistingSupply(_Strict):
    source: str
    extra_care: SupplyCount
    shared_house: SupplyCount
    supported_living: SupplyCount
    # Replaced by the existing-supply register staff keep (issue 13): an older
    # file's counts are read and ignored.
    by_postcode_district: dict[str, int] = {}


class Location(_Strict):
    source: str
    city_postcode_districts: list[str] = Field(min_length=1)
    outside_city_verdict: Literal["amber", "red"]
    # The city boundary as postcode sectors ("LE2 8"): districts LE1-LE5 also cover
    # parts of the county. A sector in `boundary_postcode_sectors` straddles the
    # boundary, so an offer there is amber until an officer checks the address.
    # Without sectors (older files) the districts decide, as before (issue 13).
    # `county_postcode_sectors` lie in a city district but wholly in the county;
    # a city district's sector on no list is checked by an officer, like a
    # straddling one, so an incomplete list never marks a city home outside.
    city_postcode_sectors: list[str] = []
    boundary_postcode_sectors: list[str] = []
    county_postcode_sectors: list[str] = []

    @field_validator(
        "city_postcode_sectors", "boundary_postcode_sectors", "county_postcode_sectors"
    )
    @classmethod
    def _sectors_written_alike(cls, sectors: list[str]) -> list[str]:
        return [" ".join(sector.upper().split()) for sector in sectors]


class Procurement(_Strict):
    source: str
    framework_live_since: date
    high_cost_care_weekly: Pence
    # Nomination rights the council looks for (Appendix C, issue 13): the share of
    # homes it nominates to, in per cent, for at least this many years. Council
    # settings; an older policy file without them asks for all homes for 10 years.
    nomination_share_wanted_percent: int = Field(default=100, ge=0, le=100)
    nomination_term_years_wanted: int = Field(default=10, ge=0, le=125)


class CohortStay(_Strict):
    """The lengths of stay (CORE categories) a cohort's pathway has, with its source."""

    stays: list[IntendedStay] = Field(min_length=1)
    pathway: str
    source: str


class TermsSettings(_Strict):
    """Points off the terms rule (issue 13); an older policy file without a `terms`
    section gets these defaults, the figures of the 2026-04-01 policy."""

    source: str = "council"
    council_voids_penalty: float = Field(default=30, ge=0, le=100)
    shared_voids_penalty: float = Field(default=15, ge=0, le=100)
    voids_from_handover_penalty: float = Field(default=10, ge=0, le=100)
    void_cover_months_max: int = Field(default=12, ge=0)
    long_void_cover_penalty: float = Field(default=10, ge=0, le=100)
    voids_terms_not_said_penalty: float = Field(default=10, ge=0, le=100)
    lease_to_provider_penalty: float = Field(default=20, ge=0, le=100)
    long_lease_years: int = Field(default=10, ge=0)
    long_lease_penalty: float = Field(default=10, ge=0, le=100)
    no_break_clause_penalty: float = Field(default=10, ge=0, le=100)
    provider_repairs_penalty: float = Field(default=5, ge=0, le=100)
    stay_mismatch_penalty: float = Field(default=25, ge=0, le=100)
    cohort_stays: dict[str, CohortStay] = {}
    licence_penalty: float = Field(default=15, ge=0, le=100)
    client_group_mismatch_penalty: float = Field(default=10, ge=0, le=100)
    cohort_client_groups: dict[str, list[ClientGroup]] = {}
    support_mismatch_penalty: float = Field(default=5, ge=0, le=100)
    right_to_buy_max_percent: int = Field(default=30, ge=0, le=100)
    right_to_buy_over_max_penalty: float = Field(default=25, ge=0, le=100)
    council_capital_penalty: float = Field(default=5, ge=0, le=100)
    site_not_found_penalty: float = Field(default=20, ge=0, le=100)
    site_under_option_penalty: float = Field(default=5, ge=0, le=100)


class Phase(_Strict):
    phase: int
    period: str
    from_year: int = Field(ge=2000, le=2100)
    to_year: int = Field(ge=2000, le=2100)


def strategy_phases() -> list[Phase]:
    """The strategy's proposed phasing (2021-2031), for a policy file written before
    the deliverability rule existed."""
    return [
        Phase(phase=1, period="up to 2022", from_year=2021, to_year=2022),
        Phase(phase=2, period="2022 to 2026", from_year=2022, to_year=2026),
        Phase(phase=3, period="2026 to 2030", from_year=2026, to_year=2030),
    ]


PlanningKey = Literal["granted", "not_needed", "applied", "not_yet_applied", "refused"]


def usual_planning_scores() -> dict[PlanningKey, float]:
    return {
        "granted": 100.0,
        "not_needed": 100.0,
        "applied": 65.0,
        "not_yet_applied": 55.0,
        "refused": 0.0,
    }


class Deliverability(_Strict):
    """Deliverability and timing (rules/deliverability.py). Council settings."""

    source: str = "council"
    planning_scores: dict[PlanningKey, float] = Field(default_factory=usual_planning_scores)
    planning_not_needed_doubt: float = Field(default=35, ge=0, le=100)
    phases: list[Phase] = Field(default_factory=strategy_phases, min_length=1)
    market_phase: int = 3
    after_phase_points_off: float = Field(default=10, ge=0, le=100)
    after_strategy_points_off: float = Field(default=40, ge=0, le=100)

    @field_validator("planning_scores")
    @classmethod
    def _every_status_scored(cls, scores: dict[str, float]) -> dict[str, float]:
        names = ("granted", "not_needed", "applied", "not_yet_applied", "refused")
        missing = [name for name in names if name not in scores]
        if missing:
            raise ValueError(f"no score for {', '.join(missing)}")
        if any(not 0 <= score <= 100 for score in scores.values()):
            raise ValueError("scores must be from 0 to 100")
        return scores

    @model_validator(mode="after")
    def _market_phase_listed(self) -> Deliverability:
        if self.market_phase not in [phase.phase for phase in self.phases]:
            raise ValueError("market_phase must be one of the phases")
        return self

    def phase(self, number: int) -> Phase | None:
        return next((phase for phase in self.phases if phase.phase == number), None)


class HoursRange(_Strict):
    min: float = Field(default=0, ge=0, le=168)
    max: float = Field(default=168, ge=0, le=168)


def usual_care_hours() -> dict[SupportModelKey, HoursRange]:
    return {
        "none": HoursRange(min=0, max=0),
        "floating": HoursRange(min=1, max=15),
        "regular_on_site": HoursRange(min=5, max=40),
        "on_site_24_7": HoursRange(min=10, max=168),
    }


class Care(_Strict):
    """Care and support bundled with the homes: a sense check of the offer's hours
    against its support model, and its cost per hour (rules/support.py)."""

    source: str = "council"
    hours_per_person_per_week: dict[SupportModelKey, HoursRange] = Field(
        default_factory=usual_care_hours
    )
    hours_unlike_support_points_off: float = Field(default=15, ge=0, le=100)
    high_cost_hourly: Pence | None = None
    high_cost_hourly_points_off: float = Field(default=10, ge=0, le=100)
    # A support model the offer's cohort needs more than (Cohort.support_models).
    support_unlike_cohort_points_off: float = Field(default=20, ge=0, le=100)


class AccessNeed(_Strict):
    """The share of an offer's homes a cohort needs wheelchair accessible, and fully
    adapted (issue 13; council settings)."""

    wheelchair_share: float = Field(ge=0, le=1)
    fully_adapted_share: float = Field(default=0, ge=0, le=1)


class Quality(_Strict):
    source: str
    wheelchair_share_wanted: float = Field(ge=0, le=1)
    standard_scores: dict[Literal["m4_1", "m4_2", "m4_3"], float]
    # Cohorts whose people more often need a wheelchair-accessible or fully adapted
    # home (issue 13), by cohort code; an older file without it: none.
    cohort_access_needs: dict[str, AccessNeed] = Field(default_factory=dict)

    @field_validator("standard_scores")
    @classmethod
    def _every_standard_scored(cls, scores: dict[str, float]) -> dict[str, float]:
        missing = [name for name in ("m4_1", "m4_2", "m4_3") if name not in scores]
        if missing:
            raise ValueError(f"no score for {', '.join(missing)}")
        return scores


class PriorityPoints(_Strict):
    urgent: int = Field(ge=0, le=1000)
    high: int = Field(ge=0, le=1000)
    medium: int = Field(ge=0, le=1000)
    low: int = Field(ge=0, le=1000)

    @model_validator(mode="after")
    def _ordered(self) -> PriorityPoints:
        bands = (
            ("urgent", self.urgent),
            ("high", self.high),
            ("medium", self.medium),
            ("low", self.low),
        )
        # The team's bands are an order: a lower band never outscores a higher one.
        for (higher, above), (lower, below) in pairwise(bands):
            if below > above:
                raise ValueError(f"{lower} must not score more than {higher}")
        return self


class PriorityWeight(_Strict):
    label: str = Field(min_length=1)
    points: PriorityPoints


class WaitingWeight(_Strict):
    label: str = Field(min_length=1)
    points_per_month: int = Field(ge=0, le=100)
    most_months_counted: int = Field(ge=0, le=600)


class FlatWeight(_Strict):
    label: str = Field(min_length=1)
    points: int = Field(ge=0, le=1000)


class Matching(_Strict):
    """How the placement matcher weighs eligible people for a home. Whole points, so
    totals compare exactly. Hard constraints are not here: they are never weighed."""

    source: str
    priority: PriorityWeight
    waiting: WaitingWeight
    preferred_area: FlatWeight
    # The unit's configuration is one of the person's cohort's `fits` (cohorts above).
    best_fit: FlatWeight


def first_matching_weights() -> Matching:
    """The weights first shipped (policy 2026-04-01), for a policy version written
    before placement matching existed, so a version an admin stored then still
    loads. A file that has a `matching` block is read as written."""
    return Matching(
        source="council",
        priority=PriorityWeight(
            label="Priority band",
            points=PriorityPoints(urgent=40, high=25, medium=10, low=0),
        ),
        waiting=WaitingWeight(label="Time waiting", points_per_month=1, most_months_counted=36),
        preferred_area=FlatWeight(label="Preferred area", points=10),
        best_fit=FlatWeight(label="Best fit of design to need", points=15),
    )


class Policy(_Strict):
    version: str = Field(min_length=1)
    effective_from: date
    title: str
    sources: dict[str, str]
    scoring: Scoring
    queue: QueueSettings
    rent: RentSettings
    local_housing_allowance: LocalHousingAllowance
    rent_benchmarks: RentBenchmarks
    tenant_income: TenantIncome
    ineligible_service_charges_note: str
    cohorts: list[Cohort] = Field(min_length=1)
    shared_housing: SharedHousing
    pipeline: list[PipelineScheme]
    existing_supply: ExistingSupply
    location: Location
    procurement: Procurement
    quality: Quality
    matching: Matching = Field(default_factory=first_matching_weights)
    design: DesignSettings = Field(default_factory=DesignSettings)
    # Issue 13: planning and timing; care hours and cost (older files: the defaults).
    deliverability: Deliverability = Field(default_factory=Deliverability)
    care: Care = Field(default_factory=Care)
    # Which checks give submitters guidance on their draft, in what words (issue 14).
    guidance: GuidanceSettings | None = None
    # The offer's terms (issue 13): voids, lease, stay, tenancy, capital, site.
    terms: TermsSettings = Field(default_factory=TermsSettings)

    @model_validator(mode="after")
    def _references_resolve(self) -> Policy:
        codes = [cohort.code for cohort in self.cohorts]
        if len(set(codes)) != len(codes):
            raise ValueError("cohort codes must be unique")
        for scheme in self.pipeline:
            unknown = [code for code in scheme.counts_against if code not in codes]
            if unknown:
                raise ValueError(
                    f"pipeline scheme {scheme.scheme!r} counts against unknown cohort {unknown[0]}"
                )
        named_sources = [
            self.scoring.source,
            self.queue.source,
            self.rent.source,
            self.local_housing_allowance.source,
            self.rent_benchmarks.source,
            self.tenant_income.source,
            self.shared_housing.source,
            self.existing_supply.source,
            self.location.source,
            self.procurement.source,
            self.quality.source,
            self.matching.source,
            *(cohort.source for cohort in self.cohorts),
        ]
        named_sources += [self.terms.source, *(s.source for s in self.terms.cohort_stays.values())]
        unknown_cohorts = sorted(
            (set(self.terms.cohort_stays) | set(self.terms.cohort_client_groups)) - set(codes)
        )
        if unknown_cohorts:
            raise ValueError(f"terms name unknown cohort {unknown_cohorts[0]}")
        # Sections an older file leaves out take their defaults, naming no source of its own.
        named_sources += [
            getattr(self, name).source
            for name in ("deliverability", "care")
            if name in self.model_fields_set
        ]
        for source in named_sources:
            if source.split(",")[0].strip() not in self.sources:
                raise ValueError(f"source {source!r} names no entry in sources")
        return self

    def cohort(self, code: str) -> Cohort | None:
        return next((cohort for cohort in self.cohorts if cohort.code == code), None)

    def source_text(self, source: str) -> str:
        key, _, rest = source.partition(",")
        text = self.sources.get(key.strip(), source)
        return f"{text} ({rest.strip()})" if rest.strip() else text


class PolicyError(ValueError):
    """A policy file that cannot be used, with where and why."""


def _describe(error: ValidationError) -> str:
    return "; ".join(
        f"{'.'.join(str(part) for part in problem['loc']) or '(top level)'}: {problem['msg']}"
        for problem in error.errors()
    )


def parse_policy(text: str, name: str) -> Policy:
    try:
        raw = yaml.safe_load(text)
    except yaml.YAMLError as error:
        raise PolicyError(f"{name}: cannot be read: {error}") from error
    if not isinstance(raw, dict):
        raise PolicyError(f"{name}: (top level): must be a mapping of keys to values")
    try:
        return Policy.model_validate(raw)
    except ValidationError as error:
        raise PolicyError(f"{name}: {_describe(error)}") from error


def load_policy(path: Path) -> Policy:
    try:
        text = path.read_text(encoding="utf-8")
    except OSError as error:
        raise PolicyError(f"{path.name}: cannot be read: {error}") from error
    return parse_policy(text, path.name)


@cache
def current_policy(today: date | None = None) -> Policy:
    """The newest policy in force on `today` (the latest file by effective date)."""
    policies = [load_policy(path) for path in sorted(POLICY_DIR.glob("*.yaml"))]
    # A UK calendar day: the council's, whatever the machine's zone.
    on = today or datetime.now(ZoneInfo("Europe/London")).date()
    in_force = [policy for policy in policies if policy.effective_from <= on]
    if not in_force:
        raise PolicyError(f"no policy in {POLICY_DIR} is in force on {on.isoformat()}")
    return max(in_force, key=lambda policy: policy.effective_from)
