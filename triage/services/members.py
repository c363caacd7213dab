"""An organisation's members: who they are, and removing one.

A removed member's account is kept (their offers and the audit trail name them)
but made inactive, and every session of theirs ends at once: the next request with
their cookie is signed out. An organisation always keeps one member.
"""

from __future__ import annotations

from sqlalchemy import func, select

from triage import db
from triage.db import lock_rows, transactional
from triage.models import Organisation, User
from triage.services import account, audit
from triage.services.audit import AuditAction


class LastMember(Exception):
    """Removing them would leave the organisation with no one."""


class NoSuchMember(Exception):
    """Not an active member of this organisation."""


def members_of(organisation: Organisation) -> list[User]:
    """The organisation's active people, by name."""
    return list(
        db.session.scalars(
            select(User)
            .where(User.organisation_id == organisation.id, User.is_active.is_(True))
            .order_by(func.lower(User.full_name), User.id)
        )
    )


@transactional
def remove(actor: User, member_id: int) -> User:
    """Remove the member `member_id` of `actor`'s organisation (`actor` themself
    included) and end their sessions. Raises NoSuchMember or LastMember."""
    assert actor.organisation_id is not None
    # Two members removing each other at once: the second waits for the first
    # and then counts one member left.
    lock_rows(Organisation, actor.organisation_id)
    member = db.session.scalar(
        select(User).where(
            User.id == member_id,
            User.organisation_id == actor.organisation_id,
            User.is_active.is_(True),
        )
    )
    if member is None:
        raise NoSuchMember(member_id)
    remaining = db.session.scalar(
        select(func.count())
        .select_from(User)
        .where(User.organisation_id == actor.organisation_id, User.is_active.is_(True))
    )
    if (remaining or 0) <= 1:
        raise LastMember
    member.is_active = False
    ended = account.end_sessions(member)
    audit.record(
        AuditAction.MEMBER_REMOVED, actor, detail=f"user {member.id}; {ended} sessions ended"
    )
    return member
