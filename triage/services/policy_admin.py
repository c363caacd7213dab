"""Loading a new policy version, previewing what it would change, and putting it in force."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import selectinload

from rules.policy_data import Policy, PolicyError, parse_policy
from rules.scoring import OfferScore as RulesScore
from rules.scoring import score_offer
from triage import clock, db
from triage.db import transactional
from triage.models import Offer, PolicyVersion, RescoreRun, User
from triage.models.offers import OPEN_STATUSES
from triage.services import scoring
from triage.services.policy import forget, policy_in_force

MAX_POLICY_BYTES = 512 * 1024


class PolicyRefused(ValueError):
    pass


@transactional
def load_version(text: str, filename: str, user: User) -> PolicyVersion:
    """Validate and store a policy (not yet in force). Raises PolicyRefused."""
    try:
        policy = parse_policy(text, filename)
    except PolicyError as error:
        raise PolicyRefused(str(error)) from error
    clash = db.session.scalar(select(PolicyVersion).where(PolicyVersion.version == policy.version))
    if clash is not None or policy.version == policy_in_force().version:
        raise PolicyRefused(
            f"{filename}: version: a policy with version {policy.version} is already loaded. "
            "Give the new policy a new version"
        )
    row = PolicyVersion(version=policy.version, yaml_text=text, loaded_by_id=user.id)
    db.session.add(row)
    return row


def recent_versions(limit: int = 20) -> Sequence[PolicyVersion]:
    """The policies loaded most recently, newest first."""
    return db.session.scalars(
        select(PolicyVersion).order_by(PolicyVersion.loaded_at.desc()).limit(limit)
    ).all()


def recent_runs(limit: int = 5) -> list[tuple[RescoreRun, int, int]]:
    """The latest rescoring runs, newest first, each with how many of its offers are
    done and how many it has."""
    runs = db.session.scalars(select(RescoreRun).order_by(RescoreRun.id.desc()).limit(limit))
    return [(run, *scoring.run_progress(run)) for run in runs]


def get_version(version_id: int) -> PolicyVersion | None:
    return db.session.get(PolicyVersion, version_id)


def get_run(run_id: int) -> RescoreRun | None:
    return db.session.get(RescoreRun, run_id)


def parsed(row: PolicyVersion) -> Policy:
    return parse_policy(row.yaml_text, f"policy {row.version}")


@dataclass(frozen=True)
class Change:
    offer: Offer
    old: RulesScore
    new: RulesScore
    old_rank: int
    new_rank: int
    changed_rules: list[tuple[str, str, str, float, float, str]]

    @property
    def band_moved(self) -> bool:
        return self.old.band.name != self.new.band.name


def preview(candidate: Policy) -> tuple[list[Change], int]:
    """Every open offer scored under the policy in force and the candidate, ranked
    by score under each; returns the offers whose band or rank moves, and how many
    open offers were compared."""
    current = policy_in_force()
    approved = scoring.approved_units_by_cohort()
    offers = db.session.scalars(
        select(Offer)
        .where(Offer.status.in_([status.value for status in OPEN_STATUSES]))
        .options(selectinload(Offer.unit_types), selectinload(Offer.cohorts))
    ).all()
    scored = []
    for offer in offers:
        data = offer.as_offer_data()
        scored.append(
            (offer, score_offer(data, current, approved), score_offer(data, candidate, approved))
        )
    old_rank = _ranks([(offer.id, old.score) for offer, old, _new in scored])
    new_rank = _ranks([(offer.id, new.score) for offer, _old, new in scored])
    changes = []
    for offer, old, new in scored:
        if old.band.name == new.band.name and old_rank[offer.id] == new_rank[offer.id]:
            continue
        changed_rules = [
            (
                after.title,
                before.verdict.value,
                after.verdict.value,
                before.score,
                after.score,
                after.reasons[0] if after.reasons else "",
            )
            for before, after in zip(old.results, new.results, strict=True)
            if before.score != after.score or before.verdict != after.verdict
        ]
        changes.append(
            Change(offer, old, new, old_rank[offer.id], new_rank[offer.id], changed_rules)
        )
    changes.sort(key=lambda change: change.new_rank)
    return changes, len(scored)


def _ranks(scores: list[tuple[int, float]]) -> dict[int, int]:
    ordered = sorted(scores, key=lambda item: (-item[1], item[0]))
    return {offer_id: position for position, (offer_id, _score) in enumerate(ordered, start=1)}


@transactional
def activate(row: PolicyVersion) -> RescoreRun:
    """Put the policy in force and send every open offer to be rescored against it,
    together: never a policy in force with no rescoring queued."""
    row.activated_at = clock.now()
    forget(row.id)
    return scoring.rescore(scoring.open_offer_ids(), f"Policy {row.version} put in force")
