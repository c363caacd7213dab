"""Deliverability and timing (issue 13): planning permission for the kind of
development, and the date available against the strategy's phased demand."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

import pytest
import yaml
from hypothesis import given, settings
from hypothesis import strategies as st

from rules.deliverability import deliverability
from rules.guidance import guidance
from rules.offer import DevelopmentType, PlanningStatus
from rules.policy_data import PolicyError, parse_policy
from rules.result import verdict_for
from rules.scoring import score_offer
from tests.rules.offers import SHIPPED_POLICY_FILE, make_offer, shipped_policy, unit

POLICY = shipped_policy()

# make_offer(): 12 flats for the supported living waiting list, whose 12 units of
# remaining need the strategy seeks from the market in phase 3 (2026 to 2030).
PLANNING_CASES: dict[str, tuple[dict[str, Any], float, str, str]] = {
    "permission granted": (
        dict(development_type="new_build", planning_status="granted"),
        100.0,
        "green",
        "New build: planning permission is granted.",
    ),
    "permission refused is a red flag": (
        dict(development_type="new_build", planning_status="refused"),
        0.0,
        "red",
        "planning permission was refused. As offered, the homes cannot be delivered",
    ),
    "not yet applied for: amber, with what to ask": (
        dict(development_type="new_build", planning_status="not_yet_applied"),
        55.0,
        "amber",
        "has not been applied for yet, so the homes depend on a decision not yet sought. "
        "Ask when the provider will apply.",
    ),
    "applied for, waiting for a decision": (
        dict(development_type="conversion", planning_status="applied"),
        65.0,
        "amber",
        "Conversion: planning permission has been applied for and is waiting for a decision",
    ),
    "a new build said to need no permission is checked": (
        dict(development_type="new_build", planning_status="not_needed"),
        65.0,
        "amber",
        "Town and Country Planning Act 1990 s.55, s.57",
    ),
    "a conversion said to need no permission is checked": (
        dict(development_type="conversion", planning_status="not_needed"),
        65.0,
        "amber",
        "An officer should check.",
    ),
    "existing homes need no permission": (
        dict(development_type="existing_stock", planning_status="not_needed"),
        100.0,
        "green",
        "Existing stock: no planning permission is needed, the offer says.",
    ),
    "an open-market purchase needs no permission": (
        dict(development_type="open_market_purchase", planning_status="not_needed"),
        100.0,
        "green",
        "Open-market purchase: no planning permission is needed",
    ),
}


@pytest.mark.parametrize(
    ("overrides", "score", "verdict", "says"), PLANNING_CASES.values(), ids=PLANNING_CASES.keys()
)
def test_planning_permission_for_the_kind_of_development(
    overrides: dict[str, Any], score: float, verdict: str, says: str
) -> None:
    result = deliverability(make_offer(**overrides), POLICY)
    assert (result.score, result.verdict) == (score, verdict)
    assert says in " ".join(result.reasons)
    assert result.figures["planning_status"] == overrides["planning_status"]


TIMING_CASES: dict[str, tuple[dict[str, Any], float, str, str, str]] = {
    "in the phase the market shortfall is sought": (
        dict(date_available=date(2028, 6, 1)),
        100.0,
        "in_phase",
        {"supported_living_waiting_list": [3]},
        "available in 2028, in phase 3 (2026 to 2030), when the strategy seeks the shortfall "
        "the council seeks from the market",
    ),
    "homes there already, before that phase": (
        dict(date_available=date(2025, 3, 1)),
        100.0,
        "before_phase",
        {"supported_living_waiting_list": [3]},
        "available in 2025, before phase 3 (2026 to 2030)",
    ),
    # Respite: its 8 units are a planned scheme with no site, sought in phase 2.
    "respite in its planned phase": (
        dict(
            cohorts=["respite_complex_disabilities"],
            units=[unit(count=8)],
            date_available=date(2026, 9, 1),
        ),
        100.0,
        "in_phase",
        {"respite_complex_disabilities": [2]},
        "in phase 2 (2022 to 2026), when the strategy seeks planned schemes with no site yet "
        "(Respite)",
    ),
    "respite after its phase: points off, and the need to check": (
        dict(
            cohorts=["respite_complex_disabilities"],
            units=[unit(count=8)],
            date_available=date(2028, 1, 1),
        ),
        90.0,
        "after_phase",
        {"respite_complex_disabilities": [2]},
        "in phase 2 (2022 to 2026); the homes are available in 2028, after it, so the need "
        "may be met another way first: check it is still open.",
    ),
    "after the strategy's last phase the need is not forecast": (
        dict(date_available=date(2032, 4, 1)),
        60.0,
        "after_strategy",
        {"supported_living_waiting_list": [3]},
        "available in 2032, after the strategy's last phase (2026 to 2030)",
    ),
    "no date said: asked for, no points off": (
        dict(date_available=None),
        100.0,
        "not_said",
        {"supported_living_waiting_list": [3]},
        "The offer does not say when the homes will be available: ask.",
    ),
}


@pytest.mark.parametrize(
    ("overrides", "score", "timing", "phases", "says"),
    TIMING_CASES.values(),
    ids=TIMING_CASES.keys(),
)
def test_the_date_available_against_the_phase_whose_need_the_offer_meets(
    overrides: dict[str, Any], score: float, timing: str, phases: dict, says: str
) -> None:
    result = deliverability(make_offer(**overrides), POLICY)
    assert result.score == score
    assert result.figures["timing"] == timing
    assert result.figures["claimed_phases"] == phases
    assert says in " ".join(result.reasons)


def test_late_and_waiting_for_planning_together_are_amber() -> None:
    offer = make_offer(
        cohorts=["respite_complex_disabilities"],
        units=[unit(count=8)],
        planning_status="applied",
        date_available=date(2028, 1, 1),
    )
    result = deliverability(offer, POLICY)
    assert (result.score, result.verdict) == (55.0, "amber")


def test_refused_planning_caps_the_band_of_an_otherwise_strong_offer() -> None:
    result = score_offer(make_offer(planning_status="refused"), POLICY)
    assert "deliverability" in result.red_flags
    assert result.band.name == "C"
    assert result.band_before_red_flags is not None
    assert result.band_before_red_flags.name == "A"


def test_a_provider_is_told_before_submitting_what_planning_and_timing_raise() -> None:
    offer = make_offer(planning_status="refused", date_available=date(2032, 4, 1))
    found = {item.check: item for item in guidance(offer, POLICY)}
    assert found["planning_refused"].answer == "development"
    assert found["planning_refused"].text.startswith("Planning permission was refused")
    after = found["available_after_strategy"]
    assert after.answer == "date-available"
    assert "available in 2032, after the strategy's last phase (2026 to 2030)" in after.text
    waiting = guidance(make_offer(planning_status="not_yet_applied"), POLICY)
    assert [item.check for item in waiting] == ["planning_not_yet_applied"]


def _shipped() -> dict[str, Any]:
    return yaml.safe_load(SHIPPED_POLICY_FILE.read_text(encoding="utf-8"))


def test_a_policy_written_before_the_rule_weighs_it_at_nothing() -> None:
    data = _shipped()
    del data["scoring"]["weights"]["deliverability"]
    del data["deliverability"]
    policy = parse_policy(yaml.safe_dump(data), "older.yaml")
    assert policy.scoring.weights["deliverability"] == 0
    # Its result is still shown, with the strategy's phases, but counts for nothing.
    offer = make_offer(planning_status="refused")
    older = score_offer(offer, policy)
    assert next(r for r in older.results if r.rule == "deliverability").verdict == "red"
    weighted = sum(policy.scoring.weights[r.rule] * r.score for r in older.results)
    assert older.score == pytest.approx(weighted / sum(policy.scoring.weights.values()), abs=0.05)
    assert [p.period for p in policy.deliverability.phases] == [
        "up to 2022",
        "2022 to 2026",
        "2026 to 2030",
    ]


@pytest.mark.parametrize(
    ("change", "problem"),
    [
        (lambda d: d["deliverability"].update(market_phase=4), "market_phase must be one of"),
        (lambda d: d["deliverability"]["planning_scores"].pop("refused"), "no score for refused"),
        (lambda d: d["deliverability"].update(source="nobody"), "source 'nobody' names no entry"),
    ],
)
def test_a_bad_deliverability_section_is_refused_with_the_reason(change, problem) -> None:
    data = _shipped()
    change(data)
    with pytest.raises(PolicyError, match=problem):
        parse_policy(yaml.safe_dump(data), "bad.yaml")


@settings(max_examples=150, deadline=None)
@given(
    cohorts=st.lists(st.sampled_from([c.code for c in POLICY.cohorts]), min_size=1, max_size=3),
    status=st.sampled_from(PlanningStatus),
    kind=st.sampled_from(DevelopmentType),
    first=st.dates(min_value=date(2019, 1, 1), max_value=date(2040, 12, 31)),
    later_by=st.integers(min_value=0, max_value=3000),
)
def test_a_later_date_never_raises_the_score_and_the_verdict_follows_it(
    cohorts, status, kind, first, later_by
) -> None:
    def judged(when: date):
        offer = make_offer(
            cohorts=cohorts, planning_status=status, development_type=kind, date_available=when
        )
        return deliverability(offer, POLICY)

    sooner, later = judged(first), judged(first + timedelta(days=later_by))
    assert later.score <= sooner.score
    for result in (sooner, later):
        assert result.verdict == verdict_for(result.score, POLICY)
