"""The global proposal: never breaks a hard constraint, is optimal (checked against
brute force on small instances), and depends only on the people and homes given."""

from __future__ import annotations

from collections import Counter
from datetime import date
from itertools import permutations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from rules.matching.constraints import free_places, household_exclusion, is_eligible
from rules.matching.fit import weighted_fit
from rules.matching.people import Person, Priority, SharingRules, Unit
from rules.matching.proposal import Proposal, propose
from rules.offer import Configuration
from tests.rules.matching_examples import (
    TODAY,
    home,
    home_lists,
    may_share,
    people_lists,
    person,
    sharing_rules,
)
from tests.rules.offers import shipped_policy

POLICY = shipped_policy()


def brute_force_best(
    people: list[Person], homes: list[Unit], sharing: SharingRules
) -> tuple[int, int]:
    """(most total fit, most places filled with that fit) over every valid proposal,
    found by trying every home (or none) for every person."""
    fits = {
        (p.reference, h.reference): weighted_fit(p, h, POLICY, TODAY).total
        for p in people
        for h in homes
        if is_eligible(p, h, TODAY, sharing)
    }
    best = (0, 0)

    def place(index: int, households: dict[str, list[str]], fit: int, filled: int) -> None:
        nonlocal best
        if index == len(people):
            best = max(best, (fit, filled))
            return
        place(index + 1, households, fit, filled)
        someone = people[index].reference
        for h in homes:
            if (someone, h.reference) not in fits:
                continue
            together = [*households.get(h.reference, []), someone]
            if household_exclusion(h, together, sharing) is not None:
                continue
            households[h.reference] = together
            place(index + 1, households, fit + fits[someone, h.reference], filled + 1)
            households[h.reference] = together[:-1]

    place(0, {}, 0, 0)
    return best


def assert_keeps_every_hard_constraint(
    proposal: Proposal, people: list[Person], homes: list[Unit], sharing: SharingRules
) -> None:
    by_reference = {p.reference: p for p in people}
    homes_by_reference = {h.reference: h for h in homes}
    placed = Counter(a.person_reference for a in proposal.assignments)
    assert all(count == 1 for count in placed.values())
    households: dict[str, list[str]] = {}
    for assignment in proposal.assignments:
        someone = by_reference[assignment.person_reference]
        place = homes_by_reference[assignment.unit_reference]
        assert is_eligible(someone, place, TODAY, sharing)
        assert assignment.fit == weighted_fit(someone, place, POLICY, TODAY)
        households.setdefault(place.reference, []).append(someone.reference)
    for reference, newcomers in households.items():
        assert household_exclusion(homes_by_reference[reference], newcomers, sharing) is None
    assert proposal.total_fit == sum(a.fit.total for a in proposal.assignments)
    assert set(proposal.unassigned) == {p.reference for p in people} - set(placed)
    for unfilled in proposal.unfilled:
        place = homes_by_reference[unfilled.unit_reference]
        assert unfilled.places == free_places(place) - len(households.get(place.reference, []))


@settings(max_examples=200, deadline=None)
@given(data=st.data())
def test_small_proposals_are_valid_and_as_good_as_brute_force(data: st.DataObject) -> None:
    people = data.draw(people_lists(most=6))
    homes = data.draw(home_lists(most=4, most_places=2))
    sharing = data.draw(sharing_rules(people))
    best_fit, most_filled = brute_force_best(people, homes, sharing)
    for method in ("auto", "exact"):
        proposal = propose(homes, people, POLICY, TODAY, sharing, method=method)
        assert_keeps_every_hard_constraint(proposal, people, homes, sharing)
        assert proposal.total_fit == best_fit
        assert len(proposal.assignments) == most_filled


@settings(max_examples=60, deadline=None)
@given(data=st.data())
def test_larger_homes_with_sharing_never_break_a_constraint(data: st.DataObject) -> None:
    people = data.draw(people_lists(most=10))
    homes = data.draw(home_lists(most=4, most_places=4))
    sharing = data.draw(sharing_rules(people))
    auto = propose(homes, people, POLICY, TODAY, sharing)
    exact = propose(homes, people, POLICY, TODAY, sharing, method="exact")
    assert_keeps_every_hard_constraint(auto, people, homes, sharing)
    assert_keeps_every_hard_constraint(exact, people, homes, sharing)
    assert auto.total_fit == exact.total_fit


