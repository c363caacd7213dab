"""People, homes and Hypothesis strategies for the placement matching tests.

`person()` is an adult on the supported living waiting list needing floating
support, with no access needs; `home()` is a single-place, self-contained,
wheelchair-accessible core-and-cluster flat in LE2 with 24/7 support for that
cohort. Tests override only what they are about.
"""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

from hypothesis import strategies as st

from rules.matching.people import (
    AgeBand,
    Person,
    Priority,
    SharingRules,
    SupportNeed,
    Unit,
)
from rules.offer import Configuration, SupportModel

TODAY = date(2026, 6, 1)
COHORT = "supported_living_waiting_list"
OTHER_COHORT = "send_transitions"


def person(**overrides: Any) -> Person:
    values: dict[str, Any] = dict(
        reference="P-001",
        cohort=COHORT,
        referred_on=date(2025, 6, 1),
        priority=Priority.MEDIUM,
        support_needed=SupportNeed.FLOATING,
        self_contained_required=False,
        wheelchair_user=False,
        level_access_needed=False,
        age_band=AgeBand.AGE_35_49,
    )
    values.update(overrides)
    return Person(**values)


def home(**overrides: Any) -> Unit:
    values: dict[str, Any] = dict(
        reference="U-001",
        scheme="Example Court",
        cohorts=frozenset({COHORT}),
        configuration=Configuration.CORE_AND_CLUSTER,
        postcode_district="LE2",
        support_model=SupportModel.ON_SITE_24_7,
        self_contained=True,
        wheelchair_accessible=True,
        level_access=True,
        age_min=18,
        age_max=120,
    )
    values.update(overrides)
    return Unit(**values)


def may_share(*pairs: tuple[str, str]) -> SharingRules:
    return SharingRules(frozenset(frozenset(pair) for pair in pairs))


# Small worlds: few values per attribute, so eligibility is often but not always met.
DISTRICTS = ("LE1", "LE2", "LE3")
OCCUPANTS = ("OCC-1", "OCC-2")


@st.composite
def people_lists(draw: st.DrawFn, most: int = 6) -> list[Person]:
    count = draw(st.integers(0, most))
    return [
        Person(
            reference=f"P-{index:03d}",
            cohort=draw(st.sampled_from((COHORT, OTHER_COHORT))),
            referred_on=TODAY - timedelta(days=draw(st.integers(0, 1500))),
            priority=draw(st.sampled_from(Priority)),
            support_needed=draw(st.sampled_from(SupportNeed)),
            self_contained_required=draw(st.booleans()),
            wheelchair_user=draw(st.booleans()),
            level_access_needed=draw(st.booleans()),
            age_band=draw(
                st.sampled_from((AgeBand.AGE_18_24, AgeBand.AGE_35_49, AgeBand.AGE_65_74))
            ),
            preferred_areas=frozenset(draw(st.sets(st.sampled_from(DISTRICTS), max_size=2))),
            excluded_areas=frozenset(draw(st.sets(st.sampled_from(DISTRICTS), max_size=1))),
            unavailable_until=draw(
                st.one_of(st.none(), st.just(TODAY + timedelta(days=30)), st.just(TODAY))
            ),
        )
        for index in range(count)
    ]


@st.composite
def home_lists(draw: st.DrawFn, most: int = 4, most_places: int = 2) -> list[Unit]:
    count = draw(st.integers(0, most))
    homes = []
    for index in range(count):
        places = draw(st.integers(1, most_places))
        occupants = (
            draw(st.sets(st.sampled_from(OCCUPANTS), max_size=places)) if places > 1 else set()
        )
        homes.append(
            Unit(
                reference=f"U-{index:03d}",
                scheme="Scheme",
                cohorts=frozenset(
                    draw(st.sets(st.sampled_from((COHORT, OTHER_COHORT)), min_size=1))
                ),
                configuration=draw(
                    st.sampled_from(
                        (
                            Configuration.CORE_AND_CLUSTER,
                            Configuration.SHARED_HOUSE,
                            Configuration.EXTRA_CARE,
                        )
                    )
                ),
                postcode_district=draw(st.sampled_from(DISTRICTS)),
                support_model=draw(st.sampled_from(SupportModel)),
                self_contained=places == 1 and draw(st.booleans()),
                wheelchair_accessible=draw(st.booleans()),
                level_access=draw(st.booleans()),
                places=places,
                age_min=draw(st.sampled_from((16, 18, 55))),
                age_max=draw(st.sampled_from((64, 120))),
                occupants=frozenset(occupants),
            )
        )
    return homes


@st.composite
def sharing_rules(draw: st.DrawFn, people: list[Person]) -> SharingRules:
    names = [p.reference for p in people] + list(OCCUPANTS)
    if len(names) < 2:
        return SharingRules()
    pairs = draw(
        st.sets(
            st.tuples(st.sampled_from(names), st.sampled_from(names)).filter(
                lambda pair: pair[0] != pair[1]
            ),
            max_size=8,
        )
    )
    return may_share(*pairs)
