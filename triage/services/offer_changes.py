"""Changes the council asks for (issue 14): a commissioner returns a submitted offer
for changes to named sections, with a reason; the submitter changes only those
sections and resubmits; the offer is scored again; each round keeps the answers
before and after, for the case page, and the audit trail records it.

The answers as people read them ("check your answers" rows) come from the offer
form's pages, which belong to the web layer: callers pass them in (`before`,
`after`), so this module stays a service.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from flask import render_template
from sqlalchemy import func, select
from sqlalchemy.orm.exc import StaleDataError

from rules.offer import UnitKind, label
from triage import clock, db
from triage.db import transactional
from triage.models import Offer, OfferChangeRequest, OfferMessage, User
from triage.models.offers import OfferStatus, share_units
from triage.services import emails, notifications, scoring
from triage.services.policy import policy_in_force
from triage.workflow import Action, perform
from triage.working_days import add_working_days

Snapshot = list[dict[str, Any]]


class NotReturnedForChanges(Exception):
    """The offer is not waiting for changes to this section (any more)."""


class ChangesClashed(Exception):
    """The offer changed while the answers were being saved: nothing was saved."""


def open_request(offer_id: int) -> OfferChangeRequest | None:
    return db.session.scalar(
        select(OfferChangeRequest)
        .where(
            OfferChangeRequest.offer_id == offer_id,
            OfferChangeRequest.resubmitted_at.is_(None),
        )
        .order_by(OfferChangeRequest.round.desc())
        .limit(1)
    )


def rounds_of(offer_id: int) -> list[OfferChangeRequest]:
    return list(
        db.session.scalars(
            select(OfferChangeRequest)
            .where(OfferChangeRequest.offer_id == offer_id)
            .order_by(OfferChangeRequest.round)
        )
    )


def _email(offer: Offer, event: str, subject: str, template: str, **context: object) -> None:
    submitter = db.session.get(User, offer.submitted_by_id)
    if submitter is None:
        return
    # What happens next and by when: the queue's target, in working days.
    target_days = policy_in_force().queue.target_days
    body = render_template(
        template,
        offer=offer,
        user=submitter,
        target_days=target_days,
        review_by=add_working_days(clock.today_uk(), target_days),
        **context,
    )
    emails.add_email(f"offer-{offer.id}-{event}", submitter.email, subject, body)


@transactional
def request_changes(
    offer: Offer,
    actor: User,
    *,
    seen_version: int,
    sections: list[tuple[str, str]],
    reason: str,
    before: Snapshot,
) -> OfferChangeRequest:
    """Return the offer for changes to `sections` ((slug, title) pairs): the change
    of status, the round with the answers as they are, a message and an email to
    the submitter, in one unit of work. Raises TransitionRefused or StaleOffer."""
    titles = ", ".join(title for _slug, title in sections)
    perform(
        offer,
        Action.REQUEST_CHANGES,
        actor,
        seen_version=seen_version,
        detail=f"Sections: {titles}. {reason}",
    )
    last = db.session.scalar(
        select(func.max(OfferChangeRequest.round)).where(OfferChangeRequest.offer_id == offer.id)
    )
    change = OfferChangeRequest(
        offer_id=offer.id,
        round=(last or 0) + 1,
        sections=[slug for slug, _title in sections],
        reason=reason,
        requested_by_id=actor.id,
        before=before,
    )
    db.session.add(change)
    message = OfferMessage(
        offer_id=offer.id,
        author_id=actor.id,
        from_council=True,
        body=f"Please change these sections and resubmit: {titles}.\n\n{reason}",
    )
    db.session.add(message)
    db.session.flush()
    _email(
        offer,
        f"changes-requested-{change.round}",
        f"The council has asked for changes to your offer {offer.reference}",
        "emails/changes_requested.txt",
        titles=titles,
        reason=reason,
    )
    return change


# The section where units are added; its "check your answers" rows name each kind
# of unit by its label (triage/offers/pages.py UNIT_COUNTS).
UNITS_SECTION = "design"


def units_added(change: OfferChangeRequest, offer: Offer) -> set[str]:
    """The kinds of unit the offer has now and did not have when the council
    returned it (only possible when the design section was returned). Their pages
    in other sections (a unit's rent and charges) must be answered before the
    offer can be resubmitted, so they may be changed in this round too."""
    if UNITS_SECTION not in change.sections:
        return set()
    named_before = {
        row[0]
        for section in change.before
        if section.get("section") == UNITS_SECTION
        for row in section.get("rows", [])
    }
    return {
        unit.kind for unit in offer.unit_types if label(UnitKind(unit.kind)) not in named_before
    }


@transactional
def save_changes(
    offer: Offer,
    section: str,
    apply_answers: Callable[[Offer], None],
    *,
    unit_kind: str | None = None,
) -> None:
    """Save one page of answers in a section the council asked to change, or a page
    of a unit added in this round (`unit_kind`). The check (the offer is waiting
    for changes to this section) and the save are one transaction, and the save is
    an UPDATE of the offer's row at the version loaded: if the offer was
    resubmitted, withdrawn or decided meanwhile, nothing is saved (ChangesClashed)."""
    offer_id = offer.id
    change = open_request(offer_id)
    if (
        offer.status != OfferStatus.CHANGES_REQUESTED
        or change is None
        or (
            section not in change.sections
            and (unit_kind is None or unit_kind not in units_added(change, offer))
        )
    ):
        raise NotReturnedForChanges(f"Offer {offer_id} is not waiting for changes to {section}")
    try:
        apply_answers(offer)
        offer.updated_at = clock.now()
        db.session.flush()
    except StaleDataError as error:
        raise ChangesClashed(f"Offer {offer_id} changed while it was being saved") from error


@transactional
def resubmit(offer: Offer, user: User, *, seen_version: int, after: Snapshot) -> OfferChangeRequest:
    """Resubmit the changed offer: back to submitted, the round closed with the
    answers as they are now, each cohort's share of the units worked out again, and
    the offer sent for scoring (a new round of answers is a new score). Raises
    NotReturnedForChanges, TransitionRefused or StaleOffer."""
    change = open_request(offer.id)
    if change is None:
        raise NotReturnedForChanges(f"Offer {offer.id} is not waiting for changes")
    perform(
        offer,
        Action.RESUBMIT,
        user,
        seen_version=seen_version,
        detail=f"Round {change.round} of changes",
        answers_round=offer.answers_round + 1,
    )
    change.after = after
    change.resubmitted_at = clock.now()
    change.resubmitted_by_id = user.id
    db.session.execute(share_units([offer.id]).execution_options(synchronize_session=False))
    for row in offer.cohorts:
        db.session.expire(row, ["units_share"])
    scoring.request_scoring(offer.id)
    notifications.notify_answered(offer)
    _email(
        offer,
        f"resubmitted-{change.round}",
        f"We have received your changed offer {offer.reference}",
        "emails/offer_resubmitted.txt",
    )
    return change


# --- What changed, for the case page ------------------------------------------------


@dataclass(frozen=True)
class ChangedRow:
    question: str
    before: str
    after: str

    @property
    def changed(self) -> bool:
        return self.before != self.after


@dataclass(frozen=True)
class SectionChanges:
    title: str
    rows: list[ChangedRow]


def differences(before: Snapshot, after: Snapshot | None) -> list[SectionChanges]:
    """Side by side, per section: every question in either snapshot, its answer
    before and after ("" where a question was not asked)."""
    later = {section["section"]: section for section in after or []}
    result = []
    for section in before:
        old = {question: answer for question, answer in section["rows"]}
        new_rows = later.get(section["section"], {"rows": []})["rows"]
        new = {question: answer for question, answer in new_rows}
        questions = list(old) + [question for question in new if question not in old]
        result.append(
            SectionChanges(
                section["title"],
                [ChangedRow(q, old.get(q, ""), new.get(q, "")) for q in questions],
            )
        )
    return result
