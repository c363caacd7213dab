"""Assigning several offers to one officer from the queue.

Each ticked offer carries the version the officer saw ("id:version"), and each
goes through the same workflow as the case page's "Assign": an offer that changed
meanwhile, or whose status does not allow assigning, is left as it is and
reported, never overwritten.
"""

from __future__ import annotations

import re
from typing import Any
from urllib.parse import parse_qsl, urlsplit

from flask import flash, redirect, request, session, url_for
from flask_login import current_user
from flask_wtf import FlaskForm
from govuk_frontend_wtf.wtforms_widgets import GovSelect, GovSubmitInput
from sqlalchemy import select
from werkzeug.datastructures import MultiDict
from wtforms import Field, SelectField, SelectMultipleField, SubmitField
from wtforms.validators import ValidationError

from triage import db
from triage.auth.access import roles_required
from triage.models import Offer, User
from triage.queue import filters as queue_filters
from triage.queue.filters import Officer
from triage.queue.views import (
    DECIDERS,
    PAGE_SIZE,
    SKIPPED_KEY,
    blueprint,
    officers,
    render_queue,
)
from triage.services import decisions, notifications
from triage.services.policy import policy_in_force
from triage.workflow import StaleOffer, TransitionRefused

_CHOICE = re.compile(r"^([0-9]{1,9}):([0-9]{1,9})$")

STALE = "stale"
REFUSED = "refused"
MISSING = "missing"


class BulkAssignForm(FlaskForm):
    # The checkboxes are in the queue's table, one per offer: "id:version".
    offers = SelectMultipleField(validate_choice=False)
    assign_to = SelectField(
        "Assign the selected offers to", widget=GovSelect(), validate_choice=False
    )
    submit = SubmitField("Assign selected offers", widget=GovSubmitInput())

    def __init__(self, *args: Any, officers: list[Officer] | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.assign_to.choices = [("", "Choose an officer")] + [
            (str(person.id), person.name) for person in officers or []
        ]

    @property
    def chosen(self) -> list[tuple[int, int]]:
        """The ticked offers as (id, version the officer saw), each once."""
        seen: dict[int, int] = {}
        for value in self.offers.data or []:
            match = _CHOICE.match(value or "")
            if match:
                seen.setdefault(int(match.group(1)), int(match.group(2)))
        return list(seen.items())

    def validate_offers(self, _field: Field) -> None:
        chosen = self.chosen
        if not chosen:
            raise ValidationError("Select the offers to assign")
        if len(chosen) > PAGE_SIZE:
            raise ValidationError(f"Select {PAGE_SIZE} offers or fewer")

    def validate_assign_to(self, field: Field) -> None:
        known = {value for value, _label in self.assign_to.choices or [] if value}
        if field.data not in known:
            raise ValidationError("Select the officer to assign the offers to")


def _queue_args(return_to: str) -> MultiDict[str, str]:
    """The queue's query string the form came from, read back through the filters,
    so only real filters (and the page) carry over: never a redirect elsewhere."""
    try:
        args: MultiDict[str, str] = MultiDict(
            parse_qsl(urlsplit(return_to[:5000]).query, max_num_fields=200)
        )
    except ValueError:
        return MultiDict()
    people = officers()
    kept = queue_filters.parse(args, policy_in_force(), people).query_args()
    result: MultiDict[str, str] = MultiDict()
    for name, value in kept.items():
        for item in value if isinstance(value, list) else [value]:
            result.add(name, item)
    page = args.get("page", type=int)
    if page and page > 1:
        result["page"] = str(page)
    return result


@blueprint.post("/assign")
@roles_required(*DECIDERS)
def bulk_assign() -> Any:
    back = _queue_args(request.form.get("return_to", ""))
    form = BulkAssignForm(officers=[person for person in officers() if person.active])
    if not form.validate_on_submit():
        ticked = [offer_id for offer_id, _version in form.chosen]
        return render_queue(back, bulk_form=form, selected=ticked)
    officer = db.session.get(User, int(form.assign_to.data))
    assert officer is not None
    actor = current_user.user
    chosen = form.chosen
    found = {
        offer.id: offer
        for offer in db.session.scalars(
            select(Offer).where(
                Offer.id.in_([offer_id for offer_id, _version in chosen]),
                Offer.submitted_at.is_not(None),
            )
        )
    }
    assigned = 0
    skipped: list[list[Any]] = []
    for offer_id, seen_version in chosen:
        offer = found.get(offer_id)
        if offer is None:
            skipped.append([offer_id, MISSING])
            continue
        if offer.version != seen_version:
            skipped.append([offer_id, STALE])
            continue
        try:
            decisions.assign(offer, officer, actor, seen_version=seen_version, email_now=False)
        except StaleOffer:
            db.session.rollback()
            skipped.append([offer_id, STALE])
        except TransitionRefused:
            db.session.rollback()
            skipped.append([offer_id, REFUSED])
        else:
            assigned += 1
    if assigned:
        # One email for the whole batch, not one an offer.
        notifications.send_batch_now(officer.id)
        flash(f"{assigned} offer{'s' if assigned != 1 else ''} assigned to {officer.full_name}")
    if skipped:
        session[SKIPPED_KEY] = skipped
    kept: dict[str, Any] = back.to_dict(flat=False)
    return redirect(url_for("queue.index", **kept))
