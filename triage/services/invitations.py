"""Invitations by email: a colleague into an organisation, or a member of staff.

They replace the organisation's shared join link, which never expired, could not
be withdrawn and gave whoever held it every offer and document of the
organisation. An invitation is for one address, works once, for INVITATION_DAYS
(7 by default), and can be cancelled until it is accepted. The link holds a random
token; only its hash is stored. The invitee chooses their own name and password:
no one else ever sees or sets it. Accepting confirms the address (the link was
emailed to it).
"""

from __future__ import annotations

from datetime import datetime, timedelta

from flask import current_app, render_template, url_for
from sqlalchemy import ColumnElement, select, update

from triage import clock, db
from triage.db import transactional
from triage.models import Invitation, Organisation, User
from triage.models.users import ROLE_LABELS, STAFF_ROLES, Role
from triage.services import audit, emails, tokens
from triage.services.account import EmailTaken, create_user, email_in_use
from triage.services.audit import AuditAction

__all__ = ["EmailTaken", "InvalidInvitation", "NoSuchInvitation"]


class InvalidInvitation(Exception):
    """Not an invitation we sent, accepted already, cancelled or expired."""


class NoSuchInvitation(Exception):
    """No pending invitation with that id for this organisation (or for staff)."""


def lifetime_days() -> int:
    return int(current_app.config["INVITATION_DAYS"])


@transactional
def invite_colleague(inviter: User, email: str) -> Invitation:
    """Invite `email` into `inviter`'s organisation. Raises EmailTaken."""
    assert inviter.organisation is not None
    return _invite(inviter, email, Role.SUBMITTER, inviter.organisation)


@transactional
def invite_staff(admin: User, email: str, role: Role) -> Invitation:
    """Invite `email` to a staff account with `role`. Raises EmailTaken."""
    assert role in STAFF_ROLES
    return _invite(admin, email, role, None)


def _invite(inviter: User, email: str, role: Role, organisation: Organisation | None) -> Invitation:
    email = email.strip().lower()
    if email_in_use(email):
        raise EmailTaken(email)
    now = clock.now()
    # A new invitation to the same address replaces any still pending.
    db.session.execute(
        update(Invitation)
        .where(*_pending(now), Invitation.email == email, _for(organisation))
        .values(cancelled_at=now)
        .execution_options(synchronize_session=False)
    )
    token, token_hash = tokens.new_token()
    invitation = Invitation(
        email=email,
        role=role.value,
        organisation=organisation,
        invited_by_id=inviter.id,
        token_hash=token_hash,
        created_at=now,
        expires_at=now + timedelta(days=lifetime_days()),
    )
    db.session.add(invitation)
    db.session.flush()
    body = render_template(
        "emails/invitation.txt",
        inviter=inviter,
        organisation=organisation,
        role_label=invitation_role_label(invitation),
        link=url_for("auth.join", token=token, _external=True),
        days=lifetime_days(),
    )
    subject = (
        f"Join {organisation.name} on {current_app.config['SERVICE_NAME']}"
        if organisation is not None
        else f"Your staff account for {current_app.config['SERVICE_NAME']}"
    )
    emails.add_email(f"invitation:{invitation.id}", email, subject, body)
    audit.record(
        AuditAction.INVITATION_SENT, inviter, detail=f"invitation {invitation.id} ({role.value})"
    )
    return invitation


def invitation_role_label(invitation: Invitation) -> str:
    return ROLE_LABELS[Role(invitation.role)]


def _pending(now: datetime) -> tuple[ColumnElement[bool], ...]:
    return (
        Invitation.accepted_at.is_(None),
        Invitation.cancelled_at.is_(None),
        Invitation.expires_at > now,
    )


def _for(organisation: Organisation | None) -> ColumnElement[bool]:
    if organisation is None:
        return Invitation.organisation_id.is_(None)
    return Invitation.organisation_id == organisation.id


def pending(organisation: Organisation | None) -> list[Invitation]:
    """Invitations still to be accepted: into `organisation`, or staff's (None)."""
    return list(
        db.session.scalars(
            select(Invitation)
            .where(*_pending(clock.now()), _for(organisation))
            .order_by(Invitation.created_at, Invitation.id)
        )
    )


@transactional
def cancel(actor: User, invitation_id: int, organisation: Organisation | None) -> None:
    """Cancel a pending invitation into `organisation` (staff's: None). Raises
    NoSuchInvitation for any other."""
    invitation = db.session.scalar(
        select(Invitation)
        .where(Invitation.id == invitation_id, *_pending(clock.now()), _for(organisation))
        .with_for_update()
    )
    if invitation is None:
        raise NoSuchInvitation(invitation_id)
    invitation.cancelled_at = clock.now()
    audit.record(AuditAction.INVITATION_CANCELLED, actor, detail=f"invitation {invitation.id}")


def _usable(token: str, *, lock: bool = False) -> Invitation | None:
    if not tokens.plausible(token):
        return None
    query = select(Invitation).where(Invitation.token_hash == tokens.hash_token(token))
    if lock:
        query = query.with_for_update()
    invitation = db.session.scalar(query)
    if (
        invitation is None
        or invitation.accepted_at is not None
        or invitation.cancelled_at is not None
        or invitation.expires_at <= clock.now()
    ):
        return None
    return invitation


def invitation_for_token(token: str) -> Invitation | None:
    """The pending invitation a link is for, or None."""
    return _usable(token)


@transactional
def accept(token: str, full_name: str, password: str) -> User:
    """Create the invited account, with its address confirmed. Raises
    InvalidInvitation (nothing changed) if the link is not usable, EmailTaken if
    the address has had an account made since."""
    invitation = _usable(token, lock=True)
    if invitation is None:
        raise InvalidInvitation
    user = create_user(
        email=invitation.email,
        full_name=full_name,
        password=password,
        role=Role(invitation.role),
        organisation=invitation.organisation,
    )
    invitation.accepted_at = clock.now()
    db.session.flush()
    audit.record(AuditAction.INVITATION_ACCEPTED, user, detail=f"invitation {invitation.id}")
    return user
