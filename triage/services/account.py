"""Accounts: creating one, and a person's own name, password and signed-in sessions.

Every entry point is one unit of work with its audit event. The events never say
what the name or password is. Sessions are LoginSession rows: deleting one ends it
(the next request with its cookie is signed out).

The session to keep is named by its id (`triage.auth.sessions.current_session_id`
gives the signed-in one's).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import delete, func, select

from triage import clock, db
from triage.db import transactional
from triage.models import LoginSession, Organisation, User
from triage.models.users import Role
from triage.passwords import hash_password, verify_password
from triage.services import audit
from triage.services.audit import AuditAction


class EmailTaken(Exception):
    """An account already has the address."""


def email_in_use(email: str) -> bool:
    return db.session.scalar(select(func.count()).where(User.email == email.lower())) != 0


@transactional
def create_user(
    *,
    email: str,
    full_name: str,
    password: str,
    role: Role,
    organisation: Organisation | None,
    email_confirmed: bool = True,
) -> User:
    """A new account (a staff member's when `organisation` is None). Raises EmailTaken.
    `email_confirmed` False: the address is still to be confirmed by an emailed link
    (a registration); anyone else was invited by email or created by an operator."""
    if email_in_use(email):
        raise EmailTaken(email)
    user = User(
        email=email.lower(),
        full_name=full_name,
        password_hash=hash_password(password),
        role=role.value,
        organisation=organisation,
        email_confirmed_at=clock.now() if email_confirmed else None,
    )
    db.session.add(user)
    return user


class WrongPassword(Exception):
    """The current password given does not match: nothing was changed."""


@dataclass(frozen=True)
class SessionEntry:
    id: int
    started_at: datetime
    is_current: bool


@transactional
def change_name(user: User, full_name: str) -> None:
    user.full_name = full_name
    audit.record(AuditAction.NAME_CHANGED, user)


@transactional
def change_password(
    user: User,
    current_password: str,
    new_password: str,
    keep_session_id: int | None,
) -> int:
    """Set `user`'s new password and end every other session of theirs (keeping
    `keep_session_id`, the one making the change). Raises WrongPassword, having
    changed nothing, if `current_password` is not theirs. Returns how many sessions
    were ended."""
    if not verify_password(user.password_hash, current_password):
        raise WrongPassword
    user.password_hash = hash_password(new_password)
    ended = end_sessions(user, keep_session_id=keep_session_id)
    audit.record(AuditAction.PASSWORD_CHANGED, user, detail=f"{ended} other sessions ended")
    return ended


@transactional
def sessions_of(user: User, current_session_id: int | None) -> list[SessionEntry]:
    """`user`'s signed-in sessions, newest first; `current_session_id` is this one."""
    records = db.session.scalars(
        select(LoginSession)
        .where(LoginSession.user_id == user.id)
        .order_by(LoginSession.created_at.desc(), LoginSession.id.desc())
    )
    return [
        SessionEntry(
            id=record.id, started_at=record.created_at, is_current=record.id == current_session_id
        )
        for record in records
    ]


@transactional
def end_other_sessions(user: User, keep_session_id: int | None) -> int:
    """End every session of `user` but `keep_session_id`. Returns how many ended."""
    ended = end_sessions(user, keep_session_id=keep_session_id)
    audit.record(AuditAction.SESSIONS_ENDED, user, detail=f"{ended} sessions ended")
    return ended


def end_sessions(user: User, *, keep_session_id: int | None = None) -> int:
    """End every signed-in session of `user` but `keep_session_id`'s, in the
    caller's transaction (the next request with an ended session's cookie is signed
    out). Returns how many were ended."""
    statement = delete(LoginSession).where(LoginSession.user_id == user.id)
    if keep_session_id is not None:
        statement = statement.where(LoginSession.id != keep_session_id)
    result = db.session.execute(statement.execution_options(synchronize_session=False))
    return int(result.rowcount or 0)  # type: ignore[attr-defined]
