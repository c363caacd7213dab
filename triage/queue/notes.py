"""Internal notes and flags on the case page.

Every member of staff can read both and add notes; commissioners and
administrators raise and resolve flags (placement officers read them). None of it
exists for submitters: the routes are staff-only (a 404 for anyone else) and the
submitter's pages never read these tables.
"""

from __future__ import annotations

from typing import Any

from flask import abort, flash, redirect, url_for

from triage.auth.access import acting_user, decider_required, staff_required
from triage.models import Offer
from triage.queue import bp, forms
from triage.queue.pages import render_case, submitted_or_404
from triage.services import flags as flag_service
from triage.services import notes as note_service


def _back(offer: Offer, anchor: str) -> Any:
    return redirect(url_for("queue.offer", offer_id=offer.id, _anchor=anchor))


@bp.post("/offers/<int:offer_id>/notes")
@staff_required
def add_note(offer_id: int) -> Any:
    found = submitted_or_404(offer_id)
    form = forms.NoteForm()
    if not form.validate_on_submit():
        return render_case(found, 200, note_form=form)
    note_service.add_note(found, acting_user(), form.internal_note.data)
    flash("Your note has been added")
    return _back(found, "internal-notes")


@bp.post("/offers/<int:offer_id>/flags")
@decider_required
def raise_flag(offer_id: int) -> Any:
    found = submitted_or_404(offer_id)
    form = forms.RaiseFlagForm()
    if not form.validate_on_submit():
        return render_case(found, 200, flag_form=form)
    flag_service.raise_flag(found, acting_user(), form.flag_text.data)
    flash("The flag has been raised")
    return _back(found, "flags")


@bp.post("/offers/<int:offer_id>/flags/<int:flag_id>/resolve")
@decider_required
def resolve_flag(offer_id: int, flag_id: int) -> Any:
    found = submitted_or_404(offer_id)
    flag = flag_service.flag_of(found.id, flag_id)
    if flag is None:
        abort(404)
    already = f"This flag has already been resolved: {flag.text}"
    if not flag.is_open:
        return render_case(found, 409, problem=already)
    form = forms.resolve_form(flag.id)
    if not form.validate_on_submit():
        return render_case(found, 200, resolve_form=form)
    try:
        flag_service.resolve_flag(flag, found, acting_user(), form.resolution.data)
    except flag_service.FlagAlreadyResolved:
        # Rolled back by the service's unit of work: the page reads the flag afresh.
        return render_case(found, 409, problem=already)
    flash("The flag has been resolved")
    return _back(found, "flags")
