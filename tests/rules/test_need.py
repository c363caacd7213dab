"""Cohort need: forecast minus planned schemes minus approved offers, and best fit.

Need figures are the strategy's (Appendix B) as held in the 2026/27 policy file;
the pipeline is the strategy's proposed phasing, each scheme filling the cohorts
it counts against in order.
"""

from __future__ import annotations

from typing import Any

import pytest

from rules.need import cohort_need, positions, unit_shares
from rules.scoring import score_offer
from tests.rules.offers import firm_pipeline_policy, make_offer, shipped_policy, unit

SHIPPED = shipped_policy()
# Most cases count the pipeline as the strategy does, every scheme in full (as if
# firm); the firm and expected figures of the shipped policy are tested below.
POLICY = firm_pipeline_policy()

# (forecast, planned, planned without a site, remaining, open to offers), by hand:
POSITIONS = {
    # 80 needed; Ashton Green (70, potential) counts against it: 80 - 70 = 10.
    "diversion_from_residential": (80, 70, 0, 10, 10),
    # 8 needed; the Transforming Care scheme (8) has no site, so the need counts
    # as planned (0 remain) but all 8 units are open to an offer that is the site.
    "transforming_care_moj": (8, 8, 8, 0, 8),
    # Likewise the 8 SEND units and the 8-bed respite unit.
    "send_transitions": (8, 8, 8, 0, 8),
    "respite_complex_disabilities": (8, 8, 8, 0, 8),
    # The 27-unit step down scheme meets the whole 27.
    "mental_health_step_down": (27, 27, 0, 0, 0),
    # Blackbird Road (6): 18 - 6 = 12.
    "supported_living_waiting_list": (18, 6, 0, 12, 12),
    # The identified extra care site (50) fills sheltered tenants (57) first: 7 remain,
    # and none of it is left for the housing register's 15.
    "sheltered_tenants_known_to_social_care": (57, 50, 0, 7, 7),
    "housing_register_sheltered": (15, 0, 0, 15, 15),
    # Nothing planned for these.
    "replacement_shared_and_ex_sheltered": (160, 0, 0, 160, 160),
    "looked_after_16_17": (4, 0, 0, 4, 4),
    "care_leavers_18_25": (11, 0, 0, 11, 11),
}


@pytest.mark.parametrize(("code", "expected"), POSITIONS.items(), ids=POSITIONS.keys())
def test_remaining_need_is_forecast_less_pipeline_less_approved(
    code: str, expected: tuple[int, int, int, int, int]
) -> None:
    position = positions(POLICY, {})[code]
    assert (
        position.forecast,
        position.pipeline,
        position.pipeline_without_site,
        position.remaining,
        position.open_to_offers,
    ) == expected


def test_the_pipeline_leaves_the_strategys_open_market_shortfall() -> None:
    # Strategy: 396 units needed, about 177 from the proposed schemes, 219 from the market.
    all_positions = positions(POLICY, {}).values()
    assert sum(p.forecast for p in all_positions) == 396
    assert sum(p.pipeline for p in all_positions) == 177
    assert 396 - 177 == 219


def test_approved_units_reduce_remaining_need() -> None:
    # 18 - 6 Blackbird Road - 5 approved = 7.
    position = positions(POLICY, {"supported_living_waiting_list": 5})[
        "supported_living_waiting_list"
    ]
    assert (position.approved, position.remaining, position.open_to_offers) == (5, 7, 7)


def test_approved_units_never_take_need_below_zero() -> None:
    position = positions(POLICY, {"diversion_from_residential": 50})["diversion_from_residential"]
    assert position.remaining == 0


