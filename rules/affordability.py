"""Rent affordability: who pays the rent, how much benefits meet, and what the
tenant is left with, for the range of tenants each target cohort brings.

Each cohort has a range of typical tenants in the policy (one marked typical);
the offer's age range narrows it. For every tenant and unit type the housing
costs engine (rules/housing_costs.py) gives the route, the amount met, what the
tenant pays and has left, with the law for each figure. The typical tenant's
least affordable unit sets the score; the rule also reports the worst case and
names the tenants for whom the home would not be affordable (which keeps the
verdict at amber or worse).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from rules.housing_costs import Assessment, Home, Route, assess
from rules.offer import OfferData, SupportModel, UnitKind, UnitType, label
from rules.policy_data import Cohort, Policy
from rules.result import RuleResult, Verdict, clamp, held_to, pounds, worst
from rules.tenant import TenantProfile

RULE = "rent_affordability"
TITLE = "Rent affordability"


def home_for(offer: OfferData, unit: UnitType) -> Home:
    """One unit type of an offer as the benefit rules see it."""
    return Home(
        landlord=offer.landlord_type,
        landlord_provides_care_support_or_supervision=offer.landlord_provides_care_support_or_supervision,
        # Support from someone other than the landlord makes a relevant body's home
        # managed accommodation (UC Regs 2013 Sch 1 para 3(3)).
        support_from_another_provider=(
            not offer.landlord_provides_care_support_or_supervision
            and offer.support_model is not SupportModel.NONE
        ),
        self_contained=unit.own_bathroom
        and unit.own_kitchen
        and unit.kind is not UnitKind.SHARED_ROOM,
        # Bedrooms for the size criteria: a studio or a room counts as one; a house,
        # a bungalow or a larger flat has the bedrooms its unit type says.
        bedrooms=unit.bedroom_count,
        core_rent=unit.core_rent_pence,
        eligible_charges=unit.eligible_service_charge_pence,
        ineligible_charges=unit.ineligible_service_charge_pence,
        housing_management=unit.intensive_housing_management_pence,
        rent_type=offer.rent_type,
        # A home of several bedrooms is let a bedroom to each tenant sharing it, so
        # none of them is under-occupying (UC Regs 2013 Sch 4 para 10).
        sharers=unit.most_people_sharing if unit.bedroom_count > 1 else 1,
    )


def tenants_for(
    cohort: Cohort, offer: OfferData, on: date
) -> tuple[list[TenantProfile], str | None]:
    """The cohort's tenants within the offer's age range; if none is, each moved to
    the nearest age the offer takes (and a sentence saying so)."""
    low, high = sorted((offer.age_min, offer.age_max))
    tenants = cohort.tenants()
    inside = [tenant for tenant in tenants if low <= tenant.age_on(on) <= high]
    if inside:
        if not any(tenant.typical for tenant in inside):
            inside[0] = inside[0].model_copy(update={"typical": True})
        return inside, None
    moved: dict[int, TenantProfile] = {}
    for tenant in tenants:
        age = min(max(tenant.age_on(on), low), high)
        moved.setdefault(age, tenant.with_age(age))
    chosen = list(moved.values())
    chosen = [t.model_copy(update={"typical": i == 0}) for i, t in enumerate(chosen)]
    return chosen, (
        f"None of the typical tenants of \u201c{cohort.label}\u201d is within the offer's "
        f"ages {low} to {high}, so they are assessed at the nearest age the offer takes."
    )


@dataclass(frozen=True)
class UnitCase:
    cohort: Cohort
    unit: UnitType
    tenant: TenantProfile
    assessment: Assessment
    score: float
    verdict: Verdict
    notes: list[str]

    @property
    def reasons(self) -> list[str]:
        return [*self.assessment.reasons, *self.notes]

    def name(self, on: date) -> str:
        return f"{self.tenant.describe(on)} ({label(self.unit.kind)}, {self.cohort.label})"


def _shortfall_score(shortfall: int, policy: Policy) -> tuple[float, Verdict]:
    green_max = policy.rent.shortfall_green_max
    red_min = policy.rent.shortfall_red_min
    if shortfall <= green_max:
        return 100 - 30 * shortfall / max(green_max, 1), Verdict.GREEN
    if shortfall < red_min:
        return 70 - 30 * (shortfall - green_max) / max(red_min - green_max, 1), Verdict.AMBER
    return max(0.0, 39 - 39 * (shortfall - red_min) / max(red_min, 1)), Verdict.RED


def judge(
    assessment: Assessment, core_rent: int, policy: Policy
) -> tuple[float, Verdict, list[str]]:
    """Score one tenant in one home. The rent benefits leave unmet is scored on the
    council's scale; charges benefits never meet count through what the tenant has
    left against the council's minimum."""
    if assessment.route is Route.CHILDRENS_SERVICES:
        return 100.0, Verdict.GREEN, []
    score, verdict = _shortfall_score(assessment.weekly_rent_shortfall, policy)
    notes: list[str] = []
    if assessment.weekly_rent_shortfall > policy.rent.shortfall_green_max:
        notes.append(
            f"Rent not met of {pounds(assessment.weekly_rent_shortfall)} a week is a risk to "
            f"the tenant (amber over {pounds(policy.rent.shortfall_green_max)}, red from "
            f"{pounds(policy.rent.shortfall_red_min)}: council settings)."
        )
    left = assessment.weekly_left
    minimum = policy.rent.residual_income_red_below
    if left is not None and left < minimum:
        score = min(score, 30.0)
        verdict = Verdict.RED
        notes.append(
            f"That leaves the tenant {pounds(left)}, less than {pounds(minimum)} a week to "
            "live on (council setting)."
        )
    benchmark = assessment.benchmark_max
    if benchmark is not None:
        red_level = round(benchmark * policy.rent.exempt_rent_red_multiple)
        if core_rent > red_level:
            score = min(score - 40, 30.0)
            verdict = Verdict.RED
            notes.append(
                f"Core rent {pounds(core_rent)} is more than "
                f"{policy.rent.exempt_rent_red_multiple:g} times the benchmark {pounds(benchmark)} "
                "(the national lettings return's supported housing range for Leicester): very "
                "likely to be restricted as unreasonably high, costing the council housing "
                "benefit subsidy."
            )
        elif core_rent > benchmark:
            score -= 20
            verdict = worst(verdict, Verdict.AMBER)
            notes.append(
                f"Restriction risk: core rent {pounds(core_rent)} is above the benchmark "
                f"{pounds(benchmark)}, and the tenant would pay "
                f"{pounds(assessment.restriction_shortfall)} a week more if Housing Benefit "
                "were restricted to it, with a loss of subsidy for the council."
            )
        else:
            notes.append(f"Core rent is within the benchmark of {pounds(benchmark)} a week.")
    score, verdict = held_to(clamp(score), verdict, policy)
    return score, verdict, notes


