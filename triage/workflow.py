"""The offer's workflow as a state machine, in one place.

Every action names the statuses it may start from and the status it leads to; an
action from anywhere else is refused. Each change bumps the offer's version and
is written to the audit log in the same transaction. A change made against an
older version (two officers on one offer) is refused as stale, never applied
over the other officer's work.
"""

from __future__ import annotations

import enum
from dataclasses import dataclass
from datetime import UTC, datetime

from sqlalchemy import select, update

from triage import db
from triage.models import AuditEvent, Offer, OfferStageStay, User
from triage.models.offers import OPEN_STATUSES, WITHDRAWABLE, OfferStatus
from triage.models.supply_cache import stage_entered
from triage.models.types import utcnow

S = OfferStatus


class Action(enum.StrEnum):
    ASSIGN = "assign"
    REQUEST_INFORMATION = "request_information"
    RESPOND = "respond"
    PROPOSE_MEETING = "propose_meeting"
    PROGRESS_TO_FEASIBILITY = "progress_to_feasibility"
    APPROVE = "approve"
    DECLINE = "decline"
    WITHDRAW = "withdraw"


REVIEWING = frozenset({S.UNDER_REVIEW, S.MEETING_PROPOSED, S.FEASIBILITY})
SCORED_OR_NOT = frozenset({S.SUBMITTED, S.SCORING, S.SCORED, S.SCORING_FAILED})


@dataclass(frozen=True)
class Transition:
    sources: frozenset[OfferStatus]
    target: OfferStatus | None  # None: the status stays as it is
    label: str


TRANSITIONS: dict[Action, Transition] = {
    # Assigning an officer starts the review; reassigning keeps the status.
    Action.ASSIGN: Transition(frozenset(OPEN_STATUSES), None, "Assigned"),
    Action.REQUEST_INFORMATION: Transition(
        REVIEWING, S.INFORMATION_REQUESTED, "Information requested"
    ),
    Action.RESPOND: Transition(
        frozenset({S.INFORMATION_REQUESTED}), S.UNDER_REVIEW, "Submitter responded"
    ),
    Action.PROPOSE_MEETING: Transition(
        frozenset({S.UNDER_REVIEW}), S.MEETING_PROPOSED, "Meeting proposed"
    ),
    Action.PROGRESS_TO_FEASIBILITY: Transition(
        frozenset({S.UNDER_REVIEW, S.MEETING_PROPOSED}), S.FEASIBILITY, "Progressed to feasibility"
    ),
    Action.APPROVE: Transition(REVIEWING, S.APPROVED, "Approved in principle"),
    Action.DECLINE: Transition(REVIEWING | {S.INFORMATION_REQUESTED}, S.DECLINED, "Declined"),
    Action.WITHDRAW: Transition(frozenset(WITHDRAWABLE), S.WITHDRAWN, "Withdrawn by the submitter"),
}
DECISIONS = frozenset({Action.APPROVE, Action.DECLINE})


class DeclineConcern(enum.StrEnum):
    """The Appendix C question an offer fell short on."""

    PROCUREMENT = "procurement"
    STRATEGIC_PRIORITIES = "strategic_priorities"
    RENT = "rent"
    SUPPORT_COSTS = "support_costs"
    UNIVERSAL_CREDIT = "universal_credit"
    QUALITY = "quality"


DECLINE_CONCERN_LABELS = {
    DeclineConcern.PROCUREMENT: "It does not fit procurement rules or the Supported Living Framework",
    DeclineConcern.STRATEGIC_PRIORITIES: "It does not meet the strategic priorities or is not sustainable",
    DeclineConcern.RENT: "The rent is not met by housing benefit or other revenue",
    DeclineConcern.SUPPORT_COSTS: "Support needs and costs would not be met cost effectively",
    DeclineConcern.UNIVERSAL_CREDIT: "Universal Credit would leave the tenant unable to afford it",
    DeclineConcern.QUALITY: "The accommodation does not meet the quality standards",
}


class TransitionRefused(Exception):
    """The action is not allowed from the offer's status."""


