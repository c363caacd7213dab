"""The location rule on the existing-supply register and the council's postcode
sectors (issue 13): areas less well served score higher, a sector straddling the
city boundary asks the officer to check, and outside the city is red."""

from __future__ import annotations

import pytest

from rules.appendix_c import location
from rules.existing_supply import (
    CityPlace,
    RegisteredScheme,
    SupplyRegister,
    by_district,
    city_place,
    postcode_district,
    postcode_sector,
)
from rules.scoring import score_offer
from tests.rules.offers import SEEDED_REGISTER, make_offer, placed_register, shipped_policy

POLICY = shipped_policy()

# The seeded register with 200 supported living units placed: LE1 best served,
# LE5 not served at all. City average: 200 / 5 districts = 40.
REGISTER = placed_register({"LE1 6ZG": 120, "LE2 0AB": 40, "LE3 0AB": 30, "LE4 6AB": 10})


@pytest.mark.parametrize(
    ("postcode", "district", "sector"),
    [
        ("LE1 6ZG", "LE1", "LE1 6"),
        ("le3 9xy", "LE3", "LE3 9"),
        ("LE46AB", "LE4", "LE4 6"),
        ("  LE5 0AA ", "LE5", "LE5 0"),
        ("LE10 1AA", "LE10", "LE10 1"),
        ("NG1 5AB", "NG1", "NG1 5"),
    ],
)
def test_a_postcode_has_a_district_and_a_sector(postcode: str, district: str, sector: str) -> None:
    assert postcode_district(postcode) == district
    assert postcode_sector(postcode) == sector


@pytest.mark.parametrize(
    ("postcode", "place"),
    [
        ("LE1 6ZG", CityPlace.CITY),
        ("LE5 0AA", CityPlace.CITY),
        ("LE2 8AB", CityPlace.BOUNDARY),  # Aylestone and Glen Parva
        ("LE3 2BB", CityPlace.BOUNDARY),  # Braunstone Park and Braunstone Town
        ("LE4 3AB", CityPlace.OUTSIDE),  # Birstall: LE4, but the county
        # A sector of a city district on no list (here LE1 8): an officer checks it.
        ("LE1 8AB", CityPlace.BOUNDARY),
        ("LE10 1AA", CityPlace.OUTSIDE),  # Hinckley: LE1 is a prefix, not its district
        ("NG1 5AB", CityPlace.OUTSIDE),
    ],
)
def test_the_council_s_sectors_decide_where_a_postcode_lies(
    postcode: str, place: CityPlace
) -> None:
    assert city_place(postcode, POLICY) is place


def test_an_older_policy_without_sectors_goes_by_districts() -> None:
    policy = POLICY.model_copy(
        update={
            "location": POLICY.location.model_copy(
                update={"city_postcode_sectors": [], "boundary_postcode_sectors": []}
            )
        }
    )
    assert city_place("LE4 3AB", policy) is CityPlace.CITY
    assert city_place("LE10 1AA", policy) is CityPlace.OUTSIDE


def test_the_seeded_register_holds_the_strategy_s_632_units_in_no_area() -> None:
    assert SEEDED_REGISTER.total_units == 632
    assert SEEDED_REGISTER.unplaced_units == 632
    result = location(make_offer(postcode="LE5 0AA"), POLICY, SEEDED_REGISTER)
    assert (result.score, result.verdict) == (80.0, "green")
    words = " ".join(result.reasons)
    assert "LE5 0AA is in the city (sector LE5 0)" in words
    assert "no postcode for any of its 632 units" in words


@pytest.mark.parametrize(
    ("postcode", "score", "verdict", "units", "judged"),
    [
        # max(50, 100 - 25 x units here / 40 city average).
        ("LE1 6ZG", 50.0, "amber", 120, "better served than the city on average"),
        ("LE2 0AB", 75.0, "green", 40, "about as well served"),
        ("LE3 0AB", 81.2, "green", 30, "about as well served"),
        ("LE4 6AB", 93.8, "green", 10, "less well served than most of the city"),
        ("LE5 0AA", 100.0, "green", 0, "less well served than most of the city"),
    ],
)
def test_less_well_served_city_areas_score_higher(
    postcode: str, score: float, verdict: str, units: int, judged: str
) -> None:
    result = location(make_offer(postcode=postcode), POLICY, REGISTER)
    assert (round(result.score, 1), result.verdict) == (score, verdict)
    assert result.figures["existing_units_in_district"] == units
    assert result.figures["city_average_units_per_district"] == 40.0
    words = " ".join(result.reasons)
    assert (
        f"has {units} units of existing supply in the register against a city average of 40"
        in words
    )
    assert judged in words
    # The strategy's other units have no postcode yet: said, not hidden.
    assert "432 of the register's 632 units have no postcode yet" in words


