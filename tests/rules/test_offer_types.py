import pytest
from pydantic import ValidationError

from rules.offer import Configuration, OfferData, UnitKind, choices, label


def _offer(**overrides):
    values = dict(
        name="Hamelin Court",
        postcode="LE1 6ZG",
        development_type="new_build",
        planning_status="granted",
        configuration="core_and_cluster",
        unit_types=[
            dict(
                kind="one_bed",
                count=8,
                own_bathroom=True,
                own_kitchen=True,
                most_people_sharing=1,
                core_rent_pence=15000,
                eligible_service_charge_pence=3500,
                ineligible_service_charge_pence=1200,
            ),
            dict(
                kind="studio",
                count=2,
                own_bathroom=True,
                own_kitchen=True,
                most_people_sharing=1,
                core_rent_pence=14000,
                eligible_service_charge_pence=3500,
                ineligible_service_charge_pence=1200,
            ),
        ],
        communal_space=True,
        staff_office=True,
        wheelchair_accessible_units=1,
        fully_adapted_units=0,
        assistive_technology=True,
        lift=False,
        accessibility_standard="m4_2",
        cohorts=["mental_health_step_down"],
        support_model="on_site_24_7",
        age_min=18,
        age_max=64,
        landlord_name="Example Homes",
        landlord_type="registered_provider",
        landlord_provides_care_support_or_supervision=True,
        lease_model="landlord_manages",
        council_asked_to_cover_voids=False,
    )
    values.update(overrides)
    return OfferData.model_validate(values)


def test_an_offer_counts_its_units_across_types():
    assert _offer().total_units == 10


@pytest.mark.parametrize(
    "overrides",
    [
        {"unit_types": []},
        {"cohorts": []},
        {"configuration": "igloo"},
        {"age_min": 12},
        {"wheelchair_accessible_units": -1},
    ],
)
def test_offers_the_rules_cannot_score_are_refused(overrides):
    with pytest.raises(ValidationError):
        _offer(**overrides)


def test_money_is_whole_pence_never_a_float():
    with pytest.raises(ValidationError):
        _offer(
            unit_types=[
                dict(
                    kind="one_bed",
                    count=1,
                    own_bathroom=True,
                    own_kitchen=True,
                    most_people_sharing=1,
                    core_rent_pence=150.5,
                    eligible_service_charge_pence=0,
                    ineligible_service_charge_pence=0,
                )
            ]
        )


def test_every_choice_has_words_for_people():
    assert ("core_and_cluster", "Self-contained flats, core and cluster") in choices(Configuration)
    assert label(UnitKind.SHARED_ROOM) == "Room in a shared house or shared flat"
