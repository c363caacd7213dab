"""How one tenant's rent gets paid in one home: the route, the amount benefits
meet, what the tenant pays and what they have left, with every figure's law.

The law (UC Regulations 2013, SI 2013/376; HB Regulations 2006, SI 2006/213,
and for pension age SI 2006/214; HB (Consequential Provisions) Regulations 2006,
SI 2006/217; Children Act 1989) is read as follows:

1. A looked-after 16-17-year-old, or a relevant care leaver of 16-17, gets no
   HB or UC housing costs: children's services meet the accommodation (Children
   Act 1989 ss22A-22C, 23B(8) and 23C; UC Sch 4 para 4; Children (Leaving Care)
   Act 2000 s6 for HB).
2. Specified accommodation (UC Sch 1 para 3(2)-(5)) is paid by HB, not UC:
   exempt accommodation (the landlord, or someone on its behalf, provides care,
   support or supervision: SI 2006/217 Sch 3 para 4(10)); managed accommodation
   (a relevant body's, the tenant receiving care, support or supervision from
   someone else); a domestic abuse refuge; a local authority hostel.
3. At State Pension age HB pays the rent (rules/pension_age.py).
4. Everyone else: the UC housing element.

The amount: exempt accommodation is outside the LHA (SI 2006/217 Sch 3 para
4(1)(b)) and meets the rent and HB-eligible charges, subject to restriction as
unreasonably high (HB reg 13 as preserved); a social landlord's rent is met in
full (UC Sch 4 paras 31-36; HB reg 12B), less the size criteria for working age;
any other landlord is capped at the LHA (UC Sch 4 paras 25-29, monthly; HB regs
13C-13D, weekly).
"""

from __future__ import annotations

import enum
from dataclasses import dataclass, field
from datetime import date

from rules.offer import LandlordType, RentType
from rules.policy_data import Policy
from rules.result import monthly_from_weekly, pounds, weekly_from_monthly
from rules.tenant import (
    BENEFIT_WORDS,
    CARE_LEAVER_EXEMPTION_AGE,
    SHARED_ACCOMMODATION_AGE,
    SHARED_RATE_EXEMPTING,
    DisabilityBenefit,
    TenantProfile,
)

# UC Sch 1 para 3(6) "relevant body" (and SI 2006/217 Sch 3 para 4(10)): a council,
# a registered provider (housing association), a registered charity or a voluntary
# organisation.
RELEVANT_BODIES = frozenset(
    {
        LandlordType.REGISTERED_PROVIDER,
        LandlordType.COUNCIL,
        LandlordType.CHARITY,
        LandlordType.VOLUNTARY_ORGANISATION,
    }
)
# UC Sch 4 para 2 "social renter" / HB reg 13C(5)(a): a registered provider or a
# council. Anyone else lets on private-sector terms, capped at the LHA.
SOCIAL_LANDLORDS = frozenset({LandlordType.REGISTERED_PROVIDER, LandlordType.COUNCIL})


class AccommodationKind(enum.StrEnum):
    ORDINARY = "ordinary"
    DOMESTIC_ABUSE_REFUGE = "domestic_abuse_refuge"
    LOCAL_AUTHORITY_HOSTEL = "local_authority_hostel"


class Route(enum.StrEnum):
    HB_EXEMPT = "hb_exempt_accommodation"
    HB_MANAGED = "hb_managed_accommodation"
    HB_REFUGE = "hb_domestic_abuse_refuge"
    HB_LA_HOSTEL = "hb_local_authority_hostel"
    HB_PENSION_AGE = "hb_pension_age"
    UC = "uc_housing_element"
    CHILDRENS_SERVICES = "childrens_services"

    @property
    def housing_benefit(self) -> bool:
        return self.value.startswith("hb_")


