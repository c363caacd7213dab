"""A person's own account (name, password, sessions) and staff email preferences."""

from flask import Blueprint

bp = Blueprint("account", __name__, url_prefix="/account")

from triage.account import views, your_account  # noqa: E402,F401  (the routes, on bp)
