"""Scoring offers in the background: load, call rules/, persist.

`score_offer` is what the worker runs. It is idempotent: the score row is unique
per offer, policy version and supply basis, so running it twice (one after the
other or at once) leaves one row and the same result.
"""

from __future__ import annotations

import hashlib
import json
import logging
from collections.abc import Iterable
from datetime import datetime, timedelta

from pydantic import ValidationError
from sqlalchemy import func, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import joinedload

from rules.existing_supply import SupplyRegister
from rules.policy_data import Policy
from rules.scoring import score_offer as run_rules
from triage import clock, db
from triage.db import transactional
from triage.models import Offer, OfferCohort, User
from triage.models.offers import OPEN_STATUSES, SUPPLY_STATUSES, OfferStatus
from triage.models.scores import OfferScore, OfferScoreVerdict, RescoreItem, RescoreRun
from triage.services import outbox, supply, supply_register
from triage.services.audit import AuditAction, record
from triage.services.policy import policy_in_force
from triage.tasks import TaskName
from triage.workflow import SCORING, Action, StaleOffer, TransitionRefused, allowed, perform

logger = logging.getLogger(__name__)

# An offer waiting this long for a score is sent again by the sweeper.
STUCK_AFTER = timedelta(minutes=10)


def approved_units_by_cohort() -> dict[str, int]:
    """Units in approved offers per cohort. An offer aimed at several cohorts has
    its units shared between them as evenly as whole units allow."""
    return supply.units_by_cohort(SUPPLY_STATUSES)


def supply_basis(
    approved: dict[str, int],
    answers_round: int = 0,
    housed: dict[str, int] | None = None,
    register: dict[str, object] | None = None,
) -> str:
    # A resubmission with changed answers (Offer.answers_round) is a new basis, so
    # it is scored afresh; round 0 keeps the digests made before rounds existed.
    basis: dict[str, object] = (
        {**approved, "_answers_round": answers_round} if answers_round else dict(approved)
    )
    # People housed in vacancies reduce need in the rule as on the dashboard
    # (issue 13); none housed keeps the digests made before they counted.
    if housed:
        basis["_housed"] = dict(sorted(housed.items()))
    # What the rules read from the existing-supply register (issue 13); a register
    # that places no unit and records no shared house keeps the earlier digests.
    if register:
        basis["_register"] = register
    return hashlib.sha256(json.dumps(basis, sort_keys=True).encode()).hexdigest()[:16]


def latest_score(offer_id: int) -> OfferScore | None:
    return db.session.scalar(
        select(OfferScore)
        .where(OfferScore.offer_id == offer_id)
        .order_by(OfferScore.created_at.desc(), OfferScore.id.desc())
        .limit(1)
    )


class ScoringError(Exception):
    """The offer cannot be scored (its answers do not make a valid offer)."""


def score_offer(offer_id: int, run_id: int | None = None) -> OfferScore | None:
    """Score one offer under the policy in force and the supply now: what the
    worker runs. One transaction: the score, its audit event and the move from
    submitted to scored commit together (the rules take a fraction of a
    millisecond, so there is no "being scored" for staff to watch, and one commit
    and one status change are fewer round trips: issue 16)."""
    try:
        with db.unit_of_work():
            return _load_and_score(offer_id, run_id, first_try=True)
    except (IntegrityError, StaleOffer):
        # The same task ran at the same moment and wrote the score (or moved the
        # offer) first: this time the score is there.
        with db.unit_of_work():
            return _load_and_score(offer_id, run_id, first_try=False)


def _load_and_score(offer_id: int, run_id: int | None, *, first_try: bool) -> OfferScore | None:
    # What the rules read of the offer comes in the same round trip.
    offer = db.session.get(
        Offer,
        offer_id,
        populate_existing=True,
        options=[joinedload(Offer.unit_types), joinedload(Offer.cohorts)],
    )
    if offer is None or OfferStatus(offer.status) not in OPEN_STATUSES:
        _finish_item(run_id, offer_id)
        return None
    # A submitted offer has no score on this basis yet (a first submission has
    # none, a resubmission is a new round of answers, Offer.answers_round, so a new
    # basis, and a retry follows a failure). Only a duplicate of this task running
    # at the same moment can have written one: the unique score row turns that into
    # an IntegrityError, then a second try that looks first. One round trip fewer
    # per score (issue 16).
    look_first = not first_try or OfferStatus(offer.status) is not OfferStatus.SUBMITTED
    return _score(offer, run_id, look_first=look_first)


