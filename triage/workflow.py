"""The offer's workflow as a state machine, and the only code that changes an
offer's status.

Every action names the statuses it may start from and the status it leads to; an
action from anywhere else is refused. `perform` applies one in the caller's
transaction: it bumps the offer's version, writes the audit event, and ends the
offer's stay in its old stage and starts one in the new (what the dashboard's
times in each stage read). A person acting on an offer says which version they
saw; if it changed since (two officers on one offer), the action is refused as
stale, never applied over the other's work. The service's own actors (scoring,
the sweepers) act on whatever the offer is now: the status check is their guard.
"""

from __future__ import annotations

import enum
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import update
from sqlalchemy.orm.exc import StaleDataError

from triage import clock, db
from triage.models import Offer, OfferStageStay, User
from triage.models.offers import OPEN_STATUSES, WITHDRAWABLE, OfferStatus
from triage.services.audit import AuditAction, record

S = OfferStatus


# The workflow's actions are the audit actions they are recorded as: one vocabulary.
# Only those in TRANSITIONS (below) change an offer's status.
Action = AuditAction


REVIEWING = frozenset({S.UNDER_REVIEW, S.MEETING_PROPOSED, S.FEASIBILITY})
SCORED_OR_NOT = frozenset({S.SUBMITTED, S.SCORING, S.SCORED, S.SCORING_FAILED})


@dataclass(frozen=True)
class Transition:
    sources: frozenset[OfferStatus]
    target: OfferStatus | None  # None: the status stays as it is


@dataclass(frozen=True)
class SystemActor:
    """The service acting on its own (the scoring worker, a sweeper): recorded
    with no person, and not held to a version it saw."""

    name: str


SCORING = SystemActor("scoring")

Actor = User | SystemActor

