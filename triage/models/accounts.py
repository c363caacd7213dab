"""Invitations, confirmations of an email address, and sign-in throttles."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Float, ForeignKey, Integer, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from triage.clock import now
from triage.db import Base
from triage.models.types import UTCDateTime
from triage.models.users import Organisation, User


class Invitation(Base):
    """An emailed invitation to create an account: a colleague's, into an
    organisation (`organisation_id` set, role submitter), or a member of staff's
    (`organisation_id` None). The link holds a random token; only its hash is kept.
    It works once (`accepted_at`), until `expires_at`, unless `cancelled_at`."""

    __tablename__ = "invitations"

    id: Mapped[int] = mapped_column(primary_key=True)
    email: Mapped[str] = mapped_column(String(320))
    role: Mapped[str] = mapped_column(String(40))
    organisation_id: Mapped[int | None] = mapped_column(
        ForeignKey("organisations.id", ondelete="CASCADE"), index=True
    )
    invited_by_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=now)
    expires_at: Mapped[datetime] = mapped_column(UTCDateTime())
    accepted_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    cancelled_at: Mapped[datetime | None] = mapped_column(UTCDateTime())

    organisation: Mapped[Organisation | None] = relationship()
    invited_by: Mapped[User] = relationship()


class EmailConfirmation(Base):
    """A link, sent by email at registration, confirming the address is theirs.
    Only the token's hash is kept; it works once and until `expires_at`."""

    __tablename__ = "email_confirmations"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=now)
    expires_at: Mapped[datetime] = mapped_column(UTCDateTime())
    used_at: Mapped[datetime | None] = mapped_column(UTCDateTime())

    user: Mapped[User] = relationship()


class SignInThrottle(Base):
    """Recent sign-in attempts for one key: an email address typed (hashed, whether
    or not an account has it) or a client address (hashed). Times are seconds since
    the epoch, so one SQL statement can count an attempt and work out the delay on
    SQLite and PostgreSQL alike (triage.services.throttle)."""

    __tablename__ = "sign_in_throttles"

    key: Mapped[str] = mapped_column(String(80), primary_key=True)
    attempts: Mapped[int] = mapped_column(Integer)
    last_attempt_at: Mapped[float] = mapped_column(Float)
    next_allowed_at: Mapped[float] = mapped_column(Float)