@settings(max_examples=60, deadline=None)
@given(data=st.data())
def test_the_same_people_and_homes_in_any_order_give_the_same_proposal(
    data: st.DataObject,
) -> None:
    people = data.draw(people_lists(most=6))
    homes = data.draw(home_lists(most=4, most_places=2))
    sharing = data.draw(sharing_rules(people))
    first = propose(homes, people, POLICY, TODAY, sharing)
    assert propose(homes, people, POLICY, TODAY, sharing) == first
    shuffled_people = data.draw(st.permutations(people))
    shuffled_homes = data.draw(st.permutations(homes))
    again = propose(shuffled_homes, shuffled_people, POLICY, TODAY, sharing)
    # People and homes are put in reference order before solving, so even among
    # equally good proposals the same one is chosen.
    assert again.total_fit == first.total_fit
    assert again == first


def test_the_best_total_beats_placing_the_best_fit_first() -> None:
    # A greedy matcher gives the only flat A fits to the urgent person and leaves
    # B empty; the best proposal gives each flat someone.
    urgent = person(reference="P-URGENT", priority=Priority.URGENT)
    low = person(reference="P-LOW", priority=Priority.LOW, wheelchair_user=True)
    flat_a = home(reference="U-A")
    flat_b = home(reference="U-B", wheelchair_accessible=False)
    proposal = propose([flat_a, flat_b], [urgent, low], POLICY, TODAY, SharingRules())
    assert [(a.unit_reference, a.person_reference) for a in proposal.assignments] == [
        ("U-A", "P-LOW"),
        ("U-B", "P-URGENT"),
    ]
    assert proposal.unfilled == ()
    assert proposal.unassigned == ()


def test_a_shared_house_is_filled_only_with_people_who_may_share() -> None:
    house = home(
        reference="U-HOUSE",
        configuration=Configuration.SHARED_HOUSE,
        self_contained=False,
        places=4,
    )
    people = [
        person(reference=f"P-{n}", referred_on=date(2025, n, 1), priority=Priority.HIGH)
        for n in range(1, 7)
    ]
    # P-1, P-2 and P-3 may all share; P-4 only with P-1; P-5 and P-6 with nobody.
    sharing = may_share(("P-1", "P-2"), ("P-1", "P-3"), ("P-2", "P-3"), ("P-1", "P-4"))
    proposal = propose([house], people, POLICY, TODAY, sharing)
    assert [a.person_reference for a in proposal.assignments] == ["P-1", "P-2", "P-3"]
    assert [(u.unit_reference, u.places) for u in proposal.unfilled] == [("U-HOUSE", 1)]
    assert proposal.solved_exactly == 1


def test_nobody_is_proposed_for_a_home_with_no_free_place() -> None:
    full = home(places=2, self_contained=False, occupants=frozenset({"A-1", "A-2"}))
    proposal = propose([full], [person()], POLICY, TODAY, may_share(("P-001", "A-1")))
    assert proposal.assignments == ()
    assert proposal.unfilled == ()
    assert proposal.unassigned == ("P-001",)


def test_duplicate_references_are_refused() -> None:
    with pytest.raises(ValueError, match="Person reference P-001 appears more than once"):
        propose([home()], [person(), person()], POLICY, TODAY, SharingRules())


def test_the_proposal_as_json_data() -> None:
    proposal = propose(
        [home(), home(reference="U-002", cohorts=frozenset({"nobody"}))],
        [person(), person(reference="P-002")],
        POLICY,
        TODAY,
        SharingRules(),
    )
    data = proposal.as_dict()
    assert data["total_fit"] == 37
    assert data["assignments"] == [
        {
            "unit": "U-001",
            "person": "P-001",
            "fit": 37,
            "reasons": [
                "Medium priority: +10",
                "Waiting 12 months: +12",
                "Self-contained flats, core and cluster is a best fit for this cohort: +15",
            ],
        }
    ]
    assert data["unfilled_places"] == [{"unit": "U-002", "places": 1}]
    assert data["unassigned_count"] == 1


@pytest.mark.parametrize("order", list(permutations(range(3))))
def test_equal_fits_are_broken_by_reference_whatever_the_input_order(
    order: tuple[int, ...],
) -> None:
    twins = [person(reference=f"P-{n}") for n in range(3)]
    proposal = propose([home()], [twins[index] for index in order], POLICY, TODAY, SharingRules())
    assert [a.person_reference for a in proposal.assignments] == ["P-0"]


@settings(max_examples=60, deadline=None)
@given(data=st.data())
def test_many_people_for_few_places_still_give_the_best_total(data: st.DataObject) -> None:
    # More candidates than places: the solver drops people who cannot be in the
    # best answer first, which must not change it.
    people = data.draw(people_lists(most=9))
    homes = data.draw(home_lists(most=3, most_places=1))
    sharing = SharingRules()
    best_fit, most_filled = brute_force_best(people, homes, sharing)
    for method in ("auto", "exact"):
        proposal = propose(homes, people, POLICY, TODAY, sharing, method=method)
        assert_keeps_every_hard_constraint(proposal, people, homes, sharing)
        assert (proposal.total_fit, len(proposal.assignments)) == (best_fit, most_filled)
