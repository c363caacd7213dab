"""The other Appendix C questions: procurement, location and quality."""

from __future__ import annotations

from rules.offer import AccessibilityStandard, FrameworkStatus, OfferData, label
from rules.policy_data import Policy
from rules.result import RuleResult, Verdict, clamp, pounds, verdict_for


def procurement(offer: OfferData, policy: Policy) -> RuleResult:
    rule, title = "procurement", "Procurement and the Supported Living Framework"
    since = policy.procurement.framework_live_since
    framework = (
        f"the council's Supported Living Framework (live since {since.day} {since:%B %Y}, "
        "not expected to reopen soon)"
    )
    status = offer.care_provider_framework_status
    figures: dict[str, object] = {"care_framework_status": status.value if status else None}
    if offer.care_provider_name is None:
        return RuleResult(
            rule,
            title,
            100.0,
            Verdict.GREEN,
            [
                f"No care is bundled with the accommodation: care is commissioned separately through {framework}."
            ],
            figures,
        )
    reasons = []
    if status is FrameworkStatus.ON_FRAMEWORK:
        score, verdict = 100.0, Verdict.GREEN
        reasons.append(f"The care provider, {offer.care_provider_name}, is on {framework}.")
    elif status is FrameworkStatus.NOT_ON_FRAMEWORK:
        score, verdict = 40.0, Verdict.AMBER
        reasons.append(
            f"The care provider, {offer.care_provider_name}, is not on {framework}. The council "
            "can only buy its care for people using direct payments, and the provider must be "
            "listed on the council's care directory."
        )
    else:
        score, verdict = 60.0, Verdict.AMBER
        reasons.append(
            f"It is not known whether {offer.care_provider_name} is on {framework}: ask. A "
            "provider outside it can only sell care to people using direct payments."
        )
    cost = offer.care_cost_pence_per_person_per_week
    if cost is not None and cost > policy.procurement.high_cost_care_weekly:
        score -= 20
        verdict = Verdict.AMBER if verdict is Verdict.GREEN else verdict
        reasons.append(
            f"Care costs {pounds(cost)} per person per week, above "
            f"{pounds(policy.procurement.high_cost_care_weekly)} (council setting): check it is cost effective."
        )
    figures["care_cost_pence_per_person_per_week"] = cost
    return RuleResult(rule, title, clamp(score), verdict, reasons, figures)


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
        verdict = Verdict(policy.location.outside_city_verdict)
        return RuleResult(
            rule,
            title,
            0.0 if verdict is Verdict.RED else 40.0,
            verdict,
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
