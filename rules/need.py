"""Cohort need: how much of the offer fills unmet need in the strategy's forecast,
and whether its design is the cohort's best fit.

Need is counted three ways. The strategy's own figure counts every planned scheme
in full (396 needed, 177 planned, 219 from the market). The *firm* figure counts
only schemes with a firm completion date; the *expected* figure counts each
unfirmed scheme at the confidence the policy gives it. The strategy says of its
pipeline that dates are "subject to change" and the council will "work with the
market to meet any shortfall": so an offer for a cohort whose need is met only on
paper by unfirmed schemes is not told the need is met.

An offer's units are shared between its cohorts exactly as the dashboard shares
them (triage/models/offers.py share_units): as evenly as whole units allow, the
first cohorts in code order taking any unit left over.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass

from rules.ages import age_fit
from rules.offer import OfferData
from rules.policy_data import Cohort, Policy
from rules.result import RuleResult, Verdict, clamp, verdict_for

RULE = "cohort_need"
TITLE = "Unmet need in the target cohorts"


@dataclass(frozen=True)
class PipelineCount:
    """Planned units counted against one cohort: in full, firm only, and expected."""

    counted: int = 0
    without_site: int = 0
    firm: int = 0
    expected: int = 0
    expected_without_site: int = 0
    firm_without_site: int = 0


@dataclass(frozen=True)
class CohortPosition:
    cohort: Cohort
    forecast: int
    pipeline: int
    pipeline_without_site: int
    approved: int
    # People housed in vacancies of existing schemes (the placement team's moves):
    # need met without new supply, as the dashboard counts it.
    housed: int = 0
    pipeline_firm: int | None = None
    pipeline_expected: int | None = None
    pipeline_expected_without_site: int | None = None
    pipeline_firm_without_site: int = 0

    def _left(self, planned: int) -> int:
        return max(0, self.forecast - planned - self.approved - self.housed)

    @property
    def remaining(self) -> int:
        """Unmet need as the strategy counts it: forecast minus every planned scheme,
        approved offers and people housed in vacancies."""
        return self._left(self.pipeline)

    @property
    def open_to_offers(self) -> int:
        """What an offer can still meet: unmet need plus planned units with no site yet."""
        return self._left(self.pipeline - self.pipeline_without_site)

    @property
    def remaining_firm(self) -> int:
        """Unmet need if only the schemes with a firm completion date are built."""
        return self._left(self.pipeline if self.pipeline_firm is None else self.pipeline_firm)

    @property
    def remaining_expected(self) -> int:
        """Unmet need counting each unfirmed scheme at the policy's confidence."""
        planned = self.pipeline if self.pipeline_expected is None else self.pipeline_expected
        return self._left(planned)

    @property
    def open_expected(self) -> int:
        """What an offer can meet on the expected figure (planned units with no site
        stay open to offers)."""
        if self.pipeline_expected is None:
            return self.open_to_offers
        without = self.pipeline_expected_without_site or 0
        return self._left(self.pipeline_expected - without)

    @property
    def open_firm(self) -> int:
        """What an offer can meet if only firm schemes are built."""
        if self.pipeline_firm is None:
            return self.open_to_offers
        return self._left(self.pipeline_firm - self.pipeline_firm_without_site)

    @property
    def rests_on_unfirmed(self) -> bool:
        """Some of the need counts as met only by schemes with no firm date."""
        return self.open_firm > self.open_to_offers


def pipeline_counts(policy: Policy) -> dict[str, PipelineCount]:
    """Pipeline units counted against each cohort: each scheme fills the cohorts it
    names in order, up to each one's forecast need; firm and expected figures
    alongside (expected units rounded down: a part of a home meets nobody's need)."""
    left = {cohort.code: cohort.net_units for cohort in policy.cohorts}
    counted = dict.fromkeys(left, 0)
    without_site = dict.fromkeys(left, 0)
    firm = dict.fromkeys(left, 0)
    firm_without = dict.fromkeys(left, 0)
    expected = dict.fromkeys(left, 0.0)
    expected_without = dict.fromkeys(left, 0.0)
    for scheme in policy.pipeline:
        units = scheme.units
        for code in scheme.counts_against:
            take = min(units, left[code])
            counted[code] += take
            expected[code] += take * scheme.expected_share
            if scheme.firm:
                firm[code] += take
            if scheme.site_needed:
                without_site[code] += take
                expected_without[code] += take * scheme.expected_share
                if scheme.firm:
                    firm_without[code] += take
            left[code] -= take
            units -= take
    return {
        code: PipelineCount(
            counted[code],
            without_site[code],
            firm[code],
            math.floor(expected[code] + 1e-9),
            math.floor(expected_without[code] + 1e-9),
            firm_without[code],
        )
        for code in counted
    }


def pipeline_by_cohort(policy: Policy) -> dict[str, tuple[int, int]]:
    """Pipeline units counted against each cohort, and how many of them have no
    site yet (the strategy's count: every scheme in full)."""
    return {code: (n.counted, n.without_site) for code, n in pipeline_counts(policy).items()}


def positions(
    policy: Policy,
    approved_units: Mapping[str, int],
    housed: Mapping[str, int] | None = None,
) -> dict[str, CohortPosition]:
    """Need per cohort against the forecast, planned schemes, approved offers and
    people housed in vacancies of existing schemes."""
    pipeline = pipeline_counts(policy)
    housed = housed or {}
    return {
        cohort.code: CohortPosition(
            cohort,
            cohort.net_units,
            pipeline[cohort.code].counted,
            pipeline[cohort.code].without_site,
            approved_units.get(cohort.code, 0),
            housed.get(cohort.code, 0),
            pipeline[cohort.code].firm,
            pipeline[cohort.code].expected,
            pipeline[cohort.code].expected_without_site,
            pipeline[cohort.code].firm_without_site,
        )
        for cohort in policy.cohorts
    }


