"""Each hard constraint, one row per case: what it lets in, what it keeps out and why."""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest

from rules.matching.constraints import (
    HARD_CONSTRAINTS,
    ConstraintName,
    exclusions,
    household_exclusion,
    incompatible_pairs,
    is_eligible,
)
from rules.matching.people import AgeBand, SharingRules, SupportNeed
from rules.offer import SupportModel
from tests.rules.matching_examples import OTHER_COHORT, TODAY, home, may_share, person

# (case, person overrides, home overrides, first constraint to fail or None, words in its reason)
CASES: list[tuple[str, dict[str, Any], dict[str, Any], ConstraintName | None, str]] = [
    ("the example person fits the example home", {}, {}, None, ""),
    ("another cohort", {"cohort": OTHER_COHORT}, {}, ConstraintName.COHORT, "send_transitions"),
    (
        "one of several cohorts",
        {"cohort": OTHER_COHORT},
        {"cohorts": frozenset({OTHER_COHORT, "x"})},
        None,
        "",
    ),
    (
        "24/7 need, regular support",
        {"support_needed": SupportNeed.ON_SITE_24_7},
        {"support_model": SupportModel.REGULAR_ON_SITE},
        ConstraintName.SUPPORT,
        "Needs 24/7 support on site; this home has regular support on site",
    ),
    (
        "regular need, 24/7 support is more than enough",
        {"support_needed": SupportNeed.REGULAR_ON_SITE},
        {},
        None,
        "",
    ),
    (
        "floating need, no support",
        {},
        {"support_model": SupportModel.NONE},
        ConstraintName.SUPPORT,
        "no support",
    ),
    (
        "16 to 17 in an 18+ home",
        {"age_band": AgeBand.AGE_16_17},
        {},
        ConstraintName.AGE,
        "Age band 16 to 17 is not within this home's ages, 18 to 120",
    ),
    (
        "a band only partly within the ages",
        {"age_band": AgeBand.AGE_50_64},
        {"age_min": 55},
        ConstraintName.AGE,
        "50 to 64",
    ),
    ("75 and over", {"age_band": AgeBand.AGE_75_PLUS}, {}, None, ""),
    (
        "75 and over in an 18 to 64 home",
        {"age_band": AgeBand.AGE_75_PLUS},
        {"age_max": 64},
        ConstraintName.AGE,
        "75 and over",
    ),
    (
        "wheelchair user, inaccessible home",
        {"wheelchair_user": True},
        {"wheelchair_accessible": False},
        ConstraintName.WHEELCHAIR,
        "not wheelchair accessible",
    ),
    ("no wheelchair, inaccessible home", {}, {"wheelchair_accessible": False}, None, ""),
    (
        "level access needed, none",
        {"level_access_needed": True},
        {"level_access": False},
        ConstraintName.LEVEL_ACCESS,
        "level access",
    ),
    (
        "self-contained required, shared home",
        {"self_contained_required": True},
        {"self_contained": False, "places": 2},
        ConstraintName.SELF_CONTAINED,
        "self-contained",
    ),
    ("sharing acceptable, shared home", {}, {"self_contained": False, "places": 2}, None, ""),
    (
        "excluded area",
        {"excluded_areas": frozenset({"LE2", "LE5"})},
        {},
        ConstraintName.EXCLUDED_AREA,
        "Must not live in LE2",
    ),
    ("another area excluded", {"excluded_areas": frozenset({"LE5"})}, {}, None, ""),
    (
        "unavailable until after today",
        {"unavailable_until": date(2026, 7, 1)},
        {},
        ConstraintName.UNAVAILABLE,
        "Not available until 1 July 2026",
    ),
    ("available again today", {"unavailable_until": TODAY}, {}, None, ""),
    (
        "every place taken",
        {},
        {"places": 2, "self_contained": False, "occupants": frozenset({"A-1", "A-2"})},
        ConstraintName.OCCUPANCY,
        "all 2 places are taken",
    ),
    (
        "an occupant not recorded as a sharer",
        {},
        {"places": 2, "self_contained": False, "occupants": frozenset({"A-1"})},
        ConstraintName.SHARING,
        "Not recorded as able to share with A-1",
    ),
]


