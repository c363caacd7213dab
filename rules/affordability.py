"""Rent affordability: who pays the rent, how much benefits meet, and what the
tenant is left with.

For a typical tenant of each target cohort and each unit type the rule decides
the route (exempt accommodation paid by Housing Benefit with no LHA cap, or the
Universal Credit housing element, capped at the Local Housing Allowance for a
private landlord), then works out the weekly amount met, the weekly shortfall
the tenant carries (rent not met plus ineligible and, under UC, intensive housing
management charges) and what is left of the tenant's income. The least
affordable case sets the result.
"""

from __future__ import annotations

import enum
from dataclasses import dataclass

from rules.offer import LandlordType, OfferData, UnitKind, UnitType, label
from rules.policy_data import Cohort, Policy, TypicalTenant
from rules.result import (
    RuleResult,
    Verdict,
    clamp,
    monthly_from_weekly,
    pounds,
    weekly_from_monthly,
    worst,
)

RULE = "rent_affordability"
TITLE = "Rent affordability"

# Sch. 3 para 4(10), SI 2006/217: these landlords, when they (or someone on their
# behalf) provide care, support or supervision, let exempt accommodation.
EXEMPT_LANDLORDS = frozenset(
    {
        LandlordType.REGISTERED_PROVIDER,
        LandlordType.COUNCIL,
        LandlordType.CHARITY,
        LandlordType.VOLUNTARY_ORGANISATION,
    }
)
# For UC a "social landlord" is a registered provider or a council; anyone else
# lets on the private rented sector terms, capped at the LHA.
SOCIAL_LANDLORDS = frozenset({LandlordType.REGISTERED_PROVIDER, LandlordType.COUNCIL})
SHARED_ACCOMMODATION_AGE = 35
CARE_LEAVER_EXEMPTION_AGE = 25


class Route(enum.StrEnum):
    EXEMPT_HOUSING_BENEFIT = "exempt_housing_benefit"
    UC_SOCIAL = "uc_social_landlord"
    UC_PRIVATE_LHA = "uc_private_lha"
    PENSION_HB_SOCIAL = "pension_hb_social_landlord"
    PENSION_HB_PRIVATE_LHA = "pension_hb_private_lha"


ROUTE_WORDS = {
    Route.EXEMPT_HOUSING_BENEFIT: "exempt accommodation, so Housing Benefit meets the rent with no LHA cap",
    Route.UC_SOCIAL: "the Universal Credit housing element from a social landlord, which meets the actual rent (size criteria apply)",
    Route.UC_PRIVATE_LHA: "the Universal Credit housing element, capped at the Local Housing Allowance",
    Route.PENSION_HB_SOCIAL: "Housing Benefit for a tenant over State Pension age, from a social landlord",
    Route.PENSION_HB_PRIVATE_LHA: "Housing Benefit for a tenant over State Pension age, capped at the Local Housing Allowance",
}


@dataclass(frozen=True)
class UnitCase:
    cohort: Cohort
    unit: UnitType
    route: Route
    weekly_rent: int
    weekly_met: int
    rent_shortfall: int
    tenant_charges: int
    weekly_shortfall: int
    weekly_income: int
    residual: int
    lha_rate_name: str | None
    benchmark_max: int | None
    reasons: list[str]


def route_for(offer: OfferData, tenant: TypicalTenant, policy: Policy) -> Route:
    pension_age = tenant.age >= policy.tenant_income.state_pension_age
    exempt = (
        offer.landlord_type in EXEMPT_LANDLORDS
        and offer.landlord_provides_care_support_or_supervision
    )
    if exempt:
        return Route.EXEMPT_HOUSING_BENEFIT
    social = offer.landlord_type in SOCIAL_LANDLORDS
    if pension_age:
        return Route.PENSION_HB_SOCIAL if social else Route.PENSION_HB_PRIVATE_LHA
    return Route.UC_SOCIAL if social else Route.UC_PRIVATE_LHA


