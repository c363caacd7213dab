"""Eligibility and fit for every (person, home) pair at once, with numpy.

The proposal weighs thousands of people against hundreds of homes; checking each
pair with the one-at-a-time functions in constraints.py and fit.py would take
seconds. This module computes the same answers as whole arrays. The tests check
that both ways agree on random instances, so the rules have one meaning.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date

import numpy as np
import numpy.typing as npt

from rules.matching.constraints import free_places
from rules.matching.fit import best_fit_configurations, months_waiting, waiting_points
from rules.matching.people import (
    AGE_BAND_RANGES,
    SUPPORT_NEEDED,
    SUPPORT_PROVIDED,
    Person,
    SharingRules,
    Unit,
)
from rules.policy_data import Policy

BoolMatrix = npt.NDArray[np.bool_]
IntMatrix = npt.NDArray[np.int64]


@dataclass(frozen=True)
class PairTable:
    """`eligible[p, u]`: every hard constraint for one person lets person p into home u.
    `fit[p, u]`: the weighted fit total (meaningful where eligible)."""

    eligible: BoolMatrix
    fit: IntMatrix


def _flags(values: Sequence[bool]) -> npt.NDArray[np.bool_]:
    return np.fromiter(values, dtype=np.bool_, count=len(values))


def _ints(values: Sequence[int]) -> npt.NDArray[np.int64]:
    return np.fromiter(values, dtype=np.int64, count=len(values))


def _area_matrix(
    people: Sequence[Person], areas_of: str, district_index: dict[str, int]
) -> BoolMatrix:
    """`matrix[p, d]`: district d is in person p's preferred or excluded areas."""
    matrix = np.zeros((len(people), len(district_index)), dtype=np.bool_)
    for row, person in enumerate(people):
        for district in getattr(person, areas_of):
            column = district_index.get(district)
            if column is not None:
                matrix[row, column] = True
    return matrix


def partners(sharing: SharingRules) -> dict[str, set[str]]:
    """For each person, everyone recorded as able to share with them."""
    found: dict[str, set[str]] = {}
    for pair in sharing.may_share:
        if len(pair) == 2:
            first, second = sorted(pair)
            found.setdefault(first, set()).add(second)
            found.setdefault(second, set()).add(first)
    return found


def _occupant_compatibility(
    people: Sequence[Person], unit: Unit, partners_of: dict[str, set[str]]
) -> npt.NDArray[np.bool_]:
    """Which people are recorded as able to share with everyone already in `unit`."""
    allowed = set.intersection(
        *({occupant} | partners_of.get(occupant, set()) for occupant in unit.occupants)
    )
    return _flags([person.reference in allowed for person in people])


def pair_table(
    people: Sequence[Person],
    units: Sequence[Unit],
    policy: Policy,
    today: date,
    sharing: SharingRules,
) -> PairTable:
    """Eligibility (every per-person hard constraint) and fit for all pairs."""
    cohorts = sorted({person.cohort for person in people} | {c for u in units for c in u.cohorts})
    cohort_index = {code: index for index, code in enumerate(cohorts)}
    person_cohort = _ints([cohort_index[person.cohort] for person in people])
    unit_serves = np.zeros((len(units), len(cohorts)), dtype=np.bool_)
    for column, unit in enumerate(units):
        for code in unit.cohorts:
            unit_serves[column, cohort_index[code]] = True

    needed = _ints([SUPPORT_NEEDED[person.support_needed] for person in people])
    provided = _ints([SUPPORT_PROVIDED[unit.support_model] for unit in units])
    youngest = _ints([AGE_BAND_RANGES[person.age_band][0] for person in people])
    oldest = _ints([AGE_BAND_RANGES[person.age_band][1] for person in people])
    age_min = _ints([unit.age_min for unit in units])
    age_max = _ints([unit.age_max for unit in units])

    districts = sorted({unit.postcode_district for unit in units})
    district_index = {district: index for index, district in enumerate(districts)}
    unit_district = _ints([district_index[unit.postcode_district] for unit in units])
    available = _flags(
        [person.unavailable_until is None or person.unavailable_until <= today for person in people]
    )
    has_place = _flags([free_places(unit) > 0 for unit in units])

    eligible = unit_serves[:, person_cohort].T
    eligible &= needed[:, None] <= provided[None, :]
    eligible &= (youngest[:, None] >= age_min[None, :]) & (oldest[:, None] <= age_max[None, :])
    eligible &= ~_flags([p.wheelchair_user for p in people])[:, None] | _flags(
        [u.wheelchair_accessible for u in units]
    )
    eligible &= ~_flags([p.level_access_needed for p in people])[:, None] | _flags(
        [u.level_access for u in units]
    )
    eligible &= ~_flags([p.self_contained_required for p in people])[:, None] | _flags(
        [u.self_contained for u in units]
    )
    eligible &= ~_area_matrix(people, "excluded_areas", district_index)[:, unit_district]
    eligible &= available[:, None] & has_place[None, :]
    partners_of = partners(sharing)
    for column, unit in enumerate(units):
        if unit.occupants:
            eligible[:, column] &= _occupant_compatibility(people, unit, partners_of)

    matching = policy.matching
    priority_points = _ints(
        [getattr(matching.priority.points, person.priority.value) for person in people]
    )
    waited = _ints(
        [waiting_points(months_waiting(person.referred_on, today), policy) for person in people]
    )
    preferred = _area_matrix(people, "preferred_areas", district_index)[:, unit_district]
    configurations = sorted({unit.configuration.value for unit in units})
    configuration_index = {name: index for index, name in enumerate(configurations)}
    best_fits = best_fit_configurations(policy)
    cohort_fits = np.array(
        [[name in best_fits.get(code, frozenset()) for name in configurations] for code in cohorts],
        dtype=np.bool_,
    ).reshape(len(cohorts), len(configurations))
    unit_configuration = _ints([configuration_index[unit.configuration.value] for unit in units])
    best_fit = cohort_fits[person_cohort][:, unit_configuration]

    fit = (priority_points + waited)[:, None] + np.zeros(len(units), dtype=np.int64)[None, :]
    fit += preferred.astype(np.int64) * matching.preferred_area.points
    fit += best_fit.astype(np.int64) * matching.best_fit.points
    return PairTable(eligible=eligible, fit=fit)
