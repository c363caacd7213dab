"""Registering an organisation, and confirming the registering person's address.

Registering with an address that already has an account looks exactly like a new
registration to whoever is registering (the same page next, the same time spent
hashing a password): nothing is created, and the account's owner is emailed
instead, so the form cannot be used to find out who has an account.

The first person of an organisation confirms their address with an emailed link
(single use, stored as a hash) before they can submit an offer; drafts need no
confirmation. Invited people confirmed theirs by accepting the invitation.

A new organisation whose regulator (RSH) number or name matches an existing one
(ignoring case and spaces at the ends) is registered all the same, marked as a
possible duplicate for staff to see.
"""

from __future__ import annotations

from datetime import timedelta

from flask import current_app, render_template, url_for
from sqlalchemy import func, or_, select, update

from triage import clock, db
from triage.db import transactional
from triage.models import EmailConfirmation, Organisation, User
from triage.models.users import Role
from triage.passwords import hash_password
from triage.services import audit, emails, tokens
from triage.services.account import create_user, email_in_use
from triage.services.audit import AuditAction

CONFIRM_SUBJECT = "Confirm your email address"
IN_USE_SUBJECT = "Someone tried to register with your email address"


class InvalidConfirmationLink(Exception):
    """Not a link we sent, used already, or expired."""


def lifetime_days() -> int:
    return int(current_app.config["EMAIL_CONFIRMATION_DAYS"])


@transactional
def register(
    *,
    organisation_name: str,
    organisation_type: str,
    rsh_registration_number: str | None,
    full_name: str,
    email: str,
    password: str,
) -> User | None:
    """A new organisation and its first submitter (address not yet confirmed, a
    link emailed), together or not at all. If `email` has an account already,
    nothing is created, its owner is emailed, and None is returned: the caller
    must answer exactly as it does for a new registration."""
    email = email.strip().lower()
    if email_in_use(email):
        hash_password(password)  # the same work as a registration, so the same time
        owner = db.session.scalar(select(User).where(User.email == email))
        assert owner is not None
        _email_the_owner(owner)
        return None
    organisation = Organisation(
        name=organisation_name.strip(),
        organisation_type=organisation_type,
        rsh_registration_number=rsh_registration_number,
        possible_duplicate_of=_existing_like(organisation_name, rsh_registration_number),
    )
    db.session.add(organisation)
    user = create_user(
        email=email,
        full_name=full_name,
        password=password,
        role=Role.SUBMITTER,
        organisation=organisation,
        email_confirmed=False,
    )
    db.session.flush()
    audit.record(
        AuditAction.REGISTERED,
        user,
        detail="possible duplicate organisation" if organisation.possible_duplicate_of else None,
    )
    send_confirmation(user)
    return user


def _existing_like(name: str, rsh_number: str | None) -> Organisation | None:
    """The first organisation with the same regulator number or name, if any."""
    matches = [func.lower(func.trim(Organisation.name)) == name.strip().lower()]
    if rsh_number:
        matches.append(func.upper(Organisation.rsh_registration_number) == rsh_number.upper())
    return db.session.scalar(select(Organisation).where(or_(*matches)).order_by(Organisation.id))


def _email_the_owner(owner: User) -> None:
    body = render_template(
        "emails/registration_email_in_use.txt",
        user=owner,
        sign_in=url_for("auth.sign_in", _external=True),
        reset=url_for("auth.forgotten_password", _external=True),
    )
    event = audit.record(AuditAction.REGISTRATION_EMAIL_IN_USE, owner)
    db.session.flush()
    emails.add_email(f"registration-email-in-use:{event.id}", owner.email, IN_USE_SUBJECT, body)


def send_confirmation(user: User) -> None:
    """Email `user` a new link confirming their address; earlier links stop working.
    In the caller's transaction."""
    now = clock.now()
    db.session.execute(
        update(EmailConfirmation)
        .where(EmailConfirmation.user_id == user.id, EmailConfirmation.used_at.is_(None))
        .values(used_at=now)
        .execution_options(synchronize_session=False)
    )
    token, token_hash = tokens.new_token()
    confirmation = EmailConfirmation(
        user_id=user.id,
        token_hash=token_hash,
        created_at=now,
        expires_at=now + timedelta(days=lifetime_days()),
    )
    db.session.add(confirmation)
    db.session.flush()
    body = render_template(
        "emails/confirm_email.txt",
        user=user,
        link=url_for("auth.confirm_link", token=token, _external=True),
        days=lifetime_days(),
    )
    emails.add_email(f"email-confirmation:{confirmation.id}", user.email, CONFIRM_SUBJECT, body)


@transactional
def resend_confirmation(user: User) -> bool:
    """Send the link again, unless the address is confirmed already."""
    if user.email_confirmed_at is not None:
        return False
    send_confirmation(user)
    return True


def _usable(token: str, *, lock: bool = False) -> EmailConfirmation | None:
    if not tokens.plausible(token):
        return None
    query = select(EmailConfirmation).where(
        EmailConfirmation.token_hash == tokens.hash_token(token)
    )
    if lock:
        query = query.with_for_update()
    confirmation = db.session.scalar(query)
    if (
        confirmation is None
        or confirmation.used_at is not None
        or confirmation.expires_at <= clock.now()
        or not confirmation.user.is_active
    ):
        return None
    return confirmation


def user_for_token(token: str) -> User | None:
    confirmation = _usable(token)
    return confirmation.user if confirmation is not None else None


@transactional
def confirm(token: str) -> User:
    """Confirm the address the link was sent to. Raises InvalidConfirmationLink,
    having changed nothing, if the link is not usable."""
    confirmation = _usable(token, lock=True)
    if confirmation is None:
        raise InvalidConfirmationLink
    now = clock.now()
    confirmation.used_at = now
    user = confirmation.user
    user.email_confirmed_at = now
    audit.record(AuditAction.EMAIL_CONFIRMED, user)
    return user


def needs_confirmation(user: User) -> bool:
    """True while `user` may save drafts but not submit."""
    return user.email_confirmed_at is None


def organisations() -> list[Organisation]:
    """Every organisation, newest first (possible duplicates are marked on each)."""
    return list(
        db.session.scalars(
            select(Organisation).order_by(Organisation.created_at.desc(), Organisation.id.desc())
        )
    )