TRANSITIONS: dict[Action, Transition] = {
    Action.SUBMIT: Transition(frozenset({S.DRAFT}), S.SUBMITTED),
    # Background scoring: the worker scores the offer or, after its last attempt,
    # marks it failed; staff may send a failed one again. The worker scores in one
    # transaction, so nobody could see an offer "being scored": it goes from
    # submitted to scored in one step. START_SCORING stays for offers (and
    # timelines) from before.
    Action.START_SCORING: Transition(frozenset({S.SUBMITTED}), S.SCORING),
    Action.SCORED: Transition(frozenset({S.SUBMITTED, S.SCORING, S.SCORING_FAILED}), S.SCORED),
    Action.SCORING_FAILED: Transition(frozenset({S.SUBMITTED, S.SCORING}), S.SCORING_FAILED),
    Action.RETRY_SCORING: Transition(frozenset({S.SCORING_FAILED}), S.SUBMITTED),
    # Assigning an officer starts the review; reassigning keeps the status.
    Action.ASSIGN: Transition(frozenset(OPEN_STATUSES), None),
    Action.REQUEST_INFORMATION: Transition(REVIEWING, S.INFORMATION_REQUESTED),
    Action.RESPOND: Transition(frozenset({S.INFORMATION_REQUESTED}), S.UNDER_REVIEW),
    Action.PROPOSE_MEETING: Transition(frozenset({S.UNDER_REVIEW}), S.MEETING_PROPOSED),
    Action.PROGRESS_TO_FEASIBILITY: Transition(
        frozenset({S.UNDER_REVIEW, S.MEETING_PROPOSED}), S.FEASIBILITY
    ),
    Action.APPROVE: Transition(REVIEWING, S.APPROVED),
    Action.DECLINE: Transition(
        REVIEWING | {S.INFORMATION_REQUESTED, S.CHANGES_REQUESTED}, S.DECLINED
    ),
    Action.WITHDRAW: Transition(frozenset(WITHDRAWABLE), S.WITHDRAWN),
    # Issue 14: returned for changes to named sections; resubmitted, it is scored again.
    Action.REQUEST_CHANGES: Transition(REVIEWING, S.CHANGES_REQUESTED),
    Action.RESUBMIT: Transition(frozenset({S.CHANGES_REQUESTED}), S.SUBMITTED),
    # Issue 14: meeting the council. While a meeting is being arranged the offer
    # stays "meeting proposed"; each step is held to the version its author saw.
    Action.REPROPOSE_MEETING: Transition(frozenset({S.MEETING_PROPOSED}), None),
    Action.ACCEPT_MEETING: Transition(frozenset({S.MEETING_PROPOSED}), None),
    Action.SUGGEST_MEETING_TIME: Transition(frozenset({S.MEETING_PROPOSED}), None),
    Action.ACCEPT_SUGGESTED_TIME: Transition(frozenset({S.MEETING_PROPOSED}), None),
    # Called off, or held (or not) and its outcome recorded: the review goes on.
    Action.CANCEL_MEETING: Transition(frozenset({S.MEETING_PROPOSED}), S.UNDER_REVIEW),
    Action.RECORD_MEETING_OUTCOME: Transition(frozenset({S.MEETING_PROPOSED}), S.UNDER_REVIEW),
}
DECISIONS = frozenset({Action.APPROVE, Action.DECLINE})
# The actions that close a meeting themselves; any other leaving "meeting proposed"
# calls off a meeting still to come.
ENDS_A_MEETING = frozenset({Action.CANCEL_MEETING, Action.RECORD_MEETING_OUTCOME})


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
    actor: Actor,
    *,
    seen_version: int | None = None,
    detail: str | None = None,
    **changes: object,
) -> Offer:
    """Apply `action` to `offer` as `actor`, with any other column `changes`, in
    the caller's transaction, and record it. A person must say which version of
    the offer they acted on (`seen_version`). Raises TransitionRefused or
    StaleOffer, and writes nothing, if it cannot."""
    label = action.label
    # Named now: after a failed flush the offer's attributes cannot be loaded.
    name = offer.reference or str(offer.id)
    if isinstance(actor, User) and seen_version is None:
        raise TypeError(f"{label}: a person's action needs the version they saw")
    transition = TRANSITIONS.get(action)
    if transition is None:
        raise ValueError(f"{label} is not a workflow action: it changes no status")
    current = OfferStatus(offer.status)
    if current not in transition.sources:
        raise TransitionRefused(f"{label} is not possible when the offer is {current.value}")
    if seen_version is not None and seen_version != offer.version:
        raise StaleOffer(f"Offer {name} changed since it was opened")
    target = transition.target
    if action is Action.ASSIGN and current in SCORED_OR_NOT:
        target = S.UNDER_REVIEW
    at = clock.now()
    for column, value in changes.items():
        setattr(offer, column, value)
    if target is not None:
        offer.status = target
    if action in DECISIONS:
        offer.decided_at = at
    if action is Action.WITHDRAW:
        offer.withdrawn_at = at
    offer.updated_at = at
    # The version is the mapper's version_id_col: this UPDATE says WHERE version is
    # the one loaded, and bumps it. Another transaction that changed the offer
    # first (and took its row lock, on PostgreSQL) makes it match nothing.
    try:
        db.session.flush()
    except StaleDataError as error:
        raise StaleOffer(f"Offer {name} changed since it was opened") from error
    if target is not None and target is not current and current is not S.DRAFT:
        _change_stage(offer, target, at)
    elif target is S.SUBMITTED:
        db.session.add(OfferStageStay(offer_id=offer.id, stage=target.value, entered_at=at))
    record(
        action,
        actor if isinstance(actor, User) else None,
        offer=offer,
        from_status=current,
        to_status=target or current,
        detail=detail,
        at=at,
    )
    if (
        current is S.MEETING_PROPOSED
        and target not in (None, S.MEETING_PROPOSED)
        and action not in ENDS_A_MEETING
    ):
        # The offer moved on while a meeting was being arranged (decided, returned,
        # withdrawn): a meeting still to come is called off, in the same transaction,
        # so no calendar keeps a meeting nobody will attend. Imported here: the
        # meetings service itself calls perform.
        from triage.services import meetings

        meetings.overtaken(offer, action)
    return offer


def _change_stage(offer: Offer, stage: OfferStatus, at: datetime) -> None:
    """End the offer's stay in its stage and start one in `stage`. The offer's row
    is locked by the update before this (PostgreSQL), so one offer's stays follow
    one another in time."""
    db.session.execute(
        update(OfferStageStay)
        .where(OfferStageStay.offer_id == offer.id, OfferStageStay.left_at.is_(None))
        .values(left_at=at)
        .execution_options(synchronize_session=False)
    )
    db.session.add(OfferStageStay(offer_id=offer.id, stage=stage.value, entered_at=at))
