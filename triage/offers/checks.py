"""Checks across answers that no single page can make, and the offer as the rules
will read it."""

from __future__ import annotations

from dataclasses import dataclass

from rules.offer import OfferData
from triage.models import Offer
from triage.services.policy import policy_in_force


@dataclass(frozen=True)
class Problem:
    message: str
    page_key: str


def offer_problems(offer: Offer) -> list[Problem]:
    problems = []
    total = offer.total_units
    for attribute, noun in (
        ("units_wheelchair_accessible", "Wheelchair accessible units"),
        ("units_fully_adapted", "Fully adapted units"),
    ):
        value = getattr(offer, attribute)
        if value is not None and total and value > total:
            problems.append(
                Problem(
                    f"{noun} ({value}) must be no more than the {total} units in the offer",
                    "accessibility",
                )
            )
    policy = policy_in_force()
    unknown = [row.cohort for row in offer.cohorts if policy.cohort(row.cohort) is None]
    if unknown:
        problems.append(
            Problem(
                "Choose who the homes are for again: the council’s list of groups has changed",
                "cohorts",
            )
        )
    return problems


def offer_data(offer: Offer) -> OfferData:
    """The offer in the rules' terms. Raises ValidationError if it is incomplete."""
    care = offer.care_provided is True
    return OfferData.model_validate(
        {
            "reference": offer.reference,
            "name": offer.name,
            "postcode": offer.postcode,
            "development_type": offer.development_type,
            "planning_status": offer.planning_status,
            "site_area_hectares": offer.site_area_hectares,
            "date_available": offer.date_available,
            "configuration": offer.configuration,
            "unit_types": [
                {
                    "kind": unit.kind,
                    "count": unit.count,
                    "own_bathroom": unit.own_bathroom,
                    "own_kitchen": unit.own_kitchen,
                    "most_people_sharing": unit.most_people_sharing,
                    "core_rent_pence": unit.core_rent_pence,
                    "eligible_service_charge_pence": unit.eligible_service_charge_pence,
                    "ineligible_service_charge_pence": unit.ineligible_service_charge_pence,
                    "ineligible_charges_cover": unit.ineligible_charges_cover or "",
                    "intensive_housing_management_pence": unit.intensive_housing_management_pence,
                }
                for unit in offer.unit_types
            ],
            "communal_space": offer.communal_space,
            "staff_office": offer.staff_office,
            "wheelchair_accessible_units": offer.units_wheelchair_accessible,
            "fully_adapted_units": offer.units_fully_adapted,
            "assistive_technology": offer.assistive_technology,
            "lift": offer.lift,
            "accessibility_standard": offer.accessibility_standard,
            "cohorts": [row.cohort for row in offer.cohorts],
            "support_model": offer.support_model,
            "age_min": offer.age_min,
            "age_max": offer.age_max,
            "landlord_name": offer.landlord_name,
            "landlord_type": offer.landlord_type,
            "landlord_provides_care_support_or_supervision": offer.landlord_provides_care,
            "lease_model": offer.lease_model,
            "council_asked_to_cover_voids": offer.council_asked_to_cover_voids,
            "care_provider_name": offer.care_provider_name if care else None,
            "care_provider_framework_status": offer.care_framework_status if care else None,
            "care_hours_per_person_per_week": (
                offer.care_hours_per_person_per_week if care else None
            ),
            "care_cost_pence_per_person_per_week": (
                offer.care_cost_pence_per_person_per_week if care else None
            ),
        }
    )
