"""Creating, submitting and withdrawing offers."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from sqlalchemy import select, update

from triage import db
from triage.models import Offer, User
from triage.models.offers import WITHDRAWABLE, OfferStatus
from triage.services import outbox, scoring
from triage.workflow import record

ACKNOWLEDGE_TASK = "offers.acknowledge_submission"


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


def start_offer(user: User) -> Offer:
    assert user.organisation_id is not None
    offer = Offer(organisation_id=user.organisation_id, created_by_id=user.id)
    db.session.add(offer)
    db.session.commit()
    return offer


def submit(offer: Offer, user: User, declaration_name: str) -> bool:
    """Submit a draft: status, reference and the acknowledgement task in one
    transaction. Returns False if it was already submitted (a second click)."""
    now = datetime.now(UTC)
    result = db.session.execute(
        update(Offer)
        .where(Offer.id == offer.id, Offer.status == OfferStatus.DRAFT)
        .values(
            status=OfferStatus.SUBMITTED,
            reference=reference_for(offer.id, now),
            submitted_at=now,
            submitted_by_id=user.id,
            declaration_name=declaration_name,
            updated_at=now,
        )
        .execution_options(synchronize_session=False)
    )
    if result.rowcount != 1:  # type: ignore[attr-defined]
        db.session.rollback()
        return False
    outbox.enqueue(ACKNOWLEDGE_TASK, offer.id)
    scoring.request_scoring(offer.id)
    record(offer, user, "submit", OfferStatus.DRAFT, OfferStatus.SUBMITTED)
    db.session.commit()
    db.session.refresh(offer)
    return True


def withdraw(offer: Offer, user: User) -> bool:
    """The submitter withdraws an offer not yet decided, whatever stage it is at."""
    now = datetime.now(UTC)
    before = OfferStatus(offer.status)
    result = db.session.execute(
        update(Offer)
        .where(Offer.id == offer.id, Offer.status.in_([s.value for s in WITHDRAWABLE]))
        .values(
            status=OfferStatus.WITHDRAWN,
            withdrawn_at=now,
            updated_at=now,
            version=Offer.version + 1,
        )
        .execution_options(synchronize_session=False)
    )
    withdrawn = result.rowcount == 1  # type: ignore[attr-defined]
    if withdrawn and before is not OfferStatus.DRAFT:
        record(offer, user, "withdraw", before, OfferStatus.WITHDRAWN)
    db.session.commit()
    db.session.refresh(offer)
    return withdrawn


# An acknowledgement not written this long after submission is queued again.
ACKNOWLEDGE_AFTER = timedelta(minutes=10)


def resend_unacknowledged(now: datetime | None = None) -> int:
    """Sweeper: an acknowledgement task lost with the broker (a Redis restart without
    persistence) is queued again. The task is idempotent: one email per offer."""
    cutoff = (now or datetime.now(UTC)) - ACKNOWLEDGE_AFTER
    waiting = db.session.scalars(
        select(Offer.id).where(
            Offer.submitted_at.is_not(None),
            Offer.submitted_at < cutoff,
            Offer.acknowledged_at.is_(None),
        )
    ).all()
    for offer_id in waiting:
        outbox.enqueue(ACKNOWLEDGE_TASK, offer_id)
    db.session.commit()
    return len(waiting)
