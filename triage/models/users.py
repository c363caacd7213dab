"""Organisations, people who sign in, their sessions and failed sign-ins."""

from __future__ import annotations

import enum
from datetime import datetime

from sqlalchemy import ForeignKey, Index, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from triage.clock import now
from triage.db import Base
from triage.models.types import UTCDateTime


class OrganisationType(enum.StrEnum):
    REGISTERED_PROVIDER = "registered_provider"
    CHARITY = "charity"
    VOLUNTARY_ORGANISATION = "voluntary_organisation"
    PRIVATE_DEVELOPER = "private_developer"
    PRIVATE_LANDLORD = "private_landlord"
    CARE_PROVIDER = "care_provider"
    OTHER = "other"


ORGANISATION_TYPE_LABELS = {
    OrganisationType.REGISTERED_PROVIDER: "Registered provider or housing association",
    OrganisationType.CHARITY: "Registered charity",
    OrganisationType.VOLUNTARY_ORGANISATION: "Voluntary organisation",
    OrganisationType.PRIVATE_DEVELOPER: "Private developer",
    OrganisationType.PRIVATE_LANDLORD: "Private landlord",
    OrganisationType.CARE_PROVIDER: "Care provider",
    OrganisationType.OTHER: "Other",
}


class Role(enum.StrEnum):
    SUBMITTER = "submitter"
    COMMISSIONER = "commissioner"
    PLACEMENT_OFFICER = "placement_officer"
    ADMIN = "admin"


ROLE_LABELS = {
    Role.SUBMITTER: "Submitter",
    Role.COMMISSIONER: "Commissioner",
    Role.PLACEMENT_OFFICER: "Placement officer",
    Role.ADMIN: "Administrator",
}
STAFF_ROLES = frozenset({Role.COMMISSIONER, Role.PLACEMENT_OFFICER, Role.ADMIN})
# Who may be assigned offers and decide on them.
DECIDER_ROLES = (Role.COMMISSIONER, Role.ADMIN)


class NotificationFrequency(enum.StrEnum):
    """How a member of staff wants to hear about their offers by email."""

    IMMEDIATE = "immediate"
    DAILY_DIGEST = "daily_digest"


NOTIFICATION_FREQUENCY_LABELS = {
    NotificationFrequency.IMMEDIATE: "An email for each event",
    NotificationFrequency.DAILY_DIGEST: "A daily digest",
}


class Organisation(Base):
    __tablename__ = "organisations"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(200))
    organisation_type: Mapped[str] = mapped_column(String(40))
    rsh_registration_number: Mapped[str | None] = mapped_column(String(20))
    # Colleagues join the organisation through a link holding this token.
    join_token: Mapped[str] = mapped_column(String(64), unique=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=now)

    users: Mapped[list[User]] = relationship(back_populates="organisation")

    @property
    def type_label(self) -> str:
        return ORGANISATION_TYPE_LABELS[OrganisationType(self.organisation_type)]


class User(Base):
    __tablename__ = "users"

    id: Mapped[int] = mapped_column(primary_key=True)
    email: Mapped[str] = mapped_column(String(320), unique=True)
    full_name: Mapped[str] = mapped_column(String(200))
    password_hash: Mapped[str] = mapped_column(String(200))
    role: Mapped[str] = mapped_column(String(40))
    organisation_id: Mapped[int | None] = mapped_column(ForeignKey("organisations.id"), index=True)
    is_active: Mapped[bool] = mapped_column(default=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=now)
    # Staff only: an email for each notification, or one daily digest.
    notification_frequency: Mapped[str] = mapped_column(
        String(20),
        default=NotificationFrequency.IMMEDIATE.value,
        server_default=NotificationFrequency.IMMEDIATE.value,
    )

    organisation: Mapped[Organisation | None] = relationship(back_populates="users")

    @property
    def is_staff(self) -> bool:
        return Role(self.role) in STAFF_ROLES

    @property
    def role_label(self) -> str:
        return ROLE_LABELS[Role(self.role)]

    def has_role(self, *roles: Role) -> bool:
        return Role(self.role) in roles


class LoginSession(Base):
    """A signed-in session. The cookie holds a random token; only its hash is stored,
    so a new token is issued at every sign-in and deleting the row ends the session."""

    __tablename__ = "login_sessions"

    id: Mapped[int] = mapped_column(primary_key=True)
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=now)

    user: Mapped[User] = relationship()


class LoginFailure(Base):
    """A failed sign-in, keyed by a hash of the email typed, whether or not an account
    has that address, so throttling treats real and unknown accounts alike."""

    __tablename__ = "login_failures"
    __table_args__ = (Index("ix_login_failures_email_key_at", "email_key", "at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    email_key: Mapped[str] = mapped_column(String(64))
    at: Mapped[datetime] = mapped_column(UTCDateTime(), default=now)


class PasswordReset(Base):
    """A link to set a new password, sent by email. The link holds a random token;
    only its hash is stored. It works once (`used_at`) and until `expires_at`."""

    __tablename__ = "password_resets"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=now)
    used_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    expires_at: Mapped[datetime] = mapped_column(UTCDateTime())

    user: Mapped[User] = relationship()
