"""Who may see what. Every view that takes an id goes through one of these."""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any, TypeVar

from flask import abort, request
from flask_login import current_user, login_required

from triage.models.users import DECIDER_ROLES, Role, User
from triage.services import audit

F = TypeVar("F", bound=Callable[..., Any])


def roles_required(*roles: Role) -> Callable[[F], F]:
    """Signed in with one of `roles`, or a 404 (a page for others does not exist)."""

    def decorator(view: F) -> F:
        @wraps(view)
        @login_required
        def wrapped(*args: Any, **kwargs: Any) -> Any:
            if not current_user.has_role(*roles):
                audit.access_refused(current_user.user, request.endpoint or "")
                abort(404)
            return view(*args, **kwargs)

        return wrapped  # type: ignore[return-value]

    return decorator


def acting_user() -> User:
    """The signed-in person, as the User the services record as acting. Only for
    views behind one of the decorators below (someone is signed in)."""
    user: User = current_user.user
    return user


submitter_required = roles_required(Role.SUBMITTER)
decider_required = roles_required(*DECIDER_ROLES)
staff_required = roles_required(Role.COMMISSIONER, Role.PLACEMENT_OFFICER, Role.ADMIN)
admin_required = roles_required(Role.ADMIN)