NEED_CASES: dict[str, tuple[dict[str, Any], float, str, list[str]]] = {
    # 12 core-and-cluster units for the 12 remaining: 70 x 12/12 + 30 best fit.
    "fills remaining need with the best fit": (
        dict(units=[unit(count=12)]),
        100.0,
        "green",
        ["forecast need 18 units, 6 in planned schemes, 0 in approved offers, so 12 remain"],
    ),
    # Diversion: 10 remain; 10 extra care flats, best fit.
    "diversion from residential: 80 - 70 Ashton Green = 10": (
        dict(
            cohorts=["diversion_from_residential"],
            configuration="extra_care",
            units=[unit(count=10)],
        ),
        100.0,
        "green",
        ["forecast need 80 units, 70 in planned schemes", "so 10 remain"],
    ),
    # TC/MoJ: 0 remain but 8 open (no site); 5 core-and-cluster units, 4-6 best fit.
    "Transforming Care: planned units with no site are open to offers": (
        dict(cohorts=["transforming_care_moj"], units=[unit(count=5)]),
        100.0,
        "green",
        ["8 of the planned units have no site yet", "8 units are open to offers", "(4-6 units)"],
    ),
    # 10 units: 8 meet need (70 x 0.8 = 56), right kind, wrong size: +15 = 71.
    "Transforming Care: too many units is only a partial fit": (
        dict(cohorts=["transforming_care_moj"], units=[unit(count=10)]),
        71.0,
        "green",
        ["best fit is Specialist supported living scheme (4-6 units)", "this offer has 10 units"],
    ),
    # 5 units in a shared house: all meet need (70) but no fit: 70 is green by the
    # policy's thresholds (the design rules judge the shared house).
    "Transforming Care: a shared house is a poor fit": (
        dict(
            cohorts=["transforming_care_moj"], configuration="shared_house", units=[unit(count=5)]
        ),
        70.0,
        "green",
        ["is not the strategy's best fit"],
    ),
    "respite: an 8-unit scheme is the best fit": (
        dict(cohorts=["respite_complex_disabilities"], units=[unit(count=8)]),
        100.0,
        "green",
        ["Specialist registered scheme, 8 units"],
    ),
    # 4 of the 8 open: all 4 meet need (70) + 15 partial.
    "respite: a 4-unit scheme is the right kind but the wrong size": (
        dict(cohorts=["respite_complex_disabilities"], units=[unit(count=4)]),
        85.0,
        "green",
        ["this offer has 4 units"],
    ),
    "respite: dispersed homes are a poor fit": (
        dict(
            cohorts=["respite_complex_disabilities"],
            configuration="self_contained_dispersed",
            units=[unit(count=8)],
        ),
        70.0,
        "green",
        ["not the strategy's best fit"],
    ),
    "sheltered cohorts: extra care is the best fit": (
        dict(
            cohorts=["housing_register_sheltered"],
            configuration="extra_care",
            units=[unit(count=15)],
            age_max=120,  # every age of the cohort (rules/ages.py)
        ),
        100.0,
        "green",
        ["best fit for this cohort (Extra care)"],
    ),
    "sheltered cohorts: core and cluster is not": (
        dict(cohorts=["housing_register_sheltered"], units=[unit(count=15)], age_max=120),
        70.0,
        "green",
        ["not the strategy's best fit for this cohort (Extra care)"],
    ),
    # 20 units for 12 remaining: 70 x 12/20 = 42 + 30 = 72, green by the thresholds.
    "oversupply is flagged with the number of units": (
        dict(units=[unit(count=20)]),
        72.0,
        "green",
        ["12 of the 20 units would meet unmet need", "8 units are beyond the remaining need"],
    ),
    # Step down: the planned scheme meets all 27: nothing left, red, at most 20.
    "need already met is red": (
        dict(cohorts=["mental_health_step_down"]),
        20.0,
        "red",
        ["so 0 remain", "None of the 12 units meets unmet need"],
    ),
    # Two cohorts: 10 + 7 remain = 17 open; 12 extra care flats fill 12.
    "several cohorts pool their remaining need": (
        dict(
            cohorts=["diversion_from_residential", "sheltered_tenants_known_to_social_care"],
            configuration="extra_care",
            units=[unit(count=12)],
            age_max=120,
        ),
        100.0,
        "green",
        ["so 10 remain", "so 7 remain", "12 of the 12 units"],
    ),
    "an unknown cohort has no need": (
        dict(cohorts=["nobody_we_know"]),
        0.0,
        "red",
        ["None of the offer's cohorts is in the policy"],
    ),
}


@pytest.mark.parametrize(
    ("overrides", "score", "verdict", "says"), NEED_CASES.values(), ids=NEED_CASES.keys()
)
def test_cohort_need(
    overrides: dict[str, Any], score: float, verdict: str, says: list[str]
) -> None:
    result = cohort_need(make_offer(**overrides), POLICY)
    assert result.score == pytest.approx(score)
    assert result.verdict == verdict
    words = " ".join(result.reasons)
    for fragment in says:
        assert fragment in words, f"{fragment!r} not in {words!r}"


