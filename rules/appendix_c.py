"""The other Appendix C questions: procurement, location and quality."""

from __future__ import annotations

from rules import accessibility
from rules.existing_supply import (
    CityPlace,
    SupplyRegister,
    city_place,
    postcode_district,
    postcode_sector,
)
from rules.offer import LOOKED_AFTER, FrameworkStatus, OfferData
from rules.policy_data import Policy
from rules.result import RuleResult, Verdict, clamp, pounds, verdict_for
from rules.support import care_and_support, hourly_cost


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
    # Support for the cohorts, care hours and cost per hour (rules/support.py).
    figures["care_hours_per_person_per_week"] = offer.care_hours_per_person_per_week
    figures["care_cost_pence_per_hour"] = hourly_cost(offer)
    for check in (care_and_support, nominations, registration):
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


def _outside(postcode: str, policy: Policy) -> tuple[float, list[str]]:
    settings = policy.location
    # The council's setting picks the score; the verdict follows it through the
    # thresholds (amber: the lowest amber score).
    amber = Verdict(settings.outside_city_verdict) is Verdict.AMBER
    score = policy.scoring.verdict_thresholds.amber if amber else 0.0
    if settings.city_postcode_sectors:
        where = (
            f"in sector {postcode_sector(postcode)}, outside the city's postcode sectors "
            f"(council setting; districts {', '.join(settings.city_postcode_districts)} also "
            "cover parts of the county)"
        )
    else:
        where = (
            f"in {postcode_district(postcode)}, outside the city's postcode districts "
            f"({', '.join(settings.city_postcode_districts)})"
        )
    return score, [f"{postcode} is {where}: the strategy seeks homes in Leicester."]


def _supply(
    postcode: str, offer: OfferData, policy: Policy, register: SupplyRegister | None
) -> tuple[float, list[str], dict[str, object]]:
    """How well served the postcode's district is by the register's placed units,
    against the city's average per district: less well served scores higher
    (strategy: "of particular interest will be areas less well served")."""
    district = postcode_district(postcode)
    if register is None or not register.schemes:
        return (
            80.0,
            ["No register of existing supply was given, so every city area scores alike."],
            {},
        )
    counts = register.units_by_district(policy.location.city_postcode_districts)
    placed = sum(counts.values())
    figures: dict[str, object] = {
        "register_units": register.total_units,
        "unplaced_units": register.unplaced_units,
    }
    if placed == 0:
        return (
            80.0,
            [
                f"The existing-supply register has no postcode for any of its "
                f"{register.total_units} units yet (the strategy's Appendix A gives none), so "
                "every city area scores alike: staff can add them."
            ],
            figures,
        )
    here = counts.get(district, 0)
    average = placed / len(counts)
    ratio = here / average
    # At the city average 75; none at all 100; twice the average or more 50.
    score = clamp(max(50.0, 100 - 25 * ratio))
    if ratio < 0.75:
        judged = "less well served than most of the city: of particular interest"
    elif ratio <= 1.25:
        judged = "about as well served as the city on average"
    else:
        judged = "better served than the city on average"
    reasons = [
        f"{district} has {here} units of existing supply in the register against a city "
        f"average of {average:.0f} per district "
        f"({', '.join(counts)}): {judged}."
    ]
    for code in dict.fromkeys(offer.cohorts):
        serving = sum(
            scheme.units
            for scheme in register.schemes
            if scheme.cohort == code and scheme.district == district
        )
        cohort = policy.cohort(code)
        if serving and cohort is not None:
            reasons.append(f"{serving} of them serve {cohort.label}.")
    if register.unplaced_units:
        reasons.append(
            f"{register.unplaced_units} of the register's {register.total_units} units have "
            "no postcode yet and count in no area."
        )
    figures |= {
        "existing_units_in_district": here,
        "city_average_units_per_district": round(average, 1),
    }
    return score, reasons, figures


def location(
    offer: OfferData, policy: Policy, register: SupplyRegister | None = None
) -> RuleResult:
    """Each of the offer's postcodes is judged; the offer takes the lowest score.
    Outside the city: the council's outside-city verdict. In a sector that
    straddles the boundary: amber, and the officer checks the address. In the
    city: by the existing-supply register."""
    rule, title = "location", "Location"
    # A dispersed scheme's several addresses are each judged (OfferData.postcodes).
    postcodes = offer.postcodes
    figures: dict[str, object] = {
        "postcode_district": postcode_district(postcodes[0]),
        "postcode_sector": postcode_sector(postcodes[0]),
    }
    scores, reasons, places = [], [], []
    thresholds = policy.scoring.verdict_thresholds
    for postcode in postcodes:
        place = city_place(postcode, policy)
        places.append(place.value)
        if place is CityPlace.OUTSIDE:
            score, said = _outside(postcode, policy)
        else:
            score, said, found = _supply(postcode, offer, policy, register)
            figures |= found
            if place is CityPlace.CITY:
                said.insert(0, f"{postcode} is in the city (sector {postcode_sector(postcode)}).")
            else:
                # Amber whatever the supply: the middle of the amber band.
                score = min(score, (thresholds.amber + thresholds.green) / 2)
                said.insert(
                    0,
                    f"{postcode} is in sector {postcode_sector(postcode)}, which straddles "
                    "the city boundary (council setting): check the address is in "
                    "Leicester before relying on this.",
                )
        scores.append(score)
        reasons.extend(said)
    figures["city_place"] = places[0] if len(places) == 1 else places
    score = min(scores)
    return RuleResult(rule, title, score, verdict_for(score, policy), reasons, figures)


def quality(offer: OfferData, policy: Policy) -> RuleResult:
    """Accessibility and quality, counted per unit type (rules/accessibility.py)."""
    return accessibility.quality(offer, policy)
