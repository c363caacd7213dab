"""Resetting a forgotten password with an emailed link.

The link holds a random token; the database keeps only its SHA-256 hash, so a
copy of the database cannot be used to reset anyone's password. A link works
once and for PASSWORD_RESET_MINUTES (an hour by default). Asking for a link
looks the same whether or not the address has an account: the caller shows the
same page, and nothing is written for an unknown address. Choosing a new
password uses up every outstanding link of the account and ends every session.
"""

from __future__ import annotations

import hashlib
import secrets
from datetime import timedelta

from flask import current_app, render_template, url_for
from sqlalchemy import select, update

from triage import clock, db
from triage.db import transactional
from triage.models.users import PasswordReset, User
from triage.passwords import hash_password
from triage.services import account, audit, emails, throttle
from triage.services.audit import AuditAction

EMAIL_SUBJECT = "Reset your password"


class InvalidResetLink(Exception):
    """The link is not one we sent, was used already, or has expired."""


def _hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def lifetime_minutes() -> int:
    return int(current_app.config["PASSWORD_RESET_MINUTES"])


def lifetime_words() -> str:
    """How long a link works, in words: "1 hour", "2 hours", "30 minutes"."""
    minutes = lifetime_minutes()
    if minutes % 60 == 0:
        hours = minutes // 60
        return f"{hours} hour" if hours == 1 else f"{hours} hours"
    return "1 minute" if minutes == 1 else f"{minutes} minutes"


@transactional
def request_reset(email: str) -> None:
    """Email a reset link to the active account with address `email`, if there is
    one. Returns nothing either way, so a caller cannot tell the difference."""
    email = email.strip().lower()
    user = db.session.scalar(select(User).where(User.email == email))
    if user is None or not user.is_active:
        return
    token = secrets.token_urlsafe(32)
    now = clock.now()
    reset = PasswordReset(
        user_id=user.id,
        token_hash=_hash(token),
        created_at=now,
        expires_at=now + timedelta(minutes=lifetime_minutes()),
    )
    db.session.add(reset)
    db.session.flush()
    link = url_for("auth.reset_link", token=token, _external=True)
    body = render_template(
        "emails/password_reset.txt", user=user, link=link, lifetime=lifetime_words()
    )
    emails.add_email(f"password-reset:{reset.id}", user.email, EMAIL_SUBJECT, body)
    audit.record(AuditAction.PASSWORD_RESET_REQUESTED, user)


def _usable_reset(token: str) -> PasswordReset | None:
    if not token or len(token) > 200:
        return None
    reset = db.session.scalar(select(PasswordReset).where(PasswordReset.token_hash == _hash(token)))
    if reset is None or reset.used_at is not None or reset.expires_at <= clock.now():
        return None
    if not reset.user.is_active:
        return None
    return reset


def user_for_token(token: str) -> User | None:
    """The account a valid (sent, unused, unexpired) link resets, or None."""
    reset = _usable_reset(token)
    return reset.user if reset is not None else None


@transactional
def reset_password(
    token: str,
    new_password: str,
) -> User:
    """Set the password of the account `token`'s link resets, use up every
    outstanding link of that account and end every one of its sessions (with
    `account.end_sessions`, in this transaction). Raises InvalidResetLink, having
    changed nothing, if the link is not usable."""
    reset = _usable_reset(token)
    if reset is None:
        raise InvalidResetLink
    user = reset.user
    now = clock.now()
    # Use up this link and every other of the account in one guarded UPDATE: of two
    # requests racing with one link, on either database, only the first finds it
    # unused (on SQLite the UPDATE also takes the write lock, and the second waits).
    used = db.session.execute(
        update(PasswordReset)
        .where(PasswordReset.user_id == user.id, PasswordReset.used_at.is_(None))
        .values(used_at=now)
        .returning(PasswordReset.id)
        .execution_options(synchronize_session=False)
    ).scalars()
    if reset.id not in set(used):
        raise InvalidResetLink
    reset.used_at = now
    user.password_hash = hash_password(new_password)
    # The owner is back in: failed sign-ins (anyone's) no longer delay them.
    throttle.clear_account(user.email)
    ended = account.end_sessions(user)
    audit.record(AuditAction.PASSWORD_RESET, user, detail=f"{ended} sessions ended")
    return user
