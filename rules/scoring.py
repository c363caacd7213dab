"""The whole score: every rule, the weighted sum and the band."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from rules.affordability import rent_affordability
from rules.appendix_c import location, procurement, quality
from rules.deliverability import deliverability
from rules.design import configuration, shared_housing
from rules.existing_supply import SupplyRegister
from rules.need import cohort_need
from rules.offer import OfferData
from rules.policy_data import Band, Policy
from rules.result import RuleResult, Verdict
from rules.terms import terms


@dataclass(frozen=True)
class OfferScore:
    policy_version: str
    score: float
    band: Band
    red_flags: list[str]
    results: list[RuleResult]
    # The band the score alone reached, when red flags held the offer below it.
    band_before_red_flags: Band | None = None

    def as_dict(self) -> dict[str, Any]:
        found: dict[str, Any] = {
            "policy_version": self.policy_version,
            "score": self.score,
            "band": self.band.name,
            "band_label": self.band.label,
            "red_flags": self.red_flags,
            "rules": [result.as_dict() for result in self.results],
        }
        if self.band_before_red_flags is not None:
            found["band_before_red_flags"] = self.band_before_red_flags.name
        return found


def band_for(score: float, policy: Policy) -> Band:
    return next(band for band in policy.scoring.bands if score >= band.min_score)


def capped_band(band: Band, red_flags: list[str], policy: Policy) -> Band:
    """Red flags decide: with any red verdict the offer reaches at most the policy's
    `red_flag_max_band` (bands are listed best first)."""
    cap = policy.scoring.red_flag_max_band
    if not red_flags or cap is None:
        return band
    names = [each.name for each in policy.scoring.bands]
    return band if names.index(band.name) >= names.index(cap) else policy.scoring.band(cap)


def score_offer(
    offer: OfferData,
    policy: Policy,
    approved_units: Mapping[str, int] | None = None,
    housed: Mapping[str, int] | None = None,
    register: SupplyRegister | None = None,
) -> OfferScore:
    """Score an offer. `approved_units` maps cohort codes to units in offers already
    approved, `housed` to people housed in vacancies of existing schemes (both
    reduce remaining need, as on the dashboard); without them only planned schemes
    count. `register` is the existing-supply register (location, and whether the
    shared-housing exception is already provided); without it neither is judged."""
    results = [
        rent_affordability(offer, policy),
        shared_housing(offer, policy, register),
        configuration(offer, policy, register),
        cohort_need(offer, policy, approved_units, housed),
        procurement(offer, policy),
        location(offer, policy, register),
        quality(offer, policy),
        terms(offer, policy),
        deliverability(offer, policy, approved_units, housed),
    ]
    weights = policy.scoring.weights
    total_weight = sum(weights.values())
    score = round(sum(result.score * weights[result.rule] for result in results) / total_weight, 1)
    red_flags = [result.rule for result in results if result.verdict is Verdict.RED]
    reached = band_for(score, policy)
    band = capped_band(reached, red_flags, policy)
    return OfferScore(
        policy_version=policy.version,
        score=score,
        band=band,
        red_flags=red_flags,
        results=results,
        band_before_red_flags=reached if band != reached else None,
    )
