"""Commissioners' actions on an offer, each a workflow transition with what goes
with it: the message, the email to the submitter, rescoring after an approval.

Each action is one unit of work: the change, its audit event, its message and
its emails are saved together or not at all (a refused or stale action saves
nothing)."""

from __future__ import annotations

import enum
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import IO

from flask import render_template
from sqlalchemy import select

from triage import db
from triage.db import transactional
from triage.models import (
    Document,
    Offer,
    OfferDecisionConcern,
    OfferMessage,
    OfferScore,
    ScoreOverride,
    User,
)
from triage.models.documents import DocumentKind
from triage.models.offers import OPEN_STATUSES, OfferStatus
from triage.services import documents, emails, notifications, scoring
from triage.services.audit import AuditAction, record
from triage.services.placement import units as placement_units
from triage.services.queue import submitted_offers
from triage.workflow import (
    DECLINE_CONCERN_LABELS,
    Action,
    DeclineConcern,
    StaleOffer,
    TransitionRefused,
    perform,
)


def _email_submitter(
    offer: Offer, event: str, subject: str, template: str, **context: object
) -> None:
    submitter = db.session.get(User, offer.submitted_by_id)
    if submitter is None:
        return
    body = render_template(template, offer=offer, user=submitter, **context)
    emails.add_email(f"offer-{offer.id}-{event}", submitter.email, subject, body)


@transactional
def assign(
    offer: Offer, officer: User, actor: User, *, seen_version: int, email_now: bool = True
) -> Offer:
    """Assign the offer. `email_now=False` (bulk assignment) records the officer's
    notification without its own email: the caller sends one for the batch."""
    previously = offer.assigned_to_id
    perform(
        offer,
        Action.ASSIGN,
        actor,
        seen_version=seen_version,
        detail=f"Assigned to {officer.full_name}",
        assigned_to_id=officer.id,
    )
    notifications.notify_assigned(offer, officer, actor, previously=previously, email_now=email_now)
    return offer


class NotAssigned(enum.StrEnum):
    """Why bulk assignment left an offer as it was."""

    STALE = "stale"  # it changed after the officer opened the queue
    REFUSED = "refused"  # its status does not allow assigning
    MISSING = "missing"  # no submitted offer has that id


@dataclass
class BulkAssignment:
    assigned: int = 0
    # (offer id, why), in the order they were ticked.
    skipped: list[tuple[int, NotAssigned]] = field(default_factory=list)


def assign_several(chosen: Iterable[tuple[int, int]], officer: User, actor: User) -> BulkAssignment:
    """Assign each of the `chosen` offers (id, version the officer saw) to `officer`,
    then send the officer one email for the batch. An offer that changed meanwhile,
    or whose status does not allow it, is left as it is and reported."""
    chosen = list(chosen)
    found = submitted_offers(offer_id for offer_id, _version in chosen)
    result = BulkAssignment()
    for offer_id, seen_version in chosen:
        offer = found.get(offer_id)
        if offer is None:
            result.skipped.append((offer_id, NotAssigned.MISSING))
            continue
        if offer.version != seen_version:
            result.skipped.append((offer_id, NotAssigned.STALE))
            continue
        # Each offer is a unit of work of its own (assign's): one that cannot be
        # assigned is rolled back without undoing the others.
        try:
            assign(offer, officer, actor, seen_version=seen_version, email_now=False)
        except StaleOffer:
            result.skipped.append((offer_id, NotAssigned.STALE))
        except TransitionRefused:
            result.skipped.append((offer_id, NotAssigned.REFUSED))
        else:
            result.assigned += 1
    if result.assigned:
        # One email for the whole batch, not one an offer.
        notifications.send_batch_now(officer.id)
    return result


def _message_submitter(
    offer: Offer,
    action: Action,
    actor: User,
    *,
    seen_version: int,
    body: str,
    event: str,
    subject: str,
) -> OfferMessage:
    """A transition that puts a question to the submitter: the message, the email
    and the change, in the caller's unit of work."""
    perform(offer, action, actor, seen_version=seen_version)
    message = OfferMessage(offer_id=offer.id, author_id=actor.id, from_council=True, body=body)
    db.session.add(message)
    db.session.flush()
    _email_submitter(
        offer,
        f"{event}-{message.id}",
        subject,
        "emails/information_requested.txt",
        question=body,
    )
    return message


@transactional
def request_information(
    offer: Offer, actor: User, *, seen_version: int, question: str
) -> OfferMessage:
    return _message_submitter(
        offer,
        Action.REQUEST_INFORMATION,
        actor,
        seen_version=seen_version,
        body=question,
        event="information-request",
        subject=f"The council has a question about your offer {offer.reference}",
    )


def respond(
    offer: Offer,
    submitter: User,
    *,
    seen_version: int,
    answer: str,
    attachment: tuple[IO[bytes], str] | None = None,
) -> OfferMessage:
    """Send the submitter's answer, with a document if they attached one: both or
    neither (a refused file raises UploadRefused and nothing is saved)."""
    attached: Document | None = None
    try:
        with db.unit_of_work():
            perform(offer, Action.RESPOND, submitter, seen_version=seen_version)
            message = OfferMessage(
                offer_id=offer.id, author_id=submitter.id, from_council=False, body=answer
            )
            db.session.add(message)
            if attachment is not None:
                db.session.flush()
                stream, filename = attachment
                attached = documents.store(
                    offer,
                    submitter,
                    DocumentKind.ANSWER,
                    stream,
                    filename,
                    message_id=message.id,
                )
            notifications.notify_answered(offer)
    except Exception:
        # The file is written before the commit: do not leave it behind.
        if attached is not None:
            documents.path_of(attached).unlink(missing_ok=True)
        raise
    return message


