"""Keeping the queue's sort keys (Offer.queue_*, see triage/models/queue_keys.py)
in step with what they copy, whichever service writes it.

A session hook, like the outbox's after-commit one (services/outbox.py): after
each flush of the app's session that wrote a score, an override, a unit type's
count or rent, an offer's organisation or an organisation's name, it runs the one
statement that sets those offers' keys, in the same transaction, so the queue
never sorts by a stale copy however the write came about (submission, scoring and
rescoring after a policy change, an override, changes resubmitted). The models
stay plain: tests/test_architecture.py keeps flush listeners out of them.
Registered on import; services/queue.py imports it, and so does every process
that builds the app (the queue blueprint reads services/queue.py).
"""

from __future__ import annotations

from typing import Any, cast

from sqlalchemy import Table, event, inspect, select
from sqlalchemy.orm import Session, UOWTransaction
from sqlalchemy.orm.attributes import set_committed_value

from triage import db
from triage.models import Offer, OfferScore, OfferUnitType, Organisation, ScoreOverride
from triage.models.queue_keys import QUEUE_COLUMNS, refresh

# What a flush may write that the keys copy: per class, the attributes that matter.
_COPIED: dict[type[Any], tuple[str, ...]] = {
    OfferScore: ("offer_id", "score", "band", "red_flag_count"),
    ScoreOverride: ("offer_id", "score", "band"),
    OfferUnitType: ("offer_id", "count", "core_rent_pence"),
    Offer: ("organisation_id", "unit_types"),
    Organisation: ("name",),
}


def _changed(obj: Any, names: tuple[str, ...]) -> bool:
    state = inspect(obj)
    return any(state.attrs[name].history.has_changes() for name in names)


def _offer_ids(obj: Any) -> set[int]:
    """The offer a score, override or unit type belongs to, now and before."""
    state = inspect(obj)
    found = {state.dict.get("offer_id"), state.committed_state.get("offer_id")}
    return {value for value in found if isinstance(value, int)}


@event.listens_for(db.session, "after_flush")
def _keep_queue_keys(session: Session, _context: UOWTransaction) -> None:
    """Refresh the keys of the offers this flush wrote something of (the session
    still lists what it wrote: new, changed and deleted)."""
    offer_ids: set[int] = set()
    organisation_ids: set[int] = set()
    for obj in (*session.new, *session.dirty, *session.deleted):
        names = _COPIED.get(type(obj))
        if names is None:
            continue
        fresh = obj in session.new or obj in session.deleted
        if not fresh and not _changed(obj, names):
            continue
        if isinstance(obj, Organisation):
            organisation_ids.add(obj.id)
        elif isinstance(obj, Offer):
            offer_ids.add(obj.id)
        else:
            offer_ids |= _offer_ids(obj)
    if not offer_ids and not organisation_ids:
        return
    connection = session.connection()
    connection.execute(refresh(offer_ids, organisation_ids))
    _copy_to_loaded(session, offer_ids, organisation_ids)


def _copy_to_loaded(session: Session, offer_ids: set[int], organisation_ids: set[int]) -> None:
    """The new keys onto the offers this session holds, so none reads a stale copy."""
    loaded = {
        obj.id: obj
        for obj in session.identity_map.values()
        if isinstance(obj, Offer)
        and (obj.id in offer_ids or inspect(obj).dict.get("organisation_id") in organisation_ids)
    }
    if not loaded:
        return
    offers = cast(Table, Offer.__table__)
    rows = session.connection().execute(
        select(offers.c.id, *(offers.c[name] for name in QUEUE_COLUMNS)).where(
            offers.c.id.in_(sorted(loaded))
        )
    )
    for row in rows:
        for name in QUEUE_COLUMNS:
            set_committed_value(loaded[row.id], name, getattr(row, name))