def test_a_less_well_served_area_raises_the_offer_s_score() -> None:
    served = score_offer(make_offer(postcode="LE1 6ZG"), POLICY, register=REGISTER)
    less = score_offer(make_offer(postcode="LE5 0AA"), POLICY, register=REGISTER)
    assert less.score > served.score


def test_units_serving_the_offer_s_cohort_are_named() -> None:
    register = SupplyRegister(
        schemes=(
            RegisteredScheme(
                "Step down house", "supported_living", 12, "LE2 1AB", "mental_health_step_down"
            ),
            RegisteredScheme("Flats", "supported_living", 20, "LE1 6ZG"),
        )
    )
    offer = make_offer(postcode="LE2 0AB", cohorts=["mental_health_step_down"])
    words = " ".join(location(offer, POLICY, register).reasons)
    assert "12 of them serve Mental health inpatient discharges (step down)." in words


def test_a_sector_straddling_the_boundary_asks_the_officer_to_check() -> None:
    # LE2 is as well served as the city on average, but LE2 8 straddles the boundary.
    result = location(make_offer(postcode="LE2 8AB"), POLICY, REGISTER)
    assert result.verdict == "amber"
    assert result.figures["city_place"] == "boundary"
    assert (
        "LE2 8AB is in sector LE2 8, which straddles the city boundary (council setting): "
        "check the address is in Leicester" in result.reasons[0]
    )


def test_a_straddling_sector_is_amber_even_where_supply_is_low() -> None:
    register = placed_register({"LE1 6ZG": 200})
    result = location(make_offer(postcode="LE3 9XY"), POLICY, register)
    assert result.verdict == "amber"
    assert "sector LE3 9" in result.reasons[0]


@pytest.mark.parametrize("postcode", ["LE4 3AB", "LE10 1AA", "LE67 1AB", "NG1 5AB", "CV1 1AA"])
def test_a_postcode_outside_the_city_is_red(postcode: str) -> None:
    result = location(make_offer(postcode=postcode), POLICY, REGISTER)
    assert (result.score, result.verdict) == (0.0, "red")
    assert result.figures["city_place"] == "outside"
    assert "outside the city's postcode sectors" in result.reasons[0]
    assert "the strategy seeks homes in Leicester" in result.reasons[0]


def test_outside_the_city_caps_the_band() -> None:
    scored = score_offer(make_offer(postcode="LE4 3AB"), POLICY, register=REGISTER)
    assert "location" in scored.red_flags
    assert scored.band.name == POLICY.scoring.red_flag_max_band


def test_outside_the_city_can_be_amber_if_the_council_says_so() -> None:
    policy = POLICY.model_copy(
        update={"location": POLICY.location.model_copy(update={"outside_city_verdict": "amber"})}
    )
    result = location(make_offer(postcode="LE10 1AA"), policy)
    assert (result.score, result.verdict) == (40.0, "amber")


def test_without_a_register_every_city_area_scores_alike() -> None:
    result = location(make_offer(postcode="LE1 6ZG"), POLICY)
    assert (result.score, result.verdict) == (80.0, "green")
    assert "No register of existing supply was given" in " ".join(result.reasons)


def test_the_public_page_lists_districts_least_served_first() -> None:
    assert list(by_district(REGISTER, POLICY).items()) == [
        ("LE5", 0),
        ("LE4", 10),
        ("LE3", 30),
        ("LE2", 40),
        ("LE1", 120),
    ]


def test_each_address_of_a_dispersed_scheme_is_judged_and_the_lowest_counts() -> None:
    offer = make_offer(
        postcode="LE5 0AA",
        configuration="self_contained_dispersed",
        addresses=[
            {"address": "1 High Street", "postcode": "LE5 0AA", "units": 6},
            {"address": "2 Low Road", "postcode": "LE2 8AB", "units": 6},
        ],
    )
    result = location(offer, POLICY, REGISTER)
    assert result.verdict == "amber"
    assert result.figures["city_place"] == ["city", "boundary"]
    words = " ".join(result.reasons)
    assert "LE5 0AA is in the city" in words
    assert "sector LE2 8, which straddles the city boundary" in words