def test_oversupply_figures() -> None:
    result = cohort_need(make_offer(units=[unit(count=20)]), POLICY)
    assert result.figures["units_meeting_need"] == 12
    assert result.figures["oversupply_units"] == 8
    assert result.figures["remaining_need"] == {"supported_living_waiting_list": 12}


def test_approving_units_lowers_the_score_of_a_later_offer_for_that_cohort() -> None:
    offer = make_offer(units=[unit(count=12)])
    before = cohort_need(offer, POLICY)
    # 6 approved: 12 - 6 = 6 remain; 6 of 12 units meet need: 70 x 0.5 + 30 = 65.
    after = cohort_need(offer, POLICY, {"supported_living_waiting_list": 6})
    assert before.score == 100.0
    assert after.score == pytest.approx(65.0)
    assert after.verdict == "amber"
    assert "6 in approved offers, so 6 remain" in " ".join(after.reasons)
    assert after.figures["oversupply_units"] == 6
    assert score_offer(offer, POLICY, {"supported_living_waiting_list": 6}).score < (
        score_offer(offer, POLICY).score
    )


def test_approvals_for_another_cohort_change_nothing() -> None:
    offer = make_offer(units=[unit(count=12)])
    assert cohort_need(offer, POLICY, {"care_leavers_18_25": 11}) == cohort_need(offer, POLICY)


def test_approvals_can_use_up_the_planned_units_that_have_no_site() -> None:
    # TC/MoJ: 8 open; 4 approved leave 4 open, so a 5-unit offer has 1 too many:
    # 70 x 4/5 = 56 + 30 best fit = 86.
    result = cohort_need(
        make_offer(cohorts=["transforming_care_moj"], units=[unit(count=5)]),
        POLICY,
        {"transforming_care_moj": 4},
    )
    assert result.figures["open_to_offers"] == {"transforming_care_moj": 4}
    assert result.figures["oversupply_units"] == 1
    assert result.score == pytest.approx(86.0)


def test_a_cohort_listed_twice_does_not_double_its_need() -> None:
    # 12 remain for the waiting list; listing it twice must not make 24.
    offer = make_offer(
        cohorts=["supported_living_waiting_list", "supported_living_waiting_list"],
        units=[unit(count=20)],
    )
    result = cohort_need(offer, POLICY)
    assert result.figures["units_meeting_need"] == 12
    assert result.figures["oversupply_units"] == 8


# ------------------------------------------------- the verdict follows the score


@pytest.mark.parametrize("count", [1, 3, 6, 12, 20, 40])
@pytest.mark.parametrize(
    "cohorts",
    [["supported_living_waiting_list"], ["mental_health_step_down"], ["care_leavers_18_25"]],
)
def test_the_verdict_is_the_score_through_the_policys_thresholds(
    count: int, cohorts: list[str]
) -> None:
    # Today's thresholds: green from 70, amber from 40 (rules/policy/2026-04-01.yaml).
    for policy in (POLICY, SHIPPED):
        result = cohort_need(make_offer(cohorts=cohorts, units=[unit(count=count)]), policy)
        expected = "green" if result.score >= 70 else "amber" if result.score >= 40 else "red"
        assert result.verdict == expected, (result.score, result.verdict)


def test_a_score_of_19_is_red_not_amber() -> None:
    # A poor fit (no fit points) where 6 of 22 units meet need: 70 x 6/22 = 19.1.
    offer = make_offer(
        cohorts=["supported_living_waiting_list"],
        configuration="self_contained_dispersed",
        units=[unit(count=22)],
    )
    result = cohort_need(offer, POLICY, {"supported_living_waiting_list": 6})
    assert result.score == pytest.approx(19.1)
    assert result.verdict == "red"


# ------------------------------------------- shared between cohorts like the dashboard


@pytest.mark.parametrize(
    ("units", "cohorts", "shares"),
    [
        (8, ["b", "a"], {"a": 4, "b": 4}),
        (9, ["b", "a"], {"a": 5, "b": 4}),
        (10, ["c", "a", "b"], {"a": 4, "b": 3, "c": 3}),
        (5, ["a", "a"], {"a": 5}),
    ],
)
def test_units_are_shared_between_cohorts_in_code_order(
    units: int, cohorts: list[str], shares: dict[str, int]
) -> None:
    assert unit_shares(units, cohorts) == shares


