"""Checks across answers that no single page can make."""

from __future__ import annotations

from dataclasses import dataclass

from triage.models import Offer
from triage.services.policy import policy_in_force


@dataclass(frozen=True)
class Problem:
    message: str
    page_key: str


def offer_problems(offer: Offer) -> list[Problem]:
    problems = []
    total = offer.total_units
    for attribute, noun in (
        ("units_wheelchair_accessible", "Wheelchair accessible units"),
        ("units_fully_adapted", "Fully adapted units"),
    ):
        value = getattr(offer, attribute)
        if value is not None and total and value > total:
            problems.append(
                Problem(
                    f"{noun} ({value}) must be no more than the {total} units in the offer",
                    "accessibility",
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