def lha_rate_name(tenant: TypicalTenant) -> str:
    """A single tenant's LHA entitlement: one bedroom, or the shared accommodation
    rate under 35 unless exempt (care leavers under 25, PIP daily living)."""
    exempt_from_shared_rate = tenant.pip_daily_living != "none" or (
        tenant.care_leaver and tenant.age < CARE_LEAVER_EXEMPTION_AGE
    )
    if tenant.age < SHARED_ACCOMMODATION_AGE and not exempt_from_shared_rate:
        return "shared_accommodation"
    return "one_bed"


LHA_RATE_WORDS = {"shared_accommodation": "shared accommodation rate", "one_bed": "1-bedroom rate"}


def weekly_income(tenant: TypicalTenant, policy: Policy) -> tuple[int, str]:
    income = policy.tenant_income
    if tenant.age >= income.state_pension_age:
        amount = income.pension_credit_guarantee_weekly
        return amount, f"Pension Credit guarantee {pounds(amount)} a week"
    allowance = (
        income.uc_standard_allowance_monthly.under_25
        if tenant.age < 25
        else income.uc_standard_allowance_monthly.aged_25_or_over
    )
    monthly = allowance + (income.lcwra_monthly if tenant.lcwra else 0)
    weekly = weekly_from_monthly(monthly)
    parts = [f"UC standard allowance {pounds(allowance)} a month"]
    if tenant.lcwra:
        parts.append(f"LCWRA element {pounds(income.lcwra_monthly)} a month")
    words = " plus ".join(parts) + f" ({pounds(weekly)} a week)"
    if tenant.pip_daily_living != "none":
        pip = getattr(income.pip_daily_living_weekly, tenant.pip_daily_living)
        weekly += pip
        words += f", and PIP daily living ({tenant.pip_daily_living} rate) {pounds(pip)} a week"
    return weekly, words


