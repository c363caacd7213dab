"""What the placement pages share: who may see them, and small helpers for
reading requests and answering them."""

from __future__ import annotations

from typing import Any, TypeVar

from flask import abort, flash, redirect, request, url_for
from werkzeug.wrappers import Response

from rules.policy_data import Policy
from triage.auth.access import roles_required
from triage.models.users import Role

T = TypeVar("T")

placement_required = roles_required(Role.PLACEMENT_OFFICER, Role.ADMIN)


def cohort_labels(policy: Policy) -> dict[str, str]:
    return {cohort.code: cohort.label for cohort in policy.cohorts}


def int_arg(name: str, default: int = 1) -> int:
    value = request.args.get(name, "")
    return int(value) if value.isascii() and value.isdigit() and len(value) < 7 else default


def posted_id(text: str | None) -> int | None:
    """An id from a hidden form field, or None if it is not one (a 404 follows)."""
    value = text or ""
    return int(value) if value.isascii() and value.isdigit() and len(value) < 10 else None


def not_found_unless(value: T | None) -> T:
    if value is None:
        abort(404)
    return value


def flash_done(message: str) -> None:
    flash(message, "success")


def redirect_to(endpoint: str, **values: Any) -> Response:
    return redirect(url_for(endpoint, **values))
