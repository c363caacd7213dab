"""Guidance on a draft offer: the checks the policy's `guidance` section picks,
run on the draft as the scoring rules would run on it, each giving a sentence in
the policy's words and the answer to change. No scores, no verdicts: the
submitter learns what the council will ask about, before they submit."""

from __future__ import annotations

import re
from collections.abc import Iterator, Mapping
from dataclasses import dataclass

from rules.ages import age_fit, offer_ages
from rules.design import is_shared_housing, shared_house_exception
from rules.existing_supply import CityPlace, city_place, postcode_district
from rules.need import _fit, positions
from rules.offer import FrameworkStatus, OfferData, PlanningStatus, SupportModel, label
from rules.policy_data import Policy
from rules.result import pounds
from rules.support import hours_unlike_support


@dataclass(frozen=True)
class Guidance:
    check: str
    text: str
    # The answer to change, in the offer form's terms: a page ("configuration") or a
    # unit's page ("unit-charges/one_bed").
    answer: str


@dataclass(frozen=True)
class _Found:
    answer: str
    values: dict[str, str]


def _shared_housing_not_wanted(
    offer: OfferData, policy: Policy, _: Mapping[str, int]
) -> Iterator[_Found]:
    if is_shared_housing(offer, policy) and not shared_house_exception(offer, policy):
        names = [policy.cohort(code) for code in offer.cohorts]
        cohort = ", ".join(c.label for c in names if c is not None)
        yield _Found("configuration", {"cohort": cohort})


def _core_rent_above_range(
    offer: OfferData, policy: Policy, _: Mapping[str, int]
) -> Iterator[_Found]:
    # CORE's soft maximum for the landlord and rent type (rules/policy_data.py).
    soft_max = policy.rent_benchmarks.soft_max(offer.landlord_type.value, offer.rent_type.value)
    if soft_max is None:
        return
    for unit in offer.unit_types:
        if unit.core_rent_pence > soft_max:
            yield _Found(
                f"unit-charges/{unit.kind.value}",
                {
                    "unit": label(unit.kind),
                    "rent": pounds(unit.core_rent_pence),
                    "soft_max": pounds(int(soft_max)),
                },
            )


def _last_year(periods: list[str]) -> str:
    years = [int(year) for period in periods for year in re.findall(r"\b(\d{4})\b", period)]
    return str(max(years)) if years else "the end of the strategy"


def _need_met_by_planned_schemes(
    offer: OfferData, policy: Policy, approved: Mapping[str, int]
) -> Iterator[_Found]:
    settings = policy.guidance
    most = settings.most_of_need if settings else 0.5
    by_cohort = positions(policy, approved)
    for code in dict.fromkeys(offer.cohorts):
        position = by_cohort.get(code)
        if position is None or position.forecast == 0:
            continue
        met = position.pipeline + position.approved
        if met >= most * position.forecast and position.open_to_offers < offer.total_units:
            periods = [scheme.period for scheme in policy.pipeline if code in scheme.counts_against]
            yield _Found("cohorts", {"cohort": position.cohort.label, "year": _last_year(periods)})


def _care_outside_framework(
    offer: OfferData, policy: Policy, _: Mapping[str, int]
) -> Iterator[_Found]:
    status = offer.care_provider_framework_status
    if offer.care_provider_name and status is not FrameworkStatus.ON_FRAMEWORK:
        yield _Found("care-provider", {"provider": offer.care_provider_name})


def _not_best_fit(offer: OfferData, policy: Policy, _: Mapping[str, int]) -> Iterator[_Found]:
    for code in dict.fromkeys(offer.cohorts):
        cohort = policy.cohort(code)
        if cohort is None or not cohort.fits:
            continue
        fit, _why = _fit(offer, cohort)
        if fit != "best":
            yield _Found("configuration", {"cohort": cohort.label, "best_fit": cohort.best_fit})


def _outside_city(offer: OfferData, policy: Policy, _: Mapping[str, int]) -> Iterator[_Found]:
    # By the council's postcode sectors (issue 13): LE4 3 (Birstall) is outside the
    # city though LE4 is a city district. A sector straddling the boundary is left
    # to the officer, not flagged to the submitter.
    if city_place(offer.postcode, policy) is CityPlace.OUTSIDE:
        yield _Found("name-and-address", {"district": postcode_district(offer.postcode)})


