"""The public "What we need" brief: what the council still needs, from the policy
in force and the supply figures of the commissioners' dashboard (issue 14).

Every figure is a total for a cohort or for the city, read from
`supply.dashboard` (so it equals the dashboard's) and the policy: nothing here
names an offer, an organisation or a person, and no per-status count of offers
is shown (a count of one would point at one offer).
"""

from __future__ import annotations

from dataclasses import asdict, dataclass
from datetime import date
from typing import Any

from rules import existing_supply
from rules.offer import LandlordType, label
from rules.policy_data import Policy
from triage import clock
from triage.services import supply, supply_register

LHA_SIZES = (
    ("shared_accommodation", "Shared accommodation rate"),
    ("one_bed", "1 bedroom"),
    ("two_bed", "2 bedrooms"),
    ("three_bed", "3 bedrooms"),
    ("four_bed", "4 bedrooms"),
)


@dataclass(frozen=True)
class PlannedScheme:
    phase: int
    period: str
    scheme: str
    units: int
    site_needed: bool


@dataclass(frozen=True)
class CohortNeed:
    code: str
    label: str
    forecast: int
    planned: int
    # The dashboard's "remaining unmet need" for the cohort, as it is now.
    remaining: int
    # The last year planned schemes and approved homes are expected by, and what is
    # still unmet then (the dashboard's timeline); None with no dated supply.
    met_until: str | None
    best_fit: str
    shared_house_welcome: bool
    schemes: list[PlannedScheme]

    @property
    def phase(self) -> str:
        """The phases of the planned schemes that meet this cohort's need, in words."""
        if not self.schemes:
            return "No scheme planned"
        return "; ".join(
            f"Phase {scheme.phase} ({scheme.period}): {scheme.scheme}, {scheme.units} units"
            + (", site still needed" if scheme.site_needed else "")
            for scheme in self.schemes
        )


@dataclass(frozen=True)
class RentRange:
    landlord: str
    soft_min_pence: int | None
    soft_max_pence: int | None


@dataclass(frozen=True)
class Rate:
    size: str
    weekly_pence: int
    monthly_pence: int


@dataclass(frozen=True)
class District:
    district: str
    existing_units: int


@dataclass(frozen=True)
class PublicNeed:
    policy_version: str
    policy_effective_from: date
    policy_title: str
    figures_on: date
    cohorts: list[CohortNeed]
    total_forecast: int
    total_planned: int
    total_remaining: int
    confirmed_outside_forecast_units: int
    rent_ranges: list[RentRange]
    rent_ranges_source: str
    lha_rates: list[Rate]
    lha_source: str
    ineligible_charges: str
    largest_shared_house: int
    most_sharing_a_flat: int
    shared_house_cohorts: list[str]
    city_districts: list[str]
    # Postcode districts, least served first, from the existing-supply register;
    # empty while the register places no unit in an area.
    districts: list[District]
    framework_live_since: date

    def as_dict(self) -> dict[str, Any]:
        data = asdict(self)
        for cohort, row in zip(self.cohorts, data["cohorts"], strict=True):
            row["phase"] = cohort.phase
        # Open data: dates as ISO 8601, not a web framework's default.
        for key in ("policy_effective_from", "figures_on", "framework_live_since"):
            data[key] = data[key].isoformat()
        return data


def _planned(policy: Policy, code: str) -> list[PlannedScheme]:
    return [
        PlannedScheme(scheme.phase, scheme.period, scheme.scheme, scheme.units, scheme.site_needed)
        for scheme in policy.pipeline
        if code in scheme.counts_against
    ]


