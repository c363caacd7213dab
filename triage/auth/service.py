"""Creating accounts, and finding them."""

from __future__ import annotations

import secrets

from sqlalchemy import func, select

from triage import db
from triage.db import transactional
from triage.models import Organisation, User
from triage.models.users import STAFF_ROLES, Role
from triage.passwords import hash_password


class EmailTaken(Exception):
    pass


def email_in_use(email: str) -> bool:
    return db.session.scalar(select(func.count()).where(User.email == email.lower())) != 0


@transactional
def create_user(
    *, email: str, full_name: str, password: str, role: Role, organisation: Organisation | None
) -> User:
    """A new account (a staff member's when `organisation` is None). Raises EmailTaken."""
    if email_in_use(email):
        raise EmailTaken(email)
    user = User(
        email=email.lower(),
        full_name=full_name,
        password_hash=hash_password(password),
        role=role.value,
        organisation=organisation,
    )
    db.session.add(user)
    return user


@transactional
def register_organisation(
    *,
    organisation_name: str,
    organisation_type: str,
    rsh_registration_number: str | None,
    full_name: str,
    email: str,
    password: str,
) -> User:
    """A new organisation and its first submitter, together or not at all. Raises
    EmailTaken."""
    organisation = Organisation(
        name=organisation_name,
        organisation_type=organisation_type,
        rsh_registration_number=rsh_registration_number,
        join_token=new_join_token(),
    )
    db.session.add(organisation)
    return create_user(
        email=email,
        full_name=full_name,
        password=password,
        role=Role.SUBMITTER,
        organisation=organisation,
    )


def new_join_token() -> str:
    return secrets.token_urlsafe(24)


def organisation_for_join_token(token: str) -> Organisation | None:
    if not token or len(token) > 64:
        return None
    return db.session.scalar(select(Organisation).where(Organisation.join_token == token))


def members_of(organisation: Organisation) -> list[User]:
    """The organisation's people, by name."""
    return sorted(organisation.users, key=lambda user: user.full_name.lower())


def staff_accounts() -> list[User]:
    """Every staff account, by name."""
    return list(
        db.session.scalars(
            select(User)
            .where(User.role.in_([role.value for role in STAFF_ROLES]))
            .order_by(User.full_name)
        )
    )
