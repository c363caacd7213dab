"""`triage afford CASES.json`: one tenant in one home per case, through the same
housing costs engine the affordability rule uses. Money in the files is pounds."""

from __future__ import annotations

import json
from collections.abc import Iterator
from datetime import date
from pathlib import Path
from typing import Any

from pydantic import BaseModel, ConfigDict, Field, TypeAdapter, ValidationError

from rules.housing_costs import AccommodationKind, ChargeCategory, Home, assess
from rules.money import Pence, as_pounds
from rules.offer import LandlordType, RentType
from rules.policy_data import Policy
from rules.tenant import TenantProfile


class AffordCase(BaseModel):
    """One tenant in one home. The first ten fields are required."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    id: str | None = Field(default=None, description="Echoed back, to match results to cases")
    landlord: LandlordType
    landlord_provides_care_support_or_supervision: bool
    support_from_another_provider: bool
    self_contained: bool
    bedrooms: int = Field(ge=0, le=6, description="0 for a studio or a room")
    weekly_core_rent: Pence
    weekly_eligible_service_charges: Pence = Field(description="HB-eligible (HB Regs Sch 1)")
    weekly_ineligible_service_charges: Pence
    tenant: TenantProfile
    weekly_intensive_housing_management: Pence = 0
    rent_type: RentType = RentType.SOCIAL
    accommodation: AccommodationKind = AccommodationKind.ORDINARY
    tenants_sharing_the_home: int = Field(default=1, ge=1, le=20)
    service_charges: dict[ChargeCategory, Pence] | None = Field(
        default=None,
        description="Charges by category (pounds a week); replaces the eligible figure",
    )
    assessed_on: date | None = Field(default=None, description="The policy's date if not given")

    def home(self) -> Home:
        return Home(
            landlord=self.landlord,
            landlord_provides_care_support_or_supervision=self.landlord_provides_care_support_or_supervision,
            support_from_another_provider=self.support_from_another_provider,
            self_contained=self.self_contained,
            bedrooms=max(1, self.bedrooms),
            core_rent=self.weekly_core_rent,
            eligible_charges=self.weekly_eligible_service_charges,
            ineligible_charges=self.weekly_ineligible_service_charges,
            housing_management=self.weekly_intensive_housing_management,
            rent_type=self.rent_type,
            kind=self.accommodation,
            sharers=self.tenants_sharing_the_home,
            charges_by_category=self.service_charges,
        )


_CASES = TypeAdapter(list[AffordCase])


class CaseFileError(ValueError):
    """A cases file that cannot be read, with where and why."""


def parse_cases(raw: Any, name: str) -> list[AffordCase]:
    if isinstance(raw, dict):
        raw = [raw]
    try:
        return _CASES.validate_python(raw)
    except ValidationError as error:
        problems = "; ".join(
            f"case {'.'.join(str(part) for part in problem['loc'])}: {problem['msg']}"
            for problem in error.errors()[:20]
        )
        raise CaseFileError(f"{name}: {problems}") from error


def read_cases(path: Path) -> list[AffordCase]:
    try:
        raw = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as error:
        raise CaseFileError(f"{path.name}: cannot be read as JSON: {error}") from error
    return parse_cases(raw, path.name)


def afford(case: AffordCase, policy: Policy) -> dict[str, Any]:
    a = assess(case.home(), case.tenant, policy, case.assessed_on)

    def money(pence: int | None) -> float | None:
        return None if pence is None else as_pounds(pence)

    return {
        "id": case.id,
        "route": a.route.value,
        "lha_category": a.lha_category,
        "pension_age": a.pension_age,
        "bedrooms_allowed": a.bedrooms_allowed,
        "weekly_eligible_rent": money(a.weekly_eligible),
        "weekly_housing_costs_met": money(a.weekly_met),
        "weekly_rent_shortfall": money(a.weekly_rent_shortfall),
        "weekly_shortfall": money(a.weekly_shortfall),
        "weekly_income": money(a.weekly_income),
        "weekly_left": money(a.weekly_left),
        "restriction_risk": (
            {
                "benchmark": money(a.benchmark_max),
                "weekly_shortfall_if_restricted": money(a.restriction_shortfall),
            }
            if a.restriction_shortfall
            else None
        ),
        "reasons": a.reasons,
    }


def afford_all(cases: list[AffordCase], policy: Policy) -> Iterator[dict[str, Any]]:
    for case in cases:
        yield afford(case, policy)


def afford_json_schema() -> dict[str, Any]:
    schema = TypeAdapter(list[AffordCase]).json_schema()
    schema["$schema"] = "https://json-schema.org/draft/2020-12/schema"
    schema["title"] = "Rent affordability cases"
    schema["description"] = (
        "`triage afford FILE` takes a JSON list of cases (one tenant in one home each) "
        "and prints one JSON line per case with at least route, lha_category, "
        "weekly_housing_costs_met, weekly_shortfall and reasons. Money is pounds a week."
    )
    return schema
