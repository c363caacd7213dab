"""The retention policy the privacy notice promises, applied once a day.

- Someone who left the waiting list (moved in, or no longer waiting) has their
  record reduced to what statistics need once RETENTION_DAYS have passed since
  it last changed: the pseudonymous reference, cohort, date referred, priority,
  support level and age band, status and dates stay, as do their nominations'
  outcomes; the sharing notes, areas, access and self-contained needs, the date
  they were unavailable until, the reasons written on their nominations and who
  they may share with go. The row is marked `reduced_at`, and is reduced again
  only if it changed since (and that change, too, is older than the period).
- The documents of an offer withdrawn or declined more than RETENTION_DAYS ago
  (answers' uploads included) are deleted, rows and files; the offer stays.

Each kind is its own entry point, with one audit event per run that did
something, saying how many and never whom. A file is removed only once the
deletion of its row is committed, so a failed run leaves every document whole.
"""

from __future__ import annotations

import logging
from datetime import datetime, timedelta
from pathlib import Path

from flask import current_app
from sqlalchemy import ColumnElement, and_, or_, select

from triage import clock, db
from triage.models import Document, Nomination, Offer, SharingPair, WaitingPerson
from triage.models.offers import OfferStatus
from triage.models.placement import PersonStatus
from triage.services.audit import AuditAction, record
from triage.services.documents import path_of

logger = logging.getLogger(__name__)

# People in these have left the waiting list.
DEPARTED_STATUSES = (PersonStatus.MOVED_IN, PersonStatus.REMOVED)


def retention_period() -> timedelta:
    return timedelta(days=int(current_app.config["RETENTION_DAYS"]))


def _cutoff(now: datetime | None) -> datetime:
    return (now or clock.now()) - retention_period()


def _departed_before(cutoff: datetime) -> list[ColumnElement[bool]]:
    return [
        WaitingPerson.status.in_([status.value for status in DEPARTED_STATUSES]),
        WaitingPerson.updated_at < cutoff,
        # Not reduced yet, or changed again since (a waiting-list import that
        # filled a reduced record in again, say).
        or_(
            WaitingPerson.reduced_at.is_(None),
            WaitingPerson.updated_at > WaitingPerson.reduced_at,
        ),
    ]


def _reduce(person: WaitingPerson, at: datetime) -> None:
    """Blank what could identify the person or describes their health; the
    columns that cannot be empty take the value that claims no need."""
    person.preferred_areas = ""
    person.excluded_areas = ""
    person.sharing_notes = ""
    person.unavailable_until = None
    person.wheelchair_user = False
    person.level_access_needed = False
    person.self_contained_required = False
    person.reduced_at = at
    # The same instant (not the flush's): a record changed after it was reduced is
    # one whose updated_at is later than its reduced_at.
    person.updated_at = at


def reduce_departed_people(now: datetime | None = None) -> int:
    """Reduce the records of people who left the list longer ago than the
    retention period; returns how many. Safe to run twice: a reduced record is
    marked and not chosen again."""
    at = now or clock.now()
    cutoff = _cutoff(at)
    with db.unit_of_work():
        ids = list(db.session.scalars(select(WaitingPerson.id).where(*_departed_before(cutoff))))
        if not ids:
            return 0
        # Locked, then read again: an officer who put someone back on the list
        # in the meantime wins, and their record is left alone.
        db.lock_rows(WaitingPerson, *ids)
        people = list(
            db.session.scalars(
                select(WaitingPerson)
                .where(WaitingPerson.id.in_(ids), *_departed_before(cutoff))
                .execution_options(populate_existing=True)
            )
        )
        reduced_ids = [person.id for person in people]
        for person in people:
            _reduce(person, at)
        for nomination in db.session.scalars(
            select(Nomination).where(
                Nomination.person_id.in_(reduced_ids), Nomination.decline_reason.is_not(None)
            )
        ):
            nomination.decline_reason = None
        pairs = list(
            db.session.scalars(
                select(SharingPair).where(
                    or_(
                        SharingPair.first_id.in_(reduced_ids),
                        SharingPair.second_id.in_(reduced_ids),
                    )
                )
            )
        )
        for pair in pairs:
            db.session.delete(pair)
        if people:
            record(
                AuditAction.RETENTION_APPLIED,
                None,
                detail=f"{len(people)} waiting-list records reduced, "
                f"{len(pairs)} sharing records removed",
                at=at,
            )
    logger.info("Retention: %d waiting-list records reduced", len(people))
    return len(people)


def remove_closed_offers_documents(now: datetime | None = None) -> int:
    """Delete the documents of offers withdrawn or declined longer ago than the
    retention period, rows first and then (once that is committed) files;
    returns how many. The offers themselves are kept. Safe to run twice."""
    at = now or clock.now()
    cutoff = _cutoff(at)
    with db.unit_of_work():
        documents = list(
            db.session.scalars(
                select(Document)
                .join(Offer, Offer.id == Document.offer_id)
                .where(
                    or_(
                        and_(
                            Offer.status == OfferStatus.WITHDRAWN,
                            Offer.withdrawn_at < cutoff,
                        ),
                        and_(
                            Offer.status == OfferStatus.DECLINED,
                            Offer.decided_at < cutoff,
                        ),
                    )
                )
                .order_by(Document.id)
            )
        )
        paths: list[Path] = [path_of(document) for document in documents]
        for document in documents:
            db.session.delete(document)
        if documents:
            offers = len({document.offer_id for document in documents})
            record(
                AuditAction.RETENTION_APPLIED,
                None,
                detail=f"{len(documents)} documents of {offers} withdrawn or declined "
                "offers deleted",
                at=at,
            )
    failed = 0
    for path in paths:
        try:
            path.unlink(missing_ok=True)
        except OSError:
            failed += 1
            # The name is random: it says nothing about the document.
            logger.warning("Retention: could not delete the file %s", path.name)
    logger.info("Retention: %d documents deleted (%d files not removed)", len(paths), failed)
    return len(paths)


def apply_retention() -> tuple[int, int]:
    """The daily job: (records reduced, documents deleted), each part in its own
    unit of work."""
    return reduce_departed_people(), remove_closed_offers_documents()
