"""Administrators: search the audit log."""

from __future__ import annotations

from flask import render_template, request

from triage.admin import bp
from triage.admin.forms import AuditSearchForm
from triage.auth.access import admin_required
from triage.models.offers import OFFER_STATUS_LABELS, OfferStatus
from triage.models.users import ROLE_LABELS
from triage.services import audit_search
from triage.services.audit import action_label

FILTERS = ("reference", "action", "person", "date_from", "date_to")


def _page_url_args() -> dict[str, list[str]]:
    """The filters as they came, for the links to other pages of results."""
    return {name: request.args.getlist(name) for name in FILTERS if name in request.args}


@bp.get("/audit")
@admin_required
def audit_log() -> str:
    searched = any(name in request.args for name in FILTERS)
    form = AuditSearchForm(request.args if searched else None)
    valid = form.validate() if searched else True
    page = request.args.get("page", 1, type=int) or 1
    results = audit_search.search(form.filters, page) if valid else None
    return render_template(
        "views/admin/audit.html",
        form=form,
        results=results,
        searched=searched,
        page_args=_page_url_args(),
        action_label=action_label,
        role_labels={role.value: label for role, label in ROLE_LABELS.items()},
        status_label=_status_label,
    )


def _status_label(status: str | None) -> str:
    if status is None:
        return "None"
    try:
        return OFFER_STATUS_LABELS[OfferStatus(status)]
    except ValueError:
        return status.replace("_", " ").capitalize()
