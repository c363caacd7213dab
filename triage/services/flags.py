"""Flags on an offer: something to check before it is decided. A flag is open
until someone resolves it with a note; both steps are audited and kept."""

from __future__ import annotations

from collections.abc import Iterable, Sequence

from sqlalchemy import func, select, update

from triage import clock, db
from triage.db import transactional
from triage.models import Offer, OfferFlag, User
from triage.services.audit import AuditAction, record


class FlagAlreadyResolved(Exception):
    """Someone else resolved the flag first."""


@transactional
def raise_flag(offer: Offer, actor: User, text: str) -> OfferFlag:
    flag = OfferFlag(offer_id=offer.id, text=text, raised_by_id=actor.id)
    db.session.add(flag)
    record(AuditAction.FLAG_RAISED, actor, offer=offer, detail=text)
    return flag


@transactional
def resolve_flag(flag: OfferFlag, offer: Offer, actor: User, resolution: str) -> OfferFlag:
    """Resolve an open flag. Raises FlagAlreadyResolved (and changes nothing) if it
    was resolved meanwhile: the first resolution stands."""
    result = db.session.execute(
        update(OfferFlag)
        .where(OfferFlag.id == flag.id, OfferFlag.resolved_at.is_(None))
        .values(resolved_at=clock.now(), resolved_by_id=actor.id, resolution=resolution)
        .execution_options(synchronize_session=False)
    )
    if result.rowcount != 1:  # type: ignore[attr-defined]
        raise FlagAlreadyResolved(f"This flag was already resolved: {flag.text}")
    record(
        AuditAction.FLAG_RESOLVED,
        actor,
        offer=offer,
        detail=f"{flag.text}. Resolution: {resolution}",
    )
    # The update went round the session: read the flag as it now is.
    db.session.refresh(flag)
    return flag


def flag_of(offer_id: int, flag_id: int) -> OfferFlag | None:
    """The flag, only if it belongs to the offer."""
    return db.session.scalar(
        select(OfferFlag).where(OfferFlag.id == flag_id, OfferFlag.offer_id == offer_id)
    )


def flags_for(offer_id: int) -> Sequence[OfferFlag]:
    """Open flags first, then resolved ones; oldest first within each."""
    return db.session.scalars(
        select(OfferFlag)
        .where(OfferFlag.offer_id == offer_id)
        .order_by(OfferFlag.resolved_at.is_not(None), OfferFlag.raised_at, OfferFlag.id)
    ).all()


def open_flag_counts(offer_ids: Iterable[int]) -> dict[int, int]:
    """How many open flags each offer has, for a page of the queue: one query.
    Offers with none are left out, so use `.get(offer_id, 0)`."""
    ids = list(set(offer_ids))
    if not ids:
        return {}
    rows = db.session.execute(
        select(OfferFlag.offer_id, func.count())
        .where(OfferFlag.offer_id.in_(ids), OfferFlag.resolved_at.is_(None))
        .group_by(OfferFlag.offer_id)
    ).all()
    return {offer_id: count for offer_id, count in rows}
