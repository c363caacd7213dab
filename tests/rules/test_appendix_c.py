"""Appendix C's other questions: procurement, location and quality."""

from __future__ import annotations

from typing import Any

import pytest
import yaml

from rules.appendix_c import location, postcode_district, procurement, quality
from rules.policy_data import Policy
from tests.rules.offers import (
    SHIPPED_POLICY_FILE,
    make_offer,
    shipped_policy,
    unit,
    with_supply_by_district,
)

POLICY = shipped_policy()

# ------------------------------------------------------------------ procurement

CARE = dict(care_provider_name="Care Co")

PROCUREMENT_CASES: dict[str, tuple[dict[str, Any], float, str, list[str]]] = {
    "no care bundled": (
        {},
        100.0,
        "green",
        ["No care is bundled", "Supported Living Framework", "live since 1 July 2021"],
    ),
    "care from a provider on the framework": (
        dict(care_provider_framework_status="on_framework", **CARE),
        100.0,
        "green",
        ["Care Co, is on the council's Supported Living Framework"],
    ),
    "care from a provider not on the framework": (
        dict(care_provider_framework_status="not_on_framework", **CARE),
        40.0,
        "amber",
        ["is not on the council's Supported Living Framework", "direct payments", "care directory"],
    ),
    "framework status not known": (
        dict(care_provider_framework_status="not_known", **CARE),
        60.0,
        "amber",
        ["It is not known whether Care Co", "ask", "direct payments"],
    ),
    "framework status not given": (
        dict(**CARE),
        60.0,
        "amber",
        ["not known"],
    ),
    # Care at £1,600.00 a week is above the council's £1,500.00: 100 - 20, amber.
    "high-cost care on the framework": (
        dict(
            care_provider_framework_status="on_framework",
            care_cost_pence_per_person_per_week=160000,
            **CARE,
        ),
        # The verdict follows the score through the thresholds (green from 70).
        80.0,
        "green",
        ["£1,600.00 per person per week", "above £1,500.00", "cost effective"],
    ),
    "care at exactly the high-cost line is not flagged": (
        dict(
            care_provider_framework_status="on_framework",
            care_cost_pence_per_person_per_week=150000,
            **CARE,
        ),
        100.0,
        "green",
        [],
    ),
    # 40 - 20.
    "high-cost care off the framework": (
        dict(
            care_provider_framework_status="not_on_framework",
            care_cost_pence_per_person_per_week=200000,
            **CARE,
        ),
        20.0,
        "red",
        ["direct payments", "£2,000.00"],
    ),
}


@pytest.mark.parametrize(
    ("overrides", "score", "verdict", "says"),
    PROCUREMENT_CASES.values(),
    ids=PROCUREMENT_CASES.keys(),
)
def test_procurement(
    overrides: dict[str, Any], score: float, verdict: str, says: list[str]
) -> None:
    result = procurement(make_offer(**overrides), POLICY)
    assert (result.score, result.verdict) == (score, verdict)
    words = " ".join(result.reasons)
    for fragment in says:
        assert fragment in words, f"{fragment!r} not in {words!r}"


# --------------------------------------------------------------------- location


@pytest.mark.parametrize(
    ("postcode", "district"),
    [
        ("LE1 6ZG", "LE1"),
        ("le3 9xy", "LE3"),
        ("LE46AB", "LE4"),
        ("  LE5 0AA ", "LE5"),
        ("LE10 1AA", "LE10"),
        ("NG1 5AB", "NG1"),
    ],
)
def test_postcode_district(postcode: str, district: str) -> None:
    assert postcode_district(postcode) == district


@pytest.mark.parametrize("postcode", ["LE1 6ZG", "LE2 0AB", "LE3 9XY", "le4 6ab", "LE5 0AA"])
def test_a_city_postcode_is_green(postcode: str) -> None:
    result = location(make_offer(postcode=postcode), POLICY)
    assert (result.score, result.verdict) == (80.0, "green")
    assert "is in the city" in result.reasons[0]


@pytest.mark.parametrize(
    "postcode",
    [
        "LE10 1AA",  # Hinckley: LE1 is a prefix, but LE10 is not a city district
        "LE67 1AB",  # Coalville
        "NG1 5AB",  # Nottingham
        "CV1 1AA",
    ],
)
def test_a_postcode_outside_the_city_is_red(postcode: str) -> None:
    result = location(make_offer(postcode=postcode), POLICY)
    assert (result.score, result.verdict) == (0.0, "red")
    words = " ".join(result.reasons)
    assert "outside the city's postcode districts (LE1, LE2, LE3, LE4, LE5)" in words


