"""One independent part of a placement proposal, and the fast way to solve it.

A proposal splits into subproblems: groups of people and homes with no eligible
pair between groups (cohort is a hard constraint, so they mostly follow cohorts).
Each is solved on its own:

1. `by_assignment`: SciPy's `linear_sum_assignment` (a rectangular assignment
   problem) on people x places. It cannot see who may share with whom, so its
   answer is used only if every shared home it fills holds people recorded as
   able to share. It is a relaxation of the real problem, so when its answer
   keeps every constraint it is optimal for the real problem too.
2. `exact.exactly`: a mixed-integer programme over households (see exact.py): a
   single-place home takes at most one person; a home with two or more free
   places takes at most one *household*: a set of eligible people, no larger than
   its free places, all recorded as able to share with each other. Every person
   goes to at most one home.

Both maximise the same value: each placement is worth `fit * K + 1`, where K is
larger than the number of places. So the total fit is maximised first and, among
proposals with the same total fit, the one filling more places wins (a vacancy
that an eligible person could fill is not left empty for nothing).

Two exact reductions keep this small. People who cannot be in the best answer are
dropped: for a single-place home only its top S candidates by fit matter, where S
is the number of places in the subproblem (if a lower one were placed there, one
of the top S would be unplaced and could take the place for at least as much fit).
And a shared home's second and later places are only offered, in the assignment,
to people recorded as able to share with another of its candidates: anyone else
can only live there alone, in its first place.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cached_property
from itertools import combinations

import numpy as np
import numpy.typing as npt
from scipy.optimize import linear_sum_assignment

Placement = tuple[int, int]  # (row of a person, column of a home) in the subproblem


@dataclass(frozen=True)
class Subproblem:
    """People (rows) and homes (columns) with eligibility and fit for each pair.

    `free[j]` is the number of free places in home j; `household[j]` is true for a
    home with more than one place and at least two free, whose newcomers must be
    able to share. `partners[i]` holds the rows recorded as able to share with row
    i. Rows and columns are in a fixed order (by reference), so the same input
    always gives the same answer."""

    eligible: npt.NDArray[np.bool_]
    fit: npt.NDArray[np.int64]
    free: npt.NDArray[np.int64]
    household: npt.NDArray[np.bool_]
    partners: tuple[frozenset[int], ...]

    @property
    def places(self) -> int:
        return int(self.free.sum())

    @cached_property
    def worthwhile(self) -> npt.NDArray[np.bool_]:
        """See `worthwhile_pairs`; worked out once, as both methods need it."""
        allowed = self.eligible.copy()
        # Only single-place homes with more candidates than the places can be pruned.
        crowded = ~self.household & (self.eligible.sum(axis=0) > self.places)
        if not crowded.any():
            return allowed
        rows = self.eligible.shape[0]
        # Columns as contiguous rows, so the partition runs along memory.
        masked = np.ascontiguousarray(
            np.where(self.eligible[:, crowded], self.fit[:, crowded], -1).T
        )
        # The places-th highest fit for each crowded home.
        threshold = np.partition(masked, rows - self.places, axis=1)[:, rows - self.places]
        allowed[:, crowded] &= self.fit[:, crowded] >= threshold[None, :]
        return allowed

    @property
    def scale(self) -> int:
        """K in `fit * K + 1`: more than the number of places."""
        return self.places + 1


def worthwhile_pairs(sub: Subproblem) -> npt.NDArray[np.bool_]:
    """Eligible pairs that can be in a best answer: at a single-place home, only
    its top `places` candidates by fit (ties all kept); at a shared home, all."""
    return sub.worthwhile


def placement_values(sub: Subproblem, allowed: npt.NDArray[np.bool_]) -> npt.NDArray[np.int64]:
    return np.where(allowed, sub.fit * sub.scale + 1, 0)


def households_keep_sharing(sub: Subproblem, placements: list[Placement]) -> bool:
    by_home: dict[int, list[int]] = {}
    for row, column in placements:
        by_home.setdefault(column, []).append(row)
    return all(
        second in sub.partners[first]
        for column, rows in by_home.items()
        if sub.household[column]
        for first, second in combinations(rows, 2)
    )


def _sharers(sub: Subproblem, candidates: npt.NDArray[np.bool_]) -> npt.NDArray[np.bool_]:
    """Which candidates for a home are recorded as able to share with another."""
    members = set(np.flatnonzero(candidates).tolist())
    sharers = np.zeros(len(candidates), dtype=np.bool_)
    for row in members:
        sharers[row] = bool(sub.partners[row] & members)
    return sharers


def by_assignment(sub: Subproblem) -> tuple[list[Placement], bool]:
    """The optimum of the relaxation by linear_sum_assignment over places, and
    whether it keeps sharing (then it is the optimum; if not, use exact.exactly)."""
    allowed = worthwhile_pairs(sub)
    values = placement_values(sub, allowed)
    slot_columns: list[int] = []
    slot_values: list[npt.NDArray[np.int64]] = []
    for column in range(values.shape[1]):
        slot_columns.append(column)
        slot_values.append(values[:, column])
        if int(sub.free[column]) > 1:
            # Later places of a shared home: only people who could share with
            # another candidate there; anyone else could only live there alone.
            sharers = _sharers(sub, allowed[:, column])
            later_values = np.where(sharers, values[:, column], 0)
            for _ in range(int(sub.free[column]) - 1):
                slot_columns.append(column)
                slot_values.append(later_values)
    if not slot_columns:
        return [], True
    rows_used = np.flatnonzero(allowed.any(axis=1))
    matrix = np.stack(slot_values, axis=1)[rows_used]
    chosen_rows, chosen_slots = linear_sum_assignment(matrix, maximize=True)
    placements = [
        (int(rows_used[row]), slot_columns[slot])
        for row, slot in zip(chosen_rows, chosen_slots, strict=True)
        if matrix[row, slot] > 0
    ]
    return placements, households_keep_sharing(sub, placements)
