"""Organisations, people who sign in and their sessions."""

from __future__ import annotations

import enum
from datetime import datetime

from sqlalchemy import ForeignKey, String
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
    # Retired: colleagues once joined through a shared link holding this token. They
    # are invited by email now (Invitation); migration 0016 cleared every token, and
    # nothing reads it.
    join_token: Mapped[str | None] = mapped_column(String(64), unique=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=now)
    # Set at registration when another organisation has the same regulator number
    # or name (ignoring case and spaces at the ends): allowed, but shown to staff.
    possible_duplicate_of_id: Mapped[int | None] = mapped_column(
        ForeignKey("organisations.id", ondelete="SET NULL")
    )

    users: Mapped[list[User]] = relationship(back_populates="organisation")
    possible_duplicate_of: Mapped[Organisation | None] = relationship(remote_side=[id])

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
    # False once removed from their organisation or deactivated (staff): they cannot
    # sign in, and their sessions were ended when it was set.
    is_active: Mapped[bool] = mapped_column(default=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=now)
    # When they followed the emailed link confirming their address (None: not yet).
    # Invited people confirm it by accepting the emailed invitation.
    email_confirmed_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
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
