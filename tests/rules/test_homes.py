"""Homes (issue 13): larger unit kinds, accessibility per unit type (and the rule
that uses it), and a dispersed scheme's addresses."""

from __future__ import annotations

from typing import Any

import pytest
from pydantic import ValidationError

from rules.accessibility import quality
from rules.affordability import home_for
from rules.housing_costs import assess
from rules.offer import OfferData, UnitKind
from rules.tenant import TenantProfile
from tests.rules.offers import make_offer, shipped_policy, unit

POLICY = shipped_policy()


def access(**figures: int) -> dict[str, int]:
    """A unit type's accessibility, every figure 0 unless given."""
    values = dict.fromkeys(
        ("wheelchair_accessible", "fully_adapted", "level_access", "lift", "assistive_technology"),
        0,
    )
    values.update(figures)
    return values


# --- Reading offers from before issue 13 -------------------------------------------


def test_offer_level_answers_are_shared_out_in_order_capped_by_each_types_count() -> None:
    offer = make_offer(
        units=[unit(kind="studio", count=3), unit(kind="one_bed", count=4)],
        wheelchair_accessible_units=5,
        fully_adapted_units=1,
        lift=True,
        assistive_technology=False,
    )
    studio, flat = offer.unit_types
    assert (studio.wheelchair_accessible, flat.wheelchair_accessible) == (3, 2)
    assert (studio.fully_adapted, flat.fully_adapted) == (1, 0)
    assert (studio.lift, flat.lift) == (3, 4)
    assert (studio.assistive_technology, flat.assistive_technology) == (0, 0)
    # Level access was never asked: not said.
    assert studio.level_access is None
    # And the offer-level figures stay what the offer said.
    assert (offer.wheelchair_accessible_units, offer.lift) == (5, True)


def test_offer_level_figures_are_the_unit_types_totals_when_they_say_them() -> None:
    offer = make_offer(
        units=[
            unit(kind="studio", count=3, **access(wheelchair_accessible=1, level_access=3)),
            unit(kind="house", count=2, bedrooms=3, **access(wheelchair_accessible=2, lift=1)),
        ],
        # What a v2 offer said is overruled by the unit types' own answers.
        wheelchair_accessible_units=0,
        lift=False,
    )
    assert offer.wheelchair_accessible_units == 3
    assert offer.lift is True
    assert offer.assistive_technology is False
    # A dump reads back the same.
    assert OfferData.model_validate(offer.model_dump()) == offer


def test_a_unit_type_cannot_have_more_accessible_homes_than_homes() -> None:
    with pytest.raises(ValidationError, match="wheelchair_accessible"):
        make_offer(units=[unit(count=2, **access(wheelchair_accessible=3))])


# --- Larger homes --------------------------------------------------------------------


@pytest.mark.parametrize(
    ("kind", "bedrooms", "expected"),
    [
        ("three_bed", None, 3),
        ("four_bed", 5, 5),
        ("house", 4, 4),
        ("bungalow", 2, 2),
        ("house", None, 3),
    ],
)
def test_each_kind_has_its_bedrooms(kind: str, bedrooms: int | None, expected: int) -> None:
    offer = make_offer(units=[unit(kind=kind, count=1, bedrooms=bedrooms)])
    assert offer.unit_types[0].bedroom_count == expected


def test_a_three_bedroom_home_shared_by_three_is_not_under_occupied() -> None:
    # Three tenants, a bedroom each: none has a spare room, so no size criteria cut.
    offer = make_offer(
        units=[unit(kind="three_bed", count=1, most_people_sharing=3, own_bathroom=False)],
        landlord_type="private_landlord",
        landlord_provides_care_support_or_supervision=False,
        support_model="none",
    )
    home = home_for(offer, offer.unit_types[0])
    assert (home.bedrooms, home.sharers) == (3, 3)


def test_a_three_bedroom_home_let_to_one_tenant_is_under_occupied() -> None:
    offer = make_offer(
        units=[unit(kind="three_bed", count=1, most_people_sharing=1)],
        landlord_type="council",
        landlord_provides_care_support_or_supervision=False,
        support_model="none",
    )
    home = home_for(offer, offer.unit_types[0])
    tenant = TenantProfile(age=40, typical=True)
    result = assess(home, tenant, POLICY)
    assert any("the home has 3 bedrooms, 2 more than allowed" in r for r in result.reasons)


# --- The accessibility rule -----------------------------------------------------------


