"""The waiting list: importing it from CSV (previewed, then all or nothing), adding
and editing people, and who may share with whom.

Every view and change of a person's record goes into the audit log with the
record's id and never its content: references are pseudonymous, and nothing
else about a person is written to the log, to application logs or to a task.
"""

from __future__ import annotations

import hashlib
import secrets
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, replace
from datetime import timedelta

from sqlalchemy import Select, func, or_, select
from sqlalchemy.orm.exc import StaleDataError

from rules.matching.people import Person
from rules.matching.people_csv import ParsedPeople, Problem, parse_people_csv
from rules.policy_data import Policy
from triage import clock, db
from triage.db import transactional
from triage.models import Nomination, SharingPair, User, WaitingListImport, WaitingPerson
from triage.models.placement import OPEN_NOMINATION_STATUSES, NominationStatus, PersonStatus
from triage.services.audit import AuditAction, record


class PersonChanged(Exception):
    """The record changed since the officer opened it: their edit was not saved."""


class RecordReduced(Exception):
    """The record was reduced under the retention policy: it cannot be edited."""


def cohort_codes(policy: Policy) -> list[str]:
    return [cohort.code for cohort in policy.cohorts]


# Importing ------------------------------------------------------------------


@dataclass(frozen=True)
class ImportPlan:
    """What confirming an import would do."""

    people: list[Person]
    new: list[Person]
    changed: list[Person]
    unchanged: list[Person]
    # For each person changed, what changes (field names as the file names them).
    changes: dict[str, list[str]]
    # Changed people whose record says they moved in or are no longer waiting:
    # the import changes their details, never that.
    not_waiting: list[str]
    # People on the service's list that the file leaves out: they are kept.
    missing_from_file: int


def _by_reference(references: Iterable[str]) -> dict[str, WaitingPerson]:
    wanted = list(references)
    found: dict[str, WaitingPerson] = {}
    # Bounded IN lists: SQLite allows 32,766 parameters, PostgreSQL far more.
    for start in range(0, len(wanted), 5000):
        chunk = wanted[start : start + 5000]
        for row in db.session.scalars(
            select(WaitingPerson).where(WaitingPerson.reference.in_(chunk))
        ):
            found[row.reference] = row
    return found


FIELD_NAMES = {
    "cohort": "cohort",
    "referred_on": "date_referred",
    "priority": "priority",
    "support_needed": "support_needed",
    "self_contained_required": "self_contained_required",
    "wheelchair_user": "wheelchair_user",
    "level_access_needed": "level_access_needed",
    "age_band": "age_band",
    "preferred_areas": "preferred_areas",
    "excluded_areas": "excluded_areas",
    "sharing_notes": "sharing_notes",
    "unavailable_until": "unavailable_until",
    "benefit_profile": "benefit profile",
}


def _merged(person: Person, row: WaitingPerson | None) -> Person:
    """The person as the file has them, except that a blank "unavailable until" in
    the file keeps the date the team set in the service (after a decline), and a
    blank benefit profile keeps the one recorded (a file from before the profile
    columns must not erase it)."""
    if row is not None and person.unavailable_until is None and row.unavailable_until:
        person = replace(person, unavailable_until=row.unavailable_until)
    if row is not None and person.benefit_profile is None and row.benefit_profile:
        person = replace(person, benefit_profile=row.tenant_profile())
    return person


def plan(people: Sequence[Person]) -> ImportPlan:
    existing = _by_reference(person.reference for person in people)
    merged = [_merged(person, existing.get(person.reference)) for person in people]
    new, changed, unchanged = [], [], []
    changes: dict[str, list[str]] = {}
    not_waiting: list[str] = []
    for person in merged:
        row = existing.get(person.reference)
        if row is None:
            new.append(person)
            continue
        current = row.as_person()
        # A record reduced under the retention policy keeps only what statistics
        # need: a file cannot fill it in again (the person is added afresh under a
        # new reference if they come back).
        if current == person or row.reduced_at is not None:
            unchanged.append(person)
            continue
        changed.append(person)
        changes[person.reference] = [
            column
            for field, column in FIELD_NAMES.items()
            if getattr(current, field) != getattr(person, field)
        ]
        if row.status != PersonStatus.WAITING:
            not_waiting.append(person.reference)
    on_list = db.session.scalar(select(func.count()).select_from(WaitingPerson)) or 0
    return ImportPlan(
        merged,
        new,
        changed,
        unchanged,
        changes,
        not_waiting,
        missing_from_file=on_list - len(existing),
    )


