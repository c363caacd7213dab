"""Rule evaluation throughput in one process (aim: at least 2,000 offers a second).

    .venv/bin/python benchmarks/rules_throughput.py [N]

Prints offers scored per second over N varied offers (default 5,000) and the
median and p95 time per offer.
"""

from __future__ import annotations

import random
import statistics
import sys
import time

from rules.offer import OfferData
from rules.policy_data import CONFIGURATIONS, current_policy
from rules.scoring import score_offer

LANDLORDS = [
    "registered_provider",
    "council",
    "charity",
    "voluntary_organisation",
    "private_landlord",
]
KINDS = ["studio", "one_bed", "two_bed", "shared_room"]


def make_offers(count: int, seed: int = 1) -> list[OfferData]:
    rng = random.Random(seed)
    cohorts = [cohort.code for cohort in current_policy().cohorts]
    offers = []
    for index in range(count):
        kinds = rng.sample(KINDS, rng.randint(1, 3))
        sharing = rng.choice([1, 1, 1, 2, 4])
        offers.append(
            OfferData.model_validate(
                {
                    "reference": f"BENCH-{index}",
                    "name": f"Scheme {index}",
                    "postcode": rng.choice(["LE1 6ZG", "LE2 0AB", "LE5 3TT", "NG1 1AA"]),
                    "development_type": "new_build",
                    "planning_status": "granted",
                    "configuration": rng.choice(CONFIGURATIONS),
                    "unit_types": [
                        {
                            "kind": kind,
                            "count": rng.randint(1, 30),
                            "own_bathroom": sharing == 1,
                            "own_kitchen": sharing == 1,
                            "most_people_sharing": sharing,
                            "core_rent_pence": rng.randint(5_000, 40_000),
                            "eligible_service_charge_pence": rng.randint(0, 6_000),
                            "ineligible_service_charge_pence": rng.randint(0, 4_000),
                            "intensive_housing_management_pence": rng.choice([0, 0, 2_500]),
                        }
                        for kind in kinds
                    ],
                    "communal_space": rng.random() < 0.7,
                    "staff_office": rng.random() < 0.6,
                    "wheelchair_accessible_units": rng.randint(0, 3),
                    "fully_adapted_units": 0,
                    "assistive_technology": rng.random() < 0.7,
                    "lift": rng.random() < 0.5,
                    "accessibility_standard": rng.choice(["m4_1", "m4_2", "m4_3"]),
                    "cohorts": rng.sample(cohorts, rng.randint(1, 3)),
                    "support_model": rng.choice(
                        ["on_site_24_7", "regular_on_site", "floating", "none"]
                    ),
                    "age_min": 18,
                    "age_max": 64,
                    "landlord_name": "Bench",
                    "landlord_type": rng.choice(LANDLORDS),
                    "landlord_provides_care_support_or_supervision": rng.random() < 0.5,
                    "lease_model": "landlord_manages",
                    "council_asked_to_cover_voids": rng.random() < 0.2,
                }
            )
        )
    return offers


def main() -> None:
    count = int(sys.argv[1]) if len(sys.argv) > 1 else 5_000
    policy = current_policy()
    offers = make_offers(count)
    approved = {"diversion_from_residential": 3}
    for offer in offers[:100]:  # warm up
        score_offer(offer, policy, approved)
    timings = []
    started = time.perf_counter()
    for offer in offers:
        begin = time.perf_counter()
        score_offer(offer, policy, approved)
        timings.append(time.perf_counter() - begin)
    elapsed = time.perf_counter() - started
    timings.sort()
    print(f"offers scored:        {count}")
    print(f"offers per second:    {count / elapsed:,.0f} (aim: 2,000 or more)")
    print(f"median per offer:     {statistics.median(timings) * 1e6:,.0f} µs")
    print(f"p95 per offer:        {timings[int(len(timings) * 0.95)] * 1e6:,.0f} µs")


if __name__ == "__main__":
    main()