ROUTE_WORDS = {
    Route.HB_EXEMPT: (
        "exempt accommodation (the landlord, or someone on its behalf, provides care, "
        "support or supervision: SI 2006/217 Sch 3 para 4(10)), so Housing Benefit, not "
        "Universal Credit, meets the rent (UC Regs 2013 Sch 1 para 3(2)), with no LHA cap"
    ),
    Route.HB_MANAGED: (
        "managed accommodation (a relevant body's home, the tenant receiving care, support "
        "or supervision from another provider: UC Regs 2013 Sch 1 para 3(3)), so Housing "
        "Benefit, not Universal Credit, meets the rent"
    ),
    Route.HB_REFUGE: (
        "a domestic abuse refuge (UC Regs 2013 Sch 1 para 3(4)), so Housing Benefit, not "
        "Universal Credit, meets the rent"
    ),
    Route.HB_LA_HOSTEL: (
        "a local authority hostel where the tenant receives care, support or supervision "
        "(UC Regs 2013 Sch 1 para 3(5)), so Housing Benefit, not Universal Credit, meets the rent"
    ),
    Route.HB_PENSION_AGE: (
        "Housing Benefit, as the tenant is over State Pension age (Welfare Reform Act 2012 "
        "s4(1)(b); HB (State Pension Credit) Regulations 2006)"
    ),
    Route.UC: "the Universal Credit housing element (UC Regs 2013 Sch 4)",
    Route.CHILDRENS_SERVICES: (
        "children's services, not benefits: a looked-after 16-17-year-old or relevant care "
        "leaver of 16-17 cannot get Housing Benefit or UC housing costs (UC Regs 2013 Sch 4 "
        "para 4; Children (Leaving Care) Act 2000 s6), and the council meets their "
        "accommodation (Children Act 1989 ss22A-22C, 23B(8), 23C)"
    ),
}

LHA_CATEGORIES = ("shared_accommodation", "one_bed", "two_bed", "three_bed", "four_bed")
LHA_WORDS = {
    "shared_accommodation": "shared accommodation rate",
    "one_bed": "1-bedroom rate",
    "two_bed": "2-bedroom rate",
    "three_bed": "3-bedroom rate",
    "four_bed": "4-bedroom rate",
}


class ChargeCategory(enum.StrEnum):
    """Service charge categories, with HB Sch 1 and UC Sch 1 paras 7-8 read apart."""

    COMMUNAL_CLEANING = "communal_cleaning"
    COMMUNAL_FUEL_AND_WATER = "communal_fuel_and_water"
    COMMUNAL_LAUNDRY = "communal_laundry"
    CARETAKING_AND_GROUNDS = "caretaking_and_grounds"
    TV_AERIAL_AND_DOOR_ENTRY = "tv_aerial_and_door_entry"
    FURNITURE_AND_EQUIPMENT = "furniture_and_equipment"
    HOUSING_MANAGEMENT_SUPPORT = "housing_management_support"
    MEALS = "meals"
    OWN_FUEL_AND_WATER = "own_fuel_and_water"
    PERSONAL_LAUNDRY = "personal_laundry"
    CLEANING_OWN_ROOMS = "cleaning_own_rooms"
    EMERGENCY_ALARM = "emergency_alarm"
    PERSONAL_CARE = "personal_care"
    GENERAL_SUPPORT_OR_COUNSELLING = "general_support_or_counselling"


# (HB eligible, UC eligible). HB Regs 2006 Sch 1 paras 1-8: communal services,
# furniture and the landlord's housing-related support are eligible; meals, the
# tenant's own fuel, water, laundry and cleaning, alarms (outside adapted or
# sheltered housing), care and general support are not. UC Regs 2013 Sch 1
# para 7-8 (the "relevant payment" categories A-E): communal and
# accommodation-related services only; support and supervision never (para 8(3)).
CHARGE_ELIGIBILITY: dict[ChargeCategory, tuple[bool, bool]] = {
    ChargeCategory.COMMUNAL_CLEANING: (True, True),
    ChargeCategory.COMMUNAL_FUEL_AND_WATER: (True, True),
    ChargeCategory.COMMUNAL_LAUNDRY: (True, True),
    ChargeCategory.CARETAKING_AND_GROUNDS: (True, True),
    ChargeCategory.TV_AERIAL_AND_DOOR_ENTRY: (True, True),
    ChargeCategory.FURNITURE_AND_EQUIPMENT: (True, True),
    ChargeCategory.HOUSING_MANAGEMENT_SUPPORT: (True, False),
    ChargeCategory.MEALS: (False, False),
    ChargeCategory.OWN_FUEL_AND_WATER: (False, False),
    ChargeCategory.PERSONAL_LAUNDRY: (False, False),
    ChargeCategory.CLEANING_OWN_ROOMS: (False, False),
    ChargeCategory.EMERGENCY_ALARM: (False, False),
    ChargeCategory.PERSONAL_CARE: (False, False),
    ChargeCategory.GENERAL_SUPPORT_OR_COUNSELLING: (False, False),
}