@dataclass(frozen=True)
class Upload:
    """A checked upload: either problems (nothing kept) or an import awaiting the
    officer's confirmation."""

    problems: list[Problem]
    pending: WaitingListImport | None = None


@transactional
def upload(data: bytes, policy: Policy, officer: User) -> Upload:
    """Check a file. A clean one is kept (outside the web root, in the database)
    until the officer confirms or abandons it; a file with problems is not kept."""
    parsed: ParsedPeople = parse_people_csv(data, cohort_codes(policy))
    if parsed.problems:
        return Upload(parsed.problems)
    # An officer's earlier upload they never confirmed goes: it holds personal data.
    for abandoned in db.session.scalars(
        select(WaitingListImport).where(
            WaitingListImport.uploaded_by_id == officer.id,
            WaitingListImport.confirmed_at.is_(None),
        )
    ):
        db.session.delete(abandoned)
    pending = WaitingListImport(
        token=secrets.token_urlsafe(24),
        sha256=hashlib.sha256(data).hexdigest(),
        content=data,
        row_count=len(parsed.people),
        uploaded_by_id=officer.id,
    )
    db.session.add(pending)
    return Upload([], pending)


def pending_import(token: str, officer: User) -> WaitingListImport | None:
    """An import this officer uploaded and has not yet confirmed."""
    return db.session.scalar(
        select(WaitingListImport).where(
            WaitingListImport.token == token,
            WaitingListImport.uploaded_by_id == officer.id,
        )
    )


def parse_pending(pending: WaitingListImport, policy: Policy) -> ParsedPeople:
    return parse_people_csv(pending.content or b"", cohort_codes(policy))


class ListChanged(Exception):
    """A person the import changes was changed by someone else while it ran."""


def confirm(pending: WaitingListImport, policy: Policy, officer: User) -> ImportPlan | None:
    """Apply an import in one transaction: new people added, changed ones updated,
    the rest untouched, so importing the same file again adds nobody. None if the
    file is no longer clean (the policy's cohorts changed since the preview).
    Raises ListChanged, having saved nothing, if a person it changes was edited (or
    moved in) at the same moment."""
    try:
        return _confirm(pending, policy, officer)
    except StaleDataError as error:
        raise ListChanged("The waiting list changed while it was imported") from error


@transactional
def _confirm(pending: WaitingListImport, policy: Policy, officer: User) -> ImportPlan | None:
    # Locked, so a second click of "Import" waits and then finds it done.
    db.lock_rows(WaitingListImport, pending.id)
    db.session.refresh(pending)
    parsed = parse_pending(pending, policy)
    if parsed.problems or pending.confirmed_at is not None:
        return None
    import_plan = plan(parsed.people)
    existing = _by_reference(person.reference for person in import_plan.changed)
    for person in import_plan.new:
        row = WaitingPerson(reference=person.reference, status=PersonStatus.WAITING)
        row.take(person)
        db.session.add(row)
        db.session.flush()
        record(
            AuditAction.PERSON_ADDED, officer, person_id=row.id, detail="From a waiting-list import"
        )
    for person in import_plan.changed:
        row = existing[person.reference]
        row.take(person)
        record(
            AuditAction.PERSON_CHANGED,
            officer,
            person_id=row.id,
            detail="From a waiting-list import",
        )
    pending.confirmed_at = clock.now()
    pending.added = len(import_plan.new)
    pending.updated = len(import_plan.changed)
    # The file holds special-category data: keep only what the import did.
    pending.content = None
    record(
        AuditAction.WAITING_LIST_IMPORTED,
        officer,
        detail=f"{len(import_plan.new)} added, {len(import_plan.changed)} changed, "
        f"{len(import_plan.unchanged)} unchanged",
    )
    return import_plan


# An upload never confirmed is deleted after this long: it holds personal data.
ABANDONED_AFTER = timedelta(hours=24)


