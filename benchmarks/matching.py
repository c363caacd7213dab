"""Placement matching speed and memory (aims: a global proposal for 5,000 people and
1,000 homes in under 5 seconds; one home's shortlist against 5,000 people in under
200 ms).

    .venv/bin/python benchmarks/matching.py [PEOPLE] [HOMES]

A synthetic waiting list and vacancies in the shipped policy's cohorts, in
proportion to each cohort's forecast need, with some shared flats, shared houses
with people already living in them, and recorded sharers. Prints the proposal's
time, peak traced memory (tracemalloc) and the process's peak resident memory
(getrusage), and the median and p95 time of a shortlist over repeats.
"""

from __future__ import annotations

import random
import resource
import statistics
import sys
import time
import tracemalloc
from datetime import date, timedelta

from rules.matching.people import (
    AgeBand,
    Person,
    Priority,
    SharingRules,
    SupportNeed,
    Unit,
)
from rules.matching.proposal import propose
from rules.matching.shortlist import shortlist
from rules.offer import Configuration, SupportModel
from rules.policy_data import Policy, current_policy

TODAY = date(2026, 6, 1)
DISTRICTS = ["LE1", "LE2", "LE3", "LE4", "LE5", "LE18", "LE19"]
OLDER = {"housing_register_sheltered", "sheltered_tenants_known_to_social_care"}
YOUNG = {"send_transitions", "looked_after_16_17", "care_leavers_18_25"}


def _age_band(rng: random.Random, cohort: str) -> AgeBand:
    if cohort == "looked_after_16_17":
        return AgeBand.AGE_16_17
    if cohort in YOUNG:
        return AgeBand.AGE_18_24
    if cohort in OLDER:
        return rng.choice([AgeBand.AGE_65_74, AgeBand.AGE_75_PLUS])
    return rng.choice([AgeBand.AGE_25_34, AgeBand.AGE_35_49, AgeBand.AGE_50_64])


def make_people(policy: Policy, count: int, seed: int = 1) -> list[Person]:
    rng = random.Random(seed)
    codes = [cohort.code for cohort in policy.cohorts]
    weights = [max(cohort.net_units, 4) for cohort in policy.cohorts]
    people = []
    for index in range(count):
        cohort = rng.choices(codes, weights)[0]
        people.append(
            Person(
                reference=f"P-{index:05d}",
                cohort=cohort,
                referred_on=TODAY - timedelta(days=rng.randint(0, 1800)),
                priority=rng.choices(list(Priority), [10, 25, 40, 25])[0],
                support_needed=rng.choices(list(SupportNeed), [30, 45, 25])[0],
                self_contained_required=rng.random() < 0.6,
                wheelchair_user=rng.random() < 0.08,
                level_access_needed=rng.random() < 0.2,
                age_band=_age_band(rng, cohort),
                preferred_areas=frozenset(rng.sample(DISTRICTS, rng.randint(0, 2))),
                excluded_areas=frozenset(rng.sample(DISTRICTS, rng.randint(0, 1))),
                unavailable_until=TODAY + timedelta(days=60) if rng.random() < 0.05 else None,
            )
        )
    return people


def make_homes(policy: Policy, count: int, seed: int = 2) -> list[Unit]:
    rng = random.Random(seed)
    cohorts = policy.cohorts
    weights = [max(cohort.net_units, 4) for cohort in cohorts]
    homes = []
    for index in range(count):
        cohort = rng.choices(cohorts, weights)[0]
        served = {cohort.code}
        if rng.random() < 0.2:  # some schemes take a second cohort
            served.add(rng.choice(cohorts).code)
        fits = [name for fit in cohort.fits for name in fit.configurations] or ["other"]
        configuration = Configuration(rng.choice(fits))
        places = 1
        if configuration is Configuration.SHARED_HOUSE:
            places = 4
        elif rng.random() < 0.08:
            places = 2  # a shared flat
        occupants = frozenset(
            f"OCC-{index}-{n}" for n in range(rng.randint(0, places - 1) if places > 2 else 0)
        )
        homes.append(
            Unit(
                reference=f"U-{index:04d}",
                scheme=f"Scheme {index // 10}",
                cohorts=frozenset(served),
                configuration=configuration,
                postcode_district=rng.choice(DISTRICTS),
                support_model=rng.choices(list(SupportModel), [35, 35, 25, 5])[0],
                self_contained=places == 1,
                wheelchair_accessible=rng.random() < 0.15,
                level_access=rng.random() < 0.5,
                places=places,
                age_min=16 if served & YOUNG else 18,
                age_max=120,
                occupants=occupants,
            )
        )
    return homes


def make_sharing(people: list[Person], homes: list[Unit], seed: int = 3) -> SharingRules:
    """About one person in seven has one or two recorded sharers in their cohort, and
    some people already living in shared houses may share with people waiting."""
    rng = random.Random(seed)
    by_cohort: dict[str, list[str]] = {}
    for person in people:
        by_cohort.setdefault(person.cohort, []).append(person.reference)
    pairs: set[frozenset[str]] = set()
    for person in people:
        if rng.random() < 0.15:
            for partner in rng.sample(by_cohort[person.cohort], 2):
                if partner != person.reference:
                    pairs.add(frozenset((person.reference, partner)))
    for unit in homes:
        for occupant in unit.occupants:
            for partner in rng.sample([p.reference for p in people], 20):
                pairs.add(frozenset((occupant, partner)))
    return SharingRules(frozenset(pairs))


def main() -> None:
    people_count = int(sys.argv[1]) if len(sys.argv) > 1 else 5_000
    home_count = int(sys.argv[2]) if len(sys.argv) > 2 else 1_000
    policy = current_policy(TODAY)
    people = make_people(policy, people_count)
    homes = make_homes(policy, home_count)
    sharing = make_sharing(people, homes)
    places = sum(unit.places - len(unit.occupants) for unit in homes)
    shared = sum(1 for unit in homes if unit.places > 1)

    started = time.perf_counter()
    proposal = propose(homes, people, policy, TODAY, sharing)
    elapsed = time.perf_counter() - started
    # Traced separately: tracing slows the Python parts, so it would spoil the time.
    tracemalloc.start()
    propose(homes, people, policy, TODAY, sharing)
    _, traced_peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    print(f"people:                 {people_count:,}")
    print(f"homes:                  {home_count:,} ({shared} shared, {places:,} free places)")
    print(f"recorded sharer pairs:  {len(sharing.may_share):,}")
    print(f"proposal time:          {elapsed:.2f} s (aim: under 5 s)")
    print(f"proposal peak traced:   {traced_peak / 2**20:,.0f} MiB")
    print(
        f"placed / empty places:  {len(proposal.assignments):,} / "
        f"{sum(u.places for u in proposal.unfilled):,}"
    )
    print(f"total fit:              {proposal.total_fit:,}")
    print(
        f"subproblems:            {proposal.subproblems} "
        f"({proposal.solved_exactly} solved exactly for sharing)"
    )

    timings = []
    for unit in homes[:50]:
        begin = time.perf_counter()
        shortlist(unit, people, policy, TODAY, sharing)
        timings.append(time.perf_counter() - begin)
    timings.sort()
    print(f"shortlist median:       {statistics.median(timings) * 1e3:,.1f} ms (aim: under 200 ms)")
    print(f"shortlist p95:          {timings[int(len(timings) * 0.95)] * 1e3:,.1f} ms")
    # ru_maxrss is KiB on Linux.
    peak_rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"process peak RSS:       {peak_rss:,.0f} MiB")


if __name__ == "__main__":
    main()
