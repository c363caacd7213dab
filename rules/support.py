"""Care and support bundled with the homes: do the hours fit the support model, and
is the care cost effective (Appendix C: "arrangements that include the support
needs/costs, how these will be met and whether they are cost effective").

Hours follow each person's assessment ("some people may need a few hours a week,
whilst others might require 24-hour support": Market Position Statement 2020), so
the policy's ranges per support model are a sense check of the offer's own figures:
hours outside them are questioned, not refused. A part of the procurement rule,
which judges the rest of the care arrangements.
"""

from __future__ import annotations

from rules.offer import OfferData, SupportModel, label
from rules.policy_data import Policy
from rules.result import pounds


def hourly_cost(offer: OfferData) -> int | None:
    """The care's cost per hour in pence, when the offer gives both hours and cost
    (hours to the tenth of an hour the form asks for: fewer give no rate)."""
    hours = offer.care_hours_per_person_per_week
    cost = offer.care_cost_pence_per_person_per_week
    if hours is None or hours < 0.1 or cost is None:
        return None
    return round(cost / hours)


def hours_unlike_support(offer: OfferData, policy: Policy) -> bool:
    hours = offer.care_hours_per_person_per_week
    if hours is None or offer.care_provider_name is None:
        return False
    usual = policy.care.hours_per_person_per_week.get(offer.support_model.value)
    return usual is not None and not usual.min <= hours <= usual.max


def care_hours(offer: OfferData, policy: Policy) -> tuple[float, list[str]]:
    """Points off the procurement score for care hours unlike the support model and
    for care dearer by the hour than the council's setting, with the reasons."""
    settings = policy.care
    hours = offer.care_hours_per_person_per_week
    if offer.care_provider_name is None or hours is None:
        return 0.0, []
    model = offer.support_model
    usual = settings.hours_per_person_per_week.get(model.value)
    penalty, reasons = 0.0, []
    if usual is not None and hours_unlike_support(offer, policy):
        if model is SupportModel.NONE:
            expected = "no care or support on site"
        elif hours < usual.min:
            expected = f"at least {usual.min:g} hours per person a week"
        else:
            expected = f"at most {usual.max:g} hours per person a week"
        penalty += settings.hours_unlike_support_points_off
        reasons.append(
            f"{hours:g} hours of care and support per person a week is unusual for "
            f"\u201c{label(model)}\u201d, which usually means {expected} (council setting): "
            "check the figure and how the support will be given."
        )
    elif usual is not None:
        reasons.append(
            f"{hours:g} hours of care and support per person a week fits "
            f"\u201c{label(model)}\u201d."
        )
    rate = hourly_cost(offer)
    if rate is not None and settings.high_cost_hourly is not None:
        if rate > settings.high_cost_hourly:
            penalty += settings.high_cost_hourly_points_off
            reasons.append(
                f"Care costs {pounds(rate)} an hour, above {pounds(settings.high_cost_hourly)} "
                "(council setting): check it is cost effective."
            )
        else:
            reasons.append(f"Care costs {pounds(rate)} an hour.")
    return penalty, reasons


def support_for_cohorts(offer: OfferData, policy: Policy) -> tuple[float, list[str]]:
    """Points off when the offer's support model is not one a cohort's needs call for
    (the policy's `support_models`, from the strategy's words), with the reasons."""
    short = []
    for code in dict.fromkeys(offer.cohorts):
        cohort = policy.cohort(code)
        if cohort is None or not cohort.support_models:
            continue
        if offer.support_model.value not in cohort.support_models:
            wanted = " or ".join(
                f"\u201c{label(SupportModel(model))}\u201d" for model in cohort.support_models
            )
            short.append(f"\u201c{cohort.label}\u201d need {wanted}")
    if not short:
        return 0.0, []
    return policy.care.support_unlike_cohort_points_off, [
        f"The support offered, \u201c{label(offer.support_model)}\u201d, is not what the "
        f"strategy says its cohorts need: {'; '.join(short)}."
    ]


def care_and_support(offer: OfferData, policy: Policy) -> tuple[float, list[str]]:
    """The support model against the cohorts' needs, then the care hours against the
    support model and the care's cost per hour: points off and the reasons."""
    off_cohorts, cohort_reasons = support_for_cohorts(offer, policy)
    off_hours, hour_reasons = care_hours(offer, policy)
    return off_cohorts + off_hours, cohort_reasons + hour_reasons
