"""One home's shortlist: ranked eligible people, and the constraint excluding each other."""

from __future__ import annotations

from datetime import date

from hypothesis import given, settings
from hypothesis import strategies as st

from rules.matching.constraints import ConstraintName, exclusions
from rules.matching.people import Priority, SharingRules
from rules.matching.shortlist import shortlist
from tests.rules.matching_examples import (
    OTHER_COHORT,
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


def test_ranked_by_fit_then_longer_wait_then_reference() -> None:
    people = [
        person(reference="P-C", referred_on=date(2025, 6, 1)),
        person(reference="P-B", referred_on=date(2025, 6, 1)),
        person(reference="P-URGENT", priority=Priority.URGENT, referred_on=date(2026, 5, 1)),
        # Referred a few days earlier in the same month: the same points, a longer wait.
        person(reference="P-Z", referred_on=date(2025, 5, 28)),
    ]
    result = shortlist(home(), people, POLICY, TODAY, SharingRules())
    assert [(c.rank, c.person_reference, c.fit.total) for c in result.candidates] == [
        (1, "P-URGENT", 56),
        (2, "P-Z", 37),
        (3, "P-B", 37),
        (4, "P-C", 37),
    ]
    assert result.excluded == ()


def test_people_left_out_name_the_constraint_and_every_failure() -> None:
    people = [
        person(reference="P-1", cohort=OTHER_COHORT, wheelchair_user=True),
        person(reference="P-2", unavailable_until=date(2026, 9, 1)),
        person(reference="P-3"),
    ]
    result = shortlist(home(wheelchair_accessible=False), people, POLICY, TODAY, SharingRules())
    assert [c.person_reference for c in result.candidates] == ["P-3"]
    assert [(e.person_reference, e.first.constraint) for e in result.excluded] == [
        ("P-1", ConstraintName.COHORT),
        ("P-2", ConstraintName.UNAVAILABLE),
    ]
    assert [e.constraint for e in result.excluded[0].exclusions] == [
        ConstraintName.COHORT,
        ConstraintName.WHEELCHAIR,
    ]
    assert result.excluded[1].first.reason == "Not available until 1 September 2026"


def test_candidates_for_a_shared_home_show_who_they_may_share_with() -> None:
    house = home(places=3, self_contained=False)
    people = [person(reference=f"P-{n}") for n in range(1, 5)]
    people.append(person(reference="P-OUT", cohort=OTHER_COHORT))
    sharing = may_share(("P-1", "P-2"), ("P-1", "P-3"), ("P-1", "P-OUT"))
    result = shortlist(house, people, POLICY, TODAY, sharing)
    assert {c.person_reference: c.may_share_with for c in result.candidates} == {
        "P-1": ("P-2", "P-3"),
        "P-2": ("P-1",),
        "P-3": ("P-1",),
        "P-4": (),
    }


@settings(max_examples=100, deadline=None)
@given(data=st.data())
def test_shortlists_are_sorted_and_account_for_everyone(data: st.DataObject) -> None:
    people = data.draw(people_lists(most=8))
    homes = data.draw(home_lists(most=1, most_places=3).filter(bool))
    sharing = data.draw(sharing_rules(people))
    result = shortlist(homes[0], people, POLICY, TODAY, sharing)
    by_reference = {p.reference: p for p in people}
    keys = [
        (-c.fit.total, by_reference[c.person_reference].referred_on, c.person_reference)
        for c in result.candidates
    ]
    assert keys == sorted(keys)
    assert [c.rank for c in result.candidates] == list(range(1, len(result.candidates) + 1))
    listed = [c.person_reference for c in result.candidates]
    listed += [e.person_reference for e in result.excluded]
    assert sorted(listed) == sorted(by_reference)
    for excluded in result.excluded:
        expected = exclusions(by_reference[excluded.person_reference], homes[0], TODAY, sharing)
        assert excluded.exclusions == expected
        assert excluded.first == expected[0]
