"""Hard constraints: what must be true before a person can be weighed for a home.

Each constraint is a small function of (person, unit, today, sharing) that returns
None when it is met, or an Exclusion naming the constraint with a plain-English
reason. No weighing can outvote one: the shortlist leaves excluded people out and
the proposal never places anyone a constraint excludes.

One constraint is about a whole household, not one person: in a home with more than
one place, everybody living there must be able to share with everybody else
(`household_exclusion`). Compatibility with people already living in a home is
checked person by person (`check_sharing_with_occupants`).
"""

from __future__ import annotations

import enum
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import date
from itertools import combinations

from rules.matching.people import (
    AGE_BAND_RANGES,
    LABELS,
    SUPPORT_NEEDED,
    SUPPORT_PROVIDED,
    Person,
    SharingRules,
    Unit,
)
from rules.offer import LABELS as OFFER_LABELS


class ConstraintName(enum.StrEnum):
    """The hard constraints, in the order they are checked."""

    COHORT = "cohort"
    SUPPORT = "support"
    AGE = "age"
    WHEELCHAIR = "wheelchair"
    LEVEL_ACCESS = "level_access"
    SELF_CONTAINED = "self_contained"
    EXCLUDED_AREA = "excluded_area"
    UNAVAILABLE = "unavailable"
    OCCUPANCY = "occupancy"
    SHARING = "sharing"


@dataclass(frozen=True)
class Exclusion:
    """Why a person cannot be placed in a home."""

    constraint: ConstraintName
    reason: str


Constraint = Callable[[Person, Unit, date, SharingRules], Exclusion | None]


def free_places(unit: Unit) -> int:
    return max(unit.places - len(unit.occupants), 0)


def is_shared(unit: Unit) -> bool:
    """A home with more than one place: its residents must be able to share."""
    return unit.places > 1


def long_date(day: date) -> str:
    return f"{day.day} {day:%B %Y}"


def check_cohort(
    person: Person, unit: Unit, today: date, sharing: SharingRules
) -> Exclusion | None:
    if person.cohort in unit.cohorts:
        return None
    return Exclusion(ConstraintName.COHORT, f"This home is not for the {person.cohort} cohort")


def check_support(
    person: Person, unit: Unit, today: date, sharing: SharingRules
) -> Exclusion | None:
    if SUPPORT_PROVIDED[unit.support_model] >= SUPPORT_NEEDED[person.support_needed]:
        return None
    need = LABELS[person.support_needed].lower()
    provided = OFFER_LABELS[unit.support_model].lower()
    return Exclusion(ConstraintName.SUPPORT, f"Needs {need}; this home has {provided}")


def check_age(person: Person, unit: Unit, today: date, sharing: SharingRules) -> Exclusion | None:
    # Only a band is known, so the whole band must be within the home's ages: anyone
    # in it could be any age in it.
    youngest, oldest = AGE_BAND_RANGES[person.age_band]
    if unit.age_min <= youngest and oldest <= unit.age_max:
        return None
    return Exclusion(
        ConstraintName.AGE,
        f"Age band {LABELS[person.age_band]} is not within this home's ages, "
        f"{unit.age_min} to {unit.age_max}",
    )


def check_wheelchair(
    person: Person, unit: Unit, today: date, sharing: SharingRules
) -> Exclusion | None:
    if not person.wheelchair_user or unit.wheelchair_accessible:
        return None
    return Exclusion(
        ConstraintName.WHEELCHAIR, "Uses a wheelchair; this home is not wheelchair accessible"
    )


def check_level_access(
    person: Person, unit: Unit, today: date, sharing: SharingRules
) -> Exclusion | None:
    if not person.level_access_needed or unit.level_access:
        return None
    return Exclusion(
        ConstraintName.LEVEL_ACCESS,
        "Needs level access or a ground floor; this home has neither",
    )


def check_self_contained(
    person: Person, unit: Unit, today: date, sharing: SharingRules
) -> Exclusion | None:
    if not person.self_contained_required or unit.self_contained:
        return None
    return Exclusion(ConstraintName.SELF_CONTAINED, "Needs a self-contained home; this home is not")


def check_excluded_area(
    person: Person, unit: Unit, today: date, sharing: SharingRules
) -> Exclusion | None:
    if unit.postcode_district not in person.excluded_areas:
        return None
    return Exclusion(ConstraintName.EXCLUDED_AREA, f"Must not live in {unit.postcode_district}")


def check_available(
    person: Person, unit: Unit, today: date, sharing: SharingRules
) -> Exclusion | None:
    if person.unavailable_until is None or person.unavailable_until <= today:
        return None
    return Exclusion(
        ConstraintName.UNAVAILABLE,
        f"Not available until {long_date(person.unavailable_until)}",
    )


def check_free_place(
    person: Person, unit: Unit, today: date, sharing: SharingRules
) -> Exclusion | None:
    if free_places(unit) > 0:
        return None
    return Exclusion(ConstraintName.OCCUPANCY, f"No free place: all {unit.places} places are taken")


def check_sharing_with_occupants(
    person: Person, unit: Unit, today: date, sharing: SharingRules
) -> Exclusion | None:
    strangers = sorted(
        occupant
        for occupant in unit.occupants
        if not sharing.compatible(person.reference, occupant)
    )
    if not strangers:
        return None
    return Exclusion(
        ConstraintName.SHARING,
        f"Not recorded as able to share with {', '.join(strangers)}, who already live here or are nominated for it",
    )


HARD_CONSTRAINTS: tuple[Constraint, ...] = (
    check_cohort,
    check_support,
    check_age,
    check_wheelchair,
    check_level_access,
    check_self_contained,
    check_excluded_area,
    check_available,
    check_free_place,
    check_sharing_with_occupants,
)


def exclusions(
    person: Person, unit: Unit, today: date, sharing: SharingRules
) -> tuple[Exclusion, ...]:
    """Every hard constraint that keeps `person` out of `unit`, in checking order."""
    found = (constraint(person, unit, today, sharing) for constraint in HARD_CONSTRAINTS)
    return tuple(exclusion for exclusion in found if exclusion is not None)


def is_eligible(person: Person, unit: Unit, today: date, sharing: SharingRules) -> bool:
    return all(constraint(person, unit, today, sharing) is None for constraint in HARD_CONSTRAINTS)


def incompatible_pairs(references: Iterable[str], sharing: SharingRules) -> list[tuple[str, str]]:
    """The pairs among `references` not recorded as able to share, in sorted order."""
    return [
        (first, second)
        for first, second in combinations(sorted(set(references)), 2)
        if not sharing.compatible(first, second)
    ]


def household_exclusion(
    unit: Unit, newcomers: Iterable[str], sharing: SharingRules
) -> Exclusion | None:
    """None if `newcomers` can move into `unit` together: no more than its free places,
    and (in a home with more than one place) every newcomer recorded as able to share
    with every other newcomer and with everyone already living there."""
    arriving = sorted(set(newcomers))
    if len(arriving) > free_places(unit):
        return Exclusion(
            ConstraintName.OCCUPANCY,
            f"{len(arriving)} people for {free_places(unit)} free places",
        )
    if not is_shared(unit):
        return None
    # Pairs of people already living there are not this proposal's to judge.
    clashes = [
        pair
        for pair in incompatible_pairs([*arriving, *unit.occupants], sharing)
        if pair[0] in arriving or pair[1] in arriving
    ]
    if not clashes:
        return None
    described = "; ".join(f"{first} and {second}" for first, second in clashes)
    return Exclusion(ConstraintName.SHARING, f"Not recorded as able to share: {described}")
