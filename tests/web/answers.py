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
    "units": {"studio": "", "one_bed": "8", "two_bed": "", "shared_room": ""},
    "unit-facilities/one_bed": {
        "own_bathroom": "yes",
        "own_kitchen": "yes",
        "most_people_sharing": "1",
    },
    "shared-facilities": {
        "communal_space": "yes",
        "staff_office": "yes",
        "assistive_technology": "yes",
        "lift": "yes",
    },
    "accessibility": {
        "units_wheelchair_accessible": "2",
        "units_fully_adapted": "1",
        "accessibility_standard": "m4_2",
    },
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
    "management": {
        "lease_model": "landlord_manages",
        "lease_model_other": "",
        "council_asked_to_cover_voids": "no",
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
    return WITH_CARE if key in ("care-provider", "cqc-registration") else {}
