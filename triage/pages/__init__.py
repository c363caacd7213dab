"""The pages every footer links to: accessibility, privacy, cookies, contact and the
public "What we need" brief."""

from flask import Blueprint

bp = Blueprint("pages", __name__)

from triage.pages import need, views  # noqa: E402,F401  (the routes, on bp)
