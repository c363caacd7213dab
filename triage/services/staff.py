"""Staff accounts: roles, deactivation and reactivation (invitations are in
`invitations`).

Deactivating ends every session at once (the next request with an old cookie is
signed out); reactivating lets them sign in again but revives no session. The
service always keeps one active administrator: the last cannot be deactivated or
given another role, by themself or anyone.
"""

from __future__ import annotations

from sqlalchemy import select

from triage import db
from triage.db import lock_rows, transactional
from triage.models import User
from triage.models.users import STAFF_ROLES, Role
from triage.services import account, audit
from triage.services.audit import AuditAction


class LastAdmin(Exception):
    """The change would leave no active administrator."""


class NoSuchStaff(Exception):
    pass


def staff_accounts() -> list[User]:
    """Every staff account (active or not), by name."""
    return list(
        db.session.scalars(
            select(User)
            .where(User.role.in_([role.value for role in STAFF_ROLES]))
            .order_by(User.full_name, User.id)
        )
    )


def staff_member(user_id: int) -> User:
    user = db.session.get(User, user_id)
    if user is None or not user.is_staff:
        raise NoSuchStaff(user_id)
    return user


def _locked_staff(user_id: int) -> User:
    # Lock every active administrator first, so two administrators demoting each
    # other at once cannot both see another one left.
    admins = db.session.scalars(
        select(User.id).where(User.role == Role.ADMIN.value, User.is_active.is_(True))
    ).all()
    lock_rows(User, user_id, *admins)
    user = staff_member(user_id)
    db.session.refresh(user)
    return user


def _last_active_admin(user: User) -> bool:
    if not (user.is_active and user.role == Role.ADMIN.value):
        return False
    others = db.session.scalars(
        select(User.id).where(
            User.role == Role.ADMIN.value, User.is_active.is_(True), User.id != user.id
        )
    ).first()
    return others is None


@transactional
def change_role(admin: User, user_id: int, role: Role) -> User:
    assert role in STAFF_ROLES
    user = _locked_staff(user_id)
    if user.role == role.value:
        return user
    if role != Role.ADMIN and _last_active_admin(user):
        raise LastAdmin
    old = user.role
    user.role = role.value
    audit.record(AuditAction.ROLE_CHANGED, admin, detail=f"user {user.id}: {old} to {role.value}")
    return user


@transactional
def deactivate(admin: User, user_id: int) -> User:
    user = _locked_staff(user_id)
    if not user.is_active:
        return user
    if _last_active_admin(user):
        raise LastAdmin
    user.is_active = False
    ended = account.end_sessions(user)
    audit.record(
        AuditAction.ACCOUNT_DEACTIVATED, admin, detail=f"user {user.id}; {ended} sessions ended"
    )
    return user


@transactional
def reactivate(admin: User, user_id: int) -> User:
    user = _locked_staff(user_id)
    if user.is_active:
        return user
    user.is_active = True
    audit.record(AuditAction.ACCOUNT_REACTIVATED, admin, detail=f"user {user.id}")
    return user
