"""The exact method for a subproblem with shared homes: an integer programme over
households, solved with SciPy's HiGHS (`linprog` and `milp`).

Options. Each eligible (person, home) pair is an option; so is each *household*
for a home with two or more free places: 2 or more of its eligible people, no
more than its free places, every two of them recorded as able to share. Choose
options so that every person is in at most one and every home has at most one
(a single person or one household), with the most total value.

There can be hundreds of thousands of pair options, so they are not all given to
the solver at once (column generation):

1. Solve the linear relaxation over a few options: each home's best candidates
   and every household.
2. Price every option left out with the relaxation's dual values; add those that
   would improve it, and solve again, until none would. The relaxation is then
   solved over all options, and its dual values bound every option's worth.
3. If its answer is whole (each option fully in or out), that is the optimum.
   Otherwise solve the integer programme over the options used so far for a
   proposal P, and then over every option whose reduced cost (how much using it
   must lose against the relaxation's bound) is no more than the relaxation's
   bound minus P's value. Any better proposal uses only such options, so this
   answer is the optimum.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt
from scipy.optimize import Bounds, LinearConstraint, linprog, milp
from scipy.sparse import coo_array, csr_array

from rules.matching.subproblem import (
    Placement,
    Subproblem,
    placement_values,
    worthwhile_pairs,
)

# How many of each home's best candidates join the relaxation in each round: few
# enough to keep each round's linear programme small.
CANDIDATES_PER_ROUND = 30
# Worth is in whole numbers; the solver's dual values are good to far better than this.
TOLERANCE = 1e-3


def _cliques(
    members: list[int], partners: tuple[frozenset[int], ...], largest: int
) -> Iterator[tuple[int, ...]]:
    """Every set of 2 to `largest` members all able to share with each other, once
    each, members in ascending order."""
    candidates = set(members)
    sharers = [member for member in members if partners[member] & candidates]

    def grow(clique: tuple[int, ...], options: list[int]) -> Iterator[tuple[int, ...]]:
        for index, member in enumerate(options):
            bigger = (*clique, member)
            if len(bigger) > 1:
                yield bigger
            if len(bigger) < largest:
                rest = [other for other in options[index + 1 :] if other in partners[member]]
                yield from grow(bigger, rest)

    return grow((), sharers)


@dataclass(frozen=True)
class _Options:
    """Pair options as arrays; household options as (home, people) with their worth."""

    pair_person: npt.NDArray[np.int64]
    pair_home: npt.NDArray[np.int64]
    pair_worth: npt.NDArray[np.float64]
    households: list[tuple[int, tuple[int, ...]]]
    household_worth: npt.NDArray[np.float64]


def _options(sub: Subproblem) -> _Options:
    allowed = worthwhile_pairs(sub)
    values = placement_values(sub, allowed)
    people, homes = np.nonzero(allowed)
    households = [
        (int(home), clique)
        for home in np.flatnonzero(sub.household).tolist()
        for clique in _cliques(
            np.flatnonzero(allowed[:, home]).tolist(), sub.partners, int(sub.free[home])
        )
    ]
    return _Options(
        pair_person=people.astype(np.int64),
        pair_home=homes.astype(np.int64),
        pair_worth=values[people, homes].astype(np.float64),
        households=households,
        household_worth=np.array(
            [sum(int(values[row, home]) for row in rows) for home, rows in households],
            dtype=np.float64,
        ),
    )


def _best_per_home(
    options: _Options, pairs: npt.NDArray[np.int64], score: npt.NDArray[np.float64]
) -> npt.NDArray[np.int64]:
    """Of the pair options `pairs`, each home's CANDIDATES_PER_ROUND with the highest
    `score` (ties by position), sorted."""
    homes = options.pair_home[pairs]
    order = np.lexsort((-score, homes))
    homes_in_order = homes[order]
    first_of_home = np.searchsorted(homes_in_order, homes_in_order)
    place_in_home = np.arange(len(order)) - first_of_home
    return np.sort(pairs[order[place_in_home < CANDIDATES_PER_ROUND]])


@dataclass(frozen=True)
class _Programme:
    """The options in play: chosen pair indices plus every household."""

    pairs: npt.NDArray[np.int64]
    households: npt.NDArray[np.int64]


def _matrix(sub: Subproblem, options: _Options, chosen: _Programme) -> csr_array:
    """One row per person and per home; one column per option in play."""
    people = sub.eligible.shape[0]
    rows: list[npt.NDArray[np.int64]] = [
        options.pair_person[chosen.pairs],
        people + options.pair_home[chosen.pairs],
    ]
    columns: list[npt.NDArray[np.int64]] = [np.arange(len(chosen.pairs))] * 2
    offset = len(chosen.pairs)
    for column, index in enumerate(chosen.households.tolist(), start=offset):
        home, members = options.households[index]
        rows.append(np.array([*members, people + home], dtype=np.int64))
        columns.append(np.full(len(members) + 1, column, dtype=np.int64))
    all_rows, all_columns = np.concatenate(rows), np.concatenate(columns)
    shape = (people + sub.eligible.shape[1], offset + len(chosen.households))
    return csr_array(coo_array((np.ones(len(all_rows)), (all_rows, all_columns)), shape=shape))


def _worth(options: _Options, chosen: _Programme) -> npt.NDArray[np.float64]:
    return np.concatenate(
        [options.pair_worth[chosen.pairs], options.household_worth[chosen.households]]
    )


def _losses(
    sub: Subproblem, options: _Options, duals: npt.NDArray[np.float64]
) -> tuple[npt.NDArray[np.float64], npt.NDArray[np.float64]]:
    """Reduced cost of every pair and household option: its share of the dual
    bound less its worth (never below zero once the relaxation is solved)."""
    people = sub.eligible.shape[0]
    pair_loss = duals[options.pair_person] + duals[people + options.pair_home] - options.pair_worth
    household_loss = np.array(
        [
            sum(duals[row] for row in members) + duals[people + home]
            for home, members in options.households
        ],
        dtype=np.float64,
    )
    return pair_loss, household_loss - options.household_worth


def _relaxation(
    sub: Subproblem, options: _Options, chosen: _Programme
) -> tuple[npt.NDArray[np.float64], npt.NDArray[np.float64], float]:
    """(option values, dual values, bound) of the linear relaxation over `chosen`."""
    matrix = _matrix(sub, options, chosen)
    result = linprog(
        c=-_worth(options, chosen),
        A_ub=matrix,
        b_ub=np.ones(matrix.shape[0]),
        bounds=(0, None),
        # Interior point (with crossover, for exact dual values) is quicker than
        # simplex on these many-tied assignment relaxations.
        method="highs-ipm",
    )
    if result.status != 0:
        raise RuntimeError(f"the placement relaxation did not solve: {result.message}")
    return result.x, -result.ineqlin.marginals, -result.fun


def _integer_programme(
    sub: Subproblem, options: _Options, chosen: _Programme
) -> tuple[npt.NDArray[np.float64], float]:
    matrix = _matrix(sub, options, chosen)
    worth = _worth(options, chosen)
    result = milp(
        c=-worth,
        integrality=np.ones(len(worth)),
        bounds=Bounds(0, 1),
        constraints=LinearConstraint(matrix, -np.inf, 1),
        options={"mip_rel_gap": 0},
    )
    if not result.success or result.x is None:
        raise RuntimeError(f"the exact placement solver did not finish: {result.message}")
    return result.x, -result.fun


def _placements(
    options: _Options, chosen: _Programme, amounts: npt.NDArray[np.float64]
) -> list[Placement]:
    taken = amounts > 0.5
    pairs = chosen.pairs[taken[: len(chosen.pairs)]]
    found = [
        (int(person), int(home))
        for person, home in zip(options.pair_person[pairs], options.pair_home[pairs], strict=True)
    ]
    for index in chosen.households[taken[len(chosen.pairs) :]].tolist():
        home, members = options.households[index]
        found.extend((row, home) for row in members)
    return sorted(found)


def _pair_indices(
    options: _Options, placements: list[Placement], homes: int
) -> npt.NDArray[np.int64]:
    """Indices of the pair options for `placements` (options are in (person, home)
    order, so a sorted search finds them)."""
    keys = options.pair_person * homes + options.pair_home
    wanted = np.array([person * homes + home for person, home in placements], dtype=np.int64)
    found = np.searchsorted(keys, wanted)
    inside = found < len(keys)
    found, wanted = found[inside], wanted[inside]
    return np.unique(found[keys[found] == wanted])


def exactly(sub: Subproblem, hint: list[Placement]) -> list[Placement]:
    """The optimum over households, by column generation and integer programming.
    `hint` (the assignment relaxation's placements) seeds the first relaxation: it
    only makes the answer come sooner, never changes it."""
    options = _options(sub)
    if not len(options.pair_person):
        return []
    every_household = np.arange(len(options.households))
    every_pair = np.arange(len(options.pair_person))
    first = _best_per_home(options, every_pair, options.pair_worth)
    first = np.union1d(first, _pair_indices(options, hint, sub.eligible.shape[1]))
    chosen = _Programme(first, every_household)
    while True:
        amounts, duals, bound = _relaxation(sub, options, chosen)
        pair_loss, _ = _losses(sub, options, duals)
        improving = np.setdiff1d(np.flatnonzero(pair_loss < -TOLERANCE), chosen.pairs)
        if not len(improving):
            break
        best = _best_per_home(options, improving, -pair_loss[improving])
        chosen = _Programme(np.union1d(chosen.pairs, best), every_household)

    if np.all((amounts < TOLERANCE) | (amounts > 1 - TOLERANCE)):
        return _placements(options, chosen, amounts)

    amounts, found = _integer_programme(sub, options, chosen)
    gap = bound - found + TOLERANCE
    pair_loss, _ = _losses(sub, options, duals)
    # Every household is already in play; these are the pairs a better proposal could use.
    could_do_better = np.flatnonzero(pair_loss <= gap)
    if len(np.setdiff1d(could_do_better, chosen.pairs)):
        chosen = _Programme(np.union1d(chosen.pairs, could_do_better), every_household)
        amounts, found = _integer_programme(sub, options, chosen)
    return _placements(options, chosen, amounts)
