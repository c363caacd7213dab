"""Appendix C's other questions: procurement, location and quality."""

from __future__ import annotations

from typing import Any

import pytest

from rules.appendix_c import procurement, quality
from tests.rules.offers import make_offer, shipped_policy, unit

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


# Location: tests/rules/test_location.py


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
