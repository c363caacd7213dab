"""A member of staff's own settings."""

from flask import Blueprint

bp = Blueprint("account", __name__, url_prefix="/account")

from triage.account import views  # noqa: E402,F401  (the routes, on bp)
