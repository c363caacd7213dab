"""Creating, submitting and withdrawing offers."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime

from flask import render_template
from sqlalchemy import select
from sqlalchemy.orm.exc import StaleDataError

from triage import clock, db
from triage.db import transactional
from triage.models import Offer, OfferMessage, User
from triage.models.offers import share_units
from triage.services import emails, scoring
from triage.workflow import Action, StaleOffer, TransitionRefused, perform


def reference_for(offer_id: int, submitted_at: datetime) -> str:
    return f"SA-{submitted_at.year}-{offer_id:05d}"


def offers_for_organisation(organisation_id: int) -> list[Offer]:
    return list(
        db.session.scalars(
            select(Offer)
            .where(Offer.organisation_id == organisation_id)
            .order_by(Offer.updated_at.desc(), Offer.id.desc())
        )
    )


def offer_for_organisation(offer_id: int, organisation_id: int | None) -> Offer | None:
    if organisation_id is None:
        return None
    return db.session.scalar(
        select(Offer).where(Offer.id == offer_id, Offer.organisation_id == organisation_id)
    )


@transactional
def start_offer(user: User) -> Offer:
    assert user.organisation_id is not None
    offer = Offer(organisation_id=user.organisation_id, created_by_id=user.id)
    db.session.add(offer)
    return offer


def submit(offer: Offer, user: User, declaration_name: str) -> bool:
    """Submit a draft: its status, reference, each cohort's share of its units (the
    units are final from now on), the acknowledgement email and the scoring task,
    in one transaction. Returns False if it was already submitted (a second click)."""
    try:
        _submit(offer, user, declaration_name)
    except (TransitionRefused, StaleOffer):
        return False
    return True


@transactional
def _submit(offer: Offer, user: User, declaration_name: str) -> None:
    now = clock.now()
    perform(
        offer,
        Action.SUBMIT,
        user,
        seen_version=offer.version,
        reference=reference_for(offer.id, now),
        submitted_at=now,
        submitted_by_id=user.id,
        declaration_name=declaration_name,
    )
    db.session.execute(share_units([offer.id]).execution_options(synchronize_session=False))
    for row in offer.cohorts:
        db.session.expire(row, ["units_share"])
    _acknowledge(offer, user)
    scoring.request_scoring(offer.id)


def _acknowledge(offer: Offer, submitter: User) -> None:
    emails.add_email(
        f"offer-acknowledgement:{offer.id}",
        submitter.email,
        f"We have received your offer {offer.reference}",
        render_template("emails/offer_acknowledgement.txt", offer=offer, user=submitter),
    )


def withdraw(offer: Offer, user: User) -> bool:
    """The submitter withdraws an offer not yet decided, whatever stage it is at.
    Returns False if it can no longer be withdrawn."""
    try:
        with db.unit_of_work():
            perform(offer, Action.WITHDRAW, user, seen_version=offer.version)
    except (TransitionRefused, StaleOffer):
        return False
    return True


def offer_exists(offer_id: int) -> bool:
    return db.session.scalar(select(Offer.id).where(Offer.id == offer_id)) is not None


def submitted_offer(offer_id: int) -> Offer | None:
    """An offer staff may see: any that has been submitted, never a draft (even one
    withdrawn before it was submitted)."""
    offer = db.session.get(Offer, offer_id)
    return offer if offer is not None and offer.submitted_at is not None else None


def messages_of(offer: Offer) -> list[OfferMessage]:
    return list(
        db.session.scalars(
            select(OfferMessage)
            .where(OfferMessage.offer_id == offer.id)
            .order_by(OfferMessage.created_at)
        )
    )


class NotADraft(Exception):
    """The offer was submitted or withdrawn: its answers can no longer change."""


class DraftChanged(Exception):
    """Someone saved the same draft at the same moment: this save was not made."""


@transactional
def save_answers(offer: Offer, apply_answers: Callable[[Offer], None]) -> None:
    """Save one page of a draft's answers (`apply_answers` sets them on the offer)."""
    offer_id = offer.id  # after a failed flush the offer's attributes cannot be loaded
    if not offer.is_draft:
        raise NotADraft(f"Offer {offer_id} is no longer a draft")
    # Always an UPDATE of the offer's row, checked against the version loaded (also
    # when only its unit types or cohorts changed), so a save racing the
    # submission or another save is refused rather than written to a submitted offer.
    # Inside the try: setting the answers may load a relationship, which flushes.
    try:
        apply_answers(offer)
        offer.updated_at = clock.now()
        db.session.flush()
    except StaleDataError as error:
        raise DraftChanged(f"Offer {offer_id} was saved by someone else") from error
