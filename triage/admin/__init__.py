"""Administrators: staff accounts, the audit log and the scoring policy."""

from flask import Blueprint

bp = Blueprint("admin", __name__, url_prefix="/admin")
policy_bp = Blueprint("policy", __name__, url_prefix="/admin/policy")

from triage.admin import audit, policy_views, supply_views, views  # noqa: E402,F401  (the routes)
