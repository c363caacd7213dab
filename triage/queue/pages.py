"""The queue's two pages as the routes render them, also again after a form
came back with errors: the queue (with bulk assignment) and an offer's case page
(with its actions, internal notes and flags)."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Any

from flask import abort, render_template, session, url_for
from flask_wtf import FlaskForm
from werkzeug.datastructures import MultiDict

from triage import clock
from triage.auth.access import acting_user
from triage.models import Offer
from triage.models.offers import OPEN_STATUSES, OfferStatus
from triage.models.users import DECIDER_ROLES
from triage.offers import pages as offer_pages
from triage.queue import filters as queue_filters
from triage.queue import forms
from triage.services import decisions, offers, scoring
from triage.services import flags as flag_service
from triage.services import notes as note_service
from triage.services import queue as queue_service
from triage.services.audit import action_label
from triage.services.decisions import NotAssigned
from triage.services.policy import policy_in_force
from triage.workflow import DECLINE_CONCERN_LABELS, Action, actions_for, allowed

# Where bulk assignment leaves what it could not do, for the queue page to show.
SKIPPED_KEY = "queue_assign_skipped"


def submitted_or_404(offer_id: int) -> Offer:
    """A submitted offer, or a 404 (a draft is not staff's business)."""
    found = offers.submitted_offer(offer_id)
    if found is None:
        abort(404)
    return found


def days_waiting(offer: Offer, now: datetime) -> int | None:
    """Whole days since it was submitted, while it waits for a decision."""
    if offer.submitted_at is None or OfferStatus(offer.status) not in OPEN_STATUSES:
        return None
    return (now - offer.submitted_at).days


# --- The queue ---------------------------------------------------------------------


def active_officers(people: Sequence[queue_service.Officer]) -> list[queue_service.Officer]:
    return [person for person in people if person.active]


def render_queue(
    args: MultiDict[str, str],
    *,
    page_size: int,
    bulk_form: forms.BulkAssignForm | None = None,
    selected: Sequence[int] = (),
) -> Any:
    policy = policy_in_force()
    people = queue_service.officers()
    filters = queue_filters.parse(args, policy, people)
    page = queue_service.queue_page(policy, filters, args.get("page", 1, type=int) or 1, page_size)
    listed = page.rows
    now = clock.now()
    can_assign = acting_user().has_role(*DECIDER_ROLES)
    if can_assign and bulk_form is None:
        bulk_form = forms.BulkAssignForm(officers=active_officers(people))
    kept = filters.query_args()
    return render_template(
        "views/queue/index.html",
        offers=listed,
        waiting_days={row[0].id: days_waiting(row[0], now) for row in listed},
        target_days=policy.queue.target_days,
        page=page.number,
        total=page.total,
        pages=page.pages,
        filters=filters,
        page_url=lambda number: url_for("queue.index", **kept, page=number),
        csv_url=url_for("queue.index_csv", **kept),
        return_to=url_for("queue.index", **kept, page=page.number),
        status_items=queue_filters.status_items(filters),
        cohort_items=queue_filters.cohort_items(filters, policy),
        configuration_items=queue_filters.configuration_items(filters),
        rule_items=queue_filters.rule_items(filters),
        verdict_items=queue_filters.verdict_items(filters),
        officer_items=queue_filters.officer_items(filters, people),
        can_assign=can_assign,
        assignable={row[0].id for row in listed if allowed(row[0], Action.ASSIGN)},
        selected=set(selected),
        bulk_form=bulk_form,
        skipped=_skipped_report() if bulk_form is not None and not bulk_form.errors else [],
        # The bulk form's errors drive the error summary (base.html) and the title.
        form=bulk_form if bulk_form is not None and bulk_form.errors else None,
        page_error=bool(filters.errors),
    )


def remember_skipped(skipped: Sequence[tuple[int, NotAssigned]]) -> None:
    """What bulk assignment left undone, for the queue page it redirects to."""
    session[SKIPPED_KEY] = [[offer_id, reason.value] for offer_id, reason in skipped]


def _skipped_report() -> list[tuple[Offer | None, int, str]]:
    """What bulk assignment left undone, once: each offer (None if not found), its
    id and why."""
    stored = session.pop(SKIPPED_KEY, None)
    skipped = [
        (item[0], str(item[1]))
        for item in (stored if isinstance(stored, list) else [])
        if isinstance(item, list) and len(item) == 2 and isinstance(item[0], int)
    ]
    if not skipped:
        return []
    found = queue_service.submitted_offers(offer_id for offer_id, _reason in skipped)
    return [(found.get(offer_id), offer_id, reason) for offer_id, reason in skipped]


# --- The case page -------------------------------------------------------------------


def assignable_officers() -> list[tuple[str, str]]:
    """The assign form's choices: officers whose accounts are open."""
    return [(str(person.id), person.name) for person in active_officers(queue_service.officers())]


def band_choices(labelled: bool = False) -> list[tuple[str, str]]:
    return [
        (band.name, f"{band.name}: {band.label}" if labelled else band.name)
        for band in policy_in_force().scoring.bands
    ]


def _case_forms(offer: Offer) -> dict[str, FlaskForm]:
    version = {"version": offer.version}
    return {
        "assign_form": forms.AssignForm(data=version, officers=assignable_officers()),
        "request_form": forms.RequestInformationForm(data=version),
        "meeting_form": forms.ProposeMeetingForm(data=version),
        "decision_form": forms.DecisionForm(data=version),
        "override_form": forms.OverrideForm(bands=band_choices(labelled=True)),
        "retry_form": forms.RetryScoringForm(data=version),
    }


def _notes_and_flags(offer: Offer) -> dict[str, Any]:
    """What the case page shows of notes and flags, with empty forms (not filled
    from whichever form was just posted)."""
    flags = flag_service.flags_for(offer.id)
    open_flags = [flag for flag in flags if flag.is_open]
    return {
        "notes": note_service.notes_for(offer.id),
        "open_flags": open_flags,
        "resolved_flags": [flag for flag in flags if not flag.is_open],
        "note_form": forms.NoteForm(formdata=None),
        "flag_form": forms.RaiseFlagForm(formdata=None),
        "resolve_forms": {
            flag.id: forms.resolve_form(flag.id, formdata=None) for flag in open_flags
        },
        # The resolve form that came back with errors, if any.
        "resolve_form": None,
    }


def render_case(
    offer: Offer, status: int = 200, problem: str | None = None, **replaced: FlaskForm
) -> Any:
    history = queue_service.case_history(offer)
    context = {
        "offer": offer,
        "organisation": history.organisation,
        "score": scoring.latest_score(offer.id),
        "override": decisions.current_override(offer.id),
        "sections": offer_pages.SECTIONS,
        "summary": offer_pages.summary,
        "events": history.events,
        "action_label": action_label,
        "messages": history.messages,
        "people": history.people,
        "allowed": set(actions_for(offer)),
        "Action": Action,
        "problem": problem,
        "concern_labels": DECLINE_CONCERN_LABELS,
        **_case_forms(offer),
        **_notes_and_flags(offer),
        **replaced,
        # The form that came back with errors drives the page's error summary and title.
        "form": next(iter(replaced.values()), None),
        "page_error": problem is not None,
    }
    return render_template("views/queue/offer.html", **context), status
