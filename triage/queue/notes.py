"""Internal notes and flags on the case page.

Every member of staff can read both and add notes; commissioners and
administrators raise and resolve flags (placement officers read them). None of it
exists for submitters: the routes are staff-only (a 404 for anyone else) and the
submitter's pages never read these tables.
"""

from __future__ import annotations

from typing import Any

from flask import abort, flash, redirect, url_for
from flask_login import current_user
from flask_wtf import FlaskForm
from govuk_frontend_wtf.wtforms_widgets import GovSubmitInput
from wtforms import SubmitField

from triage import db
from triage.auth.access import staff_required
from triage.fields import LongTextField, TextField
from triage.models import Offer
from triage.queue.case import _submitted, deciders, render_case
from triage.queue.views import blueprint
from triage.services import flags as flag_service
from triage.services import notes as note_service

NOTE_MAX_LENGTH = 5000
FLAG_MAX_LENGTH = 200
RESOLUTION_MAX_LENGTH = 2000


class NoteForm(FlaskForm):
    internal_note = LongTextField(
        "Add an internal note",
        description="Only council staff can see notes. The submitter never sees them.",
        required="Enter the note",
        max_length=NOTE_MAX_LENGTH,
        noun="The note",
    )
    submit = SubmitField("Add the note", widget=GovSubmitInput())


class RaiseFlagForm(FlaskForm):
    flag_text = TextField(
        "What needs checking?",
        description="For example, Rent to check with the housing benefit team",
        required="Enter what needs checking",
        max_length=FLAG_MAX_LENGTH,
        noun="The flag",
    )
    submit = SubmitField("Raise the flag", widget=GovSubmitInput())


class ResolveFlagForm(FlaskForm):
    resolution = LongTextField(
        "How was it resolved?",
        required="Enter how the flag was resolved",
        max_length=RESOLUTION_MAX_LENGTH,
        noun="The resolution",
    )
    submit = SubmitField("Resolve the flag", widget=GovSubmitInput())


def resolve_form(flag_id: int, **kwargs: Any) -> ResolveFlagForm:
    """One per open flag on the page: each textarea gets its own id, so labels and
    the error summary point at the right one."""
    form = ResolveFlagForm(**kwargs)
    form.resolution.id = f"flag-{flag_id}-resolution"
    form.flag_id = flag_id
    return form


def case_context(offer: Offer) -> dict[str, Any]:
    """What the case page shows of notes and flags, with empty forms (not filled
    from whichever form was just posted)."""
    flags = flag_service.flags_for(offer.id)
    open_flags = [flag for flag in flags if flag.is_open]
    return {
        "notes": note_service.notes_for(offer.id),
        "open_flags": open_flags,
        "resolved_flags": [flag for flag in flags if not flag.is_open],
        "note_form": NoteForm(formdata=None),
        "flag_form": RaiseFlagForm(formdata=None),
        "resolve_forms": {flag.id: resolve_form(flag.id, formdata=None) for flag in open_flags},
        # The resolve form that came back with errors, if any.
        "resolve_form": None,
    }


def _back(offer: Offer, anchor: str) -> Any:
    return redirect(url_for("queue.offer", offer_id=offer.id, _anchor=anchor))


@blueprint.post("/offers/<int:offer_id>/notes")
@staff_required
def add_note(offer_id: int) -> Any:
    found = _submitted(offer_id)
    form = NoteForm()
    if not form.validate_on_submit():
        return render_case(found, 200, note_form=form)
    note_service.add_note(found, current_user.user, form.internal_note.data)
    flash("Your note has been added")
    return _back(found, "internal-notes")


@blueprint.post("/offers/<int:offer_id>/flags")
@deciders
def raise_flag(offer_id: int) -> Any:
    found = _submitted(offer_id)
    form = RaiseFlagForm()
    if not form.validate_on_submit():
        return render_case(found, 200, flag_form=form)
    flag_service.raise_flag(found, current_user.user, form.flag_text.data)
    flash("The flag has been raised")
    return _back(found, "flags")


@blueprint.post("/offers/<int:offer_id>/flags/<int:flag_id>/resolve")
@deciders
def resolve_flag(offer_id: int, flag_id: int) -> Any:
    found = _submitted(offer_id)
    flag = flag_service.flag_of(found.id, flag_id)
    if flag is None:
        abort(404)
    already = f"This flag has already been resolved: {flag.text}"
    if not flag.is_open:
        return render_case(found, 409, problem=already)
    form = resolve_form(flag.id)
    if not form.validate_on_submit():
        return render_case(found, 200, resolve_form=form)
    try:
        flag_service.resolve_flag(flag, found, current_user.user, form.resolution.data)
    except flag_service.FlagAlreadyResolved:
        db.session.expire_all()
        return render_case(found, 409, problem=already)
    flash("The flag has been resolved")
    return _back(found, "flags")
