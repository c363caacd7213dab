"""Design rules: the low demand for shared housing, and the preference for
self-contained, core-and-cluster flats (extra care judged on its own terms)."""

from __future__ import annotations

from rules.existing_supply import SupplyRegister
from rules.offer import Configuration, OfferData, SupportModel, UnitKind, label
from rules.policy_data import Policy
from rules.result import RuleResult, clamp, verdict_for

SEND = "send_transitions"


def _shared_units(offer: OfferData, policy: Policy) -> int:
    """Units whose tenants share a bathroom or kitchen with more people than a
    shared flat allows, or that are rooms in a shared house."""
    flat_limit = policy.shared_housing.most_people_sharing_a_flat
    return sum(
        unit.count
        for unit in offer.unit_types
        if offer.configuration is Configuration.SHARED_HOUSE
        or unit.most_people_sharing > flat_limit
        or (unit.kind is UnitKind.SHARED_ROOM and unit.most_people_sharing > flat_limit)
    )


def is_shared_housing(offer: OfferData, policy: Policy) -> bool:
    return offer.configuration is Configuration.SHARED_HOUSE or _shared_units(offer, policy) > 0


def _exception_shape(offer: OfferData, policy: Policy) -> bool:
    allowed = {cohort.code for cohort in policy.cohorts if cohort.shared_house_allowed}
    return (
        bool(offer.cohorts)
        and set(offer.cohorts) <= allowed
        and offer.total_units <= policy.shared_housing.largest_acceptable_shared_house
    )


def exception_already_provided(
    offer: OfferData, policy: Policy, register: SupplyRegister | None
) -> int | None:
    """The shared houses already provided for the offer's cohorts (in the register
    or approved offers) when they are as many as the exception is for, so it has
    stopped for this offer; None while it still stands."""
    if register is None or not _exception_shape(offer, policy):
        return None
    provided = register.shared_houses_provided(offer.cohorts)
    return provided if provided >= policy.shared_housing.exception_houses_wanted else None


def shared_house_exception(
    offer: OfferData, policy: Policy, register: SupplyRegister | None = None
) -> bool:
    """The one exception: a small shared house aimed only at cohorts for whom the
    strategy wants one (young people in transition), until the houses it is for
    are provided (issue 13)."""
    return _exception_shape(offer, policy) and (
        exception_already_provided(offer, policy, register) is None
    )


def registered_scheme(offer: OfferData, policy: Policy) -> bool:
    """A CQC-registered scheme aimed only at cohorts for whom the strategy asks for a
    specialist registered scheme (respite): judged as that, not as shared housing."""
    wanted = {cohort.code for cohort in policy.cohorts if cohort.registered_scheme}
    return (
        bool(wanted)
        and bool(offer.cohorts)
        and set(offer.cohorts) <= wanted
        and offer.cqc_registered is True
    )


def dispersed_best_fit(offer: OfferData, policy: Policy) -> bool:
    """Dispersed self-contained homes for cohorts whose best fit includes them."""
    cohorts = [policy.cohort(code) for code in dict.fromkeys(offer.cohorts)]
    return (
        offer.configuration is Configuration.SELF_CONTAINED_DISPERSED
        and bool(cohorts)
        and all(
            cohort is not None
            and any(
                Configuration.SELF_CONTAINED_DISPERSED.value in fit.configurations
                for fit in cohort.fits
            )
            for cohort in cohorts
        )
    )


