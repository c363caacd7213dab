"""How well one eligible person fits one home: a sum of whole points, with reasons.

The weights are the policy's `matching` block (council settings). Points are whole
numbers so two totals compare exactly and a proposal's total is a plain sum. Fit
is only weighed for people the hard constraints allow (constraints.py).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from rules.matching.people import LABELS, Person, Unit
from rules.offer import LABELS as OFFER_LABELS
from rules.policy_data import Policy


@dataclass(frozen=True)
class FitPart:
    """One factor's points, with the plain-English reason for them."""

    factor: str  # "priority", "waiting", "preferred_area" or "best_fit"
    label: str  # the policy's name for the factor, like "Time waiting"
    points: int
    reason: str  # like "Waiting 14 months: +14"


@dataclass(frozen=True)
class WeightedFit:
    total: int
    parts: tuple[FitPart, ...]

    @property
    def reasons(self) -> tuple[str, ...]:
        return tuple(part.reason for part in self.parts)


def months_waiting(referred_on: date, today: date) -> int:
    """Whole calendar months from referral to `today` (0 if referred in the future)."""
    months = (today.year - referred_on.year) * 12 + today.month - referred_on.month
    if today.day < referred_on.day:
        months -= 1
    return max(months, 0)


def best_fit_configurations(policy: Policy) -> dict[str, frozenset[str]]:
    """For each cohort, the configurations its `fits` name (the strategy's best fit).
    A fit's min_units/max_units are about a whole scheme's size, which one vacant
    home does not show, so only the configuration counts here."""
    return {
        cohort.code: frozenset(name for fit in cohort.fits for name in fit.configurations)
        for cohort in policy.cohorts
    }


def waiting_points(months: int, policy: Policy) -> int:
    waiting = policy.matching.waiting
    return min(months, waiting.most_months_counted) * waiting.points_per_month


def _months(count: int) -> str:
    return f"{count} month" if count == 1 else f"{count} months"


def weighted_fit(
    person: Person,
    unit: Unit,
    policy: Policy,
    today: date,
    best_fits: dict[str, frozenset[str]] | None = None,
) -> WeightedFit:
    """The fit of `person` for `unit`. Pass `best_fits` (best_fit_configurations)
    when weighing many people, so it is worked out once."""
    matching = policy.matching
    fits = best_fits if best_fits is not None else best_fit_configurations(policy)
    priority_points = getattr(matching.priority.points, person.priority.value)
    parts = [
        FitPart(
            "priority",
            matching.priority.label,
            priority_points,
            f"{LABELS[person.priority]} priority: +{priority_points}",
        )
    ]
    months = months_waiting(person.referred_on, today)
    counted = min(months, matching.waiting.most_months_counted)
    cap_note = f" (counted as {_months(counted)})" if counted < months else ""
    points = waiting_points(months, policy)
    parts.append(
        FitPart(
            "waiting",
            matching.waiting.label,
            points,
            f"Waiting {_months(months)}{cap_note}: +{points}",
        )
    )
    if unit.postcode_district in person.preferred_areas:
        points = matching.preferred_area.points
        parts.append(
            FitPart(
                "preferred_area",
                matching.preferred_area.label,
                points,
                f"Prefers {unit.postcode_district}: +{points}",
            )
        )
    if unit.configuration.value in fits.get(person.cohort, frozenset()):
        points = matching.best_fit.points
        design = OFFER_LABELS[unit.configuration]
        parts.append(
            FitPart(
                "best_fit",
                matching.best_fit.label,
                points,
                f"{design} is a best fit for this cohort: +{points}",
            )
        )
    return WeightedFit(sum(part.points for part in parts), tuple(parts))
