"""The offer's terms (issue 13): each new answer moves the terms rule's score with
its reason, and the verdict follows the policy's thresholds."""

from __future__ import annotations

from typing import Any

import pytest

from rules.offer import (
    LABELS,
    ClientGroup,
    IntendedStay,
    OfferData,
    Repairs,
    SupportLevel,
    TenancyType,
    VoidPayer,
)
from rules.result import RuleResult, verdict_for
from rules.scoring import score_offer
from rules.terms import terms
from tests.rules.offers import make_offer, shipped_policy, unit

POLICY = shipped_policy()


def _terms(**overrides: Any) -> RuleResult:
    return terms(make_offer(**overrides), POLICY)


def _says(result: RuleResult, text: str) -> bool:
    return any(text in reason for reason in result.reasons)


def test_an_offer_whose_landlord_carries_voids_and_manages_the_homes_loses_nothing() -> None:
    result = _terms()
    assert (result.score, result.verdict) == (100.0, "green")
    assert _says(result, "The landlord or provider bears the cost of empty homes")
    assert _says(result, "The landlord manages the homes itself")
    assert result.rule in POLICY.scoring.weights


@pytest.mark.parametrize(
    ("voids", "score", "says"),
    [
        # Council pays, terms not said (a yes from format 2): 30 + 10 off; ask.
        ({"void_payer": "council_pays"}, 60.0, "does not say from when"),
        # Shared, after 4 weeks, 50%, 6 months: 15 off.
        (
            {
                "void_payer": "shared_cost",
                "voids_from": "after_weeks_empty",
                "voids_from_weeks": 4,
                "void_rate_basis": "percent_of_rent",
                "void_rate_percent": 50,
                "void_cover_months": 6,
            },
            85.0,
            "once a home has been empty for 4 weeks",
        ),
        # Council, from handover, £150 a week, 24 months: 30 + 10 + 10 off.
        (
            {
                "void_payer": "council_pays",
                "voids_from": "from_handover",
                "void_rate_basis": "pounds_per_week",
                "void_rate_pence_per_week": 150_00,
                "void_cover_months": 24,
            },
            50.0,
            "longer than the 12 the council accepts",
        ),
    ],
)
def test_the_council_carrying_voids_is_a_cost_measured_by_its_terms(
    voids: dict[str, Any], score: float, says: str
) -> None:
    result = _terms(**voids)
    assert result.score == score
    assert result.verdict == verdict_for(score, POLICY)
    assert _says(result, says)
    assert _says(result, "carried before")


def test_a_void_rate_as_a_share_of_rent_is_costed_per_empty_home() -> None:
    result = _terms(
        units=[unit(core_rent_pence=200_00, eligible_service_charge_pence=40_00)],
        void_payer="council_pays",
        voids_from="after_weeks_empty",
        voids_from_weeks=2,
        void_rate_basis="percent_of_rent",
        void_rate_percent=50,
        void_cover_months=12,
    )
    # (£200 rent + £40 eligible + £8 ineligible charges) x 50%.
    assert result.figures["void_cost_pence_per_home_per_week"] == 124_00
    assert result.figures["void_cover_months"] == 12


def test_the_yes_no_of_older_formats_reads_as_who_pays() -> None:
    assert make_offer(council_asked_to_cover_voids=True).void_payer == "council_pays"
    assert make_offer(council_asked_to_cover_voids=False).void_payer == "landlord_or_provider"
    # Both at once in the current format is refused, not silently dropped.
    with pytest.raises(ValueError, match="council_asked_to_cover_voids"):
        make_offer(void_payer="council_pays", council_asked_to_cover_voids=False)


@pytest.mark.parametrize(
    ("lease", "score", "says"),
    [
        # The lease model alone (format 2 offers): the exempt-accommodation risk.
        ({"lease_model": "lease_to_provider"}, 80.0, "exempt-accommodation model"),
        # Long, no break, provider repairs: 20 + 10 + 10 + 5 off: amber.
        (
            {
                "lease_model": "lease_to_provider",
                "lease_years": 25,
                "break_clause": False,
                "repairs_by": "provider_repairs",
            },
            55.0,
            "no break clause",
        ),
        # A managing agent on a 5-year agreement with a break after 2: nothing off.
        (
            {
                "lease_model": "managing_agent",
                "lease_years": 5,
                "break_clause": True,
                "break_clause_after_years": 2,
                "repairs_by": "landlord_repairs",
            },
            100.0,
            "break clause after 2 years",
        ),
    ],
)
def test_lease_terms_and_the_lease_model_feed_the_rule(
    lease: dict[str, Any], score: float, says: str
) -> None:
    result = _terms(**lease)
    assert (result.score, result.verdict) == (score, verdict_for(score, POLICY))
    assert _says(result, says)


def test_a_lease_to_a_provider_with_council_voids_is_a_red_flag_capping_the_band() -> None:
    offer = make_offer(
        lease_model="lease_to_provider",
        lease_years=30,
        break_clause=False,
        void_payer="council_pays",
    )
    scored = score_offer(offer, POLICY)
    result = next(r for r in scored.results if r.rule == "terms")
    assert result.score == 20.0  # 20 + 10 + 10 (lease) + 30 + 10 (voids, terms not said)
    assert result.verdict == "red"
    assert "terms" in scored.red_flags
    assert scored.band.name == POLICY.scoring.red_flag_max_band


