"""The offer's terms (issue 13): who carries empty homes, the lease, the length of
stay and tenancy, CORE's client groups and support level, the capital sought and
the site. Each is a cost or a risk to the council that Appendix C asks about.

Points come off a start of 100, each with its reason and figures; the verdict
follows the policy's thresholds, like every other rule. A term not said (an offer
in format 1 or 2, from before the question was asked) takes nothing off: the
officer is told to ask.
"""

from __future__ import annotations

from typing import Any

from rules.offer import (
    CapitalFunding,
    LeaseModel,
    OfferData,
    Repairs,
    SiteStatus,
    SupportLevel,
    SupportModel,
    TenancyType,
    VoidPayer,
    VoidRateBasis,
    VoidsFrom,
    label,
)
from rules.policy_data import Policy, TermsSettings
from rules.result import RuleResult, clamp, pounds, verdict_for

RULE = "terms"
TITLE = "Terms: voids, lease, length of stay and funding"

# CORE's support level that each kind of support on site describes.
_SUPPORT_LEVELS = {
    SupportModel.ON_SITE_24_7: {SupportLevel.HIGH},
    SupportModel.REGULAR_ON_SITE: {SupportLevel.MEDIUM, SupportLevel.HIGH},
    SupportModel.FLOATING: {SupportLevel.FLOATING, SupportLevel.LOW},
}

_Found = tuple[float, list[str]]


def _plural(count: int, noun: str) -> str:
    return f"{count} {noun}{'' if count == 1 else 's'}"


def voids(offer: OfferData, settings: TermsSettings) -> tuple[float, list[str], dict[str, Any]]:
    """The council carrying empty homes is a cost the strategy names: it has ended up
    "carrying voids" and paying "an ongoing void cost" (Appendix C)."""
    payer = offer.void_payer
    figures: dict[str, Any] = {"void_payer": payer.value}
    if payer is VoidPayer.LANDLORD_OR_PROVIDER:
        return 0.0, ["The landlord or provider bears the cost of empty homes (voids)."], figures
    penalty = (
        settings.council_voids_penalty
        if payer is VoidPayer.COUNCIL
        else settings.shared_voids_penalty
    )
    who = "The council would pay" if payer is VoidPayer.COUNCIL else "The council would share"
    reasons = [
        f"{who} the cost of empty homes (voids): a cost the strategy says the council has "
        "carried before and avoids (Appendix C)."
    ]
    if offer.voids_from is None and offer.void_cover_months is None:
        penalty += settings.voids_terms_not_said_penalty
        reasons.append(
            "The offer does not say from when, at what rate or for how long: ask before "
            "agreeing to anything."
        )
        return penalty, reasons, figures
    if offer.voids_from is VoidsFrom.FROM_HANDOVER:
        penalty += settings.voids_from_handover_penalty
        reasons.append("It would pay from handover, before anyone could be nominated to the homes.")
    elif offer.voids_from is VoidsFrom.AFTER_WEEKS_EMPTY and offer.voids_from_weeks:
        reasons.append(
            f"It would pay once a home has been empty for "
            f"{_plural(offer.voids_from_weeks, 'week')}."
        )
        figures["voids_from_weeks"] = offer.voids_from_weeks
    if offer.void_rate_basis is VoidRateBasis.PERCENT_OF_RENT and offer.void_rate_percent:
        reasons.append(f"The rate: {offer.void_rate_percent}% of the rent and charges.")
        figures["void_rate_percent"] = offer.void_rate_percent
        weekly = max(
            (
                unit.core_rent_pence
                + unit.eligible_service_charge_pence
                + unit.ineligible_service_charge_pence
                + unit.intensive_housing_management_pence
                for unit in offer.unit_types
            ),
            default=0,
        )
        figures["void_cost_pence_per_home_per_week"] = weekly * offer.void_rate_percent // 100
    elif offer.void_rate_basis is VoidRateBasis.POUNDS_PER_WEEK and offer.void_rate_pence_per_week:
        reasons.append(
            f"The rate: {pounds(offer.void_rate_pence_per_week)} a week for each empty home."
        )
        figures["void_cost_pence_per_home_per_week"] = offer.void_rate_pence_per_week
    months = offer.void_cover_months
    if months is not None:
        figures["void_cover_months"] = months
        if months > settings.void_cover_months_max:
            penalty += settings.long_void_cover_penalty
            reasons.append(
                f"It would pay for {_plural(months, 'month')}, longer than the "
                f"{settings.void_cover_months_max} the council accepts (council setting)."
            )
        else:
            reasons.append(f"It would pay for {_plural(months, 'month')}.")
    return penalty, reasons, figures


