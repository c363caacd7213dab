"""The submitter's side: their offers, the offer form, documents and submission."""

from flask import Blueprint

bp = Blueprint("offers", __name__, url_prefix="/offers")

from triage.offers import views  # noqa: E402,F401  (the routes, on bp)
