"""The rent affordability rule for an offer: a range of tenants per cohort, the
typical and the worst case, and who the home is not affordable for.

The engine's law is tested in test_housing_costs.py; here the figures are the
offer's. Worked by hand from the 2026/27 policy file: a tenant of 25+ with the
protected LCWRA element has (£424.90 + £429.80) x 12 / 52 = £197.24 a week, plus
PIP daily living standard £76.70 = £273.94. The council's scale (policy `rent`)
scores the rent benefits leave unmet: up to £10.00 green (100 - 30 x s / £10),
to £30.00 amber (70 - 30 x (s - £10) / £20), from £30.00 red; less than £60.00
left a week is red, at most 30.
"""

from __future__ import annotations

import pytest

from rules.affordability import rent_affordability, rent_outside_benchmark
from tests.rules.offers import make_offer, shipped_policy, unit, with_tenant

POLICY = shipped_policy()


def rent(core: int, eligible: int = 0, ineligible: int = 0, **more: object) -> list[dict]:
    return [
        unit(
            core_rent_pence=core,
            eligible_service_charge_pence=eligible,
            ineligible_service_charge_pence=ineligible,
            **more,
        )
    ]


def test_exempt_accommodation_met_in_full_for_the_typical_tenant() -> None:
    # Waiting list, typical tenant aged 43 with PIP standard and LCWRA: HB meets
    # £150.00 + £35.00; the £8.00 of ineligible charges leaves £265.94. Green.
    result = rent_affordability(make_offer(), POLICY)
    figures = result.figures
    assert figures["route"] == "hb_exempt_accommodation"
    assert figures["weekly_amount_met_pence"] == 18500
    assert figures["weekly_tenant_shortfall_pence"] == 800
    assert figures["weekly_residual_income_pence"] == 26594
    assert (result.score, result.verdict) == (100.0, "green")
    assert figures["not_affordable_for"] == []


def test_small_ineligible_charges_no_longer_turn_it_amber() -> None:
    # £25.00 of ineligible charges, nothing of the rent unmet: £273.94 - £25.00
    # = £248.94 left, well above the £60.00 minimum. Was amber under the fixed £10.
    result = rent_affordability(make_offer(units=rent(15000, 3500, 2500)), POLICY)
    assert result.figures["weekly_residual_income_pence"] == 24894
    assert (result.score, result.verdict) == (100.0, "green")


def test_what_is_left_below_the_minimum_is_red() -> None:
    # A care leaver of 20 (typical tenant): £338.58 x 12 / 52 = £78.13; £20.00 of
    # charges leaves £58.13, under £60.00: red, 30.
    policy = with_tenant(POLICY, "care_leavers_18_25", age=20, care_leaver=True)
    result = rent_affordability(
        make_offer(cohorts=["care_leavers_18_25"], units=rent(15000, 2000, 2000)), policy
    )
    assert result.figures["weekly_residual_income_pence"] == 5813
    assert (result.score, result.verdict) == (30.0, "red")
    assert "less than £60.00" in " ".join(result.reasons)


def test_the_range_names_who_it_is_not_affordable_for() -> None:
    # Private landlord, 1-bed at £130.00. Mental health step down: typical 40 with
    # PIP (1-bed £124.62, £5.38 unmet: 100 - 30 x 0.538 = 83.86) but the range
    # includes a 24-year-old with no disability benefit: shared rate £91.25,
    # £38.75 unmet, red. The typical case sets the score, capped below green.
    offer = make_offer(
        cohorts=["mental_health_step_down"],
        units=rent(13000, 0, 0),
        landlord_type="private_landlord",
        landlord_provides_care_support_or_supervision=False,
        support_model="none",
    )
    result = rent_affordability(offer, POLICY)
    assert result.figures["weekly_amount_met_pence"] == 12462
    assert result.figures["worst_case"]["weekly_amount_met_pence"] == 9125
    assert result.figures["worst_case"]["verdict"] == "red"
    assert (result.score, result.verdict) == (69.0, "amber")
    assert any("aged 24" in name for name in result.figures["not_affordable_for"])
    assert "Not affordable for: aged 24" in " ".join(result.reasons)


def test_the_offers_age_range_narrows_the_tenants() -> None:
    # The same home for ages 35 to 64 only: the 24-year-old is out of range.
    offer = make_offer(
        cohorts=["mental_health_step_down"],
        units=rent(13000, 0, 0),
        landlord_type="private_landlord",
        landlord_provides_care_support_or_supervision=False,
        support_model="none",
        age_min=35,
        age_max=64,
    )
    result = rent_affordability(offer, POLICY)
    assert result.figures["not_affordable_for"] == []
    assert result.verdict == "green"