@dataclass(frozen=True)
class Home:
    """One home as the benefit rules see it. Money is weekly whole pence.

    `eligible_charges` are HB-eligible service charges; `housing_management` is
    intensive housing management (HB-eligible in supported housing, never UC).
    `charges_by_category`, when given, replaces both with a per-category reading.
    `bedrooms` is 0 for a studio or a room; `sharers` is how many tenants occupy it.
    """

    landlord: LandlordType
    landlord_provides_care_support_or_supervision: bool
    support_from_another_provider: bool
    self_contained: bool
    bedrooms: int
    core_rent: int
    eligible_charges: int = 0
    ineligible_charges: int = 0
    housing_management: int = 0
    rent_type: RentType = RentType.SOCIAL
    kind: AccommodationKind = AccommodationKind.ORDINARY
    sharers: int = 1
    charges_by_category: dict[ChargeCategory, int] | None = None

    def charges(self) -> tuple[int, int, int]:
        """(HB-eligible, UC-eligible, neither) weekly charges."""
        if self.charges_by_category is not None:
            hb = uc = neither = 0
            for category, amount in self.charges_by_category.items():
                hb_ok, uc_ok = CHARGE_ELIGIBILITY[category]
                hb += amount if hb_ok else 0
                uc += amount if uc_ok else 0
                neither += 0 if hb_ok else amount
            return hb, uc, neither + self.ineligible_charges
        hb = self.eligible_charges + self.housing_management
        return hb, self.eligible_charges, self.ineligible_charges

    @property
    def total(self) -> int:
        if self.charges_by_category is not None:
            return self.core_rent + sum(self.charges_by_category.values()) + self.ineligible_charges
        return (
            self.core_rent
            + self.eligible_charges
            + self.ineligible_charges
            + self.housing_management
        )


@dataclass(frozen=True)
class Assessment:
    route: Route
    pension_age: bool
    lha_category: str | None
    bedrooms_allowed: int | None
    weekly_total: int  # rent and every charge
    weekly_eligible: int  # what the scheme treats as rent (before any cap or cut)
    weekly_met: int  # what benefits (or children's services) meet
    weekly_rent_shortfall: int  # eligible rent not met
    weekly_shortfall: int  # everything the tenant pays
    weekly_income: int | None
    weekly_left: int | None
    benchmark_max: int | None
    restriction_shortfall: int  # further weekly shortfall if HB were restricted
    reasons: list[str] = field(default_factory=list)


def route_for(home: Home, tenant: TenantProfile, on: date) -> Route:
    age = tenant.age_on(on)
    if age < 18 and (tenant.looked_after or tenant.care_leaver):
        return Route.CHILDRENS_SERVICES
    relevant = home.landlord in RELEVANT_BODIES
    receives_support = (
        home.landlord_provides_care_support_or_supervision or home.support_from_another_provider
    )
    if relevant and home.landlord_provides_care_support_or_supervision:
        return Route.HB_EXEMPT
    if home.kind is AccommodationKind.DOMESTIC_ABUSE_REFUGE and relevant:
        return Route.HB_REFUGE
    if (
        home.kind is AccommodationKind.LOCAL_AUTHORITY_HOSTEL
        and home.landlord is LandlordType.COUNCIL
        and receives_support
    ):
        return Route.HB_LA_HOSTEL
    if relevant and home.support_from_another_provider:
        return Route.HB_MANAGED
    if tenant.at_pension_age(on):
        return Route.HB_PENSION_AGE
    return Route.UC


def severe_disability_premium(tenant: TenantProfile) -> bool:
    """HB Sch 3 para 14 (SI 2006/214 Sch 3 para 6): a qualifying benefit, living
    alone, nobody paid Carer's Allowance for caring; a profile may say outright."""
    if tenant.severe_disability_premium is not None:
        return tenant.severe_disability_premium
    return bool(tenant.disability_benefits & SHARED_RATE_EXEMPTING)


def bedrooms_allowed(tenant: TenantProfile) -> tuple[int, str]:
    """A single tenant: one bedroom, and one more for an overnight carer who is not
    part of the household (UC Sch 4 para 12; HB regs 13D(3)(ba) and B13(5)(ba))."""
    if tenant.overnight_carer:
        return 2, (
            "one bedroom, and one more for a non-resident overnight carer "
            "(UC Regs 2013 Sch 4 para 12; HB regs 13D(3) and B13(5))"
        )
    return 1, "one bedroom (a single tenant)"


