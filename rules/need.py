"""Cohort need: how much of the offer fills unmet need in the strategy's forecast,
and whether its design is the cohort's best fit."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from rules.offer import OfferData
from rules.policy_data import Cohort, Policy
from rules.result import RuleResult, Verdict, clamp

RULE = "cohort_need"
TITLE = "Unmet need in the target cohorts"


@dataclass(frozen=True)
class CohortPosition:
    cohort: Cohort
    forecast: int
    pipeline: int
    pipeline_without_site: int
    approved: int

    @property
    def remaining(self) -> int:
        """Unmet need: forecast minus planned schemes minus approved offers."""
        return max(0, self.forecast - self.pipeline - self.approved)

    @property
    def open_to_offers(self) -> int:
        """What an offer can still meet: unmet need plus planned units with no site yet."""
        return max(0, self.forecast - (self.pipeline - self.pipeline_without_site) - self.approved)


def pipeline_by_cohort(policy: Policy) -> dict[str, tuple[int, int]]:
    """Pipeline units counted against each cohort, and how many of them have no
    site yet: each scheme fills the cohorts it names in order, up to each one's
    forecast need."""
    left = {cohort.code: cohort.net_units for cohort in policy.cohorts}
    counted = dict.fromkeys(left, 0)
    without_site = dict.fromkeys(left, 0)
    for scheme in policy.pipeline:
        units = scheme.units
        for code in scheme.counts_against:
            take = min(units, left[code])
            counted[code] += take
            if scheme.site_needed:
                without_site[code] += take
            left[code] -= take
            units -= take
    return {code: (counted[code], without_site[code]) for code in counted}


def positions(policy: Policy, approved_units: Mapping[str, int]) -> dict[str, CohortPosition]:
    """Need per cohort against the forecast, planned schemes and approved offers."""
    pipeline = pipeline_by_cohort(policy)
    return {
        cohort.code: CohortPosition(
            cohort,
            cohort.net_units,
            *pipeline[cohort.code],
            approved_units.get(cohort.code, 0),
        )
        for cohort in policy.cohorts
    }


def _fit(offer: OfferData, cohort: Cohort) -> tuple[str, str]:
    """('best', why) if the design matches the strategy's best fit, ('partial', why)
    if the kind matches but not the size, else ('none', why)."""
    units = offer.total_units
    partial = None
    for fit in cohort.fits:
        if offer.configuration.value not in fit.configurations:
            continue
        low, high = fit.min_units or 1, fit.max_units or 10**6
        if low <= units <= high:
            return "best", f"matches the strategy's best fit for this cohort ({cohort.best_fit})"
        partial = (
            f"is the right kind for this cohort but the best fit is {cohort.best_fit}; "
            f"this offer has {units} units"
        )
    if partial:
        return "partial", partial
    return "none", f"is not the strategy's best fit for this cohort ({cohort.best_fit})"


def cohort_need(
    offer: OfferData, policy: Policy, approved_units: Mapping[str, int] | None = None
) -> RuleResult:
    position = positions(policy, approved_units or {})
    # A cohort listed twice has its need counted once.
    targeted = [position[code] for code in dict.fromkeys(offer.cohorts) if code in position]
    if not targeted:
        return RuleResult(
            RULE, TITLE, 0.0, Verdict.RED, ["None of the offer's cohorts is in the policy."]
        )
    reasons = []
    fits = []
    for pos in targeted:
        reasons.append(
            f"{pos.cohort.label}: forecast need {pos.forecast} units, {pos.pipeline} in planned "
            f"schemes, {pos.approved} in approved offers, so {pos.remaining} remain."
        )
        if pos.pipeline_without_site and pos.open_to_offers > pos.remaining:
            reasons.append(
                f"{pos.pipeline_without_site} of the planned units have no site yet, so an offer "
                f"could provide them: {pos.open_to_offers} units are open to offers."
            )
        fit, why = _fit(offer, pos.cohort)
        fits.append(fit)
        reasons.append(f"The design {why}.")
    remaining = sum(pos.open_to_offers for pos in targeted)
    units = offer.total_units
    filled = min(units, remaining)
    oversupply = units - filled
    share = filled / units if units else 0.0
    fit_points = 30 if "best" in fits else 15 if "partial" in fits else 0
    score = clamp(70 * share + fit_points)
    if filled == 0:
        verdict = Verdict.RED
        score = min(score, 20.0)
        reasons.append(
            f"None of the {units} units meets unmet need: the forecast for these cohorts is "
            "already met by planned schemes and approved offers."
        )
    else:
        reasons.append(f"{filled} of the {units} units would meet unmet need.")
        verdict = Verdict.GREEN if share >= 0.75 and fit_points else Verdict.AMBER
    if oversupply and filled:
        reasons.append(f"{oversupply} units are beyond the remaining need (oversupply).")
    figures = {
        "units": units,
        "units_meeting_need": filled,
        "oversupply_units": oversupply,
        "remaining_need": {pos.cohort.code: pos.remaining for pos in targeted},
        "open_to_offers": {pos.cohort.code: pos.open_to_offers for pos in targeted},
        "best_fit": "best" in fits,
    }
    return RuleResult(RULE, TITLE, score, verdict, reasons, figures)
