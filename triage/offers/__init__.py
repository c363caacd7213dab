"""The submitter's side: their offers, the offer form, documents and submission;
changes the council asks for, and copies (issue 14)."""

from typing import Any

from flask import Blueprint

bp = Blueprint("offers", __name__, url_prefix="/offers")

from triage.offers import case_changes, changes, meetings, pages, status, views  # noqa: E402,F401
from triage.services import meetings as meeting_service  # noqa: E402
from triage.services import offer_changes  # noqa: E402


@bp.context_processor
def _status_helpers() -> dict[str, Any]:
    """Status tags by meaning, and the open round of changes, for every page of
    the submitter's side."""
    return {
        "status_tag": status.tag,
        "answer_needed": status.answer_needed,
        "answer_needed_statuses": [str(value) for value in status.ANSWER_NEEDED],
        "open_change": lambda offer: (
            offer_changes.open_request(offer.id) if offer.status == "changes_requested" else None
        ),
        "changeable_sections": pages.CHANGEABLE_SECTIONS,
        # Issue 14: the offer's meeting with the council, if there is one.
        "offer_meeting": lambda offer: (
            None if offer.is_draft else meeting_service.current(offer.id)
        ),
        "meeting_when": meeting_service.describe,
        "meeting_answer_by": meeting_service.answer_by,
    }


@bp.app_context_processor
def _case_page_helpers() -> dict[str, Any]:
    """For the case page's partial (views/offers/case_changes.html): each round of
    changes side by side, and possible duplicates of the offer."""
    return {
        "offer_change_rounds": case_changes.rounds,
        "possible_duplicates": case_changes.duplicates,
        "organisation_registered_earlier": case_changes.organisation_twin,
    }