def _score(offer: Offer, run_id: int | None, *, look_first: bool) -> OfferScore:
    """The offer's score under the policy and supply now, written unless it is
    there already (looked for if `look_first`), and the offer moved to scored."""
    policy = policy_in_force()
    approved = approved_units_by_cohort()
    housed = {code: n for code, n in supply.placements_by_cohort().housed.items() if n}
    register = supply_register.register(policy)
    basis = supply_basis(approved, offer.answers_round, housed, register.basis())
    row = _score_row(offer.id, policy.version, basis) if look_first else None
    if row is None:
        row = _new_score(offer, policy, approved, basis, housed, register)
        detail = f"Score {row.score} (band {row.band}) under policy {policy.version}"
        if allowed(offer, Action.SCORED):
            perform(offer, Action.SCORED, SCORING, detail=detail, scoring_error=None)
        else:
            # On the offer's timeline: rescored after a policy change or an approval,
            # or scored again because the supply changed while it waited.
            action = AuditAction.RESCORED if run_id is not None else AuditAction.SCORED
            record(action, None, offer=offer, detail=detail)
    elif allowed(offer, Action.SCORED):
        perform(offer, Action.SCORED, SCORING, scoring_error=None)
    _finish_item(run_id, offer.id)
    db.session.flush()
    return row


def _new_score(
    offer: Offer,
    policy: Policy,
    approved: dict[str, int],
    basis: str,
    housed: dict[str, int] | None = None,
    register: SupplyRegister | None = None,
) -> OfferScore:
    try:
        data = offer.as_offer_data()
    except ValidationError as error:
        raise ScoringError(
            f"The offer's answers are incomplete: {error.error_count()} problems"
        ) from error
    result = run_rules(data, policy, approved, housed, register)
    row = OfferScore(
        offer_id=offer.id,
        policy_version=policy.version,
        supply_basis=basis,
        score=result.score,
        band=result.band.name,
        band_label=result.band.label,
        red_flags=result.red_flags,
        results=[rule.as_dict() for rule in result.results],
        verdicts=[
            OfferScoreVerdict(rule=rule.rule, verdict=rule.verdict.value) for rule in result.results
        ],
    )
    db.session.add(row)
    return row


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
        .values(done_at=clock.now())
    )


@transactional
def mark_failed(offer_id: int, error: str) -> None:
    """After the last attempt: a visible state, never silence."""
    offer = db.session.get(Offer, offer_id, populate_existing=True)
    if offer is not None and allowed(offer, Action.SCORING_FAILED):
        perform(offer, Action.SCORING_FAILED, SCORING, scoring_error=error[:2000])
    logger.warning("Scoring failed for offer %s", offer_id)


def request_scoring(offer_id: int, run_id: int | None = None) -> None:
    """Queue one offer for scoring in the caller's transaction."""
    db.session.execute(
        update(Offer).where(Offer.id == offer_id).values(scoring_requested_at=clock.now())
    )
    if run_id is None:
        outbox.enqueue(TaskName.SCORE_OFFER, offer_id)
    else:
        outbox.enqueue(TaskName.SCORE_OFFER, offer_id, run_id)


def retry_scoring(offer: Offer, actor: User, *, seen_version: int) -> bool:
    """Staff send an offer whose scoring failed to be scored again. Returns False
    if it is no longer failed (someone else retried it)."""
    try:
        with db.unit_of_work():
            perform(
                offer, Action.RETRY_SCORING, actor, seen_version=seen_version, scoring_error=None
            )
            request_scoring(offer.id)
    except (TransitionRefused, StaleOffer):
        return False
    return True


def rescore(offer_ids: Iterable[int], reason: str) -> RescoreRun:
    """Send offers for rescoring as one run whose progress staff can follow, in the
    caller's transaction."""
    ids = sorted(set(offer_ids))
    run = RescoreRun(reason=reason, total=len(ids))
    db.session.add(run)
    db.session.flush()
    for offer_id in ids:
        db.session.add(RescoreItem(run_id=run.id, offer_id=offer_id))
        request_scoring(offer_id, run.id)
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


@transactional
def resend_stuck(now: datetime | None = None) -> int:
    """Sweeper: offers left in submitted or scoring (a lost message, a dead worker)
    are queued again. Scoring is idempotent, so a duplicate is harmless."""
    cutoff = (now or clock.now()) - STUCK_AFTER
    stuck = db.session.scalars(
        select(Offer.id).where(
            Offer.status.in_([OfferStatus.SUBMITTED, OfferStatus.SCORING]),
            Offer.scoring_requested_at < cutoff,
        )
    ).all()
    for offer_id in stuck:
        request_scoring(offer_id)
    return len(stuck)