def test_an_age_range_none_of_the_tenants_is_in_moves_them_to_its_edge() -> None:
    offer = make_offer(cohorts=["care_leavers_18_25"], age_min=30, age_max=40)
    result = rent_affordability(offer, POLICY)
    assert "nearest age the offer takes" in " ".join(result.reasons)
    assert result.figures["tenant"].startswith("aged 30")


def test_a_charity_with_support_from_another_provider_is_managed_accommodation() -> None:
    # UC Regs 2013 Sch 1 para 3(3): HB, not the UC housing element.
    offer = make_offer(
        landlord_type="charity",
        landlord_provides_care_support_or_supervision=False,
        support_model="regular_on_site",
    )
    assert rent_affordability(offer, POLICY).figures["route"] == "hb_managed_accommodation"


@pytest.mark.parametrize(
    ("core", "rent_type", "verdict", "restricted", "says"),
    [
        # CORE soft maxima (registered provider): social £272.48, affordable £238.90.
        (28000, "social", "amber", 752, "£7.52 a week more"),
        (25000, "affordable", "amber", 1110, "£11.10 a week more"),
        (25000, "social", "green", 0, "within the benchmark of £272.48"),
        # 1.5 x £272.48 = £408.72; £410.00 is above it: red.
        (41000, "social", "red", 13752, "more than 1.5 times"),
    ],
)
def test_an_exempt_rent_above_the_benchmark_shows_the_restriction_risk(
    core: int, rent_type: str, verdict: str, restricted: int, says: str
) -> None:
    result = rent_affordability(make_offer(units=rent(core), rent_type=rent_type), POLICY)
    assert result.verdict == verdict
    assert result.figures["restriction_shortfall_pence"] == restricted
    assert says in " ".join(result.reasons)


def test_looked_after_16_17s_are_met_by_childrens_services() -> None:
    result = rent_affordability(
        make_offer(cohorts=["looked_after_16_17"], age_min=16, age_max=17), POLICY
    )
    assert result.figures["route"] == "childrens_services"
    assert "Ofsted" in " ".join(result.reasons)


def test_voids_are_judged_with_the_terms_not_the_rent() -> None:
    # Issue 13: who pays for empty homes is one of the offer's terms (rules/terms.py,
    # tests/rules/test_terms.py); the tenant's rent is as affordable either way.
    plain = rent_affordability(make_offer(units=rent(15000)), POLICY)
    voids = rent_affordability(make_offer(units=rent(15000), void_payer="council_pays"), POLICY)
    assert (plain.score, plain.verdict) == (100.0, "green")
    assert (voids.score, voids.verdict) == (100.0, "green")


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
        (99999, "private_landlord", None),
    ],
)
def test_a_submitter_is_told_when_a_rent_is_outside_the_published_range(
    core: int, landlord: str, says: str | None
) -> None:
    words = rent_outside_benchmark(core, landlord, POLICY)
    assert (words is None) if says is None else (words is not None and says in words)


def test_a_policy_stored_before_tenant_ranges_still_loads_and_scores() -> None:
    # Versions an admin stored earlier have one `typical_tenant` with
    # `pip_daily_living` and a fixed `state_pension_age`: they must still load.
    import yaml

    from rules.policy_data import parse_policy
    from tests.rules.offers import SHIPPED_POLICY_FILE

    data = yaml.safe_load(SHIPPED_POLICY_FILE.read_text())
    for cohort in data["cohorts"]:
        cohort.pop("typical_tenants")
        cohort["typical_tenant"] = {"age": 43, "lcwra": True, "pip_daily_living": "standard"}
    income = data["tenant_income"]
    income.pop("disability_benefits_weekly")
    income.pop("lcwra_new_claim_monthly")
    income |= {"pip_daily_living_weekly": {"standard": 73.90, "enhanced": 110.40}}
    income["state_pension_age"] = 66
    data["rent_benchmarks"].pop("soft_max_by_rent_type")
    old = parse_policy(yaml.safe_dump(data), "old.yaml")
    # £424.90 + £429.80 = £854.70 a month = £197.24 a week, plus the old PIP £73.90.
    result = rent_affordability(make_offer(), old)
    assert result.figures["weekly_tenant_income_pence"] == 19724 + 7390
    assert result.figures["tenant"] == "aged 43, PIP daily living (standard rate), LCWRA"
