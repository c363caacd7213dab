"""Accounts: the start page, registering, joining an organisation, signing in and out,
resetting a forgotten password."""

from flask import Blueprint

bp = Blueprint("auth", __name__)

from triage.auth import reset, views  # noqa: E402,F401  (the routes, on bp)
