"""Guidance on a draft: the policy picks the checks and their words."""

from __future__ import annotations

import pytest

from rules.guidance import guidance
from rules.policy_data import PolicyError, parse_policy
from tests.rules.offers import SHIPPED_POLICY_FILE, make_offer, shipped_policy, unit


def _checks(offer, policy=None, approved=None) -> list[str]:
    return [item.check for item in guidance(offer, policy or shipped_policy(), approved)]


def test_a_sound_offer_gets_no_guidance():
    assert guidance(make_offer(), shipped_policy()) == []


def test_shared_housing_for_a_group_that_does_not_want_it():
    offer = make_offer(configuration="shared_house", unit_overrides={"most_people_sharing": 4})
    found = guidance(offer, shipped_policy())
    first = found[0]
    assert first.check == "shared_housing_not_wanted"
    assert first.text.startswith("The council has little or no demand for shared housing")
    assert "People on the supported living waiting list" in first.text
    assert first.answer == "configuration"


def test_a_small_shared_house_for_young_people_in_transition_is_the_exception():
    offer = make_offer(
        configuration="shared_house",
        cohorts=["send_transitions"],
        unit_overrides={"count": 4, "most_people_sharing": 4},
    )
    assert "shared_housing_not_wanted" not in _checks(offer)


def test_a_core_rent_above_cores_range_links_to_that_units_charges():
    offer = make_offer(unit_overrides={"core_rent_pence": 300_00})
    found = [
        item for item in guidance(offer, shipped_policy()) if item.check == "core_rent_above_range"
    ]
    assert len(found) == 1
    assert "£300.00" in found[0].text and "£272.48" in found[0].text
    assert found[0].answer == "unit-charges/one_bed"


def test_a_rent_within_the_range_gives_no_rent_guidance():
    assert "core_rent_above_range" not in _checks(
        make_offer(unit_overrides={"core_rent_pence": 272_48})
    )


def test_a_cohort_whose_need_planned_schemes_mostly_meet():
    # Step down: 27 needed, a 27-unit scheme planned up to 2022.
    offer = make_offer(cohorts=["mental_health_step_down"])
    found = [
        i for i in guidance(offer, shipped_policy()) if i.check == "need_met_by_planned_schemes"
    ]
    assert len(found) == 1
    assert "Mental health inpatient discharges" in found[0].text and "2022" in found[0].text
    assert found[0].answer == "cohorts"


def test_approved_offers_count_towards_the_need_met():
    offer = make_offer()  # the waiting list: 18 needed, 6 planned
    assert "need_met_by_planned_schemes" not in _checks(offer)
    approved = {"supported_living_waiting_list": 6}
    assert "need_met_by_planned_schemes" in _checks(offer, approved=approved)


@pytest.mark.parametrize(
    ("status", "expected"),
    [("not_on_framework", True), ("not_known", True), ("on_framework", False)],
)
def test_care_outside_the_framework_asks_about_the_care_directory(status, expected):
    offer = make_offer(care_provider_name="Kind Care Ltd", care_provider_framework_status=status)
    found = [i for i in guidance(offer, shipped_policy()) if i.check == "care_outside_framework"]
    assert bool(found) is expected
    if found:
        assert "direct payments" in found[0].text and "Kind Care Ltd" in found[0].text
        assert found[0].answer == "care-provider"


def test_a_postcode_outside_the_city_and_asking_for_voids():
    offer = make_offer(postcode="LE8 4AA", council_asked_to_cover_voids=True)
    assert {"outside_city", "voids_asked"} <= set(_checks(offer))


def test_staff_choose_the_checks_and_their_words():
    text = SHIPPED_POLICY_FILE.read_text().split("\nguidance:")[0] + (
        "\nguidance:\n  source: council\n  items:\n"
        '    - check: voids_asked\n      text: "No voids, please."\n'
    )
    policy = parse_policy(text, "test")
    offer = make_offer(
        configuration="shared_house",
        council_asked_to_cover_voids=True,
        unit_overrides={"most_people_sharing": 4},
    )
    assert [(item.check, item.text) for item in guidance(offer, policy)] == [
        ("voids_asked", "No voids, please.")
    ]


def test_a_policy_without_guidance_gives_none():
    text = SHIPPED_POLICY_FILE.read_text().split("\nguidance:")[0]
    policy = parse_policy(text, "test")
    assert guidance(make_offer(council_asked_to_cover_voids=True), policy) == []


@pytest.mark.parametrize(
    ("item", "problem"),
    [
        ("- check: no_such_check\n      text: x", "unknown check 'no_such_check'"),
        ('- check: voids_asked\n      text: "{cohort}"', "unknown placeholder {cohort}"),
    ],
)
def test_a_bad_guidance_section_is_refused_with_the_reason(item, problem):
    text = SHIPPED_POLICY_FILE.read_text().split("\nguidance:")[0] + (
        f"\nguidance:\n  source: council\n  items:\n    {item}\n"
    )
    with pytest.raises(PolicyError, match="guidance") as error:
        parse_policy(text, "test")
    assert problem in str(error.value)


def test_every_unit_over_the_range_gets_its_own_item():
    offer = make_offer(
        units=[
            unit(kind="one_bed", count=6, core_rent_pence=280_00),
            unit(kind="two_bed", count=6, core_rent_pence=290_00),
        ],
    )
    answers = [
        i.answer for i in guidance(offer, shipped_policy()) if i.check == "core_rent_above_range"
    ]
    assert answers == ["unit-charges/one_bed", "unit-charges/two_bed"]


@pytest.mark.parametrize(
    ("postcode", "outside"),
    [("LE4 3AB", True), ("LE2 8AB", False), ("LE1 6ZG", False)],
)
def test_the_city_is_the_council_s_postcode_sectors(postcode, outside):
    # LE4 3 (Birstall) is in a city district but the county; LE2 8 straddles the
    # boundary, which is the officer's to check, not the submitter's (issue 13).
    assert ("outside_city" in _checks(make_offer(postcode=postcode))) is outside
