"""The queue's two pages as the routes render them, also again after a form
came back with errors: the queue (with bulk assignment) and an offer's case page
(with its actions, internal notes and flags)."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from flask import abort, render_template, session, url_for
from flask_wtf import FlaskForm
from werkzeug.datastructures import MultiDict

from rules.offer import LABELS, UnitKind
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
from triage.services import meetings as meeting_service
from triage.services import notes as note_service
from triage.services import queue as queue_service
from triage.services.audit import action_label
from triage.services.decisions import NotAssigned
from triage.services.policy import policy_in_force
from triage.workflow import DECLINE_CONCERN_LABELS, Action, actions_for, allowed
from triage.working_days import add_working_days, working_days_since

# Where bulk assignment leaves what it could not do, for the queue page to show.
SKIPPED_KEY = "queue_assign_skipped"


def submitted_or_404(offer_id: int) -> Offer:
    """A submitted offer, or a 404 (a draft is not staff's business)."""
    found = offers.submitted_offer(offer_id)
    if found is None:
        abort(404)
    return found


def days_waiting(offer: Offer, now: datetime) -> int | None:
    """Working days since it was submitted (England and Wales bank holidays and
    weekends left out, as the target is in working days), while it waits for a
    decision."""
    if offer.submitted_at is None or OfferStatus(offer.status) not in OPEN_STATUSES:
        return None
    return working_days_since(offer.submitted_at, now)


# The queue's columns, in the table's order: (sort key or None, heading). The
# keys are triage.services.queue.SORTS's, the only ones ?sort= accepts.
COLUMNS: list[tuple[str | None, str]] = [
    ("reference", "Reference"),
    ("property", "Property"),
    ("organisation", "Organisation"),
    ("units", "Units"),
    (None, "Cohorts"),
    ("rent", "Core rent a week"),
    ("submitted", "Submitted"),
    ("assigned", "Assigned to"),
    ("status", "Status"),
    ("score", "Score"),
    ("red_flags", "Red flags"),
]


def sort_headers(filters: queue_service.QueueFilters) -> list[dict[str, Any]]:
    """Each column's heading, and for a sortable one the link that sorts by it
    (the other way round if it is the column sorted by now) and its aria-sort,
    as the MOJ sortable table marks them up; filters are kept, the page is not."""
    kept = filters.query_args()
    headers = []
    for key, text in COLUMNS:
        if key is None:
            headers.append({"key": None, "text": text, "href": None, "aria_sort": None})
            continue
        current = filters.sort == key
        descending = not filters.descending if current else queue_service.SORTS[key][1]
        headers.append(
            {
                "key": key,
                "text": text,
                "href": url_for(
                    "queue.index",
                    **kept,
                    sort=key,
                    order="descending" if descending else "ascending",
                ),
                "aria_sort": (
                    ("descending" if filters.descending else "ascending") if current else "none"
                ),
            }
        )
    return headers


def pagination(number: int, pages: int, page_url: Callable[[int], str]) -> dict[str, Any]:
    """govukPagination's parameters: the first and last pages, the ones either
    side of this one, and ellipses for the gaps (GOV.UK's pattern)."""
    shown = sorted({1, pages, number - 1, number, number + 1} & set(range(1, pages + 1)))
    items: list[dict[str, Any]] = []
    previous = 0
    for page in shown:
        if page - previous > 1:
            items.append({"ellipsis": True})
        items.append({"number": page, "href": page_url(page), "current": page == number})
        previous = page
    return {
        "items": items,
        "previous": {"href": page_url(number - 1)} if number > 1 else None,
        "next": {"href": page_url(number + 1)} if number < pages else None,
        "landmarkLabel": "Pages of offers",
    }


def unit_summary(offer: Offer) -> str:
    """Each kind of unit and how many: 'Studio: 4; 1-bedroom flat: 2'."""
    return "; ".join(
        f"{LABELS.get(UnitKind(unit.kind), unit.kind)}: {unit.count}"
        for unit in offer.unit_types
        if unit.kind in UnitKind._value2member_map_
    )


def core_rent_range(offer: Offer) -> tuple[int, int] | None:
    """The lowest and highest weekly core rent, in pence, across its unit types."""
    rents = [unit.core_rent_pence for unit in offer.unit_types if unit.core_rent_pence is not None]
    return (min(rents), max(rents)) if rents else None


def money(pence: int) -> str:
    return f"£{pence / 100:,.2f}"


def rent_text(offer: Offer) -> str:
    rents = core_rent_range(offer)
    if rents is None:
        return ""
    low, high = rents
    return money(low) if low == high else f"{money(low)} to {money(high)}"


def cohort_labels(offer: Offer, labels: dict[str, str]) -> list[str]:
    return [labels.get(cohort.cohort, cohort.cohort) for cohort in offer.cohorts]


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
    kept = filters.link_args()

    def page_url(number: int) -> str:
        return url_for("queue.index", **kept, page=number)

    cohorts = {cohort.code: cohort.label for cohort in policy.cohorts}
    return render_template(
        "views/queue/index.html",
        offers=listed,
        waiting_days={row[0].id: days_waiting(row[0], now) for row in listed},
        target_days=policy.queue.target_days,
        units={row[0].id: unit_summary(row[0]) for row in listed},
        rents={row[0].id: rent_text(row[0]) for row in listed},
        cohorts={row[0].id: cohort_labels(row[0], cohorts) for row in listed},
        headers=sort_headers(filters),
        page=page.number,
        total=page.total,
        pages=page.pages,
        pagination=pagination(page.number, page.pages, page_url),
        filters=filters,
        csv_url=url_for("queue.index_csv", **kept),
        xlsx_url=url_for("queue.index_xlsx", **kept),
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
        "decision_form": forms.DecisionForm(data=version),
        "override_form": forms.OverrideForm(bands=band_choices(labelled=True)),
        "retry_form": forms.RetryScoringForm(data=version),
    }


def _meeting(offer: Offer) -> dict[str, Any]:
    """The offer's meeting with the submitter (issue 14), and what can be done with it."""
    version = {"version": offer.version}
    meeting = meeting_service.current(offer.id)
    return {
        "meeting": meeting,
        "meeting_when": meeting_service.describe,
        "meeting_where": meeting_service.where,
        "can_arrange_meeting": allowed(offer, Action.REPROPOSE_MEETING),
        "can_record_meeting_outcome": meeting_service.outcome_to_record(offer, meeting),
        "accept_suggestion_form": forms.AcceptSuggestionForm(data=version),
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


@dataclass(frozen=True)
class NextStep:
    """One of the case page's actions: whether it can be taken now, and if not why."""

    label: str
    anchor: str
    available: bool
    why: str = ""


S = OfferStatus
_CLOSED = {S.APPROVED: "approved", S.DECLINED: "declined", S.WITHDRAWN: "withdrawn"}
_NOT_YET_REVIEWED = {S.SUBMITTED, S.SCORING, S.SCORED, S.SCORING_FAILED}


def _why_not(offer: Offer, action: Action) -> str:
    """Why `action` cannot be taken on the offer now, in the officer's terms: what
    to do first, or that the offer's story is over (the workflow's TRANSITIONS are
    the rule; this says it)."""
    status = OfferStatus(offer.status)
    if status in _CLOSED:
        return f"It has been {_CLOSED[status]}, so nothing more can be done"
    if status in _NOT_YET_REVIEWED:
        first = "Assign it to someone"
        if status in (S.SUBMITTED, S.SCORING):
            first = "Wait for its score, then assign it to someone"
        elif status is S.SCORING_FAILED:
            first = "Send it for scoring again, or assign it to someone"
        if action in (Action.APPROVE, Action.DECLINE):
            return f"{first} before deciding"
        return f"{first} first: the review starts when it is assigned"
    if status is S.INFORMATION_REQUESTED:
        if action is Action.APPROVE:
            return "Wait for the submitter’s answer before approving (you can still decline)"
        return "Wait for the submitter’s answer to your question"
    if action is Action.PROPOSE_MEETING:
        return (
            "A meeting is being arranged: see the meeting above to propose another time"
            if status is S.MEETING_PROPOSED
            else "It has gone forward to feasibility"
        )
    return "Not possible at this stage"


def next_steps(offer: Offer) -> list[NextStep]:
    """What a commissioner can do with the offer now, and what not yet (and why)."""
    status = OfferStatus(offer.status)
    if status in _CLOSED:
        # Its story is over: said once, not once an action.
        return [NextStep("Actions", "actions", False, _why_not(offer, Action.ASSIGN))]
    steps = [
        ("Assign an officer", "assign", (Action.ASSIGN,)),
        ("Ask the submitter for more information", "request", (Action.REQUEST_INFORMATION,)),
        ("Invite the submitter to meet", "meeting", (Action.PROPOSE_MEETING,)),
        ("Decide", "decide", (Action.APPROVE, Action.DECLINE)),
    ]
    result = []
    for label, anchor, actions in steps:
        possible = [action for action in actions if allowed(offer, action)]
        result.append(
            NextStep(
                label,
                anchor,
                bool(possible),
                _why_not(offer, actions[0])
                if not possible
                else (_why_not(offer, Action.APPROVE) if len(possible) < len(actions) else ""),
            )
        )
    return result


@dataclass(frozen=True)
class Waiting:
    days: int  # working days since it was submitted
    target: int  # working days the policy allows
    due: date  # the day the target falls due

    @property
    def overdue(self) -> bool:
        return self.days > self.target


def waiting_against_target(offer: Offer, target: int, now: datetime) -> Waiting | None:
    days = days_waiting(offer, now)
    if days is None or offer.submitted_at is None:
        return None
    submitted = offer.submitted_at.astimezone(clock.UK).date()
    return Waiting(days, target, add_working_days(submitted, target))


def render_case(
    offer: Offer, status: int = 200, problem: str | None = None, **replaced: FlaskForm
) -> Any:
    history = queue_service.case_history(offer)
    policy = policy_in_force()
    score = scoring.latest_score(offer.id)
    cohorts = {cohort.code: cohort.label for cohort in policy.cohorts}
    context = {
        "units": unit_summary(offer),
        "rent": rent_text(offer),
        "rent_rule": next(
            (
                rule
                for rule in (score.results if score else [])
                if rule["rule"] == "rent_affordability"
            ),
            None,
        ),
        "red_flag_titles": [
            rule["title"] for rule in (score.results if score else []) if rule["verdict"] == "red"
        ],
        "cohort_labels": cohort_labels(offer, cohorts),
        "waiting": waiting_against_target(offer, policy.queue.target_days, clock.now()),
        "steps": next_steps(offer),
        "offer": offer,
        "organisation": history.organisation,
        "score": score,
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
        "named_concerns": decisions.decline_concerns(offer),
        **_case_forms(offer),
        **_meeting(offer),
        **_notes_and_flags(offer),
        **replaced,
        # The form that came back with errors drives the page's error summary and title.
        "form": next(iter(replaced.values()), None),
        "page_error": problem is not None,
    }
    return render_template("views/queue/offer.html", **context), status