def test_a_two_cohort_offer_meets_need_only_with_each_cohorts_share() -> None:
    # 8 units for Transforming Care (8 open) and looked-after 16-17 (4 open): the
    # dashboard counts 4 for each once approved, so the rule counts 4 + 4, not 8
    # against the pooled 12. Both get 4 here: all 8 meet need.
    offer = make_offer(
        cohorts=["transforming_care_moj", "looked_after_16_17"],
        units=[unit(count=8)],
        age_min=16,  # the looked-after 16 and 17-year-olds too (rules/ages.py)
    )
    result = cohort_need(offer, POLICY)
    assert result.figures["units_by_cohort"] == {
        "looked_after_16_17": 4,
        "transforming_care_moj": 4,
    }
    assert result.figures["units_meeting_need"] == 8
    # With 2 of the looked-after need approved, only 2 of its 4 units meet need,
    # though Transforming Care still has room for 8: pooling would have said 8.
    after = cohort_need(offer, POLICY, {"looked_after_16_17": 2})
    assert after.figures["units_meeting_need"] == 6
    assert after.figures["oversupply_units"] == 2
    assert "4 of the offer's units count towards this cohort" in " ".join(after.reasons)


def test_people_housed_in_vacancies_reduce_need_as_on_the_dashboard() -> None:
    # 12 remain for the waiting list; 5 people housed in vacancies leave 7.
    offer = make_offer(units=[unit(count=12)])
    result = cohort_need(offer, POLICY, {}, {"supported_living_waiting_list": 5})
    assert result.figures["remaining_need"] == {"supported_living_waiting_list": 7}
    assert result.figures["units_meeting_need"] == 7
    assert "5 housed in vacancies, so 7 remain" in " ".join(result.reasons)
    assert score_offer(offer, POLICY, {}, {"supported_living_waiting_list": 5}).score < (
        score_offer(offer, POLICY).score
    )


# ----------------------------------------------------- firm and expected figures


def test_the_shipped_pipeline_has_no_firm_scheme_against_the_forecast() -> None:
    all_positions = positions(SHIPPED, {}).values()
    assert sum(p.pipeline for p in all_positions) == 177  # the strategy's count
    assert sum(p.pipeline_firm or 0 for p in all_positions) == 0
    # Each unfirmed scheme at its confidence (0.75 with a site, 0.5 without),
    # rounded down per cohort: 20 + 4 + 35 + 4 + 37 + 4 + 4 = 108.
    assert sum(p.pipeline_expected or 0 for p in all_positions) == 108


def test_step_down_need_rests_on_an_unfirmed_scheme_so_it_is_not_called_met() -> None:
    # The 27-unit step-down scheme has only a site option: 0.75 expected (20 units),
    # so 7 remain expected and 27 firm. Of 12 units, 7 meet expected need and 5
    # more meet need only if the scheme falls through (half weight):
    # 70 x (7 + 2.5) / 12 = 55.4 + 30 best fit = 85.4.
    offer = make_offer(cohorts=["mental_health_step_down"], units=[unit(count=12)])
    result = cohort_need(offer, SHIPPED)
    words = " ".join(result.reasons)
    assert result.score == pytest.approx(85.4)
    assert result.verdict == "green"
    assert "already met" not in words
    assert "Only 0 of the 27 planned units have a firm completion date" in words
    assert "7 remain expected and 27 if only firm schemes are built" in words
    assert "5 more units would meet need that planned schemes with no firm" in words
    assert result.figures["remaining_need"] == {"mental_health_step_down": 0}
    assert result.figures["remaining_need_expected"] == {"mental_health_step_down": 7}
    assert result.figures["remaining_need_firm"] == {"mental_health_step_down": 27}


def test_the_same_need_met_by_a_firm_scheme_is_called_met() -> None:
    offer = make_offer(cohorts=["mental_health_step_down"], units=[unit(count=12)])
    result = cohort_need(offer, POLICY)
    assert result.score == 20.0
    assert result.verdict == "red"
    assert "already met by firm planned schemes" in " ".join(result.reasons)


def test_unfirmed_need_weight_is_a_policy_setting() -> None:
    offer = make_offer(cohorts=["mental_health_step_down"], units=[unit(count=12)])
    scoring = SHIPPED.scoring.model_copy(update={"unfirmed_need_weight": 0.0})
    strict = SHIPPED.model_copy(update={"scoring": scoring})
    # Only the 7 expected count: 70 x 7/12 = 40.8 + 30 = 70.8.
    assert cohort_need(offer, strict).score == pytest.approx(70.8)
