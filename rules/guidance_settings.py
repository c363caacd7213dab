"""The policy's `guidance` section: which checks give a submitter guidance on their
draft, and in what words (issue 14). The checks themselves are rules/guidance.py;
this is only their schema, so rules/policy_data.py can read the section without
importing the rules."""

from __future__ import annotations

from string import Formatter

from pydantic import BaseModel, ConfigDict, Field, model_validator

# Each check, and the placeholders its wording may use.
CHECKS: dict[str, frozenset[str]] = {
    "shared_housing_not_wanted": frozenset({"cohort"}),
    "core_rent_above_range": frozenset({"unit", "rent", "soft_max"}),
    "need_met_by_planned_schemes": frozenset({"cohort", "year"}),
    "care_outside_framework": frozenset({"provider"}),
    "not_best_fit": frozenset({"cohort", "best_fit"}),
    "outside_city": frozenset({"district"}),
    "voids_asked": frozenset(),
    # Issue 13: planning, timing, ages and care hours (rules/guidance.py).
    "planning_refused": frozenset(),
    "planning_not_yet_applied": frozenset(),
    "available_after_strategy": frozenset({"year", "period"}),
    "ages_outside_cohort": frozenset({"ages", "cohort", "cohort_ages"}),
    "care_hours_unlike_support": frozenset({"hours", "support"}),
    "support_unlike_cohort": frozenset({"cohort", "support"}),
}


class GuidanceItem(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    check: str
    text: str = Field(min_length=1, max_length=500)

    @model_validator(mode="after")
    def _known(self) -> GuidanceItem:
        if self.check not in CHECKS:
            raise ValueError(f"unknown check {self.check!r}: one of {', '.join(CHECKS)}")
        used = {name for _, name, _, _ in Formatter().parse(self.text) if name}
        unknown = used - CHECKS[self.check]
        if unknown:
            allowed = ", ".join(sorted(CHECKS[self.check])) or "none"
            raise ValueError(
                f"{self.check}: unknown placeholder {{{sorted(unknown)[0]}}} (allowed: {allowed})"
            )
        return self


class GuidanceSettings(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    source: str
    # Planned schemes and approved offers meeting at least this share of a cohort's
    # forecast need count as meeting "most" of it.
    most_of_need: float = Field(default=0.5, gt=0, le=1)
    items: list[GuidanceItem] = []

    @model_validator(mode="after")
    def _once_each(self) -> GuidanceSettings:
        checks = [item.check for item in self.items]
        if len(set(checks)) != len(checks):
            raise ValueError("each check may be given once")
        return self
