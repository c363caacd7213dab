"""Whether the ages an offer takes fit the people of a cohort (issue 13).

A cohort's people are the ages the strategy gives it (the policy's `ages`: looked
after children are 16 and 17, Children Act 1989 s.22 and s.105(1); people awaiting
sheltered housing are over 60) and, within them, its typical tenants (the policy's
range of people the rent rule works for). An offer whose ages leave out every age of
the cohort meets none of its need; one that leaves out most of its typical tenants
meets need only for the ones it takes.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from rules.offer import OfferData
from rules.policy_data import Cohort


@dataclass(frozen=True)
class AgeFit:
    """`taken` of the cohort's `typical` tenants are within the offer's ages; `none`
    when the offer's ages and the cohort's do not meet at all."""

    none: bool
    taken: int
    typical: int
    reason: str | None

    @property
    def share(self) -> float:
        """The share of the cohort's units that can meet its need: none, all, or
        (when most of its typical tenants are left out) the share taken."""
        if self.none:
            return 0.0
        if self.typical and self.taken * 2 < self.typical:
            return self.taken / self.typical
        return 1.0


def offer_ages(offer: OfferData) -> str:
    low, high = sorted((offer.age_min, offer.age_max))
    return f"{low} to {high}"


def age_fit(offer: OfferData, cohort: Cohort, on: date) -> AgeFit:
    low, high = sorted((offer.age_min, offer.age_max))
    ages = cohort.ages
    if ages is not None and not ages.overlaps(low, high):
        return AgeFit(
            True,
            0,
            0,
            f"The homes take people aged {low} to {high}; the cohort \u201c{cohort.label}\u201d "
            f"is people {ages.describe()}: none of them could live here, so none of the "
            "offer's units meet their need.",
        )
    ages_of_people = [tenant.age_on(on) for tenant in cohort.tenants()]
    if ages is not None:
        ages_of_people = [age for age in ages_of_people if ages.contains(age)]
    left_out = sorted(age for age in ages_of_people if not low <= age <= high)
    taken = len(ages_of_people) - len(left_out)
    if not left_out:
        return AgeFit(False, taken, len(ages_of_people), None)
    listed = ", ".join(str(age) for age in left_out)
    fit = AgeFit(False, taken, len(ages_of_people), None)
    reason = (
        f"The homes take people aged {low} to {high}, which leaves out {len(left_out)} of the "
        f"{len(ages_of_people)} typical tenants of the cohort \u201c{cohort.label}\u201d "
        f"(aged {listed})"
    )
    if fit.share < 1:
        reason += f": most of them, so only {fit.share:.0%} of its units count towards its need."
    else:
        reason += "."
    return AgeFit(False, taken, len(ages_of_people), reason)
