"""One home's shortlist: the eligible people ranked by fit, and why the rest are out.

Ranking: highest fit first; equal fits go to the person waiting longer (earlier
referral), then by reference, so the same list always gives the same ranks.

A shortlist weighs people one at a time. For a home with more than one free place,
everyone moving in must be able to share with everyone else; each candidate lists
the other candidates they are recorded as able to share with, so the team can
choose a household (the proposal does this itself).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date

from rules.matching.constraints import Exclusion, exclusions, free_places, is_shared
from rules.matching.fit import WeightedFit, best_fit_configurations, weighted_fit
from rules.matching.pairs import partners
from rules.matching.people import Person, SharingRules, Unit
from rules.policy_data import Policy


@dataclass(frozen=True)
class Candidate:
    rank: int  # 1 is the best fit
    person_reference: str
    fit: WeightedFit
    referred_on: date
    # Other candidates for this home recorded as able to share with this person
    # (only for homes with more than one free place).
    may_share_with: tuple[str, ...] = ()


@dataclass(frozen=True)
class Excluded:
    person_reference: str
    exclusions: tuple[Exclusion, ...]  # every constraint that failed, in checking order

    @property
    def first(self) -> Exclusion:
        return self.exclusions[0]


@dataclass(frozen=True)
class Shortlist:
    unit_reference: str
    candidates: tuple[Candidate, ...]  # in rank order
    excluded: tuple[Excluded, ...]  # by reference


def shortlist(
    unit: Unit,
    people: Iterable[Person],
    policy: Policy,
    today: date,
    sharing: SharingRules,
) -> Shortlist:
    """Rank the people every hard constraint allows into `unit`; list the others with
    the constraints that keep them out."""
    best_fits = best_fit_configurations(policy)
    scored: list[tuple[Person, WeightedFit]] = []
    left_out: list[Excluded] = []
    for person in people:
        found = exclusions(person, unit, today, sharing)
        if found:
            left_out.append(Excluded(person.reference, found))
        else:
            scored.append((person, weighted_fit(person, unit, policy, today, best_fits)))
    scored.sort(key=lambda pair: (-pair[1].total, pair[0].referred_on, pair[0].reference))

    eligible = {person.reference for person, _ in scored}
    partners_of = partners(sharing) if is_shared(unit) and free_places(unit) > 1 else {}
    candidates = tuple(
        Candidate(
            rank=rank,
            person_reference=person.reference,
            fit=fit,
            referred_on=person.referred_on,
            may_share_with=tuple(sorted(partners_of.get(person.reference, set()) & eligible)),
        )
        for rank, (person, fit) in enumerate(scored, start=1)
    )
    left_out.sort(key=lambda excluded: excluded.person_reference)
    return Shortlist(unit.reference, candidates, tuple(left_out))