@pytest.mark.parametrize(
    ("person_changes", "home_changes", "failed", "words"),
    [case[1:] for case in CASES],
    ids=[case[0] for case in CASES],
)
def test_each_hard_constraint(
    person_changes: dict[str, Any],
    home_changes: dict[str, Any],
    failed: ConstraintName | None,
    words: str,
) -> None:
    found = exclusions(person(**person_changes), home(**home_changes), TODAY, SharingRules())
    if failed is None:
        assert found == ()
    else:
        # The first failure is the one named; a full home is also one of strangers.
        assert found[0].constraint == failed
        assert words in found[0].reason


def test_a_recorded_sharer_may_join_the_occupant() -> None:
    shared = home(places=2, self_contained=False, occupants=frozenset({"A-1"}))
    assert is_eligible(person(), shared, TODAY, may_share(("P-001", "A-1")))


def test_every_failing_constraint_is_listed_in_checking_order() -> None:
    found = exclusions(
        person(cohort=OTHER_COHORT, wheelchair_user=True, excluded_areas=frozenset({"LE2"})),
        home(wheelchair_accessible=False),
        TODAY,
        SharingRules(),
    )
    assert [exclusion.constraint for exclusion in found] == [
        ConstraintName.COHORT,
        ConstraintName.WHEELCHAIR,
        ConstraintName.EXCLUDED_AREA,
    ]


def test_there_is_one_check_per_constraint_name() -> None:
    assert len(HARD_CONSTRAINTS) == len(ConstraintName)


HOUSEHOLDS: list[tuple[str, dict[str, Any], list[str], SharingRules, str | None]] = [
    ("one person alone in a shared home", {"places": 2}, ["P-1"], SharingRules(), None),
    (
        "two recorded sharers",
        {"places": 2},
        ["P-1", "P-2"],
        may_share(("P-1", "P-2")),
        None,
    ),
    (
        "two people not recorded",
        {"places": 2},
        ["P-1", "P-2"],
        SharingRules(),
        "Not recorded as able to share: P-1 and P-2",
    ),
    (
        "a third person who may share with only one",
        {"places": 4},
        ["P-1", "P-2", "P-3"],
        may_share(("P-1", "P-2"), ("P-2", "P-3")),
        "P-1 and P-3",
    ),
    (
        "a newcomer and an occupant",
        {"places": 3, "occupants": frozenset({"A-1", "A-2"})},
        ["P-1"],
        may_share(("P-1", "A-1")),
        "A-2 and P-1",
    ),
    (
        "occupants who were never recorded are not this proposal's to judge",
        {"places": 3, "occupants": frozenset({"A-1", "A-2"})},
        ["P-1"],
        may_share(("P-1", "A-1"), ("P-1", "A-2")),
        None,
    ),
    ("more people than places", {"places": 2}, ["P-1", "P-2", "P-3"], SharingRules(), "3 people"),
    ("two people for a single flat", {}, ["P-1", "P-2"], SharingRules(), "2 people for 1"),
]


@pytest.mark.parametrize(
    ("home_changes", "newcomers", "sharing", "problem"),
    [case[1:] for case in HOUSEHOLDS],
    ids=[case[0] for case in HOUSEHOLDS],
)
def test_households(
    home_changes: dict[str, Any], newcomers: list[str], sharing: SharingRules, problem: str | None
) -> None:
    found = household_exclusion(home(self_contained=False, **home_changes), newcomers, sharing)
    if problem is None:
        assert found is None
    else:
        assert found is not None
        assert problem in found.reason


def test_incompatible_pairs_are_sorted_and_each_listed_once() -> None:
    pairs = incompatible_pairs(["C", "A", "B", "A"], may_share(("A", "B")))
    assert pairs == [("A", "C"), ("B", "C")]
