"""The other Appendix C questions: procurement, location and quality."""

from __future__ import annotations

from rules.offer import LOOKED_AFTER, AccessibilityStandard, FrameworkStatus, OfferData, label
from rules.policy_data import Policy
from rules.result import RuleResult, Verdict, clamp, pounds, verdict_for


def nominations(offer: OfferData, policy: Policy) -> tuple[float, list[str]]:
    """Points off the procurement score for nomination rights short of what the
    council looks for, with the reasons. Not said (an offer from before the
    question was asked): nothing off, and the officer is told to ask."""
    share, years = offer.nomination_share_percent, offer.nomination_term_years
    wanted_share = policy.procurement.nomination_share_wanted_percent
    wanted_years = policy.procurement.nomination_term_years_wanted
    if share is None:
        return 0.0, ["The offer does not say what nomination rights the council would have: ask."]
    if share == 0:
        return 40.0, [
            "The council would have no nomination rights: it could not place the people "
            "it is seeking homes for."
        ]
    penalty, reasons = 0.0, []
    if share < wanted_share:
        penalty += 20
        reasons.append(
            f"The council would nominate to {share}% of the homes, less than the "
            f"{wanted_share}% it looks for (council setting)."
        )
    else:
        reasons.append(f"The council would nominate to {share}% of the homes.")
    if years is not None and years < wanted_years:
        penalty += 10
        reasons.append(
            f"Nomination rights last {years} years, less than the {wanted_years} the council "
            "looks for (council setting)."
        )
    elif years is not None:
        reasons.append(f"Nomination rights last {years} years.")
    return penalty, reasons


def registration(offer: OfferData, policy: Policy) -> tuple[float, list[str]]:
    """Points off for care or accommodation that must be registered and is not.

    Personal care is a regulated activity: its provider must be registered with the
    CQC (Health and Social Care Act 2008 (Regulated Activities) Regulations 2014,
    Schedule 1 paragraph 1; the offence, s.10 of the 2008 Act). Supported
    accommodation for looked-after children aged 16 and 17 must be registered with
    Ofsted from 28 October 2023 (Care Standards Act 2000 s.11, as applied by the
    Supported Accommodation (England) Regulations 2023)."""
    penalty, reasons = 0.0, []
    if offer.care_provider_name is not None:
        if offer.cqc_registered is False:
            penalty += 40
            reasons.append(
                f"{offer.care_provider_name} is not registered with the CQC: personal care "
                "may only be provided by a registered provider."
            )
        elif offer.cqc_registered:
            reasons.append(f"{offer.care_provider_name} is registered with the CQC.")
    if LOOKED_AFTER in offer.cohorts:
        if offer.ofsted_registered is False:
            penalty += 60
            reasons.append(
                "The accommodation is not registered with Ofsted: supported accommodation for "
                "looked-after 16 and 17-year-olds must be, so it cannot be used for them until "
                "it is."
            )
        elif offer.ofsted_registered:
            reasons.append(
                "The accommodation is registered with Ofsted as supported accommodation."
            )
    return penalty, reasons


def procurement(offer: OfferData, policy: Policy) -> RuleResult:
    rule, title = "procurement", "Procurement and the Supported Living Framework"
    since = policy.procurement.framework_live_since
    framework = (
        f"the council's Supported Living Framework (live since {since.day} {since:%B %Y}, "
        "not expected to reopen soon)"
    )
    status = offer.care_provider_framework_status
    figures: dict[str, object] = {"care_framework_status": status.value if status else None}
    reasons = []
    if offer.care_provider_name is None:
        score = 100.0
        reasons.append(
            "No care is bundled with the accommodation: care is commissioned separately "
            f"through {framework}."
        )
    elif status is FrameworkStatus.ON_FRAMEWORK:
        score = 100.0
        reasons.append(f"The care provider, {offer.care_provider_name}, is on {framework}.")
    elif status is FrameworkStatus.NOT_ON_FRAMEWORK:
        score = 40.0
        reasons.append(
            f"The care provider, {offer.care_provider_name}, is not on {framework}. The council "
            "can only buy its care for people using direct payments, and the provider must be "
            "listed on the council's care directory."
        )
    else:
        score = 60.0
        reasons.append(
            f"It is not known whether {offer.care_provider_name} is on {framework}: ask. A "
            "provider outside it can only sell care to people using direct payments."
        )
    cost = offer.care_cost_pence_per_person_per_week
    if cost is not None and cost > policy.procurement.high_cost_care_weekly:
        score -= 20
        reasons.append(
            f"Care costs {pounds(cost)} per person per week, above "
            f"{pounds(policy.procurement.high_cost_care_weekly)} (council setting): check it is cost effective."
        )
    figures["care_cost_pence_per_person_per_week"] = cost
    for check in (nominations, registration):
        penalty, said = check(offer, policy)
        score -= penalty
        reasons.extend(said)
    figures["cqc_registered"] = offer.cqc_registered
    figures["ofsted_registered"] = offer.ofsted_registered
    figures["nomination_share_percent"] = offer.nomination_share_percent
    figures["nomination_term_years"] = offer.nomination_term_years
    # The verdict follows the score through the policy's thresholds, like every rule's.
    score = clamp(score)
    return RuleResult(rule, title, score, verdict_for(score, policy), reasons, figures)


