"""Accounts: the start page, registering and confirming an address, invitations,
the organisation's members, signing in and out, resetting a forgotten password."""

from flask import Blueprint

bp = Blueprint("auth", __name__)

from triage.auth import (  # noqa: E402,F401  (the routes, on bp)
    invitations,
    organisation,
    registration,
    reset,
    views,
)
