"""Internal notes on an offer: staff only, added and never changed."""

from __future__ import annotations

from collections.abc import Sequence

from sqlalchemy import select

from triage import db
from triage.db import transactional
from triage.models import InternalNote, Offer, User
from triage.services.audit import AuditAction, record


@transactional
def add_note(offer: Offer, author: User, body: str) -> InternalNote:
    """Add a note and its audit event in one transaction. The audit event says a
    note was added, not what it says: notes can hold what staff would not put in
    a permanent log, and the note itself is kept beside the offer."""
    note = InternalNote(offer_id=offer.id, author_id=author.id, body=body)
    db.session.add(note)
    record(AuditAction.NOTE, author, offer=offer, detail="Note added")
    return note


def notes_for(offer_id: int) -> Sequence[InternalNote]:
    """Newest first."""
    return db.session.scalars(
        select(InternalNote)
        .where(InternalNote.offer_id == offer_id)
        .order_by(InternalNote.created_at.desc(), InternalNote.id.desc())
    ).all()
