"""Every validation rule of every question page of the offer form: the page is shown
again with one GOV.UK error naming the problem, and the saved draft is untouched."""

from __future__ import annotations

from typing import Any

import pytest

from tests import factories
from tests.offers.terms_rules import TERMS_RULES
from tests.web.answers import offer_overrides, valid
from tests.web.checks import refused_and_kept

LONG = "x" * 201

# (page, changes to the valid answer, the one message the person sees)
RULES: list[tuple[str, dict[str, Any], str]] = [
    # Property name and address
    ("name-and-address", {"name": ""}, "Enter the property or scheme name"),
    ("name-and-address", {"name": "   "}, "Enter the property or scheme name"),
    ("name-and-address", {"name": None}, "Enter the property or scheme name"),
    (
        "name-and-address",
        {"name": LONG},
        "Property or scheme name must be 200 characters or fewer",
    ),
    ("name-and-address", {"address": ""}, "Enter the address"),
    ("name-and-address", {"address": "a" * 501}, "Address must be 500 characters or fewer"),
    ("name-and-address", {"postcode": ""}, "Enter the postcode"),
    ("name-and-address", {"postcode": "LE1"}, "Enter a real postcode, like LE1 6ZG"),
    ("name-and-address", {"postcode": "LE1 6ZGG 6ZG"}, "Enter a real postcode, like LE1 6ZG"),
    # Development and planning
    ("development", {"development_type": None}, "Select the type of development"),
    ("development", {"development_type": "castle"}, "Select the type of development"),
    ("development", {"planning_status": None}, "Select the planning status"),
    ("development", {"planning_status": "pending"}, "Select the planning status"),
    # Site area
    ("site-area", {"site_area_hectares": "half"}, "Site area must be a number, like 0.25"),
    (
        "site-area",
        {"site_area_hectares": "0.1234"},
        "Site area must have no more than 3 decimal places",
    ),
    ("site-area", {"site_area_hectares": "0"}, "Site area must be more than 0"),
    ("site-area", {"site_area_hectares": "-1"}, "Site area must be 0 or more"),
    ("site-area", {"site_area_hectares": "1000.5"}, "Site area must be 1,000 or less"),
    # Date available
    (
        "date-available",
        {"date_available": ["", "", ""]},
        "Enter the date the homes will be available",
    ),
    ("date-available", {"date_available": None}, "Enter the date the homes will be available"),
    ("date-available", {"date_available": ["", "9", "2027"]}, "Date available must include a day"),
    (
        "date-available",
        {"date_available": ["1", "", ""]},
        "Date available must include a month and year",
    ),
    (
        "date-available",
        {"date_available": ["31", "2", "2027"]},
        "Date available must be a real date",
    ),
    (
        "date-available",
        {"date_available": ["1", "13", "2027"]},
        "Date available must be a real date",
    ),
    (
        "date-available",
        {"date_available": ["1", "9", "1999"]},
        "Date available must be between 2000 and 2100",
    ),
    # Arrangement
    ("configuration", {"configuration": None}, "Select how the homes are arranged"),
    ("configuration", {"configuration": "tower"}, "Select how the homes are arranged"),
    ("configuration", {"configuration": "other"}, "Describe how the homes are arranged"),
    (
        "configuration",
        {"configuration": "other", "configuration_other": "a" * 501},
        "Description of the arrangement must be 500 characters or fewer",
    ),
    # Number of units
    (
        "units",
        {"one_bed": ""},
        "Enter how many units of at least one type the offer has",
    ),
    ("units", {"studio": "-1"}, "Studios must be 0 or more"),
    ("units", {"one_bed": "eight"}, "1-bedroom flats must be a whole number, like 12"),
    ("units", {"two_bed": "1001"}, "2-bedroom flats must be 1,000 or fewer"),
    ("units", {"shared_room": "2.5"}, "Rooms in shared housing must be a whole number, like 12"),
    # Bathrooms and kitchens
    (
        "unit-facilities/one_bed",
        {"own_bathroom": None},
        "Select yes if each unit has its own bathroom",
    ),
    (
        "unit-facilities/one_bed",
        {"own_kitchen": "sometimes"},
        "Select yes if each unit has its own kitchen",
    ),
    (
        "unit-facilities/one_bed",
        {"most_people_sharing": ""},
        "Enter the most people who share a bathroom or kitchen",
    ),
    (
        "unit-facilities/one_bed",
        {"most_people_sharing": "0"},
        "Most people sharing must be 1 or more",
    ),
    (
        "unit-facilities/one_bed",
        {"most_people_sharing": "21", "own_bathroom": "no"},
        "Most people sharing must be 20 or fewer",
    ),
    (
        "unit-facilities/one_bed",
        {"most_people_sharing": "3"},
        "Enter 1 if each unit has its own bathroom and kitchen, or change those answers",
    ),
    # Shared facilities
    ("shared-facilities", {"communal_space": None}, "Select yes if there is a communal space"),
    (
        "shared-facilities",
        {"staff_office": None},
        "Select yes if there is a staff office or communal resource space",
    ),
    # Accessibility standard
    ("accessibility", {"accessibility_standard": None}, "Select the accessibility standard"),
    ("accessibility", {"accessibility_standard": "m4_9"}, "Select the accessibility standard"),
    # Accessibility of each unit type's homes (issue 13): 8 one-bedroom flats
    (
        "unit-access/one_bed",
        {"wheelchair_accessible": ""},
        "Enter how many of these homes are wheelchair accessible, or 0",
    ),
    (
        "unit-access/one_bed",
        {"fully_adapted": "some"},
        "Fully adapted homes must be a whole number, like 12",
    ),
    (
        "unit-access/one_bed",
        {"level_access": ""},
        "Enter how many of these homes have level access, or 0",
    ),
    (
        "unit-access/one_bed",
        {"lift": None},
        "Enter how many of these homes are on an upper floor served by a lift, or 0",
    ),
    (
        "unit-access/one_bed",
        {"assistive_technology": "-1"},
        "Homes with assistive technology must be 0 or more",
    ),
    (
        "unit-access/one_bed",
        {"wheelchair_accessible": "9"},
        "Wheelchair accessible homes must be 8 or fewer, the number of 1-bedroom flats in "
        "the offer",
    ),
    (
        "unit-access/one_bed",
        {"fully_adapted": "9"},
        "Fully adapted homes must be 8 or fewer, the number of 1-bedroom flats in the offer",
    ),
    (
        "unit-access/one_bed",
        {"level_access": "5", "lift": "4"},
        "Homes with level access and homes served by a lift must add up to 8 or fewer: "
        "a home is one or the other",
    ),
    # A dispersed scheme's addresses (issue 13): 8 units in the offer
    ("addresses", {"address_2": ""}, "Enter the address"),
    ("addresses", {"postcode_1": "LE1"}, "Enter a real postcode, like LE1 6ZG"),
    ("addresses", {"units_2": "0"}, "Units at this address must be 1 or more"),
    ("addresses", {"units_1": "three"}, "Units at this address must be a whole number, like 12"),
    (
        "addresses",
        {"units_2": "4"},
        "The units at each address must add up to 8, the number of units in the offer "
        "(they add up to 7)",
    ),
    # Who the homes are for
    ("cohorts", {"cohorts": None}, "Select who the homes are for"),
    ("cohorts", {"cohorts": ["not_a_cohort"]}, "Select who the homes are for from the list"),
    # Support on site
    ("support-model", {"support_model": None}, "Select the support model"),
    ("support-model", {"support_model": "sometimes"}, "Select the support model"),
    # Age range
    ("age-range", {"age_min": ""}, "Enter the youngest age"),
    ("age-range", {"age_max": ""}, "Enter the oldest age"),
    ("age-range", {"age_min": "15"}, "Youngest age must be 16 or more"),
    ("age-range", {"age_max": "121"}, "Oldest age must be 120 or fewer"),
    ("age-range", {"age_min": "adult"}, "Youngest age must be a whole number, like 12"),
    (
        "age-range",
        {"age_min": "65", "age_max": "18"},
        "Oldest age must be the same as or more than the youngest age",
    ),
    # Weekly rent and charges
    ("unit-charges/one_bed", {"core_rent_pence": ""}, "Enter the weekly core rent"),
    (
        "unit-charges/one_bed",
        {"eligible_service_charge_pence": ""},
        "Enter the weekly eligible service charges, or 0",
    ),
    (
        "unit-charges/one_bed",
        {"ineligible_service_charge_pence": ""},
        "Enter the weekly ineligible service charges, or 0",
    ),
    (
        "unit-charges/one_bed",
        {"intensive_housing_management_pence": ""},
        "Enter the weekly intensive housing management charge, or 0",
    ),
    ("unit-charges/one_bed", {"core_rent_pence": "-1"}, "Core rent must be £0.00 or more"),
    (
        "unit-charges/one_bed",
        {"core_rent_pence": "a lot"},
        "Core rent must be an amount of money, like 150.00",
    ),
    (
        "unit-charges/one_bed",
        {"eligible_service_charge_pence": "35.123"},
        "Eligible service charges must be in pounds and pence, like 150.00",
    ),
    (
        "unit-charges/one_bed",
        {"intensive_housing_management_pence": "5000.01"},
        "Intensive housing management charge must be £5,000.00 or less",
    ),
    (
        "unit-charges/one_bed",
        {"ineligible_charges_cover": ""},
        "Enter what the ineligible service charges cover",
    ),
    (
        "unit-charges/one_bed",
        {"ineligible_charges_cover": "a" * 1001},
        "What the ineligible service charges cover must be 1000 characters or fewer",
    ),
    # The landlord
    ("landlord", {"landlord_name": ""}, "Enter the landlord’s name"),
    ("landlord", {"landlord_name": LONG}, "Landlord’s name must be 200 characters or fewer"),
    ("landlord", {"landlord_type": None}, "Select the type of landlord"),
    ("landlord", {"landlord_type": "landlord"}, "Select the type of landlord"),
    (
        "landlord",
        {"landlord_provides_care": None},
        "Select yes if the landlord provides care, support or supervision",
    ),
    # Registration (issue 13)
    (
        "cqc-registration",
        {"cqc_registered": None},
        "Select yes if the care provider is registered with the CQC",
    ),
    (
        "cqc-registration",
        {"cqc_registered": "maybe"},
        "Select yes if the care provider is registered with the CQC",
    ),
    (
        "ofsted-registration",
        {"ofsted_registered": None},
        "Select yes if the accommodation is registered with Ofsted",
    ),
    # Type of rent (issue 13)
    ("rent-type", {"rent_type": None}, "Select the type of rent"),
    ("rent-type", {"rent_type": "peppercorn"}, "Select the type of rent"),
    # Nomination rights (issue 13)
    (
        "nominations",
        {"nomination_share_percent": ""},
        "Enter the share of homes the council will nominate to, or 0",
    ),
    (
        "nominations",
        {"nomination_share_percent": "most"},
        "The share of homes must be a whole number, like 12",
    ),
    (
        "nominations",
        {"nomination_share_percent": "101"},
        "The share of homes must be 100 or fewer",
    ),
    ("nominations", {"nomination_share_percent": "-1"}, "The share of homes must be 0 or more"),
    (
        "nominations",
        {"nomination_term_years": ""},
        "Enter how many years the council will have nomination rights, or 0",
    ),
    (
        "nominations",
        {"nomination_term_years": "126"},
        "The number of years must be 125 or fewer",
    ),
    (
        "nominations",
        {"nomination_term_years": "0"},
        "Enter how many years the council will have nomination rights: more than 0 if it "
        "nominates to any homes",
    ),
    # Leasing, management and voids
    ("management", {"lease_model": None}, "Select how the homes will be leased or managed"),
    ("management", {"lease_model": "other"}, "Describe how the homes will be leased or managed"),
    (
        "management",
        {"lease_model": "other", "lease_model_other": "a" * 501},
        "Description of the arrangement must be 500 characters or fewer",
    ),
    # Care and support
    ("care", {"care_provided": None}, "Select yes if the offer includes care and support"),
    ("care", {"care_provided": "perhaps"}, "Select yes if the offer includes care and support"),
    # Care and support provider
    ("care-provider", {"care_provider_name": ""}, "Enter who provides the care and support"),
    (
        "care-provider",
        {"care_provider_name": LONG},
        "Name of the care and support provider must be 200 characters or fewer",
    ),
    (
        "care-provider",
        {"care_framework_status": None},
        "Select whether the provider is on the Supported Living Framework",
    ),
    (
        "care-provider",
        {"care_hours_per_person_per_week": ""},
        "Enter the expected hours or cost per person per week",
    ),
    (
        "care-provider",
        {"care_hours_per_person_per_week": "169"},
        "Hours per person must be 168 or less",
    ),
    (
        "care-provider",
        {"care_hours_per_person_per_week": "12.25"},
        "Hours per person must have no more than 1 decimal place",
    ),
    (
        "care-provider",
        {"care_hours_per_person_per_week": "", "care_cost_pence_per_person_per_week": "20000.01"},
        "Cost per person must be £20,000.00 or less",
    ),
]


