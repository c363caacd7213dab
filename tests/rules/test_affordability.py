"""Rent affordability against the benefit rules in the domain brief.

Expected figures are worked by hand from the brief and the 2026/27 policy file,
never from the rule's own helpers. The recurring ones:

- UC turns a monthly figure into a weekly one as monthly x 12 / 52, to the penny:
  LHA shared accommodation £395.42 x 12 / 52 = £91.2508 -> £91.25;
  LHA 1-bed £540.00 x 12 / 52 = £124.6154 -> £124.62.
  Housing Benefit (pension age) uses the weekly LHA: 1-bed £124.27.
- A typical tenant's weekly income:
  aged 25+ with LCWRA: (£424.90 + £423.27) = £848.17 a month x 12 / 52 = £195.7315
  -> £195.73, plus PIP daily living standard £73.90 = £269.63, or enhanced
  £110.40 = £306.13;
  aged 25+ without LCWRA: £424.90 x 12 / 52 = £98.0538 -> £98.05;
  under 25 without LCWRA: £338.58 x 12 / 52 = £78.1338 -> £78.13;
  State Pension age: Pension Credit guarantee £227.10.
- The council's shortfall scale (policy `rent`): up to £10.00 a week green,
  scoring 100 - 30 x shortfall / £10; to £30.00 amber, 70 - 30 x (shortfall -
  £10) / £20; £30.00 or more red, 39 - 39 x (shortfall - £30) / £30. Less than
  £60.00 left a week: red, at most 30.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import pytest

from rules.affordability import rent_affordability, rent_outside_benchmark
from rules.policy_data import Policy
from tests.rules.offers import make_offer, shipped_policy, unit, with_tenant

POLICY = shipped_policy()
# A 30-year-old with no PIP and no LCWRA: the shared accommodation rate applies.
THIRTY_NO_PIP = with_tenant(
    POLICY, "transforming_care_moj", age=30, lcwra=False, pip_daily_living="none"
)
# A care leaver who has turned 25: no longer exempt from the shared rate.
CARE_LEAVER_25 = with_tenant(POLICY, "care_leavers_18_25", age=25)

PRIVATE = dict(
    landlord_type="private_landlord", landlord_provides_care_support_or_supervision=False
)
RP_NO_SUPPORT = dict(
    landlord_type="registered_provider", landlord_provides_care_support_or_supervision=False
)
RP_WITH_SUPPORT = dict(
    landlord_type="registered_provider", landlord_provides_care_support_or_supervision=True
)
COUNCIL_WITH_SUPPORT = dict(
    landlord_type="council", landlord_provides_care_support_or_supervision=True
)


@dataclass
class Case:
    offer: dict[str, Any]
    route: str
    met: int
    shortfall: int
    income: int
    residual: int
    score: float
    verdict: str
    says: list[str]
    lha_rate: str | None = None
    policy: Policy = field(default=POLICY)


def rent(core: int, eligible: int = 0, ineligible: int = 0, **more: Any) -> list[dict[str, Any]]:
    return [
        unit(
            core_rent_pence=core,
            eligible_service_charge_pence=eligible,
            ineligible_service_charge_pence=ineligible,
            **more,
        )
    ]


CASES = {
    # Registered provider that also provides support: exempt accommodation, HB
    # meets £150 + £35 = £185.00 in full; the tenant pays the £12.00 ineligible
    # charges out of £269.63, leaving £257.63. Shortfall £12: 70 - 30 x 2/20 = 67.
    "exempt accommodation: HB meets rent and eligible charges in full": Case(
        offer=dict(units=rent(15000, 3500, 1200), **RP_WITH_SUPPORT),
        route="exempt_housing_benefit",
        met=18500,
        shortfall=1200,
        income=26963,
        residual=25763,
        score=67.0,
        verdict="amber",
        says=[
            "exempt accommodation",
            "£185.00",
            "£12.00",
            "£257.63",
            "within the benchmark of £272.48",
        ],
    ),
    # Private landlord, 30-year-old without PIP: shared accommodation rate.
    # Rent £120 + £10 = £130.00 a week (£563.33 a month) is over £395.42, so
    # UC meets £91.25; shortfall £130.00 - £91.25 = £38.75 out of £98.05 leaves
    # £59.30, under £60: red. Scale: 39 - 39 x 8.75/30 = 27.625.
    "UC, private landlord, under 35 without PIP: LHA shared accommodation rate": Case(
        policy=THIRTY_NO_PIP,
        offer=dict(cohorts=["transforming_care_moj"], units=rent(12000, 1000, count=5), **PRIVATE),
        route="uc_private_lha",
        lha_rate="shared_accommodation",
        met=9125,
        shortfall=3875,
        income=9805,
        residual=5930,
        score=27.6,
        verdict="red",
        says=[
            "Universal Credit housing element",
            "shared accommodation rate",
            "£395.42 a month (£91.25 a week)",
            "£38.75",
            "£59.30",
            "less than £60.00",
        ],
    ),
    # Care leaver aged 20: exempt from the shared rate, so the 1-bed rate
    # £540.00 a month (£124.62 a week). Rent £120.00 (x 52 / 12 = £520.00 a
    # month) is under it: met in full, nothing to pay; £78.13 left.
    "UC, private landlord: care leaver under 25 is exempt from the shared rate": Case(
        offer=dict(cohorts=["care_leavers_18_25"], units=rent(12000), **PRIVATE),
        route="uc_private_lha",
        lha_rate="one_bed",
        met=12000,
        shortfall=0,
        income=7813,
        residual=7813,
        score=100.0,
        verdict="green",
        says=["1-bedroom rate", "£540.00 a month (£124.62 a week)", "£120.00", "£78.13"],
    ),
    # The same flat for a care leaver aged 25: shared rate, £91.25 met, £28.75
    # to pay out of £98.05 (aged 25 or over), leaving £69.30.
    # 70 - 30 x 18.75 / 20 = 41.875.
    "UC, private landlord: a care leaver aged 25 gets the shared rate": Case(
        policy=CARE_LEAVER_25,
        offer=dict(cohorts=["care_leavers_18_25"], units=rent(12000), **PRIVATE),
        route="uc_private_lha",
        lha_rate="shared_accommodation",
        met=9125,
        shortfall=2875,
        income=9805,
        residual=6930,
        score=41.9,
        verdict="amber",
        says=["shared accommodation rate", "£91.25", "£28.75", "£69.30"],
    ),
    # Transforming Care tenant aged 30 on PIP daily living (enhanced): exempt
    # from the shared rate. £130.00 rent, £124.62 met, £5.38 to pay out of
    # £306.13, leaving £300.75. 100 - 30 x 5.38 / 10 = 83.86.
    "UC, private landlord: PIP daily living exempts from the shared rate": Case(
        offer=dict(cohorts=["transforming_care_moj"], units=rent(12000, 1000, count=5), **PRIVATE),
        route="uc_private_lha",
        lha_rate="one_bed",
        met=12462,
        shortfall=538,
        income=30613,
        residual=30075,
        score=83.9,
        verdict="green",
        says=["1-bedroom rate", "£124.62", "£5.38", "PIP daily living (enhanced rate) £110.40"],
    ),
    # Sheltered tenant aged 72 (State Pension age 66): Housing Benefit, capped
    # at the weekly LHA 1-bed rate £124.27. Rent £130.00: £5.73 to pay out of
    # £227.10, leaving £221.37. 100 - 30 x 5.73 / 10 = 82.81.
    "pension age, private landlord: HB capped at the weekly LHA": Case(
        offer=dict(
            cohorts=["sheltered_tenants_known_to_social_care"], units=rent(13000), **PRIVATE
        ),
        route="pension_hb_private_lha",
        lha_rate="one_bed",
        met=12427,
        shortfall=573,
        income=22710,
        residual=22137,
        score=82.8,
        verdict="green",
        says=[
            "State Pension age",
            "£124.27 a week",
            "Pension Credit guarantee £227.10",
            "£221.37",
        ],
    ),
    # Pension age from a social landlord: no size criteria, a 2-bed is met in full.
    "pension age, social landlord: no size criteria on a 2-bed": Case(
        offer=dict(
            cohorts=["sheltered_tenants_known_to_social_care"],
            units=rent(12000, kind="two_bed"),
            **RP_NO_SUPPORT,
        ),
        route="pension_hb_social_landlord",
        met=12000,
        shortfall=0,
        income=22710,
        residual=22710,
        score=100.0,
        verdict="green",
        says=["State Pension age", "£120.00"],
    ),
    # Social landlord without support: UC meets the actual rent, but a single
    # tenant in a 2-bed loses 14%: 14% of £120.00 = £16.80, so £103.20 met and
    # £16.80 to pay; £269.63 - £16.80 = £252.83. 70 - 30 x 6.80 / 20 = 59.8.
    "UC, social landlord: 2-bed for one tenant, 14% size criteria": Case(
        offer=dict(units=rent(11000, 1000, kind="two_bed"), **RP_NO_SUPPORT),
        route="uc_social_landlord",
        met=10320,
        shortfall=1680,
        income=26963,
        residual=25283,
        score=59.8,
        verdict="amber",
        says=["social landlord", "14%", "£103.20", "£16.80", "£252.83"],
    ),
    "UC, social landlord: 1-bed met in full": Case(
        offer=dict(units=rent(11000, 1000), **RP_NO_SUPPORT),
        route="uc_social_landlord",
        met=12000,
        shortfall=0,
        income=26963,
        residual=26963,
        score=100.0,
        verdict="green",
        says=["social landlord", "£120.00"],
    ),
    # Two tenants sharing a 2-bed flat each need a bedroom: no under-occupation.
    "UC, social landlord: 2-bed shared by two tenants, no size criteria": Case(
        offer=dict(units=rent(11000, 1000, kind="two_bed", most_people_sharing=2), **RP_NO_SUPPORT),
        route="uc_social_landlord",
        met=12000,
        shortfall=0,
        income=26963,
        residual=26963,
        score=100.0,
        verdict="green",
        says=["£120.00"],
    ),
    # Intensive housing management £25.00 is not met by UC: the tenant pays it.
    # £269.63 - £25.00 = £244.63. 70 - 30 x 15 / 20 = 47.5.
    "UC, social landlord: intensive housing management not met": Case(
        offer=dict(
            units=rent(10000, 1000, intensive_housing_management_pence=2500), **RP_NO_SUPPORT
        ),
        route="uc_social_landlord",
        met=11000,
        shortfall=2500,
        income=26963,
        residual=24463,
        score=47.5,
        verdict="amber",
        says=["Intensive housing management £25.00 a week is not met"],
    ),
    # The same in exempt accommodation: HB meets £100 + £10 + £25 = £135.00.
    "exempt accommodation: intensive housing management is met": Case(
        offer=dict(
            units=rent(10000, 1000, intensive_housing_management_pence=2500), **RP_WITH_SUPPORT
        ),
        route="exempt_housing_benefit",
        met=13500,
        shortfall=0,
        income=26963,
        residual=26963,
        score=100.0,
        verdict="green",
        says=["intensive housing management £25.00", "£135.00"],
    ),
    # Core rent £280.00 is above CORE's soft maximum £272.48 for a registered
    # provider's supported housing: 20 points off and at least amber.
    "exempt accommodation: core rent above the CORE soft maximum": Case(
        offer=dict(units=rent(28000), **RP_WITH_SUPPORT),
        route="exempt_housing_benefit",
        met=28000,
        shortfall=0,
        income=26963,
        residual=26963,
        score=80.0,
        verdict="amber",
        says=["£280.00", "above the benchmark £272.48", "unreasonably high"],
    ),
    # 1.5 x £272.48 = £408.72 exactly is not above it: still amber.
    "exempt accommodation: core rent at 1.5 times the soft maximum": Case(
        offer=dict(units=rent(40872), **RP_WITH_SUPPORT),
        route="exempt_housing_benefit",
        met=40872,
        shortfall=0,
        income=26963,
        residual=26963,
        score=80.0,
        verdict="amber",
        says=["above the benchmark £272.48"],
    ),
    # £410.00 is above £408.72: red, at most 30 (100 - 40 = 60, capped at 30).
    "exempt accommodation: core rent above 1.5 times the soft maximum": Case(
        offer=dict(units=rent(41000), **RP_WITH_SUPPORT),
        route="exempt_housing_benefit",
        met=41000,
        shortfall=0,
        income=26963,
        residual=26963,
        score=30.0,
        verdict="red",
        says=["£410.00", "more than 1.5 times the benchmark £272.48", "subsidy"],
    ),
    # A council landlord's benchmark is CORE's £129.48 (letting type 4).
    "exempt accommodation, council landlord: within £129.48": Case(
        offer=dict(units=rent(12948), **COUNCIL_WITH_SUPPORT),
        route="exempt_housing_benefit",
        met=12948,
        shortfall=0,
        income=26963,
        residual=26963,
        score=100.0,
        verdict="green",
        says=["within the benchmark of £129.48"],
    ),
    "exempt accommodation, council landlord: above £129.48": Case(
        offer=dict(units=rent(13000), **COUNCIL_WITH_SUPPORT),
        route="exempt_housing_benefit",
        met=13000,
        shortfall=0,
        income=26963,
        residual=26963,
        score=80.0,
        verdict="amber",
        says=["£130.00", "above the benchmark £129.48"],
    ),
    # 1.5 x £129.48 = £194.22; £195.00 is above it.
    "exempt accommodation, council landlord: above 1.5 times £129.48": Case(
        offer=dict(units=rent(19500), **COUNCIL_WITH_SUPPORT),
        route="exempt_housing_benefit",
        met=19500,
        shortfall=0,
        income=26963,
        residual=26963,
        score=30.0,
        verdict="red",
        says=["more than 1.5 times the benchmark £129.48"],
    ),
    # A registered charity that provides support lets exempt accommodation.
    "exempt accommodation: a charity that provides support": Case(
        offer=dict(
            units=rent(15000),
            landlord_type="charity",
            landlord_provides_care_support_or_supervision=True,
        ),
        route="exempt_housing_benefit",
        met=15000,
        shortfall=0,
        income=26963,
        residual=26963,
        score=100.0,
        verdict="green",
        says=["exempt accommodation", "£272.48"],
    ),
    # A charity that does not provide support is not a social landlord for UC:
    # LHA 1-bed. £150.00 - £124.62 = £25.38; £269.63 - £25.38 = £244.25.
    # 70 - 30 x 15.38 / 20 = 46.93.
    "UC: a charity without support is capped at the LHA": Case(
        offer=dict(
            units=rent(15000),
            landlord_type="charity",
            landlord_provides_care_support_or_supervision=False,
        ),
        route="uc_private_lha",
        lha_rate="one_bed",
        met=12462,
        shortfall=2538,
        income=26963,
        residual=24425,
        score=46.9,
        verdict="amber",
        says=["£124.62", "£25.38", "£244.25"],
    ),
    # A private landlord is never exempt accommodation, even if it provides care.
    "UC: a private landlord that provides care is not exempt": Case(
        offer=dict(
            units=rent(15000),
            landlord_type="private_landlord",
            landlord_provides_care_support_or_supervision=True,
        ),
        route="uc_private_lha",
        lha_rate="one_bed",
        met=12462,
        shortfall=2538,
        income=26963,
        residual=24425,
        score=46.9,
        verdict="amber",
        says=["capped at the Local Housing Allowance", "£25.38"],
    ),
    # A care leaver aged 20 (income £78.13) in exempt accommodation paying
    # £20.00 of ineligible charges: the shortfall alone is amber
    # (70 - 30 x 10 / 20 = 55) but £58.13 is left, under the £60.00 floor: red, 30.
    "residual income under the floor is red": Case(
        offer=dict(cohorts=["care_leavers_18_25"], units=rent(15000, 2000, 2000)),
        route="exempt_housing_benefit",
        met=17000,
        shortfall=2000,
        income=7813,
        residual=5813,
        score=30.0,
        verdict="red",
        says=["£58.13", "less than £60.00 a week to live on", "£78.13"],
    ),
    # £15.00 of charges leaves £63.13: over the floor, amber 70 - 30 x 5/20 = 62.5.
    "residual income over the floor stays amber": Case(
        offer=dict(cohorts=["care_leavers_18_25"], units=rent(15000, 2000, 1500)),
        route="exempt_housing_benefit",
        met=17000,
        shortfall=1500,
        income=7813,
        residual=6313,
        score=62.5,
        verdict="amber",
        says=["£63.13"],
    ),
    # The shortfall scale's edges: exactly £10.00 is green at 70; exactly £30.00 red at 39.
    "shortfall of exactly £10.00 is green": Case(
        offer=dict(units=rent(15000, 0, 1000)),
        route="exempt_housing_benefit",
        met=15000,
        shortfall=1000,
        income=26963,
        residual=25963,
        score=70.0,
        verdict="green",
        says=["£10.00"],
    ),
    "shortfall of exactly £30.00 is red": Case(
        offer=dict(units=rent(15000, 0, 3000)),
        route="exempt_housing_benefit",
        met=15000,
        shortfall=3000,
        income=26963,
        residual=23963,
        score=39.0,
        verdict="red",
        says=["£30.00", "red from £30.00"],
    ),
}


@pytest.mark.parametrize("case", CASES.values(), ids=CASES.keys())
def test_rent_affordability_follows_the_benefit_rules(case: Case) -> None:
    offer = make_offer(**case.offer)
    result = rent_affordability(offer, case.policy)
    figures = result.figures
    assert figures["route"] == case.route
    assert figures["lha_rate"] == case.lha_rate
    assert figures["weekly_amount_met_pence"] == case.met
    assert figures["weekly_tenant_shortfall_pence"] == case.shortfall
    assert figures["weekly_tenant_income_pence"] == case.income
    assert figures["weekly_residual_income_pence"] == case.residual
    assert result.score == pytest.approx(case.score, abs=0.05)
    assert result.verdict == case.verdict
    words = " ".join(result.reasons)
    for figure in case.says:
        assert figure in words, f"{figure!r} not in {words!r}"
    # Every reason names the route in plain words and what the tenant is left with.
    assert "The tenant pays" in words
    assert "leaving" in words


def test_a_request_to_cover_voids_costs_points_and_makes_it_at_least_amber() -> None:
    # Exempt, nothing to pay: 100 green; with voids 100 - 20 = 80, amber.
    plain = rent_affordability(make_offer(units=rent(15000)), POLICY)
    voids = rent_affordability(
        make_offer(units=rent(15000), council_asked_to_cover_voids=True), POLICY
    )
    assert (plain.score, plain.verdict) == (100.0, "green")
    assert (voids.score, voids.verdict) == (80.0, "amber")
    assert voids.figures["council_asked_to_cover_voids"] is True
    assert "voids" in " ".join(voids.reasons)


def test_voids_never_improve_a_red_verdict() -> None:
    # Shortfall £30.00: 39, red; with voids 39 - 20 = 19, still red.
    voids = rent_affordability(
        make_offer(units=rent(15000, 0, 3000), council_asked_to_cover_voids=True), POLICY
    )
    assert (voids.score, voids.verdict) == (19.0, "red")


def test_the_least_affordable_unit_type_and_cohort_sets_the_result() -> None:
    # Exempt; studios leave nothing to pay, one-beds £25.00 of charges
    # (70 - 30 x 15 / 20 = 47.5). Two cohorts x two unit types = 4 combinations.
    offer = make_offer(
        units=[
            unit(
                kind="studio",
                count=4,
                eligible_service_charge_pence=0,
                ineligible_service_charge_pence=0,
            ),
            unit(kind="one_bed", count=4, ineligible_service_charge_pence=2500),
        ],
        cohorts=["supported_living_waiting_list", "diversion_from_residential"],
    )
    result = rent_affordability(offer, POLICY)
    assert result.figures["unit_kind"] == "one_bed"
    assert result.figures["weekly_tenant_shortfall_pence"] == 2500
    assert result.score == pytest.approx(47.5)
    assert "least affordable of the 4 combinations" in " ".join(result.reasons)


def test_a_cohort_listed_twice_is_assessed_once() -> None:
    offer = make_offer(cohorts=["supported_living_waiting_list", "supported_living_waiting_list"])
    result = rent_affordability(offer, POLICY)
    assert "combinations" not in " ".join(result.reasons)


def test_an_offer_for_no_known_cohort_has_no_typical_tenant() -> None:
    result = rent_affordability(make_offer(cohorts=["nobody_we_know"]), POLICY)
    assert (result.score, result.verdict) == (0.0, "red")
    assert "no typical tenant" in result.reasons[0]


@pytest.mark.parametrize(
    ("core", "landlord", "says"),
    [
        (27249, "registered_provider", "above £272.48"),
        (27248, "registered_provider", None),
        (5445, "registered_provider", "below £54.46"),
        (12949, "council", "above £129.48"),
        (5227, "council", "below £52.28"),
        (99999, "private_landlord", None),  # no CORE range for private landlords
    ],
)
def test_a_submitter_is_told_when_a_rent_is_outside_the_published_range(
    core: int, landlord: str, says: str | None
) -> None:
    words = rent_outside_benchmark(core, landlord, POLICY)
    if says is None:
        assert words is None
    else:
        assert words is not None and says in words