def unit_shares(units: int, cohorts: list[str]) -> dict[str, int]:
    """An offer's units shared between its cohorts as the dashboard shares them:
    as evenly as whole units allow, the first cohorts in code order taking any
    unit left over (9 units for two cohorts are 5 and 4). A cohort listed twice
    counts once."""
    codes = sorted(set(cohorts))
    if not codes:
        return {}
    each, extra = divmod(units, len(codes))
    return {code: each + (1 if place < extra else 0) for place, code in enumerate(codes)}


def _fit(offer: OfferData, cohort: Cohort) -> tuple[str, str]:
    """('best', why) if the design matches the strategy's best fit, ('partial', why)
    if the kind matches but not the size, else ('none', why)."""
    units = offer.total_units
    partial = None
    # A CQC-registered scheme is the "specialist registered scheme" the strategy
    # asks for (respite), whatever its layout: only its size is judged.
    registered = cohort.registered_scheme and offer.cqc_registered is True
    for fit in cohort.fits:
        if not registered and offer.configuration.value not in fit.configurations:
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


def _describe(pos: CohortPosition, share: int, several: bool) -> list[str]:
    housed = f", {pos.housed} housed in vacancies" if pos.housed else ""
    reasons = [
        f"{pos.cohort.label}: forecast need {pos.forecast} units, {pos.pipeline} in planned "
        f"schemes, {pos.approved} in approved offers{housed}, so {pos.remaining} remain."
    ]
    if pos.pipeline_firm is not None and pos.pipeline_firm < pos.pipeline:
        reasons.append(
            f"Only {pos.pipeline_firm} of the {pos.pipeline} planned units have a firm "
            f"completion date: counting the others at the policy's confidence, "
            f"{pos.pipeline_expected} are expected, so {pos.remaining_expected} remain expected "
            f"and {pos.remaining_firm} if only firm schemes are built."
        )
    if pos.pipeline_without_site and pos.open_to_offers > pos.remaining:
        reasons.append(
            f"{pos.pipeline_without_site} of the planned units have no site yet, so an offer "
            f"could provide them: {pos.open_to_offers} units are open to offers."
        )
    if several:
        reasons.append(f"{share} of the offer's units count towards this cohort.")
    return reasons


def cohort_need(
    offer: OfferData,
    policy: Policy,
    approved_units: Mapping[str, int] | None = None,
    housed: Mapping[str, int] | None = None,
) -> RuleResult:
    position = positions(policy, approved_units or {}, housed)
    units = offer.total_units
    shares = unit_shares(units, offer.cohorts)
    targeted = [position[code] for code in shares if code in position]
    if not targeted:
        return RuleResult(
            RULE, TITLE, 0.0, Verdict.RED, ["None of the offer's cohorts is in the policy."]
        )
    reasons = []
    fits = []
    filled = filled_firm = 0
    # Units whose cohort's people the offer's ages leave out: they meet no need.
    left_out = 0
    for pos in targeted:
        share = shares[pos.cohort.code]
        reasons.extend(_describe(pos, share, len(shares) > 1))
        ages = age_fit(offer, pos.cohort, policy.effective_from)
        if ages.reason:
            reasons.append(ages.reason)
        usable = math.floor(share * ages.share + 1e-9)
        left_out += share - usable
        if ages.none:
            fits.append("none")
            continue
        filled += min(usable, pos.open_expected)
        filled_firm += min(usable, pos.open_firm)
        fit, why = _fit(offer, pos.cohort)
        fits.append(fit)
        reasons.append(f"The design {why}.")
    # Units that meet need only if unfirmed schemes fall through count in part.
    at_risk = filled_firm - filled
    weight = policy.scoring.unfirmed_need_weight
    useful = filled + weight * at_risk
    oversupply = units - filled_firm - left_out
    share_met = useful / units if units else 0.0
    fit_points = 30 if "best" in fits else 15 if "partial" in fits else 0
    score = clamp(70 * share_met + fit_points)
    if filled_firm == 0:
        score = min(score, 20.0)
        reasons.append(
            f"None of the {units} units meets unmet need: the offer's ages leave out the "
            "people of its cohorts."
            if left_out >= units
            else f"None of the {units} units meets unmet need: the forecast for these cohorts "
            "is already met by firm planned schemes, approved offers and people housed."
        )
    else:
        reasons.append(f"{filled} of the {units} units would meet unmet need.")
    if at_risk:
        reasons.append(
            f"{at_risk} more units would meet need that planned schemes with no firm "
            "completion date are expected to meet: the council will work with the market to "
            f"meet any shortfall, so they count at {weight:.0%}."
        )
    if oversupply and filled_firm:
        reasons.append(f"{oversupply} units are beyond the remaining need (oversupply).")
    figures = {
        "units": units,
        "units_meeting_need": filled,
        "units_meeting_firm_need": filled_firm,
        "oversupply_units": oversupply,
        "units_outside_cohort_ages": left_out,
        "units_by_cohort": dict(shares),
        "remaining_need": {pos.cohort.code: pos.remaining for pos in targeted},
        "remaining_need_firm": {pos.cohort.code: pos.remaining_firm for pos in targeted},
        "remaining_need_expected": {pos.cohort.code: pos.remaining_expected for pos in targeted},
        "open_to_offers": {pos.cohort.code: pos.open_to_offers for pos in targeted},
        "best_fit": "best" in fits,
    }
    return RuleResult(RULE, TITLE, score, verdict_for(score, policy), reasons, figures)
