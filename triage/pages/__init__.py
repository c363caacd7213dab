"""The pages every footer links to: accessibility, privacy, cookies and contact."""

from flask import Blueprint

bp = Blueprint("pages", __name__)

from triage.pages import views  # noqa: E402,F401  (the routes, on bp)
