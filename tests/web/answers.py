"""A valid answer for every question page, matching factories.complete_offer (one
unit type, 8 one-bedroom flats), so a test can change one field and post the rest."""

from __future__ import annotations

from typing import Any

VALID: dict[str, dict[str, Any]] = {
    "name-and-address": {
        "name": "Hamelin Court",
        "address": "1 Example Road\nLeicester",
        "postcode": "LE1 6ZG",
    },
    "development": {"development_type": "new_build", "planning_status": "granted"},
    "site-area": {"site_area_hectares": "0.4"},
    "date-available": {"date_available": ["1", "9", "2027"]},
    "configuration": {"configuration": "core_and_cluster", "configuration_other": ""},
    "units": {
        "studio": "",
        "one_bed": "8",
        "two_bed": "",
        "shared_room": "",
        "three_bed": "",
        "four_bed": "",
        "house": "",
        "bungalow": "",
    },
    "unit-facilities/one_bed": {
        "own_bathroom": "yes",
        "own_kitchen": "yes",
        "most_people_sharing": "1",
    },
    "unit-access/one_bed": {
        "wheelchair_accessible": "2",
        "fully_adapted": "1",
        "level_access": "2",
        "lift": "6",
        "assistive_technology": "8",
    },
    "shared-facilities": {"communal_space": "yes", "staff_office": "yes"},
    "addresses": {
        "address_1": "1 Example Road",
        "postcode_1": "LE1 6ZG",
        "units_1": "3",
        "address_2": "7 Other Street",
        "postcode_2": "LE4 1XY",
        "units_2": "5",
    },
    "accessibility": {"accessibility_standard": "m4_2"},
    "cohorts": {"cohorts": ["mental_health_step_down"]},
    "support-model": {"support_model": "on_site_24_7"},
    "age-range": {"age_min": "18", "age_max": "64"},
    "unit-charges/one_bed": {
        "core_rent_pence": "150.00",
        "eligible_service_charge_pence": "35.00",
        "ineligible_service_charge_pence": "12.00",
        "ineligible_charges_cover": "Heating and lighting in the flat",
        "intensive_housing_management_pence": "0.00",
    },
    "landlord": {
        "landlord_name": "Example Homes",
        "landlord_type": "registered_provider",
        "landlord_provides_care": "yes",
    },
    "management": {"lease_model": "landlord_manages", "lease_model_other": ""},
    # The offer's terms (issue 13).
    "confidential-address": {"confidential_address": "no"},
    "site-and-funding": {
        "site_status": "owned",
        "capital_funding": ["none"],
        "right_to_buy_percent": "",
    },
    "length-of-stay": {"intended_stay": "medium_stay", "tenancy_type": "assured_shorthold"},
    "client-groups": {"client_groups": ["mental_health"], "support_level": "high_level"},
    "voids": {"void_payer": "landlord_or_provider"},
    "lease-terms": {
        "lease_years": "10",
        "break_clause": "yes",
        "break_clause_after_years": "5",
        "repairs_by": "landlord_repairs",
    },
    "void-terms": {
        "voids_from": "after_weeks_empty",
        "voids_from_weeks": "4",
        "void_rate_basis": "percent_of_rent",
        "void_rate_percent": "50",
        "void_rate_pence_per_week": "",
        "void_cover_months": "12",
    },
    "cqc-registration": {"cqc_registered": "yes"},
    "ofsted-registration": {"ofsted_registered": "yes"},
    "rent-type": {"rent_type": "social"},
    "nominations": {"nomination_share_percent": "100", "nomination_term_years": "25"},
    "care": {"care_provided": "no"},
    "care-provider": {
        "care_provider_name": "Kind Care Ltd",
        "care_framework_status": "on_framework",
        "care_hours_per_person_per_week": "12.5",
        "care_cost_pence_per_person_per_week": "",
    },
}

# complete_offer's answers for an offer that includes care, so the care provider
# page applies.
WITH_CARE: dict[str, Any] = {
    "care_provided": True,
    "care_provider_name": "Kind Care Ltd",
    "care_framework_status": "on_framework",
    "care_hours_per_person_per_week": 12.5,
}

# Every text field of the offer form: (page, field, the other answers it needs).
TEXT_FIELDS: list[tuple[str, str, dict[str, Any]]] = [
    ("name-and-address", "name", {}),
    ("name-and-address", "address", {}),
    ("configuration", "configuration_other", {"configuration": "other"}),
    ("unit-charges/one_bed", "ineligible_charges_cover", {}),
    ("landlord", "landlord_name", {}),
    ("management", "lease_model_other", {"lease_model": "other"}),
    ("care-provider", "care_provider_name", {}),
]


def valid(key: str, **changes: Any) -> dict[str, Any]:
    """The valid answer for page `key`, with some fields changed; None drops a field."""
    data = {**VALID[key], **changes}
    return {name: value for name, value in data.items() if value is not None}


def offer_overrides(key: str) -> dict[str, Any]:
    """What complete_offer needs for page `key` to apply to the offer."""
    if key == "ofsted-registration":
        # The page applies to offers for looked-after 16-17-year-olds (issue 13).
        from triage.models import OfferCohort

        return {"cohorts": [OfferCohort(cohort="looked_after_16_17")]}
    if key == "lease-terms":  # asked when another body leases or manages the homes
        return {"lease_model": "lease_to_provider"}
    if key == "addresses":  # asked of a dispersed scheme (issue 13)
        return {"configuration": "self_contained_dispersed"}
    if key == "void-terms":  # asked when the council pays some of the cost of voids
        return {"void_payer": "council_pays"}
    return WITH_CARE if key in ("care-provider", "cqc-registration") else {}
