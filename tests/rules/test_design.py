"""Shared housing and configuration: what the council prefers (domain brief)."""

from __future__ import annotations

from typing import Any

import pytest

from rules.design import configuration, is_shared_housing, shared_housing
from tests.rules.offers import make_offer, shipped_policy, unit

POLICY = shipped_policy()


def rooms(count: int, sharing: int | None = None) -> list[dict[str, Any]]:
    """Rooms in a shared house: shared bathroom and kitchen."""
    return [
        unit(
            kind="shared_room",
            count=count,
            own_bathroom=False,
            own_kitchen=False,
            most_people_sharing=sharing or count,
        )
    ]


SHARED_HOUSE = dict(configuration="shared_house", communal_space=True, staff_office=False)

# ---------------------------------------------------------------- shared housing

SHARED_CASES: dict[str, tuple[dict[str, Any], float, str, list[str]]] = {
    "self-contained flats are not shared housing": (
        {},
        100.0,
        "green",
        ["nobody shares a bathroom or kitchen"],
    ),
    "two people sharing a flat is not shared housing": (
        dict(units=[unit(kind="two_bed", count=6, most_people_sharing=2)]),
        100.0,
        "green",
        ["Up to 2 people share a flat", "limit of 2", "not shared housing"],
    ),
    "three people sharing a flat is shared housing": (
        dict(
            units=[
                unit(count=8),
                unit(kind="shared_room", count=3, own_bathroom=False, most_people_sharing=3),
            ]
        ),
        0.0,
        "red",
        ["3 of the 11 units are shared housing", "more than 2 people", "little to no demand"],
    ),
    "a shared house for an ordinary cohort is red": (
        dict(units=rooms(4), cohorts=["supported_living_waiting_list"], **SHARED_HOUSE),
        0.0,
        "red",
        ["4 of the 4 units are shared housing", "little to no demand", "voids"],
    ),
    "a 4-bed shared house only for young people in transition is the exception": (
        dict(units=rooms(4), cohorts=["send_transitions"], **SHARED_HOUSE),
        75.0,
        "green",
        ["exception applies", "Young people in transition (SEND)", "4 places, no more than 4"],
    ),
    "a smaller shared house for young people in transition is the exception too": (
        dict(units=rooms(3), cohorts=["send_transitions"], **SHARED_HOUSE),
        75.0,
        "green",
        ["exception applies", "3 places"],
    ),
    "a 5-room shared house for young people in transition is too big": (
        dict(units=rooms(5), cohorts=["send_transitions"], **SHARED_HOUSE),
        30.0,
        "red",
        ["at most 4 places", "5 units for 1 cohort"],
    ),
    "a shared house mixing young people in transition with another cohort": (
        dict(units=rooms(4), cohorts=["send_transitions", "care_leavers_18_25"], **SHARED_HOUSE),
        30.0,
        "red",
        ["aimed at them alone", "for 2 cohort(s)"],
    ),
}


@pytest.mark.parametrize(
    ("overrides", "score", "verdict", "says"), SHARED_CASES.values(), ids=SHARED_CASES.keys()
)
def test_shared_housing(
    overrides: dict[str, Any], score: float, verdict: str, says: list[str]
) -> None:
    result = shared_housing(make_offer(**overrides), POLICY)
    assert (result.score, result.verdict) == (score, verdict)
    words = " ".join(result.reasons)
    for fragment in says:
        assert fragment in words, f"{fragment!r} not in {words!r}"


def test_a_shared_house_counts_every_room_as_shared_housing() -> None:
    offer = make_offer(units=rooms(4), **SHARED_HOUSE)
    assert is_shared_housing(offer, POLICY)
    assert shared_housing(offer, POLICY).figures["shared_units"] == 4


def test_the_exception_names_the_cohort_it_applies_to() -> None:
    result = shared_housing(
        make_offer(units=rooms(4), cohorts=["send_transitions"], **SHARED_HOUSE), POLICY
    )
    assert result.figures["exception_cohorts"] == ["send_transitions"]


# ----------------------------------------------------------------- configuration

NO_EXTRAS = dict(communal_space=False, staff_office=False, assistive_technology=False)

