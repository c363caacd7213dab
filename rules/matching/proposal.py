"""A proposal for all vacant homes at once: the placements with the most total fit.

It is a suggestion for the placement team to accept or change home by home, never
an automatic decision about a person.

Method. Every (person, home) pair is checked against the hard constraints and
weighed, as whole arrays (pairs.py). People and homes then split into independent
subproblems: connected groups of eligible pairs (cohort is a hard constraint, so
groups mostly follow cohorts). Each subproblem is an assignment of people to
places, solved with SciPy's `linear_sum_assignment` on a people x places value
matrix where an ineligible pair is worth 0 (so leaving a place empty or a person
unplaced costs nothing). That cannot express sharing, so if its answer puts people
not recorded as able to share into one home, the subproblem is solved again
exactly, as an integer programme over eligible people and households (SciPy's
HiGHS: `linprog` with column generation, then `milp` with no optimality gap if
the relaxation's answer is not whole). See subproblem.py and exact.py for both
methods and why each answer is optimal.

Among proposals with equal total fit, the one filling more places wins. Every
other tie is broken by the order of references: people and homes are sorted by
reference before solving, so the same people and homes in any order give the same
proposal.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any, Literal, TypeVar

import numpy as np
from scipy.sparse import coo_array
from scipy.sparse.csgraph import connected_components

from rules.matching.constraints import free_places, is_shared
from rules.matching.exact import exactly
from rules.matching.fit import WeightedFit, best_fit_configurations, weighted_fit
from rules.matching.pairs import PairTable, pair_table, partners
from rules.matching.people import Person, SharingRules, Unit
from rules.matching.subproblem import Subproblem, by_assignment
from rules.policy_data import Policy

Method = Literal["auto", "exact"]


@dataclass(frozen=True)
class Assignment:
    unit_reference: str
    person_reference: str
    fit: WeightedFit


@dataclass(frozen=True)
class UnfilledPlaces:
    unit_reference: str
    places: int


@dataclass(frozen=True)
class Proposal:
    assignments: tuple[Assignment, ...]  # by unit, then person
    unfilled: tuple[UnfilledPlaces, ...]  # homes with free places nobody was proposed for
    unassigned: tuple[str, ...]  # people proposed for no home, by reference
    total_fit: int
    subproblems: int  # independent groups of people and homes
    solved_exactly: int  # of which needed the exact (milp) method

    def as_dict(self) -> dict[str, Any]:
        """The proposal as plain JSON-ready data (for `triage match`)."""
        return {
            "total_fit": self.total_fit,
            "assignments": [
                {
                    "unit": assignment.unit_reference,
                    "person": assignment.person_reference,
                    "fit": assignment.fit.total,
                    "reasons": list(assignment.fit.reasons),
                }
                for assignment in self.assignments
            ],
            "unfilled_places": [
                {"unit": unfilled.unit_reference, "places": unfilled.places}
                for unfilled in self.unfilled
            ],
            "unassigned_count": len(self.unassigned),
            "method": {"subproblems": self.subproblems, "solved_exactly": self.solved_exactly},
        }


_Referenced = TypeVar("_Referenced", Person, Unit)


def _sorted_unique(items: Iterable[_Referenced], what: str) -> list[_Referenced]:
    ordered = sorted(items, key=lambda item: item.reference)
    for first, second in zip(ordered, ordered[1:], strict=False):
        if first.reference == second.reference:
            raise ValueError(f"{what} reference {first.reference} appears more than once")
    return ordered


def _groups(eligible: np.ndarray) -> list[tuple[np.ndarray, np.ndarray]]:
    """(people rows, home columns) of each connected group with at least one pair."""
    people_count, unit_count = eligible.shape
    rows, columns = np.nonzero(eligible)
    graph = coo_array(
        (np.ones(len(rows)), (rows, columns + people_count)),
        shape=(people_count + unit_count, people_count + unit_count),
    )
    _, labels = connected_components(graph, directed=False)
    person_labels, unit_labels = labels[:people_count], labels[people_count:]
    groups = []
    for label in np.unique(unit_labels[eligible.any(axis=0)]):
        groups.append(
            (np.flatnonzero(person_labels == label), np.flatnonzero(unit_labels == label))
        )
    return groups


def _subproblem(
    table: PairTable,
    people: Sequence[Person],
    units: Sequence[Unit],
    rows: np.ndarray,
    columns: np.ndarray,
    partners_of: dict[str, set[str]],
) -> Subproblem:
    row_of = {people[row].reference: index for index, row in enumerate(rows.tolist())}
    group_units = [units[column] for column in columns.tolist()]
    return Subproblem(
        eligible=table.eligible[np.ix_(rows, columns)],
        fit=table.fit[np.ix_(rows, columns)],
        free=np.array([free_places(unit) for unit in group_units], dtype=np.int64),
        household=np.array(
            [is_shared(unit) and free_places(unit) > 1 for unit in group_units], dtype=np.bool_
        ),
        partners=tuple(
            frozenset(
                row_of[partner]
                for partner in partners_of.get(people[row].reference, ())
                if partner in row_of
            )
            for row in rows.tolist()
        ),
    )


def propose(
    units: Iterable[Unit],
    people: Iterable[Person],
    policy: Policy,
    today: date,
    sharing: SharingRules,
    *,
    method: Method = "auto",
) -> Proposal:
    """The proposal with the most total fit that breaks no hard constraint.

    `method="exact"` solves every subproblem with the exact method, for checking
    the faster assignment against it. References must be unique."""
    ordered_units = _sorted_unique(units, "Home")
    ordered_people = _sorted_unique(people, "Person")
    table = pair_table(ordered_people, ordered_units, policy, today, sharing)
    partners_of = partners(sharing)

    placed: list[tuple[int, int]] = []  # (person index, unit index)
    groups = _groups(table.eligible)
    solved_exactly = 0
    for rows, columns in groups:
        sub = _subproblem(table, ordered_people, ordered_units, rows, columns, partners_of)
        found, keeps_sharing = by_assignment(sub)
        if method == "exact" or not keeps_sharing:
            found = exactly(sub, found)
            solved_exactly += 1
        placed.extend((int(rows[row]), int(columns[column])) for row, column in found)

    best_fits = best_fit_configurations(policy)
    placed.sort(key=lambda pair: (pair[1], pair[0]))  # references are sorted: by unit, person
    assignments = tuple(
        Assignment(
            ordered_units[unit].reference,
            ordered_people[person].reference,
            weighted_fit(ordered_people[person], ordered_units[unit], policy, today, best_fits),
        )
        for person, unit in placed
    )
    filled = np.bincount([unit for _, unit in placed], minlength=len(ordered_units))
    unfilled = tuple(
        UnfilledPlaces(unit.reference, free_places(unit) - int(filled[index]))
        for index, unit in enumerate(ordered_units)
        if free_places(unit) > filled[index]
    )
    placed_people = {person for person, _ in placed}
    return Proposal(
        assignments=assignments,
        unfilled=unfilled,
        unassigned=tuple(
            person.reference
            for index, person in enumerate(ordered_people)
            if index not in placed_people
        ),
        total_fit=sum(assignment.fit.total for assignment in assignments),
        subproblems=len(groups),
        solved_exactly=solved_exactly,
    )