@transactional
def purge_abandoned_imports() -> int:
    """Delete uploads nobody confirmed within a day. Safe to run twice."""
    cutoff = clock.now() - ABANDONED_AFTER
    abandoned = db.session.scalars(
        select(WaitingListImport).where(
            WaitingListImport.confirmed_at.is_(None), WaitingListImport.uploaded_at < cutoff
        )
    ).all()
    for pending in abandoned:
        db.session.delete(pending)
    return len(abandoned)


@transactional
def abandon(pending: WaitingListImport) -> None:
    if pending.confirmed_at is None:
        db.session.delete(pending)


# One person -------------------------------------------------------------------


def get(person_id: int) -> WaitingPerson | None:
    return db.session.get(WaitingPerson, person_id)


@transactional
def viewed(person: WaitingPerson, officer: User) -> None:
    record(AuditAction.PERSON_VIEWED, officer, person_id=person.id)


def reference_taken(reference: str, except_id: int | None = None) -> bool:
    query = select(WaitingPerson.id).where(func.upper(WaitingPerson.reference) == reference.upper())
    if except_id is not None:
        query = query.where(WaitingPerson.id != except_id)
    return db.session.scalar(query) is not None


@transactional
def add(person: Person, officer: User) -> WaitingPerson:
    row = WaitingPerson(reference=person.reference, status=PersonStatus.WAITING)
    row.take(person)
    db.session.add(row)
    db.session.flush()
    record(AuditAction.PERSON_ADDED, officer, person_id=row.id)
    return row


def close_open_nominations(
    person_id: int, reason: str, *, keep: Nomination | None = None
) -> list[Nomination]:
    """Close a person's open nominations (all but `keep`), in the caller's
    transaction, freeing the places they held: someone who moved in, or is no
    longer waiting, is not being offered another home."""
    query = select(Nomination).where(
        Nomination.person_id == person_id,
        Nomination.status.in_(sorted(OPEN_NOMINATION_STATUSES)),
    )
    if keep is not None:
        query = query.where(Nomination.id != keep.id)
    closed = list(db.session.scalars(query))
    for nomination in closed:
        nomination.status = NominationStatus.CLOSED
        nomination.decline_reason = reason
    return closed


@transactional
def change(
    row: WaitingPerson,
    person: Person,
    officer: User,
    status: PersonStatus,
    *,
    seen_version: int | None,
) -> bool:
    """Save an edit made on the page showing `seen_version` of the record; False
    (and nothing saved) when nothing changed. Raises PersonChanged, saving
    nothing, if the record changed since. Taking someone off the waiting list
    closes their open nominations, which frees the places they held. Moving in
    and out is recorded on a nomination, never here."""
    stale = PersonChanged(f"Waiting-list record {row.id} changed since it was opened")
    if seen_version != row.version:
        raise stale
    if row.reduced_at is not None:
        raise RecordReduced(f"Waiting-list record {row.id} was reduced under the retention policy")
    if row.as_person() == person and row.status == status:
        return False
    if status is PersonStatus.MOVED_IN or (
        row.status == PersonStatus.MOVED_IN and status != PersonStatus.MOVED_IN
    ):
        raise ValueError("a move in or out is recorded on the nomination")
    # The version is the mapper's version_id_col: the UPDATE says WHERE version is
    # the one loaded, and bumps it, so a change saved in between makes it match
    # nothing (at the flush below, or at the autoflush before the query).
    try:
        row.take(person)
        if status is PersonStatus.REMOVED and row.status != PersonStatus.REMOVED:
            close_open_nominations(row.id, "Closed: no longer on the waiting list")
        row.status = status
        db.session.flush()
    except StaleDataError as error:
        # Built before the flush: the failed session cannot load `row.id` now.
        raise stale from error
    record(AuditAction.PERSON_CHANGED, officer, person_id=row.id)
    return True


# The list ------------------------------------------------------------------


PAGE_SIZE = 50


@dataclass(frozen=True)
class PeoplePage:
    people: list[WaitingPerson]
    total: int
    page: int
    pages: int


def people_query(
    cohort: str | None, status: str | None, search: str | None
) -> Select[WaitingPerson]:
    query = select(WaitingPerson)
    if cohort:
        query = query.where(WaitingPerson.cohort == cohort)
    if status:
        query = query.where(WaitingPerson.status == status)
    if search:
        query = query.where(
            func.upper(WaitingPerson.reference).contains(search.strip().upper(), autoescape=True)
        )
    return query