def assess_offer(
    offer: OfferData, policy: Policy, on: date | None = None
) -> tuple[list[UnitCase], list[str]]:
    """Every tenant of every target cohort in every unit type, judged."""
    on = on or policy.effective_from
    cohorts = [cohort for code in dict.fromkeys(offer.cohorts) if (cohort := policy.cohort(code))]
    cases: list[UnitCase] = []
    notes: list[str] = []
    for cohort in cohorts:
        tenants, note = tenants_for(cohort, offer, on)
        if note:
            notes.append(note)
        for tenant in tenants:
            for unit in offer.unit_types:
                assessment = assess(home_for(offer, unit), tenant, policy, on)
                score, verdict, judged = judge(assessment, unit.core_rent_pence, policy)
                cases.append(UnitCase(cohort, unit, tenant, assessment, score, verdict, judged))
    return cases, notes


def _least_affordable(cases: list[UnitCase]) -> UnitCase:
    return min(cases, key=lambda case: (case.score, -case.assessment.weekly_shortfall))


def _case_figures(case: UnitCase, on: date) -> dict[str, object]:
    a = case.assessment
    return {
        "tenant": case.tenant.describe(on),
        "route": a.route.value,
        "cohort": case.cohort.code,
        "unit_kind": case.unit.kind.value,
        "weekly_amount_met_pence": a.weekly_met,
        "weekly_tenant_shortfall_pence": a.weekly_shortfall,
        "weekly_residual_income_pence": a.weekly_left,
        "score": case.score,
        "verdict": case.verdict.value,
    }


def rent_affordability(offer: OfferData, policy: Policy) -> RuleResult:
    on = policy.effective_from
    cases, notes = assess_offer(offer, policy, on)
    if not cases:
        return RuleResult(
            RULE,
            TITLE,
            0.0,
            Verdict.RED,
            [
                "None of the offer's target cohorts is in the policy, so there is no typical tenant to assess."
            ],
        )
    typical = _least_affordable([case for case in cases if case.tenant.typical])
    worst_case = _least_affordable(cases)
    score, verdict = typical.score, typical.verdict
    reasons = [*notes, *typical.reasons]
    combinations = len(
        {(c.cohort.code, c.unit.kind, id(c.unit)) for c in cases if c.tenant.typical}
    )
    if combinations > 1:
        reasons.append(
            f"This is the least affordable of the {combinations} combinations of unit type and "
            "target cohort assessed for the typical tenant."
        )
    unaffordable = list(
        dict.fromkeys(case.name(on) for case in cases if case.verdict is Verdict.RED)
    )
    if worst_case is not typical and worst_case.score < typical.score:
        reasons.append(
            f"Least affordable of the range of tenants: {worst_case.name(on)}, scoring "
            f"{worst_case.score:g} ({worst_case.verdict.value}): "
            + " ".join(worst_case.reasons[1:])
        )
    if unaffordable:
        reasons.append("Not affordable for: " + "; ".join(unaffordable) + ".")
        if typical.verdict is not Verdict.RED:
            # Someone the offer is aimed at could not afford it: never green.
            score, verdict = held_to(score, worst(verdict, Verdict.AMBER), policy)
    # Who pays for empty homes (voids) is judged with the offer's other terms
    # (rules/terms.py, issue 13), not here.
    a = typical.assessment
    figures = {
        "route": a.route.value,
        "cohort": typical.cohort.code,
        "unit_kind": typical.unit.kind.value,
        "tenant": typical.tenant.describe(on),
        "weekly_rent_pence": a.weekly_total,
        "weekly_amount_met_pence": a.weekly_met,
        "weekly_rent_shortfall_pence": a.weekly_rent_shortfall,
        "weekly_tenant_shortfall_pence": a.weekly_shortfall,
        "weekly_tenant_income_pence": a.weekly_income,
        "weekly_residual_income_pence": a.weekly_left,
        "lha_rate": a.lha_category,
        "benchmark_max_pence": a.benchmark_max,
        "restriction_shortfall_pence": a.restriction_shortfall,
        "worst_case": _case_figures(worst_case, on),
        "not_affordable_for": unaffordable,
    }
    return RuleResult(RULE, TITLE, clamp(score), verdict, reasons, figures)


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