def test_outside_the_city_can_be_amber_if_the_council_says_so() -> None:
    policy = POLICY.model_copy(
        update={"location": POLICY.location.model_copy(update={"outside_city_verdict": "amber"})}
    )
    result = location(make_offer(postcode="LE10 1AA"), policy)
    assert (result.score, result.verdict) == (40.0, "amber")


# Units of existing supply by district: LE1 best served.
SUPPLY = {"LE1": 120, "LE2": 60, "LE3": 30, "LE4": 0}


@pytest.mark.parametrize(
    ("postcode", "score", "verdict", "units"),
    [
        # 100 - 50 x here / most served.
        ("LE1 6ZG", 50.0, "amber", 120),  # 100 - 50 x 120/120
        ("LE2 0AB", 75.0, "green", 60),  # 100 - 50 x 60/120
        ("LE3 9XY", 87.5, "green", 30),  # 100 - 50 x 30/120
        ("LE4 6AB", 100.0, "green", 0),
        ("LE5 0AA", 100.0, "green", 0),  # not listed: none
    ],
)
def test_less_served_city_districts_score_higher(
    postcode: str, score: float, verdict: str, units: int
) -> None:
    policy = with_supply_by_district(POLICY, SUPPLY)
    result = location(make_offer(postcode=postcode), policy)
    assert (result.score, result.verdict) == (score, verdict)
    assert result.figures["existing_units_in_district"] == units
    assert f"which has {units} existing supported units against 120" in result.reasons[0]


def test_the_supply_policy_can_be_validated_from_the_shipped_one() -> None:
    # The same policy built by validation rather than copying. Money in a policy
    # file is pounds, so the copy is rebuilt from the file's own data.
    raw = yaml.safe_load(SHIPPED_POLICY_FILE.read_text())
    raw["existing_supply"]["by_postcode_district"] = SUPPLY
    policy = Policy.model_validate(raw)
    less = location(make_offer(postcode="LE4 6AB"), policy).score
    more = location(make_offer(postcode="LE1 6ZG"), policy).score
    assert less > more


# ---------------------------------------------------------------------- quality

QUALITY_CASES: dict[str, tuple[dict[str, Any], float, str, list[str]]] = {
    # 0.5 x 100 (M4(3)) + 30 (2 of 12 wheelchair units, 1.2 wanted) + 20 (AT).
    "wheelchair user dwellings with enough accessible units and AT": (
        dict(accessibility_standard="m4_3"),
        100.0,
        "green",
        ["M4(3) wheelchair user dwellings: the highest", "2 of 12 units", "looks for 10%"],
    ),
    # 0.5 x 70 + 30 x min(1, 1/2) + 20 = 35 + 15 + 20 = 70.
    "M4(2) with half the wheelchair units wanted": (
        dict(units=[unit(count=20)], wheelchair_accessible_units=1),
        70.0,
        "green",
        ["1 of 20 units are wheelchair accessible"],
    ),
    # 0.5 x 30 + 0 + 0 = 15.
    "visitable only, no wheelchair units, no AT": (
        dict(
            accessibility_standard="m4_1",
            wheelchair_accessible_units=0,
            fully_adapted_units=0,
            assistive_technology=False,
        ),
        15.0,
        "red",
        ["M4(1) visitable dwellings.", "0 of 12 units", "No assistive technology"],
    ),
}


@pytest.mark.parametrize(
    ("overrides", "score", "verdict", "says"), QUALITY_CASES.values(), ids=QUALITY_CASES.keys()
)
def test_quality(overrides: dict[str, Any], score: float, verdict: str, says: list[str]) -> None:
    result = quality(make_offer(**overrides), POLICY)
    assert result.score == pytest.approx(score)
    assert result.verdict == verdict
    words = " ".join(result.reasons)
    for fragment in says:
        assert fragment in words, f"{fragment!r} not in {words!r}"


# ------------------------------------------------------------ nomination rights