CONFIG_CASES: dict[str, tuple[dict[str, Any], float, str, list[str]]] = {
    # 60 base + 15 communal + 15 staff office + 10 assistive technology.
    "core and cluster with communal space, staff office and AT": (
        {},
        100.0,
        "green",
        ["core-and-cluster", "what the council prefers", "a communal space"],
    ),
    "core and cluster with nothing shared": (
        NO_EXTRAS,
        60.0,
        "amber",
        ["It has no communal space, no staff office or communal resource space, no assistive"],
    ),
    # 40 base + 5 assistive technology.
    "a self-contained block without a core is partly what the council prefers": (
        dict(configuration="self_contained_block", communal_space=False, staff_office=False),
        45.0,
        "amber",
        ["partly what the council prefers", "no shared base for staff"],
    ),
    "dispersed self-contained homes are partly what the council prefers": (
        dict(configuration="self_contained_dispersed", **NO_EXTRAS),
        40.0,
        "amber",
        ["Self-contained homes, dispersed", "partly"],
    ),
    # Not self-contained: 10 + 5 communal + 5 staff office.
    "three people sharing in a core and cluster is red": (
        dict(units=[unit(most_people_sharing=3)]),
        20.0,
        "red",
        ["not every unit is self-contained", "no more than 2 people sharing"],
    ),
    "no own bathroom is not self-contained": (
        dict(units=[unit(own_bathroom=False)], **NO_EXTRAS),
        10.0,
        "red",
        ["not every unit is self-contained"],
    ),
    "a shared house for an ordinary cohort is red": (
        dict(units=rooms(4), **SHARED_HOUSE),
        15.0,
        "red",
        ["Shared house", "prefers self-contained flats"],
    ),
    # 15 + 40 for the exception.
    "the young people's shared house is not held against it": (
        dict(units=rooms(4), cohorts=["send_transitions"], **SHARED_HOUSE),
        55.0,
        "amber",
        ["family home", "not held against it"],
    ),
    # 40 + 5 + 5 + 5.
    "an unrecognised arrangement is left to a commissioner": (
        dict(configuration="other"),
        55.0,
        "amber",
        ["a commissioner should judge it"],
    ),
    # Extra care: 4 ingredients at 25 each.
    "extra care with every ingredient": (
        dict(configuration="extra_care", support_model="on_site_24_7"),
        100.0,
        "green",
        ["judged on its own ingredients", "24-hour care on site", "own front doors"],
    ),
    # Missing communal space and AT: 50, +5 for a staff office.
    "extra care without communal space or assistive technology": (
        dict(
            configuration="extra_care",
            communal_space=False,
            assistive_technology=False,
        ),
        55.0,
        "amber",
        ["It lacks communal facilities, alarms and assistive technology"],
    ),
    # Missing 24/7 care: 75 + 5.
    "extra care without 24-hour care on site": (
        dict(configuration="extra_care", support_model="regular_on_site"),
        80.0,
        "green",
        ["It lacks 24-hour care on site"],
    ),
    # Shared rooms are not flats with their own front doors: 75, no office.
    "extra care in shared rooms": (
        dict(
            configuration="extra_care",
            units=[unit(kind="shared_room", most_people_sharing=2)],
            staff_office=False,
        ),
        75.0,
        "green",
        ["It lacks self-contained flats with their own front doors"],
    ),
    "extra care with nothing but the name": (
        dict(
            configuration="extra_care",
            support_model="floating",
            units=[unit(own_kitchen=False, most_people_sharing=4)],
            **NO_EXTRAS,
        ),
        0.0,
        "red",
        [
            "It lacks 24-hour care on site, self-contained flats with their own front doors, "
            "bathrooms and kitchens, communal facilities, alarms and assistive technology."
        ],
    ),
}


@pytest.mark.parametrize(
    ("overrides", "score", "verdict", "says"), CONFIG_CASES.values(), ids=CONFIG_CASES.keys()
)
def test_configuration(
    overrides: dict[str, Any], score: float, verdict: str, says: list[str]
) -> None:
    result = configuration(make_offer(**overrides), POLICY)
    assert (result.score, result.verdict) == (score, verdict)
    words = " ".join(result.reasons)
    for fragment in says:
        assert fragment in words, f"{fragment!r} not in {words!r}"


def test_extra_care_names_what_it_is_missing_in_its_figures() -> None:
    result = configuration(
        make_offer(configuration="extra_care", communal_space=False, support_model="floating"),
        POLICY,
    )
    assert result.figures["extra_care_missing"] == ["24-hour care on site", "communal facilities"]