def postcode_district(postcode: str) -> str:
    return (
        postcode.strip().upper().split(" ")[0]
        if " " in postcode.strip()
        else postcode.strip().upper()[:-3]
    )


def location(offer: OfferData, policy: Policy) -> RuleResult:
    rule, title = "location", "Location"
    district = postcode_district(offer.postcode)
    figures: dict[str, object] = {"postcode_district": district}
    if district not in policy.location.city_postcode_districts:
        # The council's setting picks the score; the verdict follows it through the
        # thresholds (amber: the lowest amber score).
        amber = Verdict(policy.location.outside_city_verdict) is Verdict.AMBER
        score = policy.scoring.verdict_thresholds.amber if amber else 0.0
        return RuleResult(
            rule,
            title,
            score,
            verdict_for(score, policy),
            [
                f"{offer.postcode} is in {district}, outside the city's postcode districts "
                f"({', '.join(policy.location.city_postcode_districts)}): the strategy seeks homes in Leicester."
            ],
            figures,
        )
    supply = policy.existing_supply.by_postcode_district
    if not supply:
        return RuleResult(
            rule,
            title,
            80.0,
            Verdict.GREEN,
            [
                f"{offer.postcode} is in the city ({district}). The policy holds no count of existing supply by area yet, so every city district scores alike."
            ],
            figures,
        )
    here = supply.get(district, 0)
    most = max(supply.values()) or 1
    score = clamp(100 - 50 * here / most)
    figures["existing_units_in_district"] = here
    return RuleResult(
        rule,
        title,
        score,
        verdict_for(score, policy),
        [
            f"{offer.postcode} is in the city ({district}), which has {here} existing supported "
            f"units against {most} in the best-served district: less-served areas are of particular interest."
        ],
        figures,
    )


def quality(offer: OfferData, policy: Policy) -> RuleResult:
    rule, title = "quality", "Accessibility and quality"
    settings = policy.quality
    standard = offer.accessibility_standard
    standard_score = settings.standard_scores[standard.value]
    wanted = settings.wheelchair_share_wanted * offer.total_units
    wheelchair = offer.wheelchair_accessible_units
    wheelchair_part = 1.0 if wanted == 0 else min(1.0, wheelchair / wanted)
    score = clamp(0.5 * standard_score + 30 * wheelchair_part + 20 * offer.assistive_technology)
    reasons = [
        f"Accessibility standard {label(standard)}"
        + (": the highest." if standard is AccessibilityStandard.M4_3 else "."),
        f"{wheelchair} of {offer.total_units} units are wheelchair accessible "
        f"(the council looks for {settings.wheelchair_share_wanted:.0%}), "
        f"{offer.fully_adapted_units} fully adapted.",
        "Assistive technology is fitted."
        if offer.assistive_technology
        else "No assistive technology is fitted.",
    ]
    figures = {
        "accessibility_standard": standard.value,
        "wheelchair_accessible_units": wheelchair,
        "fully_adapted_units": offer.fully_adapted_units,
    }
    return RuleResult(rule, title, score, verdict_for(score, policy), reasons, figures)
