"""Accessibility and quality (Appendix C: "inconsistent quality standards"), counted
per unit type since issue 13.

A wheelchair-accessible or fully adapted home counts only where a wheelchair user
can reach it: with level access, or on an upper floor served by a lift. The homes
wanted are the policy's share of the offer's homes, higher for cohorts whose people
more often need them (`quality.cohort_access_needs`: respite for complex
disabilities, young people in transition, people with a learning disability
leaving shared housing).
"""

from __future__ import annotations

import math
from dataclasses import dataclass

from rules.offer import AccessibilityStandard, OfferData, UnitKind, UnitType, label
from rules.policy_data import Policy
from rules.result import RuleResult, clamp, verdict_for

RULE, TITLE = "quality", "Accessibility and quality"


@dataclass(frozen=True)
class Counted:
    """Homes of one feature across the offer: said, and counted (reachable)."""

    said: int
    counted: int
    unreachable: dict[UnitKind, int]
    reach_not_said: int


def _reachable(offer: OfferData, feature: str) -> Counted:
    said = counted = not_said = 0
    unreachable: dict[UnitKind, int] = {}
    for unit in offer.unit_types:
        homes = getattr(unit, feature) or 0
        said += homes
        reach = unit.step_free
        if reach is None:
            counted += homes
            not_said += homes
            continue
        counted += min(homes, reach)
        if homes > reach:
            unreachable[unit.kind] = homes - reach
    return Counted(said, counted, unreachable, not_said)


def wanted_shares(offer: OfferData, policy: Policy) -> tuple[float, float, list[str]]:
    """The shares of homes wanted wheelchair accessible and fully adapted, and the
    cohorts that raised them: the highest need of the offer's cohorts."""
    settings = policy.quality
    wheelchair, adapted, raised = settings.wheelchair_share_wanted, 0.0, []
    for code in offer.cohorts:
        need = settings.cohort_access_needs.get(code)
        if need is None:
            continue
        if need.wheelchair_share > wheelchair or need.fully_adapted_share > adapted:
            cohort = policy.cohort(code)
            raised.append(cohort.label if cohort else code)
        wheelchair = max(wheelchair, need.wheelchair_share)
        adapted = max(adapted, need.fully_adapted_share)
    return wheelchair, adapted, raised


def _homes(count: int) -> str:
    return f"{count} home{'s' if count != 1 else ''}"


def _unreachable_reason(noun: str, counted: Counted) -> str | None:
    if not counted.unreachable:
        return None
    parts = ", ".join(
        f"{count} {label(kind).lower()}{'s' if count != 1 else ''}"
        for kind, count in counted.unreachable.items()
    )
    homes = sum(counted.unreachable.values())
    one = homes == 1
    return (
        f"{homes} {noun} home{'' if one else 's'} ({parts}) "
        f"{'is' if one else 'are'} on an upper floor without a lift or level access: a "
        f"wheelchair user could not reach {'it' if one else 'them'}, so "
        f"{'it is' if one else 'they are'} not counted."
    )


def _technology_homes(unit: UnitType) -> int:
    return unit.assistive_technology or 0


def quality(offer: OfferData, policy: Policy) -> RuleResult:
    settings = policy.quality
    total = offer.total_units
    standard = offer.accessibility_standard
    standard_score = settings.standard_scores[standard.value]
    wheelchair_share, adapted_share, raised = wanted_shares(offer, policy)
    wheelchair = _reachable(offer, "wheelchair_accessible")
    adapted = _reachable(offer, "fully_adapted")
    wheelchair_wanted = wheelchair_share * total
    adapted_wanted = adapted_share * total

    def part(have: int, wanted: float) -> float:
        return 1.0 if wanted == 0 else min(1.0, have / wanted)

    if adapted_wanted:
        # A cohort needs fully adapted homes too: a third of the 30 points is theirs.
        access_points = 20 * part(wheelchair.counted, wheelchair_wanted) + 10 * part(
            adapted.counted, adapted_wanted
        )
    else:
        access_points = 30 * part(wheelchair.counted, wheelchair_wanted)
    technology = sum(_technology_homes(unit) for unit in offer.unit_types)
    technology_part = technology / total if total else 0.0
    score = clamp(0.5 * standard_score + access_points + 20 * technology_part)

    reasons = [
        f"Accessibility standard {label(standard)}"
        + (": the highest." if standard is AccessibilityStandard.M4_3 else ".")
    ]
    need = (
        f"the council looks for {wheelchair_share:.0%}"
        if not raised
        else f"the council looks for {wheelchair_share:.0%} for {', '.join(raised)}"
    )
    reasons.append(
        f"{wheelchair.counted} of {total} units are wheelchair accessible and reachable ({need})."
    )
    unreachable = _unreachable_reason("wheelchair-accessible", wheelchair)
    if unreachable:
        reasons.append(unreachable)
    if adapted_wanted:
        short = math.ceil(adapted_wanted - 1e-9) - adapted.counted
        reasons.append(
            f"{adapted.counted} fully adapted, against the {adapted_share:.0%} of homes "
            "these cohorts need fully adapted: "
            + ("enough." if short <= 0 else f"{_homes(short)} short.")
        )
        unreachable = _unreachable_reason("fully adapted", adapted)
        if unreachable:
            reasons.append(unreachable)
    else:
        reasons.append(f"{adapted.counted} fully adapted.")
    if wheelchair.reach_not_said:
        reasons.append(
            "The offer does not say whether its accessible homes have level access or a "
            "lift: they are counted, but check."
        )
    if technology == total and total:
        reasons.append("Assistive technology is fitted.")
    elif technology:
        reasons.append(f"Assistive technology is fitted in {technology} of the {total} homes.")
    else:
        reasons.append("No assistive technology is fitted.")
    figures: dict[str, object] = {
        "accessibility_standard": standard.value,
        "wheelchair_accessible_units": wheelchair.said,
        "wheelchair_accessible_units_counted": wheelchair.counted,
        "wheelchair_accessible_units_wanted": round(wheelchair_wanted, 2),
        "fully_adapted_units": adapted.said,
        "fully_adapted_units_counted": adapted.counted,
        "fully_adapted_units_wanted": round(adapted_wanted, 2),
        "assistive_technology_units": technology,
    }
    return RuleResult(RULE, TITLE, score, verdict_for(score, policy), reasons, figures)
