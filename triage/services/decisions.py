"""Commissioners' actions on an offer, each a workflow transition with what goes
with it: the message, the email to the submitter, rescoring after an approval."""

from __future__ import annotations

from typing import IO

from flask import render_template
from sqlalchemy import select

from triage import db
from triage.models import Offer, OfferMessage, OfferScore, ScoreOverride, User
from triage.models.documents import DocumentKind
from triage.services import documents, emails, notifications, scoring
from triage.services.placement import units as placement_units
from triage.workflow import (
    DECLINE_CONCERN_LABELS,
    Action,
    DeclineConcern,
    perform,
    record,
)


def _email_submitter(
    offer: Offer, event: str, subject: str, template: str, **context: object
) -> None:
    submitter = db.session.get(User, offer.submitted_by_id)
    if submitter is None:
        return
    body = render_template(template, offer=offer, user=submitter, **context)
    emails.add_email(f"offer-{offer.id}-{event}", submitter.email, subject, body)


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
        commit=False,
        detail=f"Assigned to {officer.full_name}",
        assigned_to_id=officer.id,
    )
    notifications.notify_assigned(offer, officer, actor, previously=previously, email_now=email_now)
    db.session.commit()
    return offer


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
    and the change are saved together."""
    perform(offer, action, actor, seen_version=seen_version, commit=False)
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
    db.session.commit()
    return message


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
    perform(offer, Action.RESPOND, submitter, seen_version=seen_version, commit=False)
    message = OfferMessage(
        offer_id=offer.id, author_id=submitter.id, from_council=False, body=answer
    )
    db.session.add(message)
    attached = None
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
            commit=False,
        )
    notifications.notify_answered(offer)
    try:
        db.session.commit()
    except Exception:
        # The file is written before the commit: do not leave it behind.
        db.session.rollback()
        if attached is not None:
            documents.path_of(attached).unlink(missing_ok=True)
        raise
    return message


def propose_meeting(offer: Offer, actor: User, *, seen_version: int, note: str) -> Offer:
    _message_submitter(
        offer,
        Action.PROPOSE_MEETING,
        actor,
        seen_version=seen_version,
        body=note,
        event="meeting",
        subject=f"The council would like to meet about your offer {offer.reference}",
    )
    return offer


def progress_to_feasibility(offer: Offer, actor: User, *, seen_version: int, reasons: str) -> Offer:
    perform(
        offer,
        Action.PROGRESS_TO_FEASIBILITY,
        actor,
        seen_version=seen_version,
        commit=False,
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
    db.session.commit()
    return offer


def approve(offer: Offer, actor: User, *, seen_version: int, reasons: str) -> Offer:
    perform(
        offer,
        Action.APPROVE,
        actor,
        seen_version=seen_version,
        commit=False,
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
    db.session.commit()
    db.session.refresh(offer)
    # Its units now count as supply, so remaining need for its cohorts falls.
    scoring.rescore_after_approval(offer)
    return offer


def decline(
    offer: Offer, actor: User, *, seen_version: int, concern: DeclineConcern, reasons: str
) -> Offer:
    perform(
        offer,
        Action.DECLINE,
        actor,
        seen_version=seen_version,
        commit=False,
        detail=f"{DECLINE_CONCERN_LABELS[concern]}. {reasons}",
        decision_concern=concern.value,
        decision_reasons=reasons,
    )
    _email_submitter(
        offer,
        "decision",
        f"Your offer {offer.reference} has been declined",
        "emails/decision.txt",
        outcome=f"The council has declined your offer. {DECLINE_CONCERN_LABELS[concern]}.",
        reasons=reasons,
    )
    db.session.commit()
    db.session.refresh(offer)
    return offer


def override_score(
    offer: Offer, actor: User, *, score: float, band: str, justification: str
) -> ScoreOverride:
    current = scoring.latest_score(offer.id)
    if current is None:
        raise ValueError("The offer has no score to override yet")
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
        offer,
        actor,
        "override_score",
        detail=f"Score {current.score} (band {current.band}) overridden to {score} (band {band}): {justification}",
    )
    db.session.commit()
    return override


def current_override(offer_id: int) -> ScoreOverride | None:
    return db.session.scalar(
        select(ScoreOverride)
        .join(OfferScore, OfferScore.id == ScoreOverride.score_id)
        .where(ScoreOverride.offer_id == offer_id)
        .order_by(ScoreOverride.at.desc(), ScoreOverride.id.desc())
        .limit(1)
    )
