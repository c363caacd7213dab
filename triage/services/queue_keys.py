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

from sqlalchemy import Table, event, inspect
from sqlalchemy.orm import Session, UOWTransaction
from sqlalchemy.orm.attributes import set_committed_value
from sqlalchemy.orm.util import identity_key

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
    offers = cast(Table, Offer.__table__)
    # The new keys come back with the update (one round trip), onto the offers
    # this session holds, so none reads a stale copy.
    rows = session.connection().execute(
        refresh(offer_ids, organisation_ids).returning(
            offers.c.id, *(offers.c[name] for name in QUEUE_COLUMNS)
        )
    )
    for row in rows:
        loaded = session.identity_map.get(identity_key(Offer, row.id))
        if loaded is None:
            continue
        for name in QUEUE_COLUMNS:
            set_committed_value(loaded, name, getattr(row, name))
