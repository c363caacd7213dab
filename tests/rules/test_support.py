"""Care hours per person against the support model, and care's cost per hour: part of
the procurement rule (issue 13: Appendix C asks whether support needs and costs are
met cost effectively)."""

from __future__ import annotations

from typing import Any

import pytest

from rules.appendix_c import procurement
from rules.guidance import guidance
from tests.rules.offers import make_offer, shipped_policy

POLICY = shipped_policy()
CARE = dict(care_provider_name="Carewell", care_provider_framework_status="on_framework")

# (overrides, procurement score, figures (hours, pence an hour), the reason)
CARE_CASES: dict[str, tuple[dict[str, Any], float, tuple, str]] = {
    "hours that fit 24/7 support on site": (
        dict(support_model="on_site_24_7", care_hours_per_person_per_week=30),
        100.0,
        (30, None),
        "30 hours of care and support per person a week fits “24/7 support on site”.",
    ),
    "too few hours for 24/7 support on site": (
        dict(support_model="on_site_24_7", care_hours_per_person_per_week=2),
        85.0,
        (2, None),
        "2 hours of care and support per person a week is unusual for “24/7 support on "
        "site”, which usually means at least 10 hours per person a week (council setting)",
    ),
    "too many hours for floating support": (
        dict(support_model="floating", care_hours_per_person_per_week=40),
        85.0,
        (40, None),
        "usually means at most 15 hours per person a week",
    ),
    "care hours with no support on site": (
        dict(support_model="none", care_hours_per_person_per_week=6),
        85.0,
        (6, None),
        "which usually means no care or support on site",
    ),
    "hours and cost give a cost per hour within the setting": (
        dict(
            support_model="regular_on_site",
            care_hours_per_person_per_week=20,
            care_cost_pence_per_person_per_week=500_00,
        ),
        100.0,
        (20, 2500),
        "Care costs £25.00 an hour.",
    ),
    "care dearer by the hour than the setting": (
        dict(
            support_model="regular_on_site",
            care_hours_per_person_per_week=20,
            care_cost_pence_per_person_per_week=1000_00,
        ),
        90.0,
        (20, 5000),
        "Care costs £50.00 an hour, above £35.00 (council setting): check it is cost effective.",
    ),
    "a cost without hours: no rate to judge": (
        dict(support_model="regular_on_site", care_cost_pence_per_person_per_week=500_00),
        100.0,
        (None, None),
        "The care provider, Carewell, is on the council's Supported Living Framework",
    ),
}


@pytest.mark.parametrize(
    ("overrides", "score", "figures", "says"), CARE_CASES.values(), ids=CARE_CASES.keys()
)
def test_care_hours_and_cost_against_the_support_model(
    overrides: dict[str, Any], score: float, figures: tuple, says: str
) -> None:
    # Nomination rights said in full, so only the care is judged here.
    offer = make_offer(**CARE, nomination_share_percent=100, nomination_term_years=10, **overrides)
    result = procurement(offer, POLICY)
    assert result.score == score
    hours, hourly = figures
    assert result.figures["care_hours_per_person_per_week"] == hours
    assert result.figures["care_cost_pence_per_hour"] == hourly
    assert says in " ".join(result.reasons)


def test_hours_without_bundled_care_are_not_judged() -> None:
    offer = make_offer(care_hours_per_person_per_week=2)
    assert "hours of care" not in " ".join(procurement(offer, POLICY).reasons)


def test_the_provider_is_asked_to_check_unusual_hours_before_submitting() -> None:
    offer = make_offer(**CARE, support_model="floating", care_hours_per_person_per_week=40)
    found = [i for i in guidance(offer, POLICY) if i.check == "care_hours_unlike_support"]
    assert [(i.answer, i.text) for i in found] == [
        (
            "care-provider",
            "40 hours of care and support per person a week is unusual for floating "
            "support: check the figure.",
        )
    ]


# (cohorts, support model, points off, the reason or None)
COHORT_SUPPORT_CASES: dict[str, tuple[list[str], str, float, str | None]] = {
    "Transforming Care with floating support": (
        ["transforming_care_moj"],
        "floating",
        20.0,
        "“Transforming Care and Ministry of Justice” need “24/7 support on site”",
    ),
    "Transforming Care with 24/7 support on site": (
        ["transforming_care_moj"],
        "on_site_24_7",
        0.0,
        None,
    ),
    "step down with regular support on site": (
        ["mental_health_step_down"],
        "regular_on_site",
        0.0,
        None,
    ),
    "step down with no support": (
        ["mental_health_step_down"],
        "none",
        20.0,
        "need “24/7 support on site” or “Regular support on site”",
    ),
    "a cohort the strategy sets no support for": (
        ["supported_living_waiting_list"],
        "floating",
        0.0,
        None,
    ),
}


@pytest.mark.parametrize(
    ("cohorts", "model", "points_off", "says"),
    COHORT_SUPPORT_CASES.values(),
    ids=COHORT_SUPPORT_CASES.keys(),
)
def test_the_support_model_against_what_the_cohorts_need(
    cohorts: list[str], model: str, points_off: float, says: str | None
) -> None:
    offer = make_offer(
        cohorts=cohorts, support_model=model, nomination_share_percent=100, nomination_term_years=10
    )
    result = procurement(offer, POLICY)
    assert result.score == 100.0 - points_off
    words = " ".join(result.reasons)
    if says is None:
        assert "is not what the strategy says its cohorts need" not in words
    else:
        assert says in words


def test_the_provider_is_told_the_support_a_cohort_needs_before_submitting() -> None:
    offer = make_offer(cohorts=["transforming_care_moj"], support_model="floating")
    found = [i for i in guidance(offer, POLICY) if i.check == "support_unlike_cohort"]
    assert [(i.answer, i.text) for i in found] == [
        (
            "support-model",
            "The strategy says Transforming Care and Ministry of Justice need 24/7 support on "
            "site: the support you describe may not meet their needs.",
        )
    ]
    assert "support_unlike_cohort" not in [i.check for i in guidance(make_offer(), POLICY)]