def _case(offer: OfferData, cohort: Cohort, unit: UnitType, policy: Policy) -> UnitCase:
    tenant = cohort.typical_tenant
    route = route_for(offer, tenant, policy)
    core = unit.core_rent_pence
    eligible = unit.eligible_service_charge_pence
    ineligible = unit.ineligible_service_charge_pence
    ihm = unit.intensive_housing_management_pence
    unit_words = label(unit.kind)
    reasons = [
        f"{unit_words}, for a typical tenant of “{cohort.label}” "
        f"(aged {tenant.age}): core rent {pounds(core)} plus eligible service charges "
        f"{pounds(eligible)}"
        + (f" plus intensive housing management {pounds(ihm)}" if ihm else "")
        + f" = {pounds(core + eligible + ihm)} a week; this is {ROUTE_WORDS[route]}."
    ]
    rate_name: str | None = None
    benchmark_max: int | None = None
    if route is Route.EXEMPT_HOUSING_BENEFIT:
        met = core + eligible + ihm
        tenant_charges = ineligible
        reasons.append(f"Housing Benefit meets {pounds(met)} a week in full.")
        benchmark_max = policy.rent_benchmarks.supported_housing_soft_max.get(
            offer.landlord_type.value
        )  # type: ignore[call-overload]
    elif route in (Route.UC_PRIVATE_LHA, Route.PENSION_HB_PRIVATE_LHA):
        rate_name = lha_rate_name(tenant) if route is Route.UC_PRIVATE_LHA else "one_bed"
        eligible_rent = core + eligible
        if route is Route.UC_PRIVATE_LHA:
            cap_monthly = getattr(policy.local_housing_allowance.monthly, rate_name)
            met = weekly_from_monthly(min(monthly_from_weekly(eligible_rent), cap_monthly))
            cap_words = (
                f"{pounds(cap_monthly)} a month ({pounds(weekly_from_monthly(cap_monthly))} a week)"
            )
        else:
            cap_weekly = getattr(policy.local_housing_allowance.weekly, rate_name)
            met = min(eligible_rent, cap_weekly)
            cap_words = f"{pounds(cap_weekly)} a week"
        tenant_charges = ineligible + ihm
        reasons.append(
            f"The Local Housing Allowance {LHA_RATE_WORDS[rate_name]} for Leicester is "
            f"{cap_words}, so benefits meet {pounds(met)} a week of the "
            f"{pounds(eligible_rent)} rent and eligible charges."
        )
        if ihm:
            reasons.append(
                f"Intensive housing management {pounds(ihm)} a week is not met outside exempt accommodation."
            )
    else:
        eligible_rent = core + eligible
        reduction = 0.0
        # Size criteria: a single tenant needs one bedroom. Two tenants sharing a
        # 2-bed flat each need theirs, so only a 2-bed let to one is under-occupied.
        if (
            route is Route.UC_SOCIAL
            and unit.kind is UnitKind.TWO_BED
            and unit.most_people_sharing == 1
        ):
            reduction = policy.rent.social_rent_size_criteria_reduction
        met = eligible_rent - round(eligible_rent * reduction)
        tenant_charges = ineligible + ihm
        if reduction:
            reasons.append(
                f"A single tenant needs one bedroom, so the size criteria take "
                f"{reduction:.0%} off: benefits meet {pounds(met)} a week."
            )
        else:
            reasons.append(f"Benefits meet the rent and eligible charges, {pounds(met)} a week.")
        if ihm:
            reasons.append(
                f"Intensive housing management {pounds(ihm)} a week is not met outside exempt accommodation."
            )
    rent_total = core + eligible + (ihm if route is Route.EXEMPT_HOUSING_BENEFIT else 0)
    rent_shortfall = max(0, rent_total - met)
    shortfall = rent_shortfall + tenant_charges
    income, income_words = weekly_income(tenant, policy)
    residual = income - shortfall
    reasons.append(
        f"The tenant pays {pounds(shortfall)} a week"
        + (f" ({pounds(rent_shortfall)} of rent not met" if rent_shortfall else " (")
        + (" and " if rent_shortfall else "")
        + f"{pounds(tenant_charges)} of charges benefits do not meet), "
        f"out of an income of {pounds(income)} a week ({income_words}), "
        f"leaving {pounds(residual)} a week."
    )
    return UnitCase(
        cohort=cohort,
        unit=unit,
        route=route,
        weekly_rent=core + eligible + ihm,
        weekly_met=met,
        rent_shortfall=rent_shortfall,
        tenant_charges=tenant_charges,
        weekly_shortfall=shortfall,
        weekly_income=income,
        residual=residual,
        lha_rate_name=rate_name,
        benchmark_max=benchmark_max,
        reasons=reasons,
    )


def _shortfall_score(shortfall: int, policy: Policy) -> tuple[float, Verdict]:
    green_max = policy.rent.shortfall_green_max
    red_min = policy.rent.shortfall_red_min
    if shortfall <= green_max:
        return 100 - 30 * shortfall / max(green_max, 1), Verdict.GREEN
    if shortfall < red_min:
        return 70 - 30 * (shortfall - green_max) / max(red_min - green_max, 1), Verdict.AMBER
    return max(0.0, 39 - 39 * (shortfall - red_min) / max(red_min, 1)), Verdict.RED


def _judge(case: UnitCase, offer: OfferData, policy: Policy) -> tuple[float, Verdict, list[str]]:
    score, verdict = _shortfall_score(case.weekly_shortfall, policy)
    notes: list[str] = []
    if case.weekly_shortfall > policy.rent.shortfall_green_max:
        notes.append(
            f"A shortfall over {pounds(policy.rent.shortfall_green_max)} a week is a risk to the "
            f"tenant (amber from {pounds(policy.rent.shortfall_green_max)}, red from "
            f"{pounds(policy.rent.shortfall_red_min)}: council settings)."
        )
    if case.residual < policy.rent.residual_income_red_below:
        score = min(score, 30.0)
        verdict = Verdict.RED
        notes.append(
            f"That leaves the tenant less than {pounds(policy.rent.residual_income_red_below)} "
            "a week to live on (council setting)."
        )
    if case.benchmark_max is not None:
        core = case.unit.core_rent_pence
        red_level = round(case.benchmark_max * policy.rent.exempt_rent_red_multiple)
        if core > red_level:
            score = min(score - 40, 30.0)
            verdict = Verdict.RED
            notes.append(
                f"Core rent {pounds(core)} is more than {policy.rent.exempt_rent_red_multiple:g} times "
                f"the benchmark {pounds(case.benchmark_max)} (the national lettings return's "
                "supported housing range for Leicester): very likely to be restricted as "
                "unreasonably high, costing the council housing benefit subsidy."
            )
        elif core > case.benchmark_max:
            score -= 20
            verdict = worst(verdict, Verdict.AMBER)
            notes.append(
                f"Core rent {pounds(core)} is above the benchmark {pounds(case.benchmark_max)} "
                "(the national lettings return's supported housing range for Leicester): at "
                "risk of being restricted as unreasonably high, with a loss of housing "
                "benefit subsidy for the council."
            )
        else:
            notes.append(
                f"Core rent is within the benchmark of {pounds(case.benchmark_max)} a week."
            )
    return clamp(score), verdict, notes


