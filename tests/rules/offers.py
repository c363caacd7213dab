"""Valid offers and policy variants for the rules tests.

`make_offer()` is a sound core-and-cluster scheme of 12 one-bedroom flats let
by a registered provider that also provides support (exempt accommodation),
for the supported living waiting list (12 units of need remain after the
Blackbird Road scheme). Tests override only what they are about.
"""

from __future__ import annotations

from functools import cache
from typing import Any

from rules.offer import OfferData
from rules.policy_data import POLICY_DIR, Policy, load_policy
from rules.tenant import TenantProfile

SHIPPED_POLICY_FILE = POLICY_DIR / "2026-04-01.yaml"


@cache
def shipped_policy() -> Policy:
    """The 2026/27 policy, read from its file (not "whatever is in force today").
    Read once: a Policy is frozen, so the tests can share it."""
    return load_policy(SHIPPED_POLICY_FILE)


def unit(**overrides: Any) -> dict[str, Any]:
    values: dict[str, Any] = dict(
        kind="one_bed",
        count=12,
        own_bathroom=True,
        own_kitchen=True,
        most_people_sharing=1,
        core_rent_pence=15000,
        eligible_service_charge_pence=3500,
        ineligible_service_charge_pence=800,
    )
    values.update(overrides)
    return values


def make_offer(**overrides: Any) -> OfferData:
    """A valid offer; `units=[...]` is a short way to pass `unit_types`, and
    `unit_overrides={...}` changes the single default unit type."""
    unit_overrides = overrides.pop("unit_overrides", {})
    values: dict[str, Any] = dict(
        reference="TEST-1",
        name="Test Court",
        postcode="LE2 0AB",
        development_type="new_build",
        planning_status="granted",
        configuration="core_and_cluster",
        unit_types=[unit(**unit_overrides)],
        communal_space=True,
        staff_office=True,
        wheelchair_accessible_units=2,
        fully_adapted_units=1,
        assistive_technology=True,
        lift=True,
        accessibility_standard="m4_2",
        cohorts=["supported_living_waiting_list"],
        support_model="on_site_24_7",
        age_min=18,
        age_max=64,
        landlord_name="Example Housing Association",
        landlord_type="registered_provider",
        landlord_provides_care_support_or_supervision=True,
        lease_model="landlord_manages",
        council_asked_to_cover_voids=False,
    )
    if "units" in overrides:
        overrides["unit_types"] = overrides.pop("units")
    values.update(overrides)
    return OfferData.model_validate(values)


def with_tenant(policy: Policy, code: str, **tenant: Any) -> Policy:
    """The policy with one cohort's range of tenants replaced by one typical tenant."""
    profile = TenantProfile(typical=True, **tenant)
    cohorts = [
        cohort.model_copy(update={"typical_tenants": [profile], "typical_tenant": None})
        if cohort.code == code
        else cohort
        for cohort in policy.cohorts
    ]
    return policy.model_copy(update={"cohorts": cohorts})


def with_supply_by_district(policy: Policy, supply: dict[str, int]) -> Policy:
    existing = policy.existing_supply.model_copy(update={"by_postcode_district": supply})
    return policy.model_copy(update={"existing_supply": existing})


@cache
def firm_pipeline_policy() -> Policy:
    """The shipped policy with every planned scheme firm: the strategy's own count,
    where planned units meet need in full (firm = expected = planned)."""
    policy = shipped_policy()
    return policy.model_copy(
        update={
            "pipeline": [
                scheme.model_copy(update={"firm": True, "confidence": None})
                for scheme in policy.pipeline
            ]
        }
    )