@pytest.mark.parametrize("config", ["self_contained_block", "self_contained_dispersed", "other"])
@pytest.mark.parametrize("communal", [True, False])
@pytest.mark.parametrize("office", [True, False])
def test_core_and_cluster_beats_any_other_self_contained_layout_with_the_same_facilities(
    config: str, communal: bool, office: bool
) -> None:
    facilities = dict(communal_space=communal, staff_office=office)
    preferred = configuration(make_offer(configuration="core_and_cluster", **facilities), POLICY)
    other = configuration(make_offer(configuration=config, **facilities), POLICY)
    assert preferred.score > other.score


def test_two_people_sharing_a_flats_bathroom_and_kitchen_is_a_shared_flat_not_shared_housing():
    # The strategy: "single or shared flats (never more than two people)".
    offer = make_offer(
        units=[unit(kind="two_bed", own_bathroom=False, own_kitchen=False, most_people_sharing=2)]
    )
    assert shared_housing(offer, POLICY).verdict == "green"
    assert configuration(offer, POLICY).verdict == "green"
    three = make_offer(
        units=[unit(kind="two_bed", own_bathroom=False, own_kitchen=False, most_people_sharing=3)]
    )
    assert configuration(three, POLICY).verdict == "red"


# ------------------------------------------------- extra care needs a big enough site

EXTRA_CARE = dict(configuration="extra_care", support_model="on_site_24_7")


@pytest.mark.parametrize(
    ("area", "development", "score", "says"),
    [
        # Every ingredient (100) and a staff office: no more than 100.
        (None, "new_build", 100.0, None),
        (0.8, "new_build", 100.0, None),
        # 100 - 20: a new scheme on a site of 0.5 hectares or less.
        (0.5, "new_build", 80.0, "The site is 0.5 hectares"),
        (0.3, "new_build", 80.0, "sites over 0.5 hectares"),
        # An existing building is not a development site.
        (0.3, "existing_stock", 100.0, None),
    ],
)
def test_new_extra_care_needs_a_site_over_half_a_hectare(
    area: float | None, development: str, score: float, says: str | None
) -> None:
    offer = make_offer(site_area_hectares=area, development_type=development, **EXTRA_CARE)
    result = configuration(offer, POLICY)
    assert result.score == score
    assert result.figures["site_area_hectares"] == area
    words = " ".join(result.reasons)
    if says:
        assert says in words
    else:
        assert "hectares" not in words


# ------------------------------------------------------ the strategy's best fits

RESPITE = dict(
    cohorts=["respite_complex_disabilities"],
    configuration="shared_house",
    units=[unit(count=8, own_bathroom=False, own_kitchen=False, most_people_sharing=8)],
    care_provider_name="Respite Care Ltd",
    care_provider_framework_status="on_framework",
)


def test_a_registered_respite_scheme_is_judged_as_the_specialist_registered_scheme() -> None:
    from rules.need import cohort_need

    offer = make_offer(cqc_registered=True, **RESPITE)
    shared = shared_housing(offer, POLICY)
    design = configuration(offer, POLICY)
    need = cohort_need(offer, POLICY)
    assert (shared.score, shared.verdict) == (100.0, "green")
    assert "specialist registered scheme" in " ".join(shared.reasons)
    # 70 + communal space, staff office and assistive technology.
    assert (design.score, design.verdict) == (100.0, "green")
    assert need.figures["best_fit"] is True


def test_an_unregistered_respite_house_is_still_shared_housing() -> None:
    offer = make_offer(cqc_registered=False, **RESPITE)
    assert shared_housing(offer, POLICY).verdict == "red"
    assert configuration(offer, POLICY).verdict == "red"


def test_dispersed_homes_score_as_core_and_cluster_where_they_are_the_best_fit() -> None:
    # Transforming Care's best fit includes dispersed self-contained homes.
    tc = dict(cohorts=["transforming_care_moj"], units=[unit(count=5)])
    dispersed = configuration(make_offer(configuration="self_contained_dispersed", **tc), POLICY)
    core = configuration(make_offer(configuration="core_and_cluster", **tc), POLICY)
    assert dispersed.score == core.score == 100.0
    assert "best fit for these cohorts" in " ".join(dispersed.reasons)


def test_dispersed_homes_for_a_cohort_whose_best_fit_excludes_them_score_less() -> None:
    wl = dict(cohorts=["supported_living_waiting_list"])
    dispersed = configuration(make_offer(configuration="self_contained_dispersed", **wl), POLICY)
    core = configuration(make_offer(configuration="core_and_cluster", **wl), POLICY)
    assert dispersed.score < core.score