def lease(offer: OfferData, settings: TermsSettings) -> tuple[float, list[str], dict[str, Any]]:
    """A lease to a provider is the exempt-accommodation model (HB (Consequential
    Provisions) Regulations 2006, SI 2006/217, Sch. 3 para 4(10)): the rent is met by
    Housing Benefit outside the LHA caps, the model whose high rents and weak
    oversight the Supported Housing (Regulatory Oversight) Act 2023 answers. A long
    lease without a break ties the council's tenants to it."""
    figures: dict[str, Any] = {"lease_model": offer.lease_model.value}
    if offer.lease_model is LeaseModel.LANDLORD_MANAGES:
        return 0.0, ["The landlord manages the homes itself: no lease to another body."], figures
    penalty, reasons = 0.0, []
    if offer.lease_model is LeaseModel.LEASE_TO_PROVIDER:
        penalty += settings.lease_to_provider_penalty
        reasons.append(
            "The homes are leased to a provider: the exempt-accommodation model, a known risk "
            "of high rents met by Housing Benefit and of poor oversight (SI 2006/217 Sch. 3 "
            "para 4(10); Supported Housing (Regulatory Oversight) Act 2023)."
        )
    else:
        reasons.append(f"{label(offer.lease_model)}.")
    if offer.lease_years is None and offer.break_clause is None:
        reasons.append("The offer does not give the lease's length or break clauses: ask.")
        return penalty, reasons, figures
    if offer.lease_years is not None:
        figures["lease_years"] = offer.lease_years
        if offer.lease_years > settings.long_lease_years:
            penalty += settings.long_lease_penalty
            reasons.append(
                f"The lease runs for {_plural(offer.lease_years, 'year')}, longer than "
                f"{settings.long_lease_years} (council setting)."
            )
        else:
            reasons.append(f"The lease runs for {_plural(offer.lease_years, 'year')}.")
    if offer.break_clause is False:
        penalty += settings.no_break_clause_penalty
        reasons.append("There is no break clause: the council could not end it early.")
    elif offer.break_clause:
        after = offer.break_clause_after_years
        figures["break_clause_after_years"] = after
        reasons.append(
            "There is a break clause"
            + (f" after {_plural(after, 'year')}." if after is not None else ".")
        )
    if offer.repairs_by is Repairs.PROVIDER:
        penalty += settings.provider_repairs_penalty
        reasons.append(
            "The provider, not the owner, would do the repairs: ask how they are funded."
        )
    elif offer.repairs_by is not None:
        reasons.append(f"Repairs: {label(offer.repairs_by).lower()}.")
    return penalty, reasons, figures


def stay(offer: OfferData, policy: Policy) -> _Found:
    """The length of stay against each cohort's pathway (policy: terms.cohort_stays),
    and the tenancy against the strategy's "security of tenure" (Appendix C)."""
    settings = policy.terms
    penalty, reasons = 0.0, []
    if offer.intended_stay is None:
        reasons.append("The offer does not say the intended length of stay: ask.")
    else:
        for code in offer.cohorts:
            wanted = settings.cohort_stays.get(code)
            cohort = policy.cohort(code)
            if wanted is None or cohort is None:
                continue
            if offer.intended_stay in wanted.stays:
                reasons.append(
                    f"{label(offer.intended_stay)} fits the pathway of {cohort.label}: "
                    f"{wanted.pathway} ({wanted.source})."
                )
            else:
                penalty += settings.stay_mismatch_penalty
                reasons.append(
                    f"{label(offer.intended_stay)} does not fit the pathway of {cohort.label}: "
                    f"{wanted.pathway} ({wanted.source})."
                )
    if offer.tenancy_type is TenancyType.LICENCE:
        penalty += settings.licence_penalty
        reasons.append(
            "Tenants would have a licence: the strategy asks for tenancies or leases that give "
            "security of tenure and the right to control who enters the home (Appendix C)."
        )
    elif offer.tenancy_type is not None:
        reasons.append(f"Tenancy: {label(offer.tenancy_type)}.")
    return penalty, reasons


