"""Assigning several offers to one officer from the queue.

Each ticked offer carries the version the officer saw ("id:version"), and each
goes through the same workflow as the case page's "Assign": an offer that changed
meanwhile, or whose status does not allow assigning, is left as it is and
reported, never overwritten.
"""

from __future__ import annotations

from typing import Any
from urllib.parse import parse_qsl, urlsplit

from flask import flash, redirect, request, url_for
from werkzeug.datastructures import MultiDict

from triage.auth.access import acting_user, decider_required
from triage.queue import bp, forms
from triage.queue import filters as queue_filters
from triage.queue.pages import active_officers, remember_skipped, render_queue
from triage.services import decisions
from triage.services import queue as queue_service
from triage.services.policy import policy_in_force


def _queue_args(return_to: str) -> MultiDict[str, str]:
    """The queue's query string the form came from, read back through the filters,
    so only real filters (and the page) carry over: never a redirect elsewhere."""
    try:
        args: MultiDict[str, str] = MultiDict(
            parse_qsl(urlsplit(return_to[:5000]).query, max_num_fields=200)
        )
    except ValueError:
        return MultiDict()
    kept = queue_filters.parse(args, policy_in_force(), queue_service.officers()).query_args()
    result: MultiDict[str, str] = MultiDict()
    for name, value in kept.items():
        for item in value if isinstance(value, list) else [value]:
            result.add(name, item)
    page = args.get("page", type=int)
    if page and page > 1:
        result["page"] = str(page)
    return result


@bp.post("/assign")
@decider_required
def bulk_assign() -> Any:
    back = _queue_args(request.form.get("return_to", ""))
    form = forms.BulkAssignForm(officers=active_officers(queue_service.officers()))
    if not form.validate_on_submit():
        ticked = [offer_id for offer_id, _version in form.chosen]
        return render_queue(
            back, page_size=queue_service.PAGE_SIZE, bulk_form=form, selected=ticked
        )
    officer = queue_service.officer(int(form.assign_to.data))
    assert officer is not None  # the form accepts only the officers it offered
    result = decisions.assign_several(form.chosen, officer, acting_user())
    if result.assigned:
        count = result.assigned
        flash(f"{count} offer{'s' if count != 1 else ''} assigned to {officer.full_name}")
    if result.skipped:
        remember_skipped(result.skipped)
    kept: dict[str, Any] = back.to_dict(flat=False)
    return redirect(url_for("queue.index", **kept))
