"""Rent affordability for the identified person: the same engine as the offer's
score (rules/housing_costs.py), run on the person's pseudonymous benefit profile
in the home they might be nominated for."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

from pydantic import ValidationError

from rules.affordability import home_for, judge
from rules.housing_costs import Assessment, assess
from rules.policy_data import Policy
from rules.result import Verdict, pounds
from triage import db
from triage.models import Offer, PlacementUnit, WaitingPerson
from triage.services.placement.units import unit_kind_of


@dataclass(frozen=True)
class PersonAffordability:
    """What benefits would meet and what the person would pay; `assessment` is None
    when it cannot be worked out, and `unknown` says why."""

    assessment: Assessment | None = None
    verdict: Verdict | None = None
    unknown: str | None = None
    notes: list[str] = field(default_factory=list)

    @property
    def needs_confirmation(self) -> bool:
        """Rent benefits would not meet, or too little left to live on."""
        a = self.assessment
        return a is not None and (a.weekly_rent_shortfall > 0 or self.verdict is Verdict.RED)

    @property
    def reasons(self) -> list[str]:
        return [*(self.assessment.reasons if self.assessment else []), *self.notes]

    @property
    def summary(self) -> str:
        a = self.assessment
        if a is None:
            return self.unknown or "Not worked out."
        if a.weekly_left is None:
            return "Children's services meet the accommodation: the person pays nothing."
        return (
            f"Benefits would meet {pounds(a.weekly_met)} a week; the person would pay "
            f"{pounds(a.weekly_shortfall)} a week ({pounds(a.weekly_rent_shortfall)} of it "
            f"rent not met), leaving {pounds(a.weekly_left)} a week."
        )


def for_nomination(
    unit: PlacementUnit, person: WaitingPerson, policy: Policy, today: date
) -> PersonAffordability:
    profile = person.tenant_profile()
    if profile is None:
        return PersonAffordability(
            unknown="No benefit profile is recorded for this person, so the rent "
            "affordability check cannot be made. Add it to the waiting-list file."
        )
    kind = unit_kind_of(unit)
    offer = db.session.get(Offer, unit.offer_id) if unit.offer_id is not None else None
    if offer is None or kind is None:
        return PersonAffordability(
            unknown="This home was registered as a vacancy, without its rent and charges, "
            "so the rent affordability check cannot be made."
        )
    try:
        offer_data = offer.as_offer_data()
    except ValidationError:
        return PersonAffordability(unknown="The offer's rent figures are incomplete.")
    unit_type = next(item for item in offer_data.unit_types if item.kind is kind)
    assessment = assess(home_for(offer_data, unit_type), profile, policy, today)
    _, verdict, notes = judge(assessment, unit_type.core_rent_pence, policy)
    return PersonAffordability(assessment=assessment, verdict=verdict, notes=notes)
