"""Signing in and out: server-side session records behind Flask-Login.

The cookie carries `<user id>:<random token>`; the database keeps only a hash of
the token. Every sign-in issues a new token (so a session id never outlives a
sign-in), and signing out deletes the record (so a copied cookie stops working).
"""

from __future__ import annotations

import hashlib
import secrets
from datetime import timedelta

from flask import current_app, session
from flask_login import UserMixin, login_user, logout_user
from sqlalchemy import delete, select

from triage import clock, db
from triage.extensions import login_manager
from triage.models import LoginSession, User
from triage.passwords import burn_verification_time, verify_password
from triage.services import audit, throttle
from triage.services.audit import AuditAction


class SignedInUser(UserMixin):
    """The Flask-Login view of a user in one signed-in session."""

    def __init__(self, user: User, session_token: str) -> None:
        self.user = user
        self._session_token = session_token

    def get_id(self) -> str:
        return f"{self.user.id}:{self._session_token}"

    def __getattr__(self, name: str) -> object:
        return getattr(self.user, name)


def _hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


@login_manager.user_loader
def load_user(session_id: str) -> SignedInUser | None:
    user_id, _, token = session_id.partition(":")
    if not user_id.isdigit() or not token:
        return None
    record = db.session.scalar(
        select(LoginSession).where(
            LoginSession.token_hash == _hash(token), LoginSession.user_id == int(user_id)
        )
    )
    if record is None or not record.user.is_active:
        return None
    lifetime = timedelta(seconds=current_app.config["PERMANENT_SESSION_LIFETIME"])
    if record.created_at + lifetime < clock.now():
        return None
    return SignedInUser(record.user, token)


def check_password(email: str, password: str, address: str) -> User | None:
    """The active account `email` and `password` sign in to, or None (the failure
    is recorded). Raises throttle.Throttled, before checking anything, while the
    typed address or the client `address` must wait (triage.services.throttle).

    The turn is taken and committed first, in its own transaction, so that
    simultaneous attempts count each other before any password is checked."""
    email = email.strip().lower()
    try:
        throttle.claim(email, address)
    except throttle.Throttled as refused:
        with db.unit_of_work():
            audit.record(
                AuditAction.SIGN_IN_THROTTLED,
                _account(email),
                detail="client address" if refused.by_address else "email address",
            )
        raise
    with db.unit_of_work():
        user = _account(email)
        if user is None:
            burn_verification_time(password)
        elif user.is_active and verify_password(user.password_hash, password):
            throttle.succeeded(email, address)
            return user
        # An unknown address is recorded without it (the log names no one).
        audit.record(AuditAction.SIGN_IN_FAILED, user)
        return None


def _account(email: str) -> User | None:
    return db.session.scalar(select(User).where(User.email == email))


def sign_in(user: User) -> None:
    # Drop whatever the anonymous session held, so nothing set before sign-in
    # (by this person or anyone who planted a cookie) carries over.
    session.clear()
    token = secrets.token_urlsafe(32)
    with db.unit_of_work():
        db.session.add(LoginSession(token_hash=_hash(token), user_id=user.id))
    login_user(SignedInUser(user, token))


def sign_out(current: SignedInUser | None) -> None:
    if current is not None and current.is_authenticated:
        with db.unit_of_work():
            db.session.execute(
                delete(LoginSession).where(LoginSession.token_hash == _hash(current._session_token))
            )
    logout_user()
    session.clear()


def current_session_id(current: SignedInUser) -> int | None:
    """The id of the record behind the signed-in session `current`."""
    return db.session.scalar(
        select(LoginSession.id).where(LoginSession.token_hash == _hash(current._session_token))
    )
