"""One tenant in one home: the route, the LHA category, the amount met and what the
tenant pays, against the law named in each case. Figures worked by hand from the
2026/27 policy file:

- UC turns monthly into weekly as x 12 / 52 and a weekly rent into monthly as
  x 52 / 12, each to the penny: LHA shared £395.42 -> £91.25 a week; 1-bed
  £540.00 -> £124.62; 2-bed £650.00 -> £150.00. Rent £130.00 a week = £563.33 a
  month, over £540.00. HB uses the weekly LHA: shared £91.00, 1-bed £124.27,
  2-bed £149.59.
- Income: UC standard allowance 25+ £424.90 a month = £98.05 a week; with the
  protected LCWRA element £429.80, £854.70 = £197.24; with the new-claim LCWRA
  £217.26, £642.16 = £148.19. Pension Credit guarantee £238.00, severe disability
  additional amount £86.05. PIP daily living standard £76.70; AFIP £194.60;
  Attendance Allowance (lower) £76.70.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from typing import Any

import pytest

from rules.housing_costs import AccommodationKind, ChargeCategory, Home, assess
from rules.offer import LandlordType, RentType
from rules.tenant import TenantProfile
from tests.rules.offers import shipped_policy

POLICY = shipped_policy()
ON = date(2026, 4, 1)

PRIVATE = dict(
    landlord=LandlordType.PRIVATE_LANDLORD,
    landlord_provides_care_support_or_supervision=False,
    support_from_another_provider=False,
)
RP = dict(
    landlord=LandlordType.REGISTERED_PROVIDER,
    landlord_provides_care_support_or_supervision=False,
    support_from_another_provider=False,
)
RP_SUPPORT = {**RP, "landlord_provides_care_support_or_supervision": True}


def home(let: dict[str, Any], rent: int, **more: Any) -> Home:
    values: dict[str, Any] = dict(self_contained=True, bedrooms=1, core_rent=rent)
    values.update(let)
    values.update(more)
    return Home(**values)


def tenant(age: int | None = 40, *benefits: str, **more: Any) -> TenantProfile:
    return TenantProfile(age=age, disability_benefits=frozenset(benefits), **more)


@dataclass
class Case:
    home: Home
    tenant: TenantProfile
    route: str
    lha: str | None
    met: int
    pays: int
    says: list[str] = field(default_factory=list)
    on: date = ON


CASES = {
    # --- DLA care middle/high, AA and AFIP exempt an under-35 from the shared
    # rate (UC Regs 2013 Sch 4 para 29(5); AFIP as attendance allowance, reg 2).
    # Rent £130.00: over the 1-bed £124.62, so £5.38 to pay.
    "UC: aged 28, no disability benefit: shared rate (Sch 4 paras 27-28)": Case(
        home(PRIVATE, 13000),
        tenant(28),
        "uc_housing_element",
        "shared_accommodation",
        9125,
        3875,
        ["paras 27-29", "£395.42 a month (£91.25 a week)"],
    ),
    "UC: DLA care lowest rate does not exempt": Case(
        home(PRIVATE, 13000),
        tenant(28, "dla_care_low"),
        "uc_housing_element",
        "shared_accommodation",
        9125,
        3875,
    ),
    "UC: DLA care middle rate exempts (Sch 4 para 29(5))": Case(
        home(PRIVATE, 13000),
        tenant(28, "dla_care_middle"),
        "uc_housing_element",
        "one_bed",
        12462,
        538,
        ["para 29(5)", "£124.62"],
    ),
    "UC: DLA care highest rate exempts": Case(
        home(PRIVATE, 13000),
        tenant(28, "dla_care_high"),
        "uc_housing_element",
        "one_bed",
        12462,
        538,
    ),
    "UC: Attendance Allowance exempts": Case(
        home(PRIVATE, 13000),
        tenant(28, "attendance_allowance"),
        "uc_housing_element",
        "one_bed",
        12462,
        538,
    ),
    "UC: AFIP exempts (counts as attendance allowance, reg 2)": Case(
        home(PRIVATE, 13000),
        tenant(28, "afip"),
        "uc_housing_element",
        "one_bed",
        12462,
        538,
    ),
    "UC: PIP daily living exempts": Case(
        home(PRIVATE, 13000),
        tenant(28, "pip_daily_living_standard"),
        "uc_housing_element",
        "one_bed",
        12462,
        538,
    ),
    "UC: a care leaver of 24 is exempt (Sch 4 para 29(2))": Case(
        home(PRIVATE, 13000),
        tenant(24, care_leaver=True),
        "uc_housing_element",
        "one_bed",
        12462,
        538,
        ["para 29(2)"],
    ),
    "UC: 35 or over gets the 1-bed rate even in a shared house (para 28)": Case(
        home(PRIVATE, 13000, self_contained=False),
        tenant(40),
        "uc_housing_element",
        "one_bed",
        12462,
        538,
    ),
    # --- HB at pension age in shared accommodation: the shared category at any
    # age (HB reg 13D(2), SI 2006/214, Rent Officers Order Sch 3B para 1).
    "HB pension age, shared house: shared rate £91.00 at 70": Case(
        home(PRIVATE, 13000, self_contained=False),
        tenant(70),
        "hb_pension_age",
        "shared_accommodation",
        9100,
        3900,
        ["at any age", "£91.00 a week"],
    ),
    "HB pension age, self-contained: 1-bed £124.27": Case(
        home(PRIVATE, 13000),
        tenant(70),
        "hb_pension_age",
        "one_bed",
        12427,
        573,
    ),
    "HB pension age, shared, severe disability premium: not the shared rate": Case(
        home(PRIVATE, 13000, self_contained=False),
        tenant(70, "attendance_allowance"),
        "hb_pension_age",
        "one_bed",
        12427,
        573,
        ["severe disability premium"],
    ),
    "HB pension age, shared, AA but someone gets Carer's Allowance (no SDP)": Case(
        home(PRIVATE, 13000, self_contained=False),
        tenant(70, "attendance_allowance", severe_disability_premium=False),
        "hb_pension_age",
        "shared_accommodation",
        9100,
        3900,
    ),
    "HB pension age, social landlord 2-bed: no size criteria": Case(
        home(RP, 12000, bedrooms=2),
        tenant(70),
        "hb_pension_age",
        None,
        12000,
        0,
    ),
    # --- An overnight carer's bedroom (UC Sch 4 para 12; HB reg 13D(3)).
    "UC social 2-bed, no carer: 14% off £130.00 = £18.20 (Sch 4 para 36)": Case(
        home(RP, 12000, bedrooms=2, eligible_charges=1000),
        tenant(40),
        "uc_housing_element",
        None,
        11180,
        1820,
        ["14%", "£18.20"],
    ),
    "UC social 2-bed with an overnight carer: no cut": Case(
        home(RP, 12000, bedrooms=2, eligible_charges=1000),
        tenant(40, overnight_carer=True),
        "uc_housing_element",
        None,
        13000,
        0,
    ),
    "UC private 2-bed with an overnight carer: 2-bed LHA £650.00 = £150.00": Case(
        home(PRIVATE, 16000, bedrooms=2),
        tenant(40, overnight_carer=True),
        "uc_housing_element",
        "two_bed",
        15000,
        1000,
        ["para 12", "£650.00 a month"],
    ),
    "UC private 2-bed, no carer: 1-bed £124.62": Case(
        home(PRIVATE, 16000, bedrooms=2),
        tenant(40),
        "uc_housing_element",
        "one_bed",
        12462,
        3538,
    ),
    "HB pension age private with an overnight carer: 2-bed £149.59": Case(
        home(PRIVATE, 16000, bedrooms=2),
        tenant(70, overnight_carer=True),
        "hb_pension_age",
        "two_bed",
        14959,
        1041,
    ),
    # --- Looked-after 16-17s and relevant care leavers of 16-17: children's
    # services (Children Act 1989 s23B-23C; UC Sch 4 para 4).
    "looked after at 17: children's services meet £150.00 + £20.00": Case(
        home(RP_SUPPORT, 15000, ineligible_charges=2000),
        tenant(17, looked_after=True),
        "childrens_services",
        None,
        17000,
        0,
        ["Ofsted", "23B(8)", "Sch 4 para 4"],
    ),
    "care leaver at 16: children's services": Case(
        home(PRIVATE, 15000),
        tenant(16, care_leaver=True),
        "childrens_services",
        None,
        15000,
        0,
        ["23C"],
    ),
    "care leaver at 18: UC, exempt from the shared rate": Case(
        home(PRIVATE, 13000),
        tenant(18, care_leaver=True),
        "uc_housing_element",
        "one_bed",
        12462,
        538,
    ),
    # --- The four kinds of specified accommodation (UC Sch 1 para 3).
    "exempt: a charity that provides support (Sch 1 para 3(2))": Case(
        home(
            {
                **PRIVATE,
                "landlord": LandlordType.CHARITY,
                "landlord_provides_care_support_or_supervision": True,
            },
            20000,
        ),
        tenant(28),
        "hb_exempt_accommodation",
        None,
        20000,
        0,
        ["4(10)"],
    ),
    "managed: a charity whose tenant gets support elsewhere (para 3(3)), HB LHA": Case(
        home(
            {**PRIVATE, "landlord": LandlordType.CHARITY, "support_from_another_provider": True},
            15000,
            eligible_charges=2000,
        ),
        tenant(40),
        "hb_managed_accommodation",
        "one_bed",
        12427,
        4573,
        ["para 3(3)"],
    ),
    "managed: registered provider, support elsewhere: rent met (HB reg 12B)": Case(
        home({**RP, "support_from_another_provider": True}, 15000, eligible_charges=2000),
        tenant(40),
        "hb_managed_accommodation",
        None,
        17000,
        0,
    ),
    "refuge (para 3(4))": Case(
        home(RP, 15000, kind=AccommodationKind.DOMESTIC_ABUSE_REFUGE),
        tenant(30),
        "hb_domestic_abuse_refuge",
        None,
        15000,
        0,
        ["para 3(4)"],
    ),
    "local authority hostel with support (para 3(5))": Case(
        home(
            {**RP, "landlord": LandlordType.COUNCIL, "support_from_another_provider": True},
            11000,
            kind=AccommodationKind.LOCAL_AUTHORITY_HOSTEL,
        ),
        tenant(30),
        "hb_local_authority_hostel",
        None,
        11000,
        0,
        ["para 3(5)"],
    ),
    "a charity with no support at all: UC, capped at the LHA": Case(
        home({**PRIVATE, "landlord": LandlordType.CHARITY}, 15000),
        tenant(40),
        "uc_housing_element",
        "one_bed",
        12462,
        2538,
    ),
    # --- Eligible service charges per scheme (HB Sch 1; UC Sch 1 paras 7-8).
    # Cleaning £10 (both), housing management support £15 (HB only), meals £20 (neither).
    "charges, UC social: £100 + £10 met; £15 + £20 paid": Case(
        home(
            RP,
            10000,
            charges_by_category={
                ChargeCategory.COMMUNAL_CLEANING: 1000,
                ChargeCategory.HOUSING_MANAGEMENT_SUPPORT: 1500,
                ChargeCategory.MEALS: 2000,
            },
        ),
        tenant(40),
        "uc_housing_element",
        None,
        11000,
        3500,
        ["Sch 1 para 8"],
    ),
    "charges, exempt HB: £100 + £10 + £15 met; £20 paid": Case(
        home(
            RP_SUPPORT,
            10000,
            charges_by_category={
                ChargeCategory.COMMUNAL_CLEANING: 1000,
                ChargeCategory.HOUSING_MANAGEMENT_SUPPORT: 1500,
                ChargeCategory.MEALS: 2000,
            },
        ),
        tenant(40),
        "hb_exempt_accommodation",
        None,
        12500,
        2000,
    ),
    # --- State Pension age by date of birth (Pensions Act 2014 s26): born
    # 1 June 1960 reaches it at 66 years 2 months, on 1 August 2026.
    "born 1 June 1960, on 15 July 2026 (aged 66): not yet pension age, UC": Case(
        home(PRIVATE, 13000),
        TenantProfile(date_of_birth=date(1960, 6, 1)),
        "uc_housing_element",
        "one_bed",
        12462,
        538,
        on=date(2026, 7, 15),
    ),
    "born 1 June 1960, on 1 September 2026: pension age, HB": Case(
        home(PRIVATE, 13000),
        TenantProfile(date_of_birth=date(1960, 6, 1)),
        "hb_pension_age",
        "one_bed",
        12427,
        573,
        on=date(2026, 9, 1),
    ),
    "born 1 January 1960, on 1 April 2026 (66, born before 6 April 1960): HB": Case(
        home(PRIVATE, 13000),
        TenantProfile(date_of_birth=date(1960, 1, 1)),
        "hb_pension_age",
        "one_bed",
        12427,
        573,
    ),
}


@pytest.mark.parametrize("case", CASES.values(), ids=CASES.keys())
def test_the_route_and_amount_follow_the_law(case: Case) -> None:
    result = assess(case.home, case.tenant, POLICY, case.on)
    assert result.route == case.route
    assert result.lha_category == case.lha
    assert result.weekly_met == case.met
    assert result.weekly_shortfall == case.pays
    words = " ".join(result.reasons)
    for figure in case.says:
        assert figure in words, f"{figure!r} not in {words!r}"


@pytest.mark.parametrize(
    ("rent_type", "benchmark", "restricted"),
    [
        # CORE 2026/27 supported housing soft maxima for a registered provider:
        # social £272.48 (£300 - £272.48 = £27.52), affordable £238.90 (£61.10),
        # intermediate £344.27 (not above it).
        (RentType.SOCIAL, 27248, 2752),
        (RentType.AFFORDABLE, 23890, 6110),
        (RentType.INTERMEDIATE, 34427, 0),
    ],
)
def test_an_exempt_rent_above_its_benchmark_shows_the_shortfall_if_restricted(
    rent_type: RentType, benchmark: int, restricted: int
) -> None:
    # HB reg 13 (as preserved by SI 2006/217 Sch 3 para 5): HB meets £300.00 today.
    result = assess(home(RP_SUPPORT, 30000, rent_type=rent_type), tenant(40), POLICY, ON)
    assert result.weekly_met == 30000
    assert result.benchmark_max == benchmark
    assert result.restriction_shortfall == restricted
    if restricted:
        assert "HB reg 13" in " ".join(result.reasons)


@pytest.mark.parametrize(
    ("profile", "income"),
    [
        # 2026/27 rates (DWP Benefit and pension rates 2026 to 2027).
        (tenant(40), 9805),
        (tenant(24), 7813),  # under 25: £338.58 x 12 / 52 = £78.13
        (tenant(40, lcwra=True), 19724),
        (tenant(40, lcwra=True, lcwra_new_claim=True), 14819),
        (tenant(40, "pip_daily_living_enhanced", lcwra=True), 19724 + 11460),
        (tenant(40, "afip"), 9805 + 19460),
        (tenant(40, "dla_care_low"), 9805 + 3030),
        # Pension Credit £238.00 + severe disability £86.05 + AA £76.70 = £400.75.
        (tenant(70, "attendance_allowance"), 40075),
        (tenant(70, other_weekly_income=12.5), 23800 + 1250),
    ],
)
def test_the_tenants_income_uses_the_2026_27_rates(profile: TenantProfile, income: int) -> None:
    result = assess(home(RP, 10000), profile, POLICY, ON)
    assert result.weekly_income == income
    assert result.weekly_left == income - result.weekly_shortfall