def who_for(offer: OfferData, policy: Policy) -> _Found:
    """CORE's client groups and support level, checked against the cohorts and the
    support on site the offer names (they go on the council's CORE returns)."""
    settings = policy.terms
    penalty, reasons = 0.0, []
    if offer.client_groups:
        expected = {
            group for code in offer.cohorts for group in settings.cohort_client_groups.get(code, [])
        }
        if expected and not expected & set(offer.client_groups):
            penalty += settings.client_group_mismatch_penalty
            reasons.append(
                "None of the client groups named ("
                + ", ".join(label(group) for group in offer.client_groups)
                + ") is one the council expects for the groups the homes are for: ask why."
            )
    if offer.support_level is not None:
        fitting = _SUPPORT_LEVELS.get(offer.support_model)
        if fitting is not None and offer.support_level not in fitting:
            penalty += settings.support_mismatch_penalty
            reasons.append(
                f"The support level ({label(offer.support_level)}) does not agree with the "
                f"support on site ({label(offer.support_model)}): ask which is right."
            )
    return penalty, reasons


def capital(offer: OfferData, settings: TermsSettings) -> tuple[float, list[str], dict[str, Any]]:
    """Capital asked of the council is a cost to it: Right to Buy receipts may
    contribute "up to 30% of the total scheme capital cost" (strategy), and council
    land is the council's to give. A site not yet found cannot be delivered."""
    penalty, reasons = 0.0, []
    figures: dict[str, Any] = {}
    funding = offer.capital_funding
    if funding is None:
        reasons.append("The offer does not say what capital funding it seeks: ask.")
    elif not funding:
        reasons.append("No capital funding is sought.")
    else:
        figures["capital_funding"] = [source.value for source in funding]
        council_costs = 0.0
        if CapitalFunding.RIGHT_TO_BUY_RECEIPTS in funding:
            share = offer.right_to_buy_percent
            figures["right_to_buy_percent"] = share
            if share is not None and share > settings.right_to_buy_max_percent:
                penalty += settings.right_to_buy_over_max_penalty
                reasons.append(
                    f"Right to Buy receipts are sought for {share}% of the scheme's capital "
                    f"cost, more than the {settings.right_to_buy_max_percent}% the strategy "
                    "allows."
                )
            else:
                council_costs = settings.council_capital_penalty
                reasons.append(
                    "Right to Buy receipts are sought"
                    + (f" for {share}% of the scheme's capital cost" if share else "")
                    + f": a cost to the council (up to {settings.right_to_buy_max_percent}% "
                    "allowed by the strategy)."
                )
        if CapitalFunding.COUNCIL_LAND in funding:
            council_costs = settings.council_capital_penalty
            reasons.append("Council land or buildings are sought: a cost to the council.")
        penalty += council_costs
        others = [
            label(source)
            for source in funding
            if source not in (CapitalFunding.RIGHT_TO_BUY_RECEIPTS, CapitalFunding.COUNCIL_LAND)
        ]
        if others:
            reasons.append("Also sought: " + ", ".join(others) + ".")
    if offer.site_status is SiteStatus.NOT_YET_FOUND:
        penalty += settings.site_not_found_penalty
        reasons.append("No site has been found yet: the homes cannot be delivered on any date.")
    elif offer.site_status is SiteStatus.UNDER_OPTION:
        penalty += settings.site_under_option_penalty
        reasons.append("The site is under option, not yet owned.")
    elif offer.site_status is SiteStatus.OWNED:
        reasons.append("The site is owned.")
    if offer.site_status is not None:
        figures["site_status"] = offer.site_status.value
    return penalty, reasons, figures


def terms(offer: OfferData, policy: Policy) -> RuleResult:
    settings = policy.terms
    void_points, void_reasons, void_figures = voids(offer, settings)
    lease_points, lease_reasons, lease_figures = lease(offer, settings)
    stay_points, stay_reasons = stay(offer, policy)
    group_points, group_reasons = who_for(offer, policy)
    capital_points, capital_reasons, capital_figures = capital(offer, settings)
    score = clamp(100 - void_points - lease_points - stay_points - group_points - capital_points)
    figures = {
        **void_figures,
        **lease_figures,
        **capital_figures,
        "intended_stay": offer.intended_stay.value if offer.intended_stay else None,
        "tenancy_type": offer.tenancy_type.value if offer.tenancy_type else None,
        "points_off": {
            "voids": void_points,
            "lease": lease_points,
            "stay_and_tenancy": stay_points,
            "client_groups_and_support": group_points,
            "capital_and_site": capital_points,
        },
    }
    reasons = void_reasons + lease_reasons + stay_reasons + group_reasons + capital_reasons
    return RuleResult(RULE, TITLE, score, verdict_for(score, policy), reasons, figures)
