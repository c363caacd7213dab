"""Nominations and what came of them. A nomination keeps the home's shortlist as
it stood when it was made, so "why this person" can be answered later; a move-in
closes the person's other open nominations and takes them off the waiting list."""

from __future__ import annotations

import enum
from dataclasses import asdict, is_dataclass
from datetime import date
from typing import Any

from sqlalchemy import select
from sqlalchemy.exc import OperationalError
from sqlalchemy.orm.exc import StaleDataError

from rules.policy_data import Policy
from triage import clock, db
from triage.db import Base, transactional
from triage.models import Nomination, PlacementUnit, User, WaitingPerson
from triage.models.placement import OPEN_NOMINATION_STATUSES, NominationStatus, PersonStatus
from triage.services.audit import AuditAction, record
from triage.services.placement import matching, waiting_list

# Which outcome may follow which: a nomination moves forward, or ends.
NEXT_STATUSES: dict[NominationStatus, tuple[NominationStatus, ...]] = {
    NominationStatus.NOMINATED: (
        NominationStatus.OFFERED,
        NominationStatus.ACCEPTED,
        NominationStatus.DECLINED,
        NominationStatus.MOVED_IN,
        NominationStatus.CLOSED,
    ),
    NominationStatus.OFFERED: (
        NominationStatus.ACCEPTED,
        NominationStatus.DECLINED,
        NominationStatus.MOVED_IN,
        NominationStatus.CLOSED,
    ),
    NominationStatus.ACCEPTED: (
        NominationStatus.DECLINED,
        NominationStatus.MOVED_IN,
        NominationStatus.CLOSED,
    ),
    # Moving out frees the place (a room in a shared house, say); the person is
    # then no longer waiting, until the team puts them back on the list.
    NominationStatus.MOVED_IN: (NominationStatus.MOVED_OUT,),
}


class NominationRefused(Exception):
    """Why a nomination or an outcome could not be recorded, in words for the page."""


BUSY = "Another officer was changing this at the same moment. Check the page and try again."


# PostgreSQL's deadlock_detected and lock_not_available (a lock_timeout).
_LOCK_SQLSTATES = frozenset({"40P01", "55P03"})


def _lock(model: type[Base], *ids: int) -> None:
    """The first statement of a unit of work that counts places or checks who is
    free and then writes: the rows' write lock (`db.lock_rows`, which works on
    SQLite too). A lock not had in time (SQLite's busy timeout, a PostgreSQL
    deadlock) is a refusal the page shows, not an error; anything else is raised."""
    try:
        db.lock_rows(model, *ids)
    except OperationalError as error:
        sqlstate = getattr(error.orig, "sqlstate", None)
        if sqlstate in _LOCK_SQLSTATES or "database is locked" in str(error.orig):
            raise NominationRefused(BUSY) from error
        raise


def _plain(value: Any) -> Any:
    """The shortlist as JSON: dataclasses to dicts, enums and dates to strings."""
    if is_dataclass(value) and not isinstance(value, type):
        return _plain(asdict(value))
    if isinstance(value, dict):
        return {str(key): _plain(item) for key, item in value.items()}
    if isinstance(value, list | tuple | set | frozenset):
        items = [_plain(item) for item in value]
        return sorted(items) if isinstance(value, set | frozenset) else items
    if isinstance(value, enum.Enum):
        return value.value
    if isinstance(value, date):
        return value.isoformat()
    return value


@transactional
def nominate(
    unit: PlacementUnit, person: WaitingPerson, officer: User, policy: Policy, today: date
) -> Nomination:
    # The home's row first, so two officers cannot both take its last place, then
    # the person's, so they cannot be nominated while they move in elsewhere. What
    # the page loaded may be out of date by the time the locks are had.
    _lock(PlacementUnit, unit.id)
    _lock(WaitingPerson, person.id)
    db.session.refresh(unit)
    db.session.refresh(person)
    if person.status != PersonStatus.WAITING:
        raise NominationRefused(f"{person.reference} is no longer on the waiting list.")
    already = db.session.scalar(
        select(Nomination.id).where(
            Nomination.unit_id == unit.id,
            Nomination.person_id == person.id,
            Nomination.status.in_(sorted(OPEN_NOMINATION_STATUSES)),
        )
    )
    if already:
        raise NominationRefused(f"{person.reference} is already nominated for this home.")
    found = matching.unit_shortlist(unit, policy, today)
    if found.occupancy.free < 1:
        raise NominationRefused("This home has no free place.")
    candidate = next(
        (item for item in found.result.candidates if item.person_reference == person.reference),
        None,
    )
    if candidate is None:
        excluded = next(
            (item for item in found.result.excluded if item.person_reference == person.reference),
            None,
        )
        why = " " + " ".join(item.reason for item in excluded.exclusions) if excluded else ""
        raise NominationRefused(f"{person.reference} is not eligible for this home.{why}")
    nomination = Nomination(
        unit_id=unit.id,
        person_id=person.id,
        status=NominationStatus.NOMINATED,
        rank=candidate.rank,
        fit=candidate.fit.total,
        # The ranked list only: who was left out is a count, as the reasons for
        # thousands of exclusions would swamp the record and answer nothing.
        shortlist={
            "made_on": today.isoformat(),
            "candidates": _plain(list(found.result.candidates)),
            "excluded_count": len(found.result.excluded),
        },
        nominated_by_id=officer.id,
    )
    db.session.add(nomination)
    db.session.flush()
    record(AuditAction.NOMINATED, officer, person_id=person.id, detail=f"Home {unit.reference}")
    return nomination