NOMINATION_CASES: dict[str, tuple[dict[str, Any], float, str, list[str]]] = {
    "not said: nothing off, ask": (
        dict(),
        100.0,
        "green",
        ["does not say what nomination rights the council would have: ask"],
    ),
    "every home for 25 years": (
        dict(nomination_share_percent=100, nomination_term_years=25),
        100.0,
        "green",
        ["nominate to 100% of the homes", "last 25 years"],
    ),
    # 100 - 20 for half the homes.
    "half the homes": (
        dict(nomination_share_percent=50, nomination_term_years=25),
        80.0,
        "green",
        ["50% of the homes, less than the 100% it looks for"],
    ),
    # 100 - 20 - 10: half the homes for 5 years.
    "half the homes for five years": (
        dict(nomination_share_percent=50, nomination_term_years=5),
        70.0,
        "green",
        ["last 5 years, less than the 10 the council looks for"],
    ),
    # 60 (framework not known) - 10: short term pulls it further into amber.
    "care provider not known and a short term": (
        dict(
            nomination_share_percent=100,
            nomination_term_years=3,
            care_provider_name="Care Co",
            care_provider_framework_status="not_known",
        ),
        50.0,
        "amber",
        ["last 3 years"],
    ),
    # 100 - 40: no nomination rights at all; off the framework as well, red.
    "no nomination rights": (
        dict(nomination_share_percent=0, nomination_term_years=0),
        60.0,
        "amber",
        ["no nomination rights"],
    ),
    "no nomination rights and care off the framework": (
        dict(
            nomination_share_percent=0,
            nomination_term_years=0,
            care_provider_name="Care Co",
            care_provider_framework_status="not_on_framework",
        ),
        0.0,
        "red",
        ["no nomination rights", "direct payments"],
    ),
}


@pytest.mark.parametrize(
    ("overrides", "score", "verdict", "says"),
    NOMINATION_CASES.values(),
    ids=NOMINATION_CASES.keys(),
)
def test_nomination_rights(
    overrides: dict[str, Any], score: float, verdict: str, says: list[str]
) -> None:
    result = procurement(make_offer(**overrides), POLICY)
    assert (result.score, result.verdict) == (score, verdict)
    words = " ".join(result.reasons)
    for fragment in says:
        assert fragment in words, f"{fragment!r} not in {words!r}"


# ----------------------------------------------------------------- registration

REGISTRATION_CASES: dict[str, tuple[dict[str, Any], float, str, list[str]]] = {
    "care by a CQC-registered provider on the framework": (
        dict(
            care_provider_name="Care Co",
            care_provider_framework_status="on_framework",
            cqc_registered=True,
        ),
        100.0,
        "green",
        ["Care Co is registered with the CQC"],
    ),
    # 100 - 40.
    "care by a provider not registered with the CQC": (
        dict(
            care_provider_name="Care Co",
            care_provider_framework_status="on_framework",
            cqc_registered=False,
        ),
        60.0,
        "amber",
        ["not registered with the CQC: personal care may only be provided"],
    ),
    # 100 - 60: red, and a red flag caps the band.
    "looked-after 16-17 without Ofsted registration": (
        dict(cohorts=["looked_after_16_17"], ofsted_registered=False),
        40.0,
        "amber",
        ["not registered with Ofsted"],
    ),
    "looked-after 16-17 registered with Ofsted": (
        dict(cohorts=["looked_after_16_17"], ofsted_registered=True),
        100.0,
        "green",
        ["registered with Ofsted as supported accommodation"],
    ),
    # 100 - 60 - 20 (half the homes nominated): red.
    "no Ofsted registration and half the nominations": (
        dict(
            cohorts=["looked_after_16_17"],
            ofsted_registered=False,
            nomination_share_percent=50,
            nomination_term_years=20,
        ),
        20.0,
        "red",
        ["not registered with Ofsted", "50% of the homes"],
    ),
}


@pytest.mark.parametrize(
    ("overrides", "score", "verdict", "says"),
    REGISTRATION_CASES.values(),
    ids=REGISTRATION_CASES.keys(),
)
def test_registration(
    overrides: dict[str, Any], score: float, verdict: str, says: list[str]
) -> None:
    result = procurement(make_offer(**overrides), POLICY)
    assert (result.score, result.verdict) == (score, verdict)
    words = " ".join(result.reasons)
    for fragment in says:
        assert fragment in words, f"{fragment!r} not in {words!r}"