# The offer's terms pages (issue 13).
RULES += TERMS_RULES


def _rule_id(rule: tuple[str, dict[str, Any], str]) -> str:
    key, _changes, message = rule
    return f"{key}: {message}"


@pytest.mark.parametrize(("key", "changes", "message"), RULES, ids=[_rule_id(r) for r in RULES])
def test_each_rule_is_shown_once_and_the_draft_is_kept(
    submitter_client, submitter, key, changes, message
):
    offer = factories.complete_offer(submitter, **offer_overrides(key))
    listed = refused_and_kept(submitter_client, offer.id, key, valid(key, **changes), message)
    assert listed == [message]


def test_every_question_page_has_a_rule_tested():
    from triage.offers.pages import PAGES_BY_KEY

    tested = {key.split("/")[0] for key, _changes, _message in RULES}
    # The rent check's rule (an answer is required) is in test_rent_check.py.
    assert tested == {key.split("/")[0] for key in PAGES_BY_KEY} - {"rent-check"}


@pytest.mark.parametrize("key", sorted({key for key, _c, _m in RULES}))
def test_the_valid_answer_each_rule_starts_from_is_accepted(submitter_client, submitter, key):
    """The rules above change one field of this answer: on its own it must pass, so
    each refusal is down to the one change."""
    offer = factories.complete_offer(submitter, **offer_overrides(key))
    response = factories.answer(submitter_client, offer.id, key, valid(key))
    assert response.status_code == 302, factories.error_summary(response)