def rent_affordability(offer: OfferData, policy: Policy) -> RuleResult:
    # A cohort listed twice is one typical tenant, assessed once.
    cohorts = [cohort for code in dict.fromkeys(offer.cohorts) if (cohort := policy.cohort(code))]
    if not cohorts:
        return RuleResult(
            RULE,
            TITLE,
            0.0,
            Verdict.RED,
            [
                "None of the offer's target cohorts is in the policy, so there is no typical tenant to assess."
            ],
        )
    judged = []
    for cohort in cohorts:
        for unit in offer.unit_types:
            case = _case(offer, cohort, unit, policy)
            judged.append((case, *_judge(case, offer, policy)))
    # The least affordable case sets the result; ties go to the larger shortfall.
    case, score, verdict, notes = min(judged, key=lambda item: (item[1], -item[0].weekly_shortfall))
    reasons = [*case.reasons, *notes]
    if len(judged) > 1:
        reasons.append(
            f"This is the least affordable of the {len(judged)} combinations of unit type and "
            "target cohort assessed."
        )
    if offer.council_asked_to_cover_voids:
        score = clamp(score - policy.rent.void_cover_penalty)
        verdict = worst(verdict, Verdict.AMBER)
        reasons.append(
            "The council is asked to cover the cost of empty homes (voids): a "
            "sustainability risk the strategy names, as voids have cost the council before."
        )
    figures = {
        "route": case.route.value,
        "cohort": case.cohort.code,
        "unit_kind": case.unit.kind.value,
        "weekly_rent_pence": case.weekly_rent,
        "weekly_amount_met_pence": case.weekly_met,
        "weekly_tenant_shortfall_pence": case.weekly_shortfall,
        "weekly_tenant_income_pence": case.weekly_income,
        "weekly_residual_income_pence": case.residual,
        "lha_rate": case.lha_rate_name,
        "benchmark_max_pence": case.benchmark_max,
        "council_asked_to_cover_voids": offer.council_asked_to_cover_voids,
    }
    return RuleResult(RULE, TITLE, score, verdict, reasons, figures)


def rent_outside_benchmark(core_rent_pence: int, landlord_type: str, policy: Policy) -> str | None:
    """Words for a submitter when a core rent is outside the published range, as the
    national lettings return asks its users to confirm such rents; None if inside
    (or there is no benchmark for this landlord)."""
    benchmarks = policy.rent_benchmarks
    high = benchmarks.supported_housing_soft_max.get(landlord_type)  # type: ignore[call-overload]
    low = benchmarks.supported_housing_soft_min.get(landlord_type)  # type: ignore[call-overload]
    if high is not None and core_rent_pence > high:
        return (
            f"A core rent of {pounds(core_rent_pence)} a week is above {pounds(high)}, the top "
            "of the usual range for supported housing in Leicester."
        )
    if low is not None and core_rent_pence < low:
        return (
            f"A core rent of {pounds(core_rent_pence)} a week is below {pounds(low)}, the bottom "
            "of the usual range for supported housing in Leicester."
        )
    return None
