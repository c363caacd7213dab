"""The administrators' search of the audit log: by offer, action, person and
date, newest first, a page at a time. `triage.services.audit` writes the log."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta

from sqlalchemy import Select, func, or_, select
from sqlalchemy.orm import aliased

from triage import db
from triage.clock import uk_day_start
from triage.models import AuditEvent, Offer, User
from triage.services.audit import AuditAction, action_label

PAGE_SIZE = 50


def action_choices() -> list[tuple[str, str]]:
    """Every action the service records, and any other already in the log."""
    logged = db.session.scalars(select(AuditEvent.action).distinct()).all()
    actions = dict.fromkeys([*(action.value for action in AuditAction), *sorted(logged)])
    return [(action, action_label(action)) for action in actions]


@dataclass(frozen=True)
class AuditFilters:
    reference: str | None = None
    action: str | None = None
    person: str | None = None
    date_from: date | None = None  # UK dates, both days included
    date_to: date | None = None


@dataclass(frozen=True)
class AuditRow:
    event: AuditEvent
    offer_reference: str | None
    offer_name: str | None
    offer_submitted: bool
    actor_name: str | None
    actor_role: str | None


@dataclass(frozen=True)
class AuditPage:
    rows: list[AuditRow]
    total: int
    page: int
    pages: int
    first: int
    last: int


AuditSelect = Select[AuditEvent, str | None, str | None, datetime | None, str, str]


def _query(filters: AuditFilters) -> AuditSelect:
    actor = aliased(User)
    query = (
        select(
            AuditEvent,
            Offer.reference,
            Offer.name,
            Offer.submitted_at,
            actor.full_name,
            actor.role,
        )
        .outerjoin(Offer, Offer.id == AuditEvent.offer_id)
        .outerjoin(actor, actor.id == AuditEvent.actor_id)
    )
    if filters.reference:
        query = query.where(Offer.reference == filters.reference)
    if filters.action:
        query = query.where(AuditEvent.action == filters.action)
    if filters.person:
        query = query.where(
            or_(
                actor.full_name.icontains(filters.person, autoescape=True),
                actor.email.icontains(filters.person, autoescape=True),
            )
        )
    if filters.date_from:
        query = query.where(AuditEvent.at >= uk_day_start(filters.date_from))
    if filters.date_to:
        query = query.where(AuditEvent.at < uk_day_start(filters.date_to + timedelta(days=1)))
    return query


def search(filters: AuditFilters, page: int = 1, page_size: int = PAGE_SIZE) -> AuditPage:
    query = _query(filters)
    total = db.session.scalar(select(func.count()).select_from(query.subquery())) or 0
    pages = max((total + page_size - 1) // page_size, 1)
    # Clamped, so a page past the end shows the last page rather than nothing.
    page = min(max(page, 1), pages)
    found = db.session.execute(
        query.order_by(AuditEvent.at.desc(), AuditEvent.id.desc())
        .limit(page_size)
        .offset((page - 1) * page_size)
    ).all()
    rows = [
        AuditRow(event, reference, name, submitted_at is not None, actor_name, actor_role)
        for event, reference, name, submitted_at, actor_name, actor_role in found
    ]
    first = (page - 1) * page_size + 1 if rows else 0
    return AuditPage(rows, total, page, pages, first, first + len(rows) - 1 if rows else 0)
