"""The weighted fit: whole points from the policy's matching block, with reasons."""

from __future__ import annotations

from datetime import date

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from rules.matching.constraints import is_eligible
from rules.matching.fit import months_waiting, weighted_fit
from rules.matching.pairs import pair_table
from rules.matching.people import Priority
from rules.offer import Configuration
from tests.rules.matching_examples import (
    TODAY,
    home,
    home_lists,
    people_lists,
    person,
    sharing_rules,
)
from tests.rules.offers import shipped_policy

POLICY = shipped_policy()


@pytest.mark.parametrize(
    ("referred_on", "today", "months"),
    [
        (date(2025, 4, 1), date(2026, 6, 1), 14),
        (date(2026, 5, 31), date(2026, 6, 30), 0),
        (date(2026, 5, 31), date(2026, 7, 1), 1),
        (date(2026, 1, 15), date(2026, 2, 15), 1),
        (date(2026, 1, 15), date(2026, 2, 14), 0),
        (date(2026, 7, 1), date(2026, 6, 1), 0),
    ],
)
def test_months_waiting_are_whole_calendar_months(
    referred_on: date, today: date, months: int
) -> None:
    assert months_waiting(referred_on, today) == months


def test_every_factor_with_its_figures() -> None:
    fit = weighted_fit(
        person(
            priority=Priority.URGENT,
            referred_on=date(2025, 4, 1),
            preferred_areas=frozenset({"LE2"}),
        ),
        home(configuration=Configuration.EXTRA_CARE),
        POLICY,
        TODAY,
    )
    assert fit.reasons == (
        "Urgent priority: +40",
        "Waiting 14 months: +14",
        "Prefers LE2: +10",
        "Extra care is a best fit for this cohort: +15",
    )
    assert fit.total == 79
    assert [part.label for part in fit.parts] == [
        "Priority band",
        "Time waiting",
        "Preferred area",
        "Best fit of design to need",
    ]


def test_a_long_wait_counts_up_to_the_policy_cap() -> None:
    fit = weighted_fit(
        person(priority=Priority.LOW, referred_on=date(2020, 6, 1)),
        home(configuration=Configuration.SHARED_HOUSE, postcode_district="LE4"),
        POLICY,
        TODAY,
    )
    assert fit.reasons == ("Low priority: +0", "Waiting 72 months (counted as 36 months): +36")
    assert fit.total == 36


def test_one_month_is_singular() -> None:
    fit = weighted_fit(
        person(referred_on=date(2026, 5, 1)), home(configuration=Configuration.OTHER), POLICY, TODAY
    )
    assert "Waiting 1 month: +1" in fit.reasons


@settings(max_examples=60, deadline=None)
@given(data=st.data())
def test_the_array_version_agrees_with_the_one_at_a_time_rules(data: st.DataObject) -> None:
    people = data.draw(people_lists(most=6))
    homes = data.draw(home_lists(most=4, most_places=3))
    sharing = data.draw(sharing_rules(people))
    table = pair_table(people, homes, POLICY, TODAY, sharing)
    for row, someone in enumerate(people):
        for column, place in enumerate(homes):
            assert table.eligible[row, column] == is_eligible(someone, place, TODAY, sharing)
            expected = weighted_fit(someone, place, POLICY, TODAY).total
            assert table.fit[row, column] == expected
