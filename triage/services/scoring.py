"""Scoring offers in the background: load, call rules/, persist.

`score_offer` is what the worker runs. It is idempotent: the score row is unique
per offer, policy version and supply basis, so running it twice (one after the
other or at once) leaves one row and the same result.
"""

from __future__ import annotations

import hashlib
import json
import logging
import time
from collections.abc import Iterable
from datetime import UTC, datetime, timedelta

from flask import current_app
from pydantic import ValidationError
from sqlalchemy import func, select, update
from sqlalchemy.exc import IntegrityError

from rules.scoring import score_offer as run_rules
from triage import db
from triage.models import Offer, OfferCohort
from triage.models.offers import OPEN_STATUSES, SUPPLY_STATUSES, OfferStatus
from triage.models.scores import OfferScore, OfferScoreVerdict, RescoreItem, RescoreRun
from triage.offers.checks import offer_data
from triage.services import outbox, supply
from triage.services.policy import policy_in_force
from triage.workflow import record

logger = logging.getLogger(__name__)

SCORE_TASK = "offers.score"
# An offer waiting this long for a score is sent again by the sweeper.
STUCK_AFTER = timedelta(minutes=10)


def approved_units_by_cohort() -> dict[str, int]:
    """Units in approved offers per cohort. An offer aimed at several cohorts has
    its units shared between them as evenly as whole units allow."""
    return supply.units_by_cohort(SUPPLY_STATUSES)


def supply_basis(approved: dict[str, int]) -> str:
    return hashlib.sha256(json.dumps(approved, sort_keys=True).encode()).hexdigest()[:16]


def latest_score(offer_id: int) -> OfferScore | None:
    return db.session.scalar(
        select(OfferScore)
        .where(OfferScore.offer_id == offer_id)
        .order_by(OfferScore.created_at.desc(), OfferScore.id.desc())
        .limit(1)
    )


def latest_scores(offer_ids: Iterable[int]) -> dict[int, OfferScore]:
    """The newest score of each offer, in one query."""
    ids = list(offer_ids)
    if not ids:
        return {}
    newest = (
        select(func.max(OfferScore.id))
        .where(OfferScore.offer_id.in_(ids))
        .group_by(OfferScore.offer_id)
        .scalar_subquery()
    )
    rows = db.session.scalars(select(OfferScore).where(OfferScore.id.in_(newest)))
    return {row.offer_id: row for row in rows}


class ScoringError(Exception):
    """The offer cannot be scored (its answers do not make a valid offer)."""


def score_offer(offer_id: int, run_id: int | None = None) -> OfferScore | None:
    offer = db.session.get(Offer, offer_id)
    if offer is None or OfferStatus(offer.status) not in OPEN_STATUSES:
        _finish_item(run_id, offer_id)
        return None
    db.session.execute(
        update(Offer)
        .where(Offer.id == offer_id, Offer.status == OfferStatus.SUBMITTED)
        .values(status=OfferStatus.SCORING)
    )
    db.session.commit()
    policy = policy_in_force()
    approved = approved_units_by_cohort()
    basis = supply_basis(approved)
    existing = _score_row(offer_id, policy.version, basis)
    if existing is None:
        try:
            data = offer_data(offer)
        except ValidationError as error:
            raise ScoringError(
                f"The offer's answers are incomplete: {error.error_count()} problems"
            ) from error
        result = run_rules(data, policy, approved)
        delay = float(current_app.config.get("FAULT_SCORING_DELAY_SECONDS") or 0)
        if delay:
            time.sleep(delay)
        row = OfferScore(
            offer_id=offer_id,
            policy_version=policy.version,
            supply_basis=basis,
            score=result.score,
            band=result.band.name,
            band_label=result.band.label,
            red_flags=result.red_flags,
            results=[rule.as_dict() for rule in result.results],
            verdicts=[
                OfferScoreVerdict(rule=rule.rule, verdict=rule.verdict.value)
                for rule in result.results
            ],
        )
        db.session.add(row)
        # On the offer's timeline: scored, or rescored after a policy change or approval.
        record(
            offer,
            None,
            "rescored" if run_id is not None else "scored",
            detail=f"Score {result.score} (band {result.band.name}) under policy {policy.version}",
        )
        try:
            db.session.commit()
        except IntegrityError:
            # The same task ran at the same moment and wrote it first.
            db.session.rollback()
        existing = _score_row(offer_id, policy.version, basis)
    assert existing is not None
    db.session.execute(
        update(Offer)
        .where(
            Offer.id == offer_id,
            Offer.status.in_([OfferStatus.SCORING, OfferStatus.SCORING_FAILED]),
        )
        .values(status=OfferStatus.SCORED, scoring_error=None)
    )
    db.session.commit()
    _finish_item(run_id, offer_id)
    return existing


