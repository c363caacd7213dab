"""Valid offers and policy variants for the rules tests.

`make_offer()` is a sound core-and-cluster scheme of 12 one-bedroom flats let
by a registered provider that also provides support (exempt accommodation),
for the supported living waiting list (12 units of need remain after the
Blackbird Road scheme). Tests override only what they are about.
"""

from __future__ import annotations

from functools import cache
from typing import Any

from rules.existing_supply import RegisteredScheme, SupplyRegister
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
        void_payer="landlord_or_provider",
    )
    if "council_asked_to_cover_voids" in overrides:  # the yes/no of formats 1 and 2
        del values["void_payer"]
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


# The existing-supply register as migration 0024 seeds it: the strategy's Appendix A
# totals (632 units), with no postcode or cohort.
SEEDED_REGISTER = SupplyRegister(
    schemes=(
        RegisteredScheme("Extra care schemes (Appendix A total)", "extra_care", 170, schemes=3),
        RegisteredScheme("Shared houses (Appendix A total)", "shared_house", 140, schemes=36),
        RegisteredScheme(
            "Supported living schemes (Appendix A total)", "supported_living", 322, schemes=73
        ),
    )
)


def placed_register(units: dict[str, int], **approved_shared_houses: int) -> SupplyRegister:
    """The seeded register with the supported living placed by postcode: `units`
    maps postcodes to units there; what is left of the 322 stays unplaced."""
    placed = tuple(
        RegisteredScheme(f"Scheme at {postcode}", "supported_living", count, postcode)
        for postcode, count in units.items()
    )
    rest = 322 - sum(units.values())
    left = (
        (RegisteredScheme("Supported living not yet placed", "supported_living", rest),)
        if rest > 0
        else ()
    )
    return SupplyRegister(
        schemes=SEEDED_REGISTER.schemes[:2] + placed + left,
        approved_shared_houses=approved_shared_houses,
    )