def shared_housing(
    offer: OfferData, policy: Policy, register: SupplyRegister | None = None
) -> RuleResult:
    rule, title = "shared_housing", "Demand for shared housing"
    flat_limit = policy.shared_housing.most_people_sharing_a_flat
    if registered_scheme(offer, policy):
        return RuleResult(
            rule,
            title,
            100.0,
            verdict_for(100.0, policy),
            [
                "A CQC-registered scheme for respite: the strategy asks for a specialist "
                "registered scheme, where people stay for short breaks, so it is not judged "
                "as shared housing."
            ],
            {"shared_units": 0, "registered_scheme": True},
        )
    if not is_shared_housing(offer, policy):
        most = max(unit.most_people_sharing for unit in offer.unit_types)
        reasons = ["No unit is shared housing: nobody shares a bathroom or kitchen"]
        if most > 1:
            reasons = [
                f"Up to {most} people share a flat, within the strategy's limit of "
                f"{flat_limit} for shared flats; this is not shared housing."
            ]
        else:
            reasons[0] += "."
        return RuleResult(
            rule, title, 100.0, verdict_for(100.0, policy), reasons, {"shared_units": 0}
        )
    shared = _shared_units(offer, policy)
    largest = policy.shared_housing.largest_acceptable_shared_house
    exception = [
        code for code in offer.cohorts if (c := policy.cohort(code)) and c.shared_house_allowed
    ]
    reasons = [
        f"{shared} of the {offer.total_units} units are shared housing "
        f"(a shared house, or more than {flat_limit} people sharing a bathroom or kitchen). "
        "The strategy finds little to no demand for shared housing: it carries voids and costs more."
    ]
    figures: dict[str, object] = {"shared_units": shared, "exception_cohorts": exception}
    provided = exception_already_provided(offer, policy, register)
    if provided is not None:
        figures["exception_houses_provided"] = provided
        reasons.append(
            f"The exception no longer applies: the strategy asks for "
            f"{policy.shared_housing.exception_houses_wanted} small shared house(s) for young "
            f"people in transition, and {provided} is already provided (the existing-supply "
            "register or an approved offer)."
        )
        return RuleResult(rule, title, 30.0, verdict_for(30.0, policy), reasons, figures)
    if shared_house_exception(offer, policy, register):
        names = ", ".join(policy.cohort(code).label for code in exception)  # type: ignore[union-attr]
        reasons.append(
            f"The exception applies: it is for {names}, for whom a small shared house that "
            f"looks like a family home is wanted (the forecast asks for one {largest}-bed house), "
            f"and it has {offer.total_units} places, no more than {largest}."
        )
        return RuleResult(rule, title, 75.0, verdict_for(75.0, policy), reasons, figures)
    if exception:
        reasons.append(
            f"Young people in transition are the one exception, but only for a shared house of "
            f"at most {largest} places aimed at them alone; this offer has {offer.total_units} "
            f"units for {len(offer.cohorts)} cohort(s)."
        )
        return RuleResult(rule, title, 30.0, verdict_for(30.0, policy), reasons, figures)
    return RuleResult(rule, title, 0.0, verdict_for(0.0, policy), reasons, figures)


def _self_contained(offer: OfferData, policy: Policy) -> bool:
    """Every unit is a flat with its own bathroom and kitchen, or a flat shared by no
    more than the strategy's limit (two people), who share its bathroom and kitchen."""
    flat_limit = policy.shared_housing.most_people_sharing_a_flat
    return all(
        unit.most_people_sharing <= flat_limit
        and ((unit.own_bathroom and unit.own_kitchen) or unit.most_people_sharing > 1)
        for unit in offer.unit_types
    )