def _quality(units: list[dict[str, Any]], **overrides: Any) -> Any:
    return quality(make_offer(units=units, **overrides), POLICY)


def test_upper_floor_wheelchair_homes_without_a_lift_do_not_count() -> None:
    reachable = _quality([unit(count=10, **access(wheelchair_accessible=2, level_access=2))])
    upstairs = _quality([unit(count=10, **access(wheelchair_accessible=2, level_access=0))])
    lift = _quality([unit(count=10, **access(wheelchair_accessible=2, lift=2))])
    assert reachable.figures["wheelchair_accessible_units_counted"] == 2
    assert upstairs.figures["wheelchair_accessible_units_counted"] == 0
    assert lift.figures["wheelchair_accessible_units_counted"] == 2
    assert upstairs.score < reachable.score == lift.score
    assert any(
        "2 wheelchair-accessible homes (2 1-bedroom flats) are on an upper floor without a "
        "lift or level access: a wheelchair user could not reach them" in reason
        for reason in upstairs.reasons
    )


def test_a_cohort_that_needs_fully_adapted_homes_is_held_to_its_need() -> None:
    units = [unit(count=4, **access(wheelchair_accessible=1, fully_adapted=0, level_access=4))]
    general = _quality(units, cohorts=["supported_living_waiting_list"])
    respite = _quality(units, cohorts=["respite_complex_disabilities"])
    # 1 of 4 homes is more than the 10% the council looks for in general...
    assert general.figures["wheelchair_accessible_units_wanted"] == 0.4
    # ...but respite for complex disabilities wants every home accessible, half adapted.
    assert respite.figures["wheelchair_accessible_units_wanted"] == 4
    assert respite.figures["fully_adapted_units_wanted"] == 2
    assert respite.score < general.score
    assert any("2 homes short" in reason for reason in respite.reasons)
    assert any("Respite for people with complex disabilities" in r for r in respite.reasons)


def test_fully_adapted_homes_raise_the_score_for_cohorts_that_need_them() -> None:
    def score(adapted: int) -> float:
        figures = access(wheelchair_accessible=4, fully_adapted=adapted, level_access=4)
        return _quality([unit(count=4, **figures)], cohorts=["send_transitions"]).score

    assert score(0) < score(1) <= score(2)


def test_accessible_homes_whose_reach_is_not_said_count_with_a_check() -> None:
    # An offer from before issue 13: wheelchair homes and a lift, level access unsaid.
    result = _quality([unit(count=12)], wheelchair_accessible_units=2, lift=False)
    assert result.figures["wheelchair_accessible_units_counted"] == 2
    assert any("does not say whether" in reason for reason in result.reasons)


def test_assistive_technology_in_some_homes_counts_in_part() -> None:
    none = _quality([unit(count=4, **access(level_access=4))])
    half = _quality([unit(count=4, **access(level_access=4, assistive_technology=2))])
    every = _quality([unit(count=4, **access(level_access=4, assistive_technology=4))])
    assert none.score < half.score < every.score
    assert "Assistive technology is fitted in 2 of the 4 homes." in half.reasons


# --- Dispersed schemes -----------------------------------------------------------------


def test_a_dispersed_schemes_postcodes_are_its_own_and_its_addresses() -> None:
    offer = make_offer(
        configuration="self_contained_dispersed",
        units=[unit(count=5)],
        addresses=[
            {"address": "1 High Street", "postcode": "LE2 0AB", "units": 2},
            {"address": "4 Low Road", "postcode": "LE4 1XY", "units": 3},
        ],
    )
    assert offer.postcodes == ["LE2 0AB", "LE4 1XY"]


def test_the_addresses_units_must_add_up_to_the_offers() -> None:
    with pytest.raises(ValidationError, match=r"addresses' units \(4\) must add up"):
        make_offer(
            units=[unit(count=5)],
            addresses=[
                {"postcode": "LE2 0AB", "units": 2},
                {"postcode": "LE4 1XY", "units": 2},
            ],
        )


def test_every_new_kind_has_a_label() -> None:
    from rules.offer import LABELS

    for kind in UnitKind:
        assert LABELS[kind]


def test_the_cohorts_with_access_needs_are_the_policys_cohorts() -> None:
    codes = {cohort.code for cohort in POLICY.cohorts}
    assert POLICY.quality.cohort_access_needs
    assert set(POLICY.quality.cohort_access_needs) <= codes