def _exempting_benefits(tenant: TenantProfile) -> list[str]:
    return [BENEFIT_WORDS[b] for b in sorted(tenant.disability_benefits & SHARED_RATE_EXEMPTING)]


def uc_lha_category(tenant: TenantProfile, on: date, rooms: int) -> tuple[str, str]:
    """UC Sch 4 paras 25-29: the shared accommodation rate for a single renter
    under 35 who is not excepted; otherwise the category for the bedrooms allowed,
    whatever the home is like."""
    age = tenant.age_on(on)
    category = LHA_CATEGORIES[min(rooms, 4)]
    if age >= SHARED_ACCOMMODATION_AGE:
        return category, (
            f"aged {age}, 35 or over, so not held to the shared rate (UC Regs 2013 Sch 4 "
            "para 28), even in shared housing"
        )
    exempting = _exempting_benefits(tenant)
    if exempting:
        return category, (
            f"under 35 but receiving {exempting[0]}, which excepts them from the shared "
            "rate (UC Regs 2013 Sch 4 para 29(5); AFIP counts as attendance allowance, reg 2)"
        )
    if tenant.care_leaver and age < CARE_LEAVER_EXEMPTION_AGE:
        return category, (
            f"a care leaver aged {age}, under 25, so excepted from the shared rate "
            "(UC Regs 2013 Sch 4 para 29(2))"
        )
    return "shared_accommodation", (
        f"a single renter aged {age}, under 35 and not excepted, so held to the shared "
        "accommodation rate (UC Regs 2013 Sch 4 paras 27-29)"
    )


def hb_lha_category(
    tenant: TenantProfile, on: date, rooms: int, home: Home, pension: bool
) -> tuple[str, str]:
    """HB reg 13D(2) with the Rent Officers (HB Functions) Order 1997 Sch 3B: the
    shared rate for a young individual (under 35, not excepted) and, at any age,
    for a claimant allowed one bedroom who does not have self-contained
    accommodation; never where the severe disability premium applies."""
    age = tenant.age_on(on)
    category = LHA_CATEGORIES[min(rooms, 4)]
    sdp = severe_disability_premium(tenant)
    if sdp:
        return category, (
            "the severe disability premium applies (HB Regs Sch 3 para 14), so the shared "
            "rate does not (HB reg 13D(2); reg 2(1) \u201cyoung individual\u201d)"
        )
    if rooms == 1 and not home.self_contained:
        scheme = "SI 2006/214" if pension else "SI 2006/213"
        return "shared_accommodation", (
            f"the tenant is allowed one bedroom and shares a kitchen, bathroom, toilet or living room, so "
            f"the one-bedroom shared category applies at any age (HB reg 13D(2), {scheme}, "
            "with the Rent Officers Order 1997 Sch 3B para 1)"
        )
    young = age < SHARED_ACCOMMODATION_AGE and not pension
    if young and not (tenant.care_leaver and age < CARE_LEAVER_EXEMPTION_AGE):
        return "shared_accommodation", (
            f"the tenant is a young individual aged {age} (HB reg 2(1)), so held to the shared "
            "accommodation rate (HB reg 13D(2)(a))"
        )
    return (
        category,
        f"the tenant is allowed {rooms} bedroom{'s' if rooms > 1 else ''} (HB reg 13D(3))",
    )


def weekly_income(tenant: TenantProfile, policy: Policy, on: date) -> tuple[int, str]:
    income = policy.tenant_income
    rates = income.disability_rates()
    parts: list[str] = []
    if tenant.at_pension_age(on):
        weekly = income.pension_credit_guarantee_weekly
        parts.append(f"Pension Credit guarantee {pounds(weekly)} a week")
        if severe_disability_premium(tenant) and income.pension_credit_severe_disability_weekly:
            extra = income.pension_credit_severe_disability_weekly
            weekly += extra
            parts.append(f"severe disability additional amount {pounds(extra)}")
    else:
        allowance = (
            income.uc_standard_allowance_monthly.under_25
            if tenant.age_on(on) < 25
            else income.uc_standard_allowance_monthly.aged_25_or_over
        )
        monthly = allowance
        words = f"UC standard allowance {pounds(allowance)} a month"
        if tenant.lcwra:
            lcwra = (
                income.lcwra_new_claim_monthly
                if tenant.lcwra_new_claim and income.lcwra_new_claim_monthly is not None
                else income.lcwra_monthly
            )
            monthly += lcwra
            words += f" plus LCWRA element {pounds(lcwra)} a month"
        weekly = weekly_from_monthly(monthly)
        parts.append(f"{words} ({pounds(weekly)} a week)")
    for benefit in sorted(tenant.disability_benefits):
        amount = getattr(rates, benefit.value)
        weekly += amount
        parts.append(f"{BENEFIT_WORDS[benefit]} {pounds(amount)}")
    if tenant.other_weekly_income:
        weekly += tenant.other_weekly_income
        parts.append(f"other income {pounds(tenant.other_weekly_income)}")
    return weekly, ", ".join(parts)