class StaleOffer(Exception):
    """The offer changed since the person acting on it opened it."""


def allowed(offer: Offer, action: Action) -> bool:
    return OfferStatus(offer.status) in TRANSITIONS[action].sources


def actions_for(offer: Offer) -> list[Action]:
    return [action for action in TRANSITIONS if allowed(offer, action)]


def perform(
    offer: Offer,
    action: Action,
    actor: User,
    *,
    seen_version: int,
    detail: str | None = None,
    commit: bool = True,
    **changes: object,
) -> Offer:
    """Apply `action` to `offer` as `actor`, who last saw `seen_version`, with any
    other column `changes`, and record it. Raises TransitionRefused or StaleOffer
    and changes nothing if it cannot. With commit=False the caller adds what goes
    with the change (a message, an email) and commits it all at once."""
    transition = TRANSITIONS[action]
    current = OfferStatus(offer.status)
    if current not in transition.sources:
        raise TransitionRefused(
            f"{transition.label} is not possible when the offer is {current.value}"
        )
    target = transition.target
    if action is Action.ASSIGN and current in SCORED_OR_NOT:
        target = S.UNDER_REVIEW
    values: dict[str, object] = {
        "version": Offer.version + 1,
        "updated_at": datetime.now(UTC),
        **changes,
    }
    if target is not None:
        values["status"] = target
    if action in DECISIONS:
        values["decided_at"] = datetime.now(UTC)
    if action is Action.WITHDRAW:
        values["withdrawn_at"] = datetime.now(UTC)
    result = db.session.execute(
        update(Offer)
        .where(Offer.id == offer.id, Offer.version == seen_version, Offer.status == current)
        .values(**values)
        .execution_options(synchronize_session=False)
    )
    if result.rowcount != 1:  # type: ignore[attr-defined]
        db.session.rollback()
        raise StaleOffer(f"Offer {offer.reference or offer.id} changed since it was opened")
    record(offer, actor, action.value, current, target or current, detail)
    # The update went straight to the database: reload the offer from it on next use.
    db.session.expire(offer)
    if commit:
        db.session.commit()
    return offer


def record(
    offer: Offer | None,
    actor: User | None,
    action: str,
    from_status: OfferStatus | None = None,
    to_status: OfferStatus | None = None,
    detail: str | None = None,
    *,
    person_id: int | None = None,
) -> AuditEvent:
    """Add an audit event to the caller's transaction. For a waiting-list record,
    `person_id` says which one; `detail` must never hold what it says.

    An event that takes the offer into a stage (see stage_entered) also ends the
    offer's stay in the stage before and starts one in the new stage, at the
    event's time, for the dashboard's times in each stage."""
    source = from_status.value if from_status else None
    target = to_status.value if to_status else None
    stage = stage_entered(action, source, target) if offer is not None else None
    at = utcnow()
    if offer is not None and stage is not None:
        # Nothing of the caller's is written yet (it may fail at the caller's commit,
        # where it is handled, as a score written twice at once is).
        with db.session.no_autoflush:
            # One stage change of an offer at a time (PostgreSQL; a workflow action
            # already holds this lock), so its stays follow one another in time.
            db.session.execute(
                select(Offer.id).where(Offer.id == offer.id).with_for_update(key_share=True)
            )
            at = utcnow()
            db.session.execute(
                update(OfferStageStay)
                .where(OfferStageStay.offer_id == offer.id, OfferStageStay.left_at.is_(None))
                .values(left_at=at)
                .execution_options(synchronize_session=False)
            )
            # A stay this transaction started and has not written yet.
            for pending in db.session.new:
                if (
                    isinstance(pending, OfferStageStay)
                    and pending.offer_id == offer.id
                    and pending.left_at is None
                ):
                    pending.left_at = at
        db.session.add(OfferStageStay(offer_id=offer.id, stage=stage, entered_at=at))
    event = AuditEvent(
        offer_id=offer.id if offer else None,
        person_id=person_id,
        actor_id=actor.id if actor else None,
        action=action,
        from_status=source,
        to_status=target,
        detail=detail,
        at=at,
    )
    db.session.add(event)
    return event
