"""Deliverability and timing: can the homes be built or bought as offered, and do
they come when the strategy's phased demand wants them (issue 13).

Planning: development, that is building operations or a material change of use,
needs planning permission (Town and Country Planning Act 1990 s.55(1), s.57(1));
dividing a building into flats is a material change of use (s.55(3)(a)), and works
affecting only the interior of a building are not development (s.55(2)(a)). So a
new build or a conversion said not to need permission is checked, and permission
refused is a red flag: the council cannot count on homes that may not be built.

Timing: the strategy phases its demand ("Proposed development priorities"): planned
schemes with no site yet are sought in their phase, and the shortfall from the
market in the last ("work with the market to meet any shortfall"). An offer claims
the phase of the need it meets; homes available after that phase come late to it,
and homes available after the last phase meet need the strategy has not forecast.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from rules.need import CohortPosition, positions
from rules.offer import DevelopmentType, OfferData, PlanningStatus, label
from rules.policy_data import Phase, Policy
from rules.result import RuleResult, clamp, verdict_for

RULE = "deliverability"
TITLE = "Deliverability and timing"

# Development that needs planning permission unless permitted development applies:
# new homes (building operations) and conversions (a material change of use).
NEEDS_PERMISSION = frozenset({DevelopmentType.NEW_BUILD, DevelopmentType.CONVERSION})


def _planning(offer: OfferData, policy: Policy) -> tuple[float, list[str]]:
    settings = policy.deliverability
    status, kind = offer.planning_status, offer.development_type
    score = settings.planning_scores[status.value]
    what = label(kind)
    if status is PlanningStatus.GRANTED:
        return score, [f"{what}: planning permission is granted."]
    if status is PlanningStatus.NOT_NEEDED:
        if kind in NEEDS_PERMISSION:
            return score - settings.planning_not_needed_doubt, [
                f"{what}: the offer says no planning permission is needed, but new homes and "
                "a conversion into flats are development that needs it (Town and Country "
                "Planning Act 1990 s.55, s.57) unless permitted development with prior "
                "approval applies. An officer should check."
            ]
        return score, [f"{what}: no planning permission is needed, the offer says."]
    if status is PlanningStatus.APPLIED:
        return score, [
            f"{what}: planning permission has been applied for and is waiting for a "
            "decision. The homes depend on it."
        ]
    if status is PlanningStatus.NOT_YET_APPLIED:
        return score, [
            f"{what}: planning permission has not been applied for yet, so the homes depend "
            "on a decision not yet sought. Ask when the provider will apply."
        ]
    return score, [
        f"{what}: planning permission was refused. As offered, the homes cannot be "
        "delivered unless an appeal or a new application succeeds."
    ]


@dataclass(frozen=True)
class Claim:
    """The phases whose need an offer meets for one cohort, and why."""

    code: str
    phases: list[Phase]
    why: str


def claimed(position: CohortPosition, policy: Policy) -> Claim:
    """Planned schemes for the cohort with no site yet are open to offers in their own
    phase; need left after every planned scheme is sought from the market in the
    market phase."""
    settings = policy.deliverability
    code = position.cohort.code
    found: list[Phase] = []
    names: list[str] = []
    if position.pipeline_without_site and position.open_to_offers > position.remaining:
        for scheme in policy.pipeline:
            phase = settings.phase(scheme.phase)
            if scheme.site_needed and code in scheme.counts_against and phase is not None:
                found.append(phase)
                names.append(scheme.scheme)
    market = settings.phase(settings.market_phase)
    if (position.remaining > 0 or not found) and market is not None:
        found.append(market)
    numbers = sorted({phase.phase for phase in found})
    phases = [phase for phase in settings.phases if phase.phase in numbers]
    sought = (
        f"planned schemes with no site yet ({', '.join(names)})"
        if names
        else "the shortfall the council seeks from the market"
    )
    if names and position.remaining > 0:
        sought += " and the shortfall sought from the market"
    return Claim(code, phases, sought)


def _describe(phases: list[Phase]) -> str:
    return " and ".join(f"phase {phase.phase} ({phase.period})" for phase in phases)


def _timing(offer: OfferData, policy: Policy, claims: list[Claim]) -> tuple[float, list[str], str]:
    """Points off for timing, the reasons, and the timing in one word."""
    settings = policy.deliverability
    when = offer.date_available
    if when is None:
        return 0.0, ["The offer does not say when the homes will be available: ask."], "not_said"
    last = max(settings.phases, key=lambda phase: phase.to_year)
    year = when.year
    if year > last.to_year:
        return (
            settings.after_strategy_points_off,
            [
                f"The homes are available in {year}, after the strategy's last phase "
                f"({last.period}): the need then has not been forecast, so it may not be there."
            ],
            "after_strategy",
        )
    reasons = []
    late = early = False
    for claim in claims:
        cohort = policy.cohort(claim.code)
        name = cohort.label if cohort else claim.code
        end = max(phase.to_year for phase in claim.phases)
        start = min(phase.from_year for phase in claim.phases)
        span = _describe(claim.phases)
        if year > end:
            late = True
            reasons.append(
                f"{name}: the strategy seeks {claim.why} in {span}; the homes are available "
                f"in {year}, after it, so the need may be met another way first: check it is "
                "still open."
            )
        elif year < start:
            early = True
            reasons.append(
                f"{name}: available in {year}, before {span}, when the strategy seeks "
                f"{claim.why}: the need can be met sooner than planned."
            )
        else:
            reasons.append(
                f"{name}: available in {year}, in {span}, when the strategy seeks {claim.why}."
            )
    # The late cohort decides: its units would wait for homes past their phase.
    if late:
        return settings.after_phase_points_off, reasons, "after_phase"
    return 0.0, reasons, "before_phase" if early else "in_phase"


def deliverability(
    offer: OfferData,
    policy: Policy,
    approved_units: Mapping[str, int] | None = None,
    housed: Mapping[str, int] | None = None,
) -> RuleResult:
    score, reasons = _planning(offer, policy)
    by_cohort = positions(policy, approved_units or {}, housed)
    claims = [
        claimed(by_cohort[code], policy)
        for code in dict.fromkeys(offer.cohorts)
        if code in by_cohort
    ]
    points_off, said, timing = _timing(offer, policy, claims)
    score = clamp(score - points_off)
    reasons.extend(said)
    figures: dict[str, object] = {
        "development_type": offer.development_type.value,
        "planning_status": offer.planning_status.value,
        "date_available": offer.date_available.isoformat() if offer.date_available else None,
        "timing": timing,
        "claimed_phases": {claim.code: [phase.phase for phase in claim.phases] for claim in claims},
    }
    return RuleResult(RULE, TITLE, score, verdict_for(score, policy), reasons, figures)