def _voids_asked(offer: OfferData, policy: Policy, _: Mapping[str, int]) -> Iterator[_Found]:
    if offer.council_asked_to_cover_voids:
        yield _Found("voids", {})


def _planning_refused(offer: OfferData, policy: Policy, _: Mapping[str, int]) -> Iterator[_Found]:
    if offer.planning_status is PlanningStatus.REFUSED:
        yield _Found("development", {})


def _planning_not_yet_applied(
    offer: OfferData, policy: Policy, _: Mapping[str, int]
) -> Iterator[_Found]:
    if offer.planning_status is PlanningStatus.NOT_YET_APPLIED:
        yield _Found("development", {})


def _available_after_strategy(
    offer: OfferData, policy: Policy, _: Mapping[str, int]
) -> Iterator[_Found]:
    # The deliverability rule's "after the strategy's last phase" (rules/deliverability.py).
    last = max(policy.deliverability.phases, key=lambda phase: phase.to_year)
    if offer.date_available is not None and offer.date_available.year > last.to_year:
        yield _Found(
            "date-available", {"year": str(offer.date_available.year), "period": last.period}
        )


def _ages_outside_cohort(
    offer: OfferData, policy: Policy, _: Mapping[str, int]
) -> Iterator[_Found]:
    # The cohort-need rule's age check (rules/ages.py): none of the cohort's ages taken.
    for code in dict.fromkeys(offer.cohorts):
        cohort = policy.cohort(code)
        if cohort is None or cohort.ages is None:
            continue
        if age_fit(offer, cohort, policy.effective_from).none:
            yield _Found(
                "age-range",
                {
                    "ages": offer_ages(offer),
                    "cohort": cohort.label,
                    "cohort_ages": cohort.ages.describe(),
                },
            )


def _care_hours_unlike_support(
    offer: OfferData, policy: Policy, _: Mapping[str, int]
) -> Iterator[_Found]:
    if hours_unlike_support(offer, policy):
        yield _Found(
            "care-provider",
            {
                "hours": f"{offer.care_hours_per_person_per_week:g}",
                "support": label(offer.support_model).lower(),
            },
        )


def _support_unlike_cohort(
    offer: OfferData, policy: Policy, _: Mapping[str, int]
) -> Iterator[_Found]:
    # The procurement rule's check of the support model (rules/support.py).
    for code in dict.fromkeys(offer.cohorts):
        cohort = policy.cohort(code)
        if (
            cohort
            and cohort.support_models
            and offer.support_model.value not in cohort.support_models
        ):
            wanted = " or ".join(
                label(SupportModel(model)).lower() for model in cohort.support_models
            )
            yield _Found("support-model", {"cohort": cohort.label, "support": wanted})


CHECKS = {
    "shared_housing_not_wanted": _shared_housing_not_wanted,
    "core_rent_above_range": _core_rent_above_range,
    "need_met_by_planned_schemes": _need_met_by_planned_schemes,
    "care_outside_framework": _care_outside_framework,
    "not_best_fit": _not_best_fit,
    "outside_city": _outside_city,
    "voids_asked": _voids_asked,
    "planning_refused": _planning_refused,
    "planning_not_yet_applied": _planning_not_yet_applied,
    "available_after_strategy": _available_after_strategy,
    "ages_outside_cohort": _ages_outside_cohort,
    "care_hours_unlike_support": _care_hours_unlike_support,
    "support_unlike_cohort": _support_unlike_cohort,
}


def guidance(
    offer: OfferData, policy: Policy, approved_units: Mapping[str, int] | None = None
) -> list[Guidance]:
    """The guidance the policy's chosen checks give on `offer`, in the policy's
    order and words. `approved_units`: units per cohort in approved offers, as the
    scoring takes them. A policy with no `guidance` section gives none."""
    settings = policy.guidance
    if settings is None:
        return []
    found = []
    for item in settings.items:
        for hit in CHECKS[item.check](offer, policy, approved_units or {}):
            found.append(Guidance(item.check, item.text.format(**hit.values), hit.answer))
    return found