def _score_row(offer_id: int, version: str, basis: str) -> OfferScore | None:
    return db.session.scalar(
        select(OfferScore).where(
            OfferScore.offer_id == offer_id,
            OfferScore.policy_version == version,
            OfferScore.supply_basis == basis,
        )
    )


def _finish_item(run_id: int | None, offer_id: int) -> None:
    if run_id is None:
        return
    db.session.execute(
        update(RescoreItem)
        .where(
            RescoreItem.run_id == run_id,
            RescoreItem.offer_id == offer_id,
            RescoreItem.done_at.is_(None),
        )
        .values(done_at=datetime.now(UTC))
    )
    db.session.commit()


def mark_failed(offer_id: int, error: str) -> None:
    """After the last attempt: a visible state, never silence."""
    db.session.rollback()
    db.session.execute(
        update(Offer)
        .where(Offer.id == offer_id, Offer.status.in_([OfferStatus.SUBMITTED, OfferStatus.SCORING]))
        .values(status=OfferStatus.SCORING_FAILED, scoring_error=error[:2000])
    )
    db.session.commit()
    logger.warning("Scoring failed for offer %s", offer_id)


def request_scoring(offer_id: int, run_id: int | None = None) -> None:
    """Queue one offer for scoring in the caller's transaction."""
    db.session.execute(
        update(Offer).where(Offer.id == offer_id).values(scoring_requested_at=datetime.now(UTC))
    )
    if run_id is None:
        outbox.enqueue(SCORE_TASK, offer_id)
    else:
        outbox.enqueue(SCORE_TASK, offer_id, run_id)


def retry_scoring(offer_id: int) -> bool:
    result = db.session.execute(
        update(Offer)
        .where(Offer.id == offer_id, Offer.status == OfferStatus.SCORING_FAILED)
        .values(status=OfferStatus.SUBMITTED, scoring_error=None)
    )
    if result.rowcount != 1:  # type: ignore[attr-defined]
        db.session.rollback()
        return False
    request_scoring(offer_id)
    db.session.commit()
    return True


def rescore(offer_ids: Iterable[int], reason: str) -> RescoreRun:
    """Send offers for rescoring as one run whose progress staff can follow."""
    ids = sorted(set(offer_ids))
    run = RescoreRun(reason=reason, total=len(ids))
    db.session.add(run)
    db.session.flush()
    for offer_id in ids:
        db.session.add(RescoreItem(run_id=run.id, offer_id=offer_id))
        request_scoring(offer_id, run.id)
    db.session.commit()
    return run


def rescore_after_approval(offer: Offer) -> RescoreRun | None:
    """An approval changes remaining need for the offer's cohorts, so the open
    offers aimed at any of them are rescored."""
    cohorts = [row.cohort for row in offer.cohorts]
    affected = [offer_id for offer_id in open_offer_ids(cohorts) if offer_id != offer.id]
    if not affected:
        return None
    return rescore(affected, f"{offer.reference} approved: need changed for its cohorts")


def open_offer_ids(cohorts: Iterable[str] | None = None) -> list[int]:
    query = select(Offer.id).where(Offer.status.in_([status.value for status in OPEN_STATUSES]))
    if cohorts is not None:
        query = query.where(
            Offer.id.in_(select(OfferCohort.offer_id).where(OfferCohort.cohort.in_(list(cohorts))))
        )
    return list(db.session.scalars(query))


def run_progress(run: RescoreRun) -> tuple[int, int]:
    done = db.session.scalar(
        select(func.count())
        .select_from(RescoreItem)
        .where(RescoreItem.run_id == run.id, RescoreItem.done_at.is_not(None))
    )
    return done or 0, run.total


def resend_stuck(now: datetime | None = None) -> int:
    """Sweeper: offers left in submitted or scoring (a lost message, a dead worker)
    are queued again. Scoring is idempotent, so a duplicate is harmless."""
    cutoff = (now or datetime.now(UTC)) - STUCK_AFTER
    stuck = db.session.scalars(
        select(Offer.id).where(
            Offer.status.in_([OfferStatus.SUBMITTED, OfferStatus.SCORING]),
            Offer.scoring_requested_at < cutoff,
        )
    ).all()
    for offer_id in stuck:
        request_scoring(offer_id)
    db.session.commit()
    return len(stuck)