CHANGED_SINCE_OPENED = (
    "This nomination changed since you opened the page. Check its status and try again."
)


@transactional
def record_outcome(
    nomination: Nomination,
    outcome: NominationStatus,
    officer: User,
    *,
    seen_status: str,
    reason: str | None = None,
    unavailable_until: date | None = None,
    moved_in_on: date | None = None,
) -> list[Nomination]:
    """Record what happened; returns other nominations a move-in closed. Every
    outcome changes the status, so the status the officer saw (`seen_status`) says
    which version of the nomination they acted on."""
    # The person's row too: two officers cannot move one person into two homes.
    _lock(WaitingPerson, nomination.person_id)
    _lock(Nomination, nomination.id)
    # The person is not reloaded: their row's version (version_id_col) is what
    # refuses an outcome if they changed since the page loaded them.
    db.session.refresh(nomination)
    if nomination.status != seen_status:
        raise NominationRefused(CHANGED_SINCE_OPENED)
    allowed = NEXT_STATUSES.get(NominationStatus(nomination.status), ())
    if outcome not in allowed:
        raise NominationRefused(
            f"A nomination that is {nomination.status_label.lower()} cannot be marked "
            f"{outcome.value.replace('_', ' ')}."
        )
    person = nomination.person
    if outcome is NominationStatus.MOVED_IN and person.status != PersonStatus.WAITING:
        raise NominationRefused(
            f"{person.reference} is not on the waiting list: they have moved in elsewhere or left it."
        )
    closed: list[Nomination] = []
    # Both rows carry the mapper's version_id_col: an UPDATE that another
    # transaction got in first matches nothing (at the flush below, or at the
    # autoflush before a query), and the outcome is refused.
    try:
        nomination.status = outcome
        if outcome is NominationStatus.DECLINED:
            nomination.decline_reason = reason
            if unavailable_until is not None:
                person.unavailable_until = unavailable_until
        if outcome is NominationStatus.MOVED_OUT:
            person.status = PersonStatus.REMOVED
        if outcome is NominationStatus.MOVED_IN:
            nomination.moved_in_on = moved_in_on or clock.today_uk()
            person.status = PersonStatus.MOVED_IN
            closed = waiting_list.close_open_nominations(
                person.id, f"Closed: moved in to {nomination.unit.reference}", keep=nomination
            )
        db.session.flush()
    except StaleDataError as error:
        raise NominationRefused(CHANGED_SINCE_OPENED) from error
    record(
        AuditAction.NOMINATION_OUTCOME,
        officer,
        person_id=person.id,
        detail=f"Home {nomination.unit.reference}: {outcome.value.replace('_', ' ')}",
    )
    return closed


def for_unit(unit: PlacementUnit) -> list[Nomination]:
    return list(
        db.session.scalars(
            select(Nomination).where(Nomination.unit_id == unit.id).order_by(Nomination.id.desc())
        )
    )


def for_person(person: WaitingPerson) -> list[Nomination]:
    return list(
        db.session.scalars(
            select(Nomination)
            .where(Nomination.person_id == person.id)
            .order_by(Nomination.id.desc())
        )
    )


def get(nomination_id: int) -> Nomination | None:
    return db.session.get(Nomination, nomination_id)


@transactional
def viewed(nomination: Nomination, officer: User) -> None:
    """A nomination's page shows the person's record: logged as a view of it."""
    record(AuditAction.PERSON_VIEWED, officer, person_id=nomination.person_id)
