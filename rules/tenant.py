"""A tenant, as the benefit rules see them: age, disability benefits, status.

Pseudonymous by design: nothing here names or identifies a person. A profile is
either a typical tenant of a cohort (from the policy) or a person on the waiting
list; the housing costs engine (rules/housing_costs.py) takes either.
"""

from __future__ import annotations

import enum
from datetime import date

from pydantic import BaseModel, ConfigDict, Field, model_validator

from rules.money import Pence
from rules.pension_age import age_on, birthday_years_before, state_pension_age_date


class DisabilityBenefit(enum.StrEnum):
    PIP_DAILY_LIVING_STANDARD = "pip_daily_living_standard"
    PIP_DAILY_LIVING_ENHANCED = "pip_daily_living_enhanced"
    DLA_CARE_LOW = "dla_care_low"
    DLA_CARE_MIDDLE = "dla_care_middle"
    DLA_CARE_HIGH = "dla_care_high"
    ATTENDANCE_ALLOWANCE = "attendance_allowance"
    AFIP = "afip"


BENEFIT_WORDS = {
    DisabilityBenefit.PIP_DAILY_LIVING_STANDARD: "PIP daily living (standard rate)",
    DisabilityBenefit.PIP_DAILY_LIVING_ENHANCED: "PIP daily living (enhanced rate)",
    DisabilityBenefit.DLA_CARE_LOW: "DLA care component (lowest rate)",
    DisabilityBenefit.DLA_CARE_MIDDLE: "DLA care component (middle rate)",
    DisabilityBenefit.DLA_CARE_HIGH: "DLA care component (highest rate)",
    DisabilityBenefit.ATTENDANCE_ALLOWANCE: "Attendance Allowance",
    DisabilityBenefit.AFIP: "Armed Forces Independence Payment",
}

# UC Regs 2013 Sch 4 para 29(5) (AFIP counts as attendance allowance: reg 2): a
# renter under 35 getting one of these is not held to the shared accommodation rate.
# The same benefits qualify for the HB severe disability premium (HB Regs 2006
# Sch 3 para 14(2)(a)(i) with para 14(8) and reg 2 "attendance allowance").
SHARED_RATE_EXEMPTING = frozenset(DisabilityBenefit) - {DisabilityBenefit.DLA_CARE_LOW}

SHARED_ACCOMMODATION_AGE = 35  # UC Sch 4 para 28(2)(a); HB reg 2(1) "young individual"
CARE_LEAVER_EXEMPTION_AGE = 25  # UC Sch 4 para 29(2): a care leaver under 25


class TenantProfile(BaseModel):
    """One tenant. Give `age` (on the assessment date) or `date_of_birth`."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    label: str = ""
    typical: bool = False
    age: int | None = Field(default=None, ge=16, le=110)
    date_of_birth: date | None = None
    disability_benefits: frozenset[DisabilityBenefit] = frozenset()
    lcw: bool = False
    lcwra: bool = False
    # UC Act 2025: the LCWRA (health) element is lower for a claim first assessed
    # from 6 April 2026; a claimant from before keeps the protected rate.
    lcwra_new_claim: bool = False
    care_leaver: bool = False
    looked_after: bool = False
    overnight_carer: bool = False
    # HB only. None: worked out from the disability benefits, taking it that the
    # tenant lives alone and nobody gets Carer's Allowance for caring for them.
    severe_disability_premium: bool | None = None
    # Income the benefits' means tests leave alone (or that is kept on top of them).
    other_weekly_income: Pence = 0

    @model_validator(mode="before")
    @classmethod
    def _old_policy_shape(cls, data: object) -> object:
        # Policies stored before tenant profiles named PIP as `pip_daily_living`.
        if isinstance(data, dict) and "pip_daily_living" in data:
            data = dict(data)
            rate = data.pop("pip_daily_living")
            if rate in ("standard", "enhanced"):
                benefits = set(data.get("disability_benefits", ()))
                benefits.add(f"pip_daily_living_{rate}")
                data["disability_benefits"] = sorted(benefits)
        return data

    @model_validator(mode="after")
    def _age_or_birth(self) -> TenantProfile:
        if self.age is None and self.date_of_birth is None:
            raise ValueError("give the tenant's age or date of birth")
        if self.lcw and self.lcwra:
            raise ValueError("lcw and lcwra cannot both be true")
        pip = {
            DisabilityBenefit.PIP_DAILY_LIVING_STANDARD,
            DisabilityBenefit.PIP_DAILY_LIVING_ENHANCED,
        }
        dla = {
            DisabilityBenefit.DLA_CARE_LOW,
            DisabilityBenefit.DLA_CARE_MIDDLE,
            DisabilityBenefit.DLA_CARE_HIGH,
        }
        if len(self.disability_benefits & pip) > 1 or len(self.disability_benefits & dla) > 1:
            raise ValueError("at most one rate of PIP daily living and one of DLA care")
        return self

    def birth_date(self, on: date) -> date:
        """The date of birth, or (age only) that of someone whose birthday is `on`."""
        if self.date_of_birth is not None:
            return self.date_of_birth
        assert self.age is not None
        return birthday_years_before(on, self.age)

    def age_on(self, on: date) -> int:
        if self.date_of_birth is not None:
            return age_on(self.date_of_birth, on)
        assert self.age is not None
        return self.age

    def at_pension_age(self, on: date) -> bool:
        return on >= state_pension_age_date(self.birth_date(on))

    def with_age(self, age: int) -> TenantProfile:
        return self.model_copy(update={"age": age, "date_of_birth": None})

    def describe(self, on: date) -> str:
        parts = [f"aged {self.age_on(on)}"]
        parts += [BENEFIT_WORDS[b] for b in sorted(self.disability_benefits)]
        if self.lcwra:
            parts.append("LCWRA" + (" (new claim)" if self.lcwra_new_claim else ""))
        if self.lcw:
            parts.append("LCW")
        if self.care_leaver:
            parts.append("care leaver")
        if self.looked_after:
            parts.append("looked after")
        if self.overnight_carer:
            parts.append("overnight carer")
        if self.severe_disability_premium:
            parts.append("severe disability premium")
        return (self.label + ": " if self.label else "") + ", ".join(parts)