def configuration(
    offer: OfferData, policy: Policy, register: SupplyRegister | None = None
) -> RuleResult:
    rule, title = "configuration", "Self-contained, core and cluster"
    config = offer.configuration
    figures: dict[str, object] = {"configuration": config.value}
    if config is Configuration.EXTRA_CARE:
        ingredients = {
            "24-hour care on site": offer.support_model is SupportModel.ON_SITE_24_7,
            "self-contained flats with their own front doors, bathrooms and kitchens": (
                _self_contained(offer, policy)
                and all(unit.kind is not UnitKind.SHARED_ROOM for unit in offer.unit_types)
            ),
            "communal facilities": offer.communal_space,
            "alarms and assistive technology": offer.assistive_technology,
        }
        have = [name for name, present in ingredients.items() if present]
        missing = [name for name, present in ingredients.items() if not present]
        score = 100.0 * len(have) / len(ingredients)
        if offer.staff_office and score < 100:
            score += 5
        reasons = ["Extra care is judged on its own ingredients."]
        if have:
            reasons.append(f"It has {', '.join(have)}.")
        if missing:
            reasons.append(f"It lacks {', '.join(missing)}.")
        figures["extra_care_missing"] = missing
        smallest = policy.design.extra_care_min_site_hectares
        area = offer.site_area_hectares
        if area is not None and area <= smallest and offer.development_type.value == "new_build":
            # Strategy: extra care needs "sites and locations (>0.5 hectares)".
            score -= 20
            reasons.append(
                f"The site is {area:g} hectares: the strategy looks for sites over "
                f"{smallest:g} hectares for new extra care schemes."
            )
        figures["site_area_hectares"] = area
        score = clamp(score)
        return RuleResult(rule, title, score, verdict_for(score, policy), reasons, figures)

    if registered_scheme(offer, policy):
        score = clamp(
            70.0
            + 10 * offer.communal_space
            + 10 * offer.staff_office
            + 10 * offer.assistive_technology
        )
        reasons = [
            "A CQC-registered respite scheme: the specialist registered scheme the strategy "
            "asks for, judged as that whatever its layout."
        ]
        figures["registered_scheme"] = True
        return RuleResult(rule, title, score, verdict_for(score, policy), reasons, figures)

    if not _self_contained(offer, policy) or config is Configuration.SHARED_HOUSE:
        flat_limit = policy.shared_housing.most_people_sharing_a_flat
        reasons = [
            f"{label(config)}: not every unit is self-contained (own bathroom and kitchen, "
            f"no more than {flat_limit} people sharing a flat). The council prefers "
            "self-contained flats in a core-and-cluster building."
        ]
        score = 10.0 + (5 if offer.staff_office else 0) + (5 if offer.communal_space else 0)
        if shared_house_exception(offer, policy, register):
            reasons.append(
                "For young people in transition a small shared house that looks like a "
                "family home is wanted, so this is not held against it."
            )
            return RuleResult(
                rule, title, score + 40, verdict_for(score + 40, policy), reasons, figures
            )
        if exception_already_provided(offer, policy, register) is not None:
            reasons.append(
                "The small shared house the strategy asks for young people in transition is "
                "already provided, so the exception no longer makes up for it."
            )
        return RuleResult(rule, title, score, verdict_for(score, policy), reasons, figures)

    core = {
        "a communal space": offer.communal_space,
        "a staff office or communal resource space": offer.staff_office,
        "assistive technology": offer.assistive_technology,
    }
    have = [name for name, present in core.items() if present]
    missing = [name for name, present in core.items() if not present]
    if config is Configuration.CORE_AND_CLUSTER or dispersed_best_fit(offer, policy):
        score = (
            60.0
            + 15 * offer.communal_space
            + 15 * offer.staff_office
            + 10 * offer.assistive_technology
        )
        reasons = [
            "Self-contained flats in a core-and-cluster configuration: what the council prefers."
            if config is Configuration.CORE_AND_CLUSTER
            else "Dispersed self-contained homes: the strategy's best fit for these cohorts, "
            "so they score as core and cluster does."
        ]
    elif config in (Configuration.SELF_CONTAINED_BLOCK, Configuration.SELF_CONTAINED_DISPERSED):
        score = (
            40.0
            + 10 * offer.communal_space
            + 10 * offer.staff_office
            + 5 * offer.assistive_technology
        )
        reasons = [
            f"{label(config)}: self-contained, which is partly what the council prefers; "
            "without a core and cluster there is no shared base for staff and tenants."
        ]
    else:
        score = (
            40.0
            + 5 * offer.communal_space
            + 5 * offer.staff_office
            + 5 * offer.assistive_technology
        )
        reasons = ["An arrangement the rules do not recognise: a commissioner should judge it."]
    if have:
        reasons.append(f"It has {', '.join(have)}.")
    if missing:
        reasons.append(f"It has no {', no '.join(name.removeprefix('a ') for name in missing)}.")
    score = clamp(score)
    return RuleResult(rule, title, score, verdict_for(score, policy), reasons, figures)