@pytest.mark.parametrize(
    ("cohort", "stay", "fits"),
    [
        ("mental_health_step_down", "medium_stay", True),
        ("mental_health_step_down", "permanent", False),
        ("send_transitions", "medium_stay", True),
        ("send_transitions", "very_short_stay", False),
        ("housing_register_sheltered", "permanent", True),
        ("housing_register_sheltered", "short_stay", False),
    ],
)
def test_the_length_of_stay_is_judged_against_the_cohorts_pathway(
    cohort: str, stay: str, fits: bool
) -> None:
    result = _terms(cohorts=[cohort], intended_stay=stay)
    assert result.score == (100.0 if fits else 75.0)
    wanted = POLICY.terms.cohort_stays[cohort]
    assert _says(result, wanted.pathway)
    assert _says(result, "does not fit" if not fits else "fits the pathway")


def test_step_down_pathway_figures_come_from_the_policy_with_their_source() -> None:
    step_down = POLICY.terms.cohort_stays["mental_health_step_down"]
    assert "12 and 15 months" in step_down.pathway
    assert step_down.source.startswith("strategy")
    transitions = POLICY.terms.cohort_stays["send_transitions"]
    assert "two years at most" in transitions.pathway


def test_a_licence_gives_no_security_of_tenure() -> None:
    licence = _terms(tenancy_type="licence")
    assured = _terms(tenancy_type="assured")
    assert (licence.score, assured.score) == (85.0, 100.0)
    assert _says(licence, "security of tenure")
    assert _says(assured, "Assured tenancy")


def test_client_groups_and_support_level_must_agree_with_the_rest_of_the_offer() -> None:
    fitting = _terms(
        cohorts=["mental_health_step_down"],
        client_groups=["mental_health"],
        support_level="high_level",
    )
    assert fitting.score == 100.0
    odd = _terms(
        cohorts=["mental_health_step_down"],
        client_groups=["teenage_parents"],
        support_level="low_level",
    )
    assert odd.score == 85.0  # 10 (client groups) + 5 (support level against 24/7 on site)
    assert _says(odd, "Teenage parents")
    assert _says(odd, "24/7 support on site")


@pytest.mark.parametrize(
    ("capital", "score", "says"),
    [
        ({"capital_funding": []}, 100.0, "No capital funding is sought"),
        (
            {"capital_funding": ["right_to_buy_receipts"], "right_to_buy_percent": 30},
            95.0,
            "a cost to the council (up to 30%",
        ),
        (
            {"capital_funding": ["right_to_buy_receipts"], "right_to_buy_percent": 45},
            75.0,
            "more than the 30% the strategy allows",
        ),
        ({"capital_funding": ["council_land", "homes_england"]}, 95.0, "Homes England grant"),
        ({"site_status": "not_yet_found"}, 80.0, "No site has been found yet"),
        ({"site_status": "under_option"}, 95.0, "under option"),
        ({"site_status": "owned"}, 100.0, "The site is owned"),
    ],
)
def test_capital_asked_of_the_council_and_the_site_feed_the_rule(
    capital: dict[str, Any], score: float, says: str
) -> None:
    result = _terms(**capital)
    assert result.score == score
    assert _says(result, says)


def test_an_offer_in_an_older_format_has_its_terms_not_said_and_is_told_to_ask() -> None:
    result = _terms()
    assert _says(result, "does not say the intended length of stay")
    assert _says(result, "does not say what capital funding")


def test_verdicts_follow_the_policys_thresholds() -> None:
    strict = POLICY.model_copy(
        update={
            "scoring": POLICY.scoring.model_copy(
                update={
                    "verdict_thresholds": POLICY.scoring.verdict_thresholds.model_copy(
                        update={"green": 90, "amber": 85}
                    )
                }
            )
        }
    )
    offer: OfferData = make_offer(capital_funding=["council_land"], site_status="under_option")
    assert terms(offer, POLICY).verdict == "green"  # 90
    assert terms(offer, strict).verdict == "green"
    assert terms(make_offer(site_status="not_yet_found"), strict).verdict == "red"  # 80


def test_every_choice_has_its_own_label() -> None:
    # LABELS is keyed by value: a value shared by two enums would take one label.
    for enum_type in (VoidPayer, Repairs, IntendedStay, TenancyType, SupportLevel, ClientGroup):
        for member in enum_type:
            assert type(next(key for key in LABELS if key == member)) is enum_type, member


def test_an_older_policy_file_without_terms_scores_them_at_no_weight() -> None:
    import yaml

    from rules.policy_data import TermsSettings, parse_policy
    from tests.rules.offers import SHIPPED_POLICY_FILE

    raw = yaml.safe_load(SHIPPED_POLICY_FILE.read_text())
    del raw["scoring"]["weights"]["terms"]
    del raw["terms"]
    raw["rent"]["void_cover_penalty"] = 20  # an older file's figure, read and ignored
    older = parse_policy(yaml.safe_dump(raw), "older.yaml")
    assert older.scoring.weights["terms"] == 0
    assert older.terms == TermsSettings()
    offer = make_offer(void_payer="council_pays")
    scored = score_offer(offer, older)
    result = next(r for r in scored.results if r.rule == "terms")
    assert result.score == 60.0  # shown with its reasons ...
    assert "terms" in {r.rule for r in scored.results}
    # ... and counting for nothing: the same total as with the rule left out.
    rest = [r for r in scored.results if r.rule != "terms"]
    weights = older.scoring.weights
    expected = sum(r.score * weights[r.rule] for r in rest) / sum(weights.values())
    assert scored.score == pytest.approx(expected, abs=0.05)
