"""What a rule returns: a score, a verdict, and its reasons in plain English."""

from __future__ import annotations

import enum
from dataclasses import dataclass, field
from typing import Any

from rules.policy_data import Policy


class Verdict(enum.StrEnum):
    GREEN = "green"
    AMBER = "amber"
    RED = "red"

    @property
    def rank(self) -> int:
        return {Verdict.GREEN: 0, Verdict.AMBER: 1, Verdict.RED: 2}[self]


def worst(*verdicts: Verdict) -> Verdict:
    return max(verdicts, key=lambda verdict: verdict.rank)


def verdict_for(score: float, policy: Policy) -> Verdict:
    thresholds = policy.scoring.verdict_thresholds
    if score >= thresholds.green:
        return Verdict.GREEN
    if score >= thresholds.amber:
        return Verdict.AMBER
    return Verdict.RED


def held_to(score: float, verdict: Verdict, policy: Policy) -> tuple[float, Verdict]:
    """A rule that finds a verdict before its score (a red case, a risk) keeps the two
    in step: the score is held below the next band's threshold, and the verdict is
    then the one the thresholds give it, as for every rule (issue 13)."""
    thresholds = policy.scoring.verdict_thresholds
    if verdict is Verdict.RED:
        score = min(score, thresholds.amber - 1)
    elif verdict is Verdict.AMBER:
        score = min(score, thresholds.green - 1)
    return score, verdict_for(score, policy)


def clamp(score: float) -> float:
    return round(min(100.0, max(0.0, score)), 1)


@dataclass(frozen=True)
class RuleResult:
    rule: str
    title: str
    score: float
    verdict: Verdict
    reasons: list[str]
    figures: dict[str, Any] = field(default_factory=dict)

    def as_dict(self) -> dict[str, Any]:
        return {
            "rule": self.rule,
            "title": self.title,
            "score": self.score,
            "verdict": self.verdict.value,
            "reasons": list(self.reasons),
            "figures": self.figures,
        }


def pounds(pence: int) -> str:
    """12345 -> '£123.45'; negative amounts keep their sign."""
    sign = "-" if pence < 0 else ""
    whole, part = divmod(abs(pence), 100)
    return f"{sign}£{whole:,}.{part:02d}"


def weekly_from_monthly(monthly_pence: int) -> int:
    """UC's conversion: monthly x 12 / 52, to the penny (half up)."""
    return (monthly_pence * 12 * 2 + 52) // (52 * 2)


def monthly_from_weekly(weekly_pence: int) -> int:
    """UC's conversion of a weekly rent: weekly x 52 / 12, to the penny (half up)."""
    return (weekly_pence * 52 * 2 + 12) // (12 * 2)
