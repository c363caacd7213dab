"""The whole score: every rule, the weighted sum and the band."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from rules.affordability import rent_affordability
from rules.appendix_c import location, procurement, quality
from rules.design import configuration, shared_housing
from rules.need import cohort_need
from rules.offer import OfferData
from rules.policy_data import Band, Policy
from rules.result import RuleResult, Verdict


@dataclass(frozen=True)
class OfferScore:
    policy_version: str
    score: float
    band: Band
    red_flags: list[str]
    results: list[RuleResult]

    def as_dict(self) -> dict[str, Any]:
        return {
            "policy_version": self.policy_version,
            "score": self.score,
            "band": self.band.name,
            "band_label": self.band.label,
            "red_flags": self.red_flags,
            "rules": [result.as_dict() for result in self.results],
        }


def band_for(score: float, policy: Policy) -> Band:
    return next(band for band in policy.scoring.bands if score >= band.min_score)


def score_offer(
    offer: OfferData, policy: Policy, approved_units: Mapping[str, int] | None = None
) -> OfferScore:
    """Score an offer. `approved_units` maps cohort codes to units in offers already
    approved (they reduce remaining need); without it only planned schemes count."""
    results = [
        rent_affordability(offer, policy),
        shared_housing(offer, policy),
        configuration(offer, policy),
        cohort_need(offer, policy, approved_units),
        procurement(offer, policy),
        location(offer, policy),
        quality(offer, policy),
    ]
    weights = policy.scoring.weights
    total_weight = sum(weights.values())
    score = round(sum(result.score * weights[result.rule] for result in results) / total_weight, 1)
    return OfferScore(
        policy_version=policy.version,
        score=score,
        band=band_for(score, policy),
        red_flags=[result.rule for result in results if result.verdict is Verdict.RED],
        results=results,
    )
