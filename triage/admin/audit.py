"""Administrators: search the audit log."""

from __future__ import annotations

import re
from typing import Any

from flask import render_template, request
from flask_wtf import FlaskForm
from govuk_frontend_wtf.wtforms_widgets import GovSelect
from wtforms import SelectField
from wtforms.validators import ValidationError

from triage.admin.views import blueprint
from triage.auth.access import admin_required
from triage.fields import TextField
from triage.models.offers import OFFER_STATUS_LABELS, OfferStatus
from triage.models.users import ROLE_LABELS
from triage.offers.forms import GovDateField
from triage.services import audit_search as audit

# As triage.services.offers.reference_for writes them: SA-2026-00042.
REFERENCE = re.compile(r"[A-Z]{2}-\d{4}-\d{1,10}")
FILTERS = ("reference", "action", "person", "date_from", "date_to")


class OptionalDateField(GovDateField):
    """A GOV.UK date input that may be left empty."""

    def __init__(self, label: str, *, noun: str, **kwargs: Any) -> None:
        super().__init__(label, noun=noun, required="", **kwargs)
        # The page's error summary links a GovDateField's error to its day box.
        self.type = "GovDateField"

    def pre_validate(self, form: Any) -> None:
        if not any(getattr(self, "parts", None) or []):
            self.data = None
            return
        super().pre_validate(form)


class ActionField(SelectField):
    widget = GovSelect()

    def pre_validate(self, form: Any) -> None:
        if self.data and self.data not in {value for value, _label in self.choices or []}:
            raise ValidationError("Select an action from the list")


class AuditSearchForm(FlaskForm):
    class Meta:
        csrf = False  # a search (GET) changes nothing

    reference = TextField(
        "Offer reference", description="For example, SA-2026-00042", max_length=20
    )
    action = ActionField("Action")
    person = TextField("Person", description="Part of their name or email address", max_length=200)
    date_from = OptionalDateField("From", description="For example, 1 11 2026", noun="From date")
    date_to = OptionalDateField("To", description="For example, 30 11 2026", noun="To date")

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.action.choices = [("", "Any action"), *audit.action_choices()]

    def validate_reference(self, field: TextField) -> None:
        if field.data and not REFERENCE.fullmatch(field.data.upper()):
            raise ValidationError("Enter an offer reference like SA-2026-00042")

    def validate_date_to(self, field: OptionalDateField) -> None:
        if field.data and self.date_from.data and field.data < self.date_from.data:
            raise ValidationError("To date must be the same as or after the from date")

    @property
    def filters(self) -> audit.AuditFilters:
        return audit.AuditFilters(
            reference=self.reference.data.upper() if self.reference.data else None,
            action=self.action.data or None,
            person=self.person.data or None,
            date_from=self.date_from.data,
            date_to=self.date_to.data,
        )


def _page_url_args() -> dict[str, list[str]]:
    """The filters as they came, for the links to other pages of results."""
    return {name: request.args.getlist(name) for name in FILTERS if name in request.args}


@blueprint.get("/audit")
@admin_required
def audit_log() -> str:
    searched = any(name in request.args for name in FILTERS)
    form = AuditSearchForm(request.args if searched else None)
    valid = form.validate() if searched else True
    results = (
        audit.search(form.filters, request.args.get("page", 1, type=int) or 1) if valid else None
    )
    return render_template(
        "views/admin/audit.html",
        form=form,
        results=results,
        searched=searched,
        page_args=_page_url_args(),
        action_label=audit.action_label,
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