# Meetings (propose, answer, outcome) are services/meetings.py.


@transactional
def progress_to_feasibility(offer: Offer, actor: User, *, seen_version: int, reasons: str) -> Offer:
    perform(
        offer,
        Action.PROGRESS_TO_FEASIBILITY,
        actor,
        seen_version=seen_version,
        detail=reasons,
    )
    _email_submitter(
        offer,
        "feasibility",
        f"Your offer {offer.reference} is going forward to a feasibility study",
        "emails/decision.txt",
        outcome="The council would like to look at your offer in more detail (a feasibility study).",
        reasons=reasons,
    )
    return offer


@transactional
def approve(offer: Offer, actor: User, *, seen_version: int, reasons: str) -> Offer:
    perform(
        offer,
        Action.APPROVE,
        actor,
        seen_version=seen_version,
        detail=reasons,
        decision_reasons=reasons,
    )
    # Referred to the placement team in the same transaction as the decision.
    placement_units.refer_approved_offer(offer, actor)
    _email_submitter(
        offer,
        "decision",
        f"Your offer {offer.reference} has been approved in principle",
        "emails/decision.txt",
        outcome="The council has approved your offer in principle. The supported living placement team will be in touch.",
        reasons=reasons,
    )
    # Its units now count as supply, so remaining need for its cohorts falls: the
    # rescoring is queued with the decision, never without it.
    scoring.rescore_after_approval(offer)
    return offer


@transactional
def decline(
    offer: Offer,
    actor: User,
    *,
    seen_version: int,
    reasons: str,
    concern: DeclineConcern | None = None,
    concerns: Sequence[tuple[DeclineConcern, str]] = (),
) -> Offer:
    """Decline the offer naming the Appendix C concerns it falls short on, each
    with its own reason (`concerns`, in the order named), and the decision's
    reasons. `concern` alone names one, whose reason is the decision's."""
    named = list(concerns) or ([(concern, reasons)] if concern is not None else [])
    if not named:
        raise ValueError("a decline names at least one Appendix C concern")
    if len({item for item, _reason in named}) != len(named):
        raise ValueError("a concern is named once")
    perform(
        offer,
        Action.DECLINE,
        actor,
        seen_version=seen_version,
        detail=" ".join(f"{DECLINE_CONCERN_LABELS[item]}: {why}." for item, why in named)
        + f" {reasons}",
        # The first concern named, for what reads the one column.
        decision_concern=named[0][0].value,
        decision_reasons=reasons,
    )
    for position, (item, why) in enumerate(named):
        db.session.add(
            OfferDecisionConcern(
                offer_id=offer.id, concern=item.value, position=position, reason=why
            )
        )
    _email_submitter(
        offer,
        "decision",
        f"Your offer {offer.reference} has been declined",
        "emails/decision.txt",
        outcome="The council has declined your offer. It falls short on:\n"
        + "\n".join(f"- {DECLINE_CONCERN_LABELS[item]}: {why}" for item, why in named),
        reasons=reasons,
    )
    return offer


@dataclass(frozen=True)
class NamedConcern:
    concern: str
    label: str
    reason: str


def decline_concerns(offer: Offer) -> list[NamedConcern]:
    """The Appendix C concerns the offer was declined for, in the order named."""
    rows = db.session.scalars(
        select(OfferDecisionConcern)
        .where(OfferDecisionConcern.offer_id == offer.id)
        .order_by(OfferDecisionConcern.position, OfferDecisionConcern.concern)
    )
    return [
        NamedConcern(
            row.concern,
            DECLINE_CONCERN_LABELS.get(DeclineConcern(row.concern), row.concern)
            if row.concern in DeclineConcern._value2member_map_
            else row.concern,
            row.reason,
        )
        for row in rows
    ]


class OverrideRefused(ValueError):
    """A score cannot be overridden now; the message says why."""


class NothingToOverride(OverrideRefused):
    """The offer has no score yet."""


class OfferClosed(OverrideRefused):
    """The offer was decided or withdrawn: its score is part of the record."""


@transactional
def override_score(
    offer: Offer, actor: User, *, score: float, band: str, justification: str
) -> ScoreOverride:
    """Raises NothingToOverride if the offer has no score yet, OfferClosed if it
    was decided or withdrawn (both OverrideRefused)."""
    if OfferStatus(offer.status) not in OPEN_STATUSES:
        raise OfferClosed(
            f"The score cannot be overridden: the offer is {offer.status_label.lower()}"
        )
    current = scoring.latest_score(offer.id)
    if current is None:
        raise NothingToOverride("The offer has no score to override yet")
    override = ScoreOverride(
        offer_id=offer.id,
        score_id=current.id,
        score=score,
        band=band,
        justification=justification,
        by_id=actor.id,
    )
    db.session.add(override)
    record(
        AuditAction.OVERRIDE_SCORE,
        actor,
        offer=offer,
        detail=f"Score {current.score} (band {current.band}) overridden to {score} (band {band}): {justification}",
    )
    return override


def current_override(offer_id: int) -> ScoreOverride | None:
    return db.session.scalar(
        select(ScoreOverride)
        .join(OfferScore, OfferScore.id == ScoreOverride.score_id)
        .where(ScoreOverride.offer_id == offer_id)
        # The newest by id, as the queue reads it (services.queue.newest_overrides).
        .order_by(ScoreOverride.id.desc())
        .limit(1)
    )