@transactional
def people_page(
    officer: User, *, cohort: str | None, status: str | None, search: str | None, page: int
) -> PeoplePage:
    query = people_query(cohort, status, search)
    total = db.session.scalar(select(func.count()).select_from(query.subquery())) or 0
    pages = max(1, -(-total // PAGE_SIZE))
    page = min(max(1, page), pages)
    people = db.session.scalars(
        query.order_by(WaitingPerson.referred_on, WaitingPerson.reference)
        .limit(PAGE_SIZE)
        .offset((page - 1) * PAGE_SIZE)
    ).all()
    record(AuditAction.WAITING_LIST_VIEWED, officer, detail=f"Page {page}, {len(people)} records")
    return PeoplePage(list(people), total, page, pages)


@transactional
def export(officer: User) -> list[WaitingPerson]:
    """Everyone on the list, in the import's format. Records reduced under the
    retention policy are left out: their blanked answers would read as real ones
    (and an import leaves people it does not list as they are)."""
    people = db.session.scalars(
        select(WaitingPerson)
        .where(WaitingPerson.reduced_at.is_(None))
        .order_by(WaitingPerson.referred_on, WaitingPerson.reference)
    ).all()
    record(AuditAction.WAITING_LIST_EXPORTED, officer, detail=f"{len(people)} records")
    return list(people)


def waiting_people() -> list[WaitingPerson]:
    return list(
        db.session.scalars(
            select(WaitingPerson)
            .where(WaitingPerson.status == PersonStatus.WAITING)
            .order_by(WaitingPerson.reference)
        )
    )


def waiting_by_cohort() -> dict[str, int]:
    rows = db.session.execute(
        select(WaitingPerson.cohort, func.count())
        .where(WaitingPerson.status == PersonStatus.WAITING)
        .group_by(WaitingPerson.cohort)
    )
    return {cohort: count for cohort, count in rows}


# Who may share with whom -----------------------------------------------------


def sharing_partners(person: WaitingPerson) -> list[WaitingPerson]:
    pairs = db.session.execute(
        select(SharingPair.first_id, SharingPair.second_id).where(
            or_(SharingPair.first_id == person.id, SharingPair.second_id == person.id)
        )
    ).all()
    other_ids = [first if second == person.id else second for first, second in pairs]
    if not other_ids:
        return []
    return list(
        db.session.scalars(
            select(WaitingPerson)
            .where(WaitingPerson.id.in_(other_ids))
            .order_by(WaitingPerson.reference)
        )
    )


@transactional
def record_sharing(person: WaitingPerson, other: WaitingPerson, officer: User) -> bool:
    """Record that two people may share a home; False if it was already recorded."""
    first, second = sorted((person.id, other.id))
    exists = db.session.scalar(
        select(SharingPair.id).where(SharingPair.first_id == first, SharingPair.second_id == second)
    )
    if exists:
        return False
    db.session.add(SharingPair(first_id=first, second_id=second, recorded_by_id=officer.id))
    for party in (person, other):
        record(AuditAction.SHARING_RECORDED, officer, person_id=party.id)
    return True


@transactional
def remove_sharing(person: WaitingPerson, other: WaitingPerson, officer: User) -> bool:
    first, second = sorted((person.id, other.id))
    pair = db.session.scalar(
        select(SharingPair).where(SharingPair.first_id == first, SharingPair.second_id == second)
    )
    if pair is None:
        return False
    db.session.delete(pair)
    for party in (person, other):
        record(AuditAction.SHARING_REMOVED, officer, person_id=party.id)
    return True


def all_sharing_pairs() -> frozenset[frozenset[str]]:
    first = WaitingPerson.__table__.alias("first_person")
    second = WaitingPerson.__table__.alias("second_person")
    rows = db.session.execute(
        select(first.c.reference, second.c.reference)
        .select_from(SharingPair)
        .join(first, first.c.id == SharingPair.first_id)
        .join(second, second.c.id == SharingPair.second_id)
    )
    return frozenset(frozenset((a, b)) for a, b in rows)


def by_reference(reference: str) -> WaitingPerson | None:
    return db.session.scalar(
        select(WaitingPerson).where(func.upper(WaitingPerson.reference) == reference.upper())
    )
