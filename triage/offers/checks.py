"""Checks across answers that no single page can make."""

from __future__ import annotations

from dataclasses import dataclass

from rules.offer import UnitKind, label
from triage.models import Offer
from triage.services.policy import policy_in_force


@dataclass(frozen=True)
class Problem:
    message: str
    page_key: str


ACCESS_NOUNS = (
    ("wheelchair_accessible", "wheelchair accessible homes"),
    ("fully_adapted", "fully adapted homes"),
    ("level_access", "homes with level access"),
    ("lift", "homes served by a lift"),
    ("assistive_technology", "homes with assistive technology"),
)


def offer_problems(offer: Offer) -> list[Problem]:
    problems = []
    total = offer.total_units
    # Accessibility is counted per unit type (issue 13): a count changed since.
    for unit in offer.unit_types:
        for attribute, noun in ACCESS_NOUNS:
            value = getattr(unit, attribute)
            if value is not None and value > unit.count:
                kind = label(UnitKind(unit.kind))
                problems.append(
                    Problem(
                        f"{kind}: {noun} ({value}) must be no more than the {unit.count} "
                        "homes of this type",
                        f"unit-access/{unit.kind}",
                    )
                )
    if offer.is_dispersed and offer.addresses and offer.address_units != total:
        problems.append(
            Problem(
                f"The units at the addresses ({offer.address_units}) must add up to the "
                f"{total} units in the offer",
                "addresses",
            )
        )
    policy = policy_in_force()
    unknown = [row.cohort for row in offer.cohorts if policy.cohort(row.cohort) is None]
    if unknown:
        problems.append(
            Problem(
                "Choose who the homes are for again: the council’s list of groups has changed",
                "cohorts",
            )
        )
    return problems