def _size_criteria(
    home: Home, rooms: int, rooms_words: str, policy: Policy, eligible: int
) -> tuple[int, str | None]:
    """Working-age social renters: 14% off for one bedroom more than allowed, 25% for
    two or more (UC Sch 4 paras 10-12 and 36; HB reg B13). A home shared by tenants
    with a bedroom each is not under-occupied by any of them."""
    spare = max(0, home.bedrooms - rooms * home.sharers)
    if spare == 0:
        return 0, None
    rate = policy.rent.social_rent_size_criteria_reduction if spare == 1 else 0.25
    cut = round(eligible * rate)
    return cut, (
        f"The tenant is allowed {rooms_words}; the home has {home.bedrooms} bedrooms, "
        f"{spare} more than allowed, so the size criteria take {rate:.0%} off "
        f"(UC Regs 2013 Sch 4 para 36; HB reg B13): {pounds(cut)} a week."
    )


def assess(home: Home, tenant: TenantProfile, policy: Policy, on: date | None = None) -> Assessment:
    """The weekly figures, with their reasons, for `tenant` in `home`."""
    on = on or policy.effective_from
    route = route_for(home, tenant, on)
    pension = tenant.at_pension_age(on)
    hb_eligible_charges, uc_eligible_charges, ineligible = home.charges()
    reasons = [f"Tenant {tenant.describe(on)}: the rent is met by {ROUTE_WORDS[route]}."]
    if tenant.date_of_birth is None and tenant.age in (66, 67):
        reasons.append(
            f"State Pension age follows the date of birth (66 to 67 for people born from "
            f"6 April 1960: Pensions Act 2014 s26); with only an age, the tenant is taken to "
            f"have turned {tenant.age} on {on.isoformat()}, so "
            + ("has" if pension else "has not")
            + " reached it."
        )
    if route is Route.CHILDRENS_SERVICES:
        if tenant.looked_after:
            reasons.append(
                "Supported accommodation for looked-after 16-17-year-olds must be registered "
                "with Ofsted (Supported Accommodation (England) Regulations 2023, since "
                "28 October 2023)."
            )
        reasons.append(
            f"Children's services meet the {pounds(home.total)} a week; the tenant pays nothing."
        )
        return Assessment(
            route=route,
            pension_age=False,
            lha_category=None,
            bedrooms_allowed=None,
            weekly_total=home.total,
            weekly_eligible=home.total,
            weekly_met=home.total,
            weekly_rent_shortfall=0,
            weekly_shortfall=0,
            weekly_income=None,
            weekly_left=None,
            benchmark_max=None,
            restriction_shortfall=0,
            reasons=reasons,
        )
    rooms, rooms_words = bedrooms_allowed(tenant)
    if tenant.overnight_carer:
        reasons.append(f"The tenant is allowed {rooms_words}.")
    social = home.landlord in SOCIAL_LANDLORDS
    lha_category: str | None = None
    benchmark_max: int | None = None
    restriction = 0
    if route.housing_benefit:
        eligible = home.core_rent + hb_eligible_charges
        not_eligible = ineligible
        reasons.append(
            f"Core rent {pounds(home.core_rent)} plus HB-eligible service charges "
            f"{pounds(hb_eligible_charges)} (HB Regs 2006 Sch 1) = {pounds(eligible)} a week."
        )
        if route is Route.HB_EXEMPT:
            met = eligible
            reasons.append(
                f"Exempt accommodation is outside the Local Housing Allowance (SI 2006/217 "
                f"Sch 3 para 4(1)(b)): Housing Benefit meets {pounds(met)} a week."
            )
            benchmark_max = policy.rent_benchmarks.soft_max(home.landlord.value, home.rent_type)
            if benchmark_max is not None and home.core_rent > benchmark_max:
                restriction = home.core_rent - benchmark_max
                reasons.append(
                    f"Core rent {pounds(home.core_rent)} is above the benchmark "
                    f"{pounds(benchmark_max)} for {home.rent_type} rent from a "
                    f"{home.landlord.value.replace('_', ' ')}: the council may refer it to "
                    "the rent officer and restrict it as unreasonably high (HB reg 13 as "
                    "preserved by SI 2006/217 Sch 3 para 5, and reg 13C); restricted to the "
                    f"benchmark, the tenant would pay {pounds(restriction)} a week more."
                )
        elif social:
            met = eligible
            if not pension:
                cut, words = _size_criteria(home, rooms, rooms_words, policy, eligible)
                met -= cut
                if words:
                    reasons.append(words)
            reasons.append(
                "A social landlord's rent is met as charged (HB reg 12B"
                + ("" if pension else "; size criteria reg B13")
                + f"): Housing Benefit meets {pounds(met)} a week."
            )
        else:
            lha_category, why = hb_lha_category(tenant, on, rooms, home, pension)
            cap = getattr(policy.local_housing_allowance.weekly, lha_category)
            met = min(eligible, cap)
            reasons.append(
                f"The Local Housing Allowance applies (HB regs 13C-13D): {why}. "
                f"The {LHA_WORDS[lha_category]} for Leicester is {pounds(cap)} a week, so "
                f"Housing Benefit meets {pounds(met)} a week."
            )
    else:
        eligible = home.core_rent + uc_eligible_charges
        not_eligible = ineligible + (hb_eligible_charges - uc_eligible_charges)
        reasons.append(
            f"Core rent {pounds(home.core_rent)} plus UC-eligible service charges "
            f"{pounds(uc_eligible_charges)} (UC Regs 2013 Sch 1 paras 7-8) = "
            f"{pounds(eligible)} a week"
            + (
                f"; {pounds(hb_eligible_charges - uc_eligible_charges)} of housing management "
                "or support charges is not met by UC (Sch 1 para 8)"
                if hb_eligible_charges > uc_eligible_charges
                else ""
            )
            + "."
        )
        if social:
            cut, words = _size_criteria(home, rooms, rooms_words, policy, eligible)
            met = eligible - cut
            if words:
                reasons.append(words)
            reasons.append(
                f"From a social landlord UC meets the rent as charged (UC Regs 2013 Sch 4 "
                f"paras 31-36): {pounds(met)} a week."
            )
        else:
            lha_category, why = uc_lha_category(tenant, on, rooms)
            cap_monthly = getattr(policy.local_housing_allowance.monthly, lha_category)
            met = weekly_from_monthly(min(monthly_from_weekly(eligible), cap_monthly))
            reasons.append(
                f"From a {home.landlord.value.replace('_', ' ')} the housing element is capped "
                f"at the Local Housing Allowance (UC Regs 2013 Sch 4 paras 25-29): the tenant "
                f"is {why}. The {LHA_WORDS[lha_category]} for Leicester is "
                f"{pounds(cap_monthly)} a month ({pounds(weekly_from_monthly(cap_monthly))} a "
                f"week); the rent {pounds(eligible)} a week is "
                f"{pounds(monthly_from_weekly(eligible))} a month (x 52 / 12), so UC meets "
                f"{pounds(met)} a week."
            )
    rent_shortfall = max(0, eligible - met)
    shortfall = rent_shortfall + not_eligible
    income, income_words = weekly_income(tenant, policy, on)
    left = income - shortfall
    reasons.append(
        f"The tenant pays {pounds(shortfall)} a week ({pounds(rent_shortfall)} of rent not "
        f"met and {pounds(not_eligible)} of charges benefits do not meet), out of an income "
        f"of {pounds(income)} a week ({income_words}), leaving {pounds(left)} a week "
        f"against the council's minimum of {pounds(policy.rent.residual_income_red_below)}."
    )
    return Assessment(
        route=route,
        pension_age=pension,
        lha_category=lha_category,
        bedrooms_allowed=rooms,
        weekly_total=home.total,
        weekly_eligible=eligible,
        weekly_met=met,
        weekly_rent_shortfall=rent_shortfall,
        weekly_shortfall=shortfall,
        weekly_income=income,
        weekly_left=left,
        benchmark_max=benchmark_max,
        restriction_shortfall=restriction,
        reasons=reasons,
    )


__all__ = [
    "AccommodationKind",
    "Assessment",
    "ChargeCategory",
    "DisabilityBenefit",
    "Home",
    "Route",
    "assess",
]
