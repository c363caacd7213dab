"""The offer's age range against the people of its cohorts (issue 13): homes whose
ages leave a cohort out meet none of its need; homes that leave out most of its
typical tenants meet need only for the ones they take."""

from __future__ import annotations

from typing import Any

import pytest
import yaml

from rules.guidance import guidance
from rules.need import cohort_need
from rules.policy_data import PolicyError, parse_policy
from rules.scoring import score_offer
from tests.rules.offers import SHIPPED_POLICY_FILE, make_offer, shipped_policy, unit

POLICY = shipped_policy()

# (overrides, units meeting need, units outside the cohort's ages, verdict, the reason)
AGE_CASES: dict[str, tuple[dict[str, Any], int, int, str, str]] = {
    "looked-after 16-17s in homes from 18: none of them could live there": (
        dict(cohorts=["looked_after_16_17"], units=[unit(count=4)], age_min=18, age_max=25),
        0,
        4,
        "red",
        "The homes take people aged 18 to 25; the cohort “Looked after children aged 16 to "
        "17” is people aged 16 to 17: none of them could live here",
    ),
    "looked-after 16-17s in homes for 16 and 17-year-olds": (
        dict(cohorts=["looked_after_16_17"], units=[unit(count=4)], age_min=16, age_max=17),
        4,
        0,
        "green",
        "4 of the 4 units would meet unmet need.",
    ),
    "an older people's scheme at 18-65 leaves out most of them": (
        dict(
            cohorts=["housing_register_sheltered"],
            configuration="extra_care",
            units=[unit(count=15)],
            age_min=18,
            age_max=65,
        ),
        5,
        10,
        "amber",
        "leaves out 2 of the 3 typical tenants of the cohort “People on the housing register "
        "awaiting sheltered accommodation (over 60)” (aged 70, 85): most of them, so only 33% "
        "of its units count towards its need.",
    ),
    "an older people's scheme for every age from 55 takes them all": (
        dict(
            cohorts=["housing_register_sheltered"],
            configuration="extra_care",
            units=[unit(count=15)],
            age_min=55,
            age_max=120,
        ),
        15,
        0,
        "green",
        "15 of the 15 units would meet unmet need.",
    ),
    "a working-age scheme for the waiting list: the older people on it are named": (
        dict(age_min=18, age_max=64),
        12,
        0,
        "green",
        "leaves out 1 of the 3 typical tenants of the cohort “People on the supported living "
        "waiting list (older people; working age with LD, AMH, PD)” (aged 68).",
    ),
    "care leavers aged 18 to 25 in homes for over-30s": (
        dict(
            cohorts=["care_leavers_18_25"],
            configuration="extra_care",
            units=[unit(count=11)],
            age_min=30,
            age_max=120,
        ),
        0,
        11,
        "red",
        "none of them could live here, so none of the offer's units meet their need.",
    ),
}


@pytest.mark.parametrize(
    ("overrides", "meeting", "outside", "verdict", "says"),
    AGE_CASES.values(),
    ids=AGE_CASES.keys(),
)
def test_the_offers_ages_against_the_cohorts_people(
    overrides: dict[str, Any], meeting: int, outside: int, verdict: str, says: str
) -> None:
    result = cohort_need(make_offer(**overrides), POLICY)
    assert result.figures["units_meeting_need"] == meeting
    assert result.figures["units_outside_cohort_ages"] == outside
    assert result.verdict == verdict
    assert says in " ".join(result.reasons)


def test_units_outside_a_cohorts_ages_are_not_called_oversupply() -> None:
    offer = make_offer(
        cohorts=["looked_after_16_17"], units=[unit(count=4)], age_min=18, age_max=25
    )
    result = cohort_need(offer, POLICY)
    assert result.figures["oversupply_units"] == 0
    assert "None of the 4 units meets unmet need: the offer's ages leave out" in " ".join(
        result.reasons
    )


def test_a_two_cohort_offer_counts_only_the_cohort_its_ages_take() -> None:
    # 8 units, 4 each for Transforming Care (18+) and looked-after 16-17s; from 18 the
    # looked-after share meets nobody's need.
    offer = make_offer(
        cohorts=["transforming_care_moj", "looked_after_16_17"], units=[unit(count=8)]
    )
    result = cohort_need(offer, POLICY)
    assert result.figures["units_meeting_need"] == 4
    assert result.figures["units_outside_cohort_ages"] == 4


def test_homes_no_cohort_could_live_in_cap_the_band() -> None:
    offer = make_offer(
        cohorts=["looked_after_16_17"], units=[unit(count=4)], age_min=18, age_max=25
    )
    result = score_offer(offer, POLICY)
    assert "cohort_need" in result.red_flags
    assert result.band.name == "C"


def test_the_provider_is_told_which_cohort_the_ages_leave_out() -> None:
    offer = make_offer(
        cohorts=["looked_after_16_17"], units=[unit(count=4)], age_min=18, age_max=25
    )
    found = [item for item in guidance(offer, POLICY) if item.check == "ages_outside_cohort"]
    assert len(found) == 1
    assert found[0].answer == "age-range"
    assert found[0].text == (
        "The ages the homes take (18 to 25) leave out Looked after children aged 16 to 17 "
        "(aged 16 to 17): none of them could live here."
    )
    assert "ages_outside_cohort" not in [item.check for item in guidance(make_offer(), POLICY)]


def _shipped() -> dict[str, Any]:
    return yaml.safe_load(SHIPPED_POLICY_FILE.read_text(encoding="utf-8"))


def test_a_policy_without_cohort_ages_judges_only_the_typical_tenants() -> None:
    data = _shipped()
    for cohort in data["cohorts"]:
        cohort.pop("ages", None)
    policy = parse_policy(yaml.safe_dump(data), "older.yaml")
    offer = make_offer(
        cohorts=["looked_after_16_17"], units=[unit(count=4)], age_min=18, age_max=25
    )
    # Its typical tenants are 17, 16 and an 18-year-old care leaver: one of three taken.
    result = cohort_need(offer, policy)
    assert result.figures["units_meeting_need"] == 1
    assert "leaves out 2 of the 3 typical tenants" in " ".join(result.reasons)


def test_a_cohorts_ages_must_be_in_order() -> None:
    data = _shipped()
    data["cohorts"][0]["ages"] = {"min": 30, "max": 20}
    with pytest.raises(PolicyError, match="cohorts.0.ages: Value error, max must not be below min"):
        parse_policy(yaml.safe_dump(data), "bad.yaml")