def public_need(policy: Policy) -> PublicNeed:
    """The brief, from the policy and the dashboard's figures now."""
    figures = supply.dashboard(policy)
    timelines = {row.code: row for row in figures.timeline.cohorts}
    cohorts = []
    for row in figures.cohorts:
        cohort = policy.cohort(row.code)
        assert cohort is not None
        line = timelines.get(row.code)
        dated = [point for point in line.points if point.when != supply.NO_DATE] if line else []
        cohorts.append(
            CohortNeed(
                code=row.code,
                label=row.label,
                forecast=row.forecast,
                planned=row.pipeline,
                remaining=row.remaining,
                met_until=dated[-1].when if dated else None,
                best_fit=cohort.best_fit,
                shared_house_welcome=cohort.shared_house_allowed,
                schemes=_planned(policy, row.code),
            )
        )
    benchmarks = policy.rent_benchmarks
    rent_ranges = [
        RentRange(
            label(LandlordType(key)),
            benchmarks.supported_housing_soft_min.get(key),
            benchmarks.supported_housing_soft_max.get(key),
        )
        for key in ("registered_provider", "council", "charity", "voluntary_organisation")
        if key in benchmarks.supported_housing_soft_max
    ]
    lha = policy.local_housing_allowance
    # Areas less well served: the existing-supply register's units in each city
    # district (issue 13), none listed while no unit in it has a postcode.
    supply_by_district = existing_supply.by_district(supply_register.register(), policy)
    if not any(supply_by_district.values()):
        supply_by_district = {}
    return PublicNeed(
        policy_version=policy.version,
        policy_effective_from=policy.effective_from,
        policy_title=policy.title,
        figures_on=clock.today_uk(),
        cohorts=cohorts,
        total_forecast=figures.totals.forecast,
        total_planned=figures.totals.pipeline,
        total_remaining=figures.totals.remaining,
        confirmed_outside_forecast_units=figures.totals.confirmed_outside_forecast_units,
        rent_ranges=rent_ranges,
        rent_ranges_source=policy.source_text(benchmarks.source),
        lha_rates=[
            Rate(name, int(getattr(lha.weekly, key)), int(getattr(lha.monthly, key)))
            for key, name in LHA_SIZES
        ],
        lha_source=policy.source_text(lha.source),
        ineligible_charges=policy.ineligible_service_charges_note,
        largest_shared_house=policy.shared_housing.largest_acceptable_shared_house,
        most_sharing_a_flat=policy.shared_housing.most_people_sharing_a_flat,
        shared_house_cohorts=[
            cohort.label for cohort in policy.cohorts if cohort.shared_house_allowed
        ],
        city_districts=list(policy.location.city_postcode_districts),
        districts=sorted(
            (District(name, int(units)) for name, units in supply_by_district.items()),
            key=lambda district: (district.existing_units, district.district),
        ),
        framework_live_since=policy.procurement.framework_live_since,
    )


def csv_rows(need: PublicNeed) -> list[list[object]]:
    """The page's figures as open data: the cohorts' need, then the rent ranges and
    the benefit limits, each table headed, a blank row between tables."""
    rows: list[list[object]] = [
        ["Policy version", need.policy_version],
        ["Policy in force from", need.policy_effective_from.isoformat()],
        ["Figures on", need.figures_on.isoformat()],
        [],
        [
            "Cohort code",
            "Cohort",
            "Forecast net need (units)",
            "Units in planned schemes",
            "Remaining need (units)",
            "Planned schemes by phase",
            "Best fit",
            "Shared house welcome",
        ],
    ]
    for cohort in need.cohorts:
        rows.append(
            [
                cohort.code,
                cohort.label,
                cohort.forecast,
                cohort.planned,
                cohort.remaining,
                cohort.phase,
                cohort.best_fit,
                "yes" if cohort.shared_house_welcome else "no",
            ]
        )
    rows.append(
        ["total", "All cohorts", need.total_forecast, need.total_planned, need.total_remaining]
    )
    rows.append([])
    rows.append(
        ["Landlord", "CORE soft minimum weekly rent (£)", "CORE soft maximum weekly rent (£)"]
    )
    for rent in need.rent_ranges:
        rows.append([rent.landlord, _pounds(rent.soft_min_pence), _pounds(rent.soft_max_pence)])
    rows.append([])
    rows.append(["Local Housing Allowance rate", "Weekly (£)", "Monthly, Universal Credit (£)"])
    for rate in need.lha_rates:
        rows.append([rate.size, _pounds(rate.weekly_pence), _pounds(rate.monthly_pence)])
    return rows


def _pounds(pence: int | None) -> float | str:
    return "" if pence is None else round(pence / 100, 2)
