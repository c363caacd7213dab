"""Changes the council asks for (issue 14): a commissioner returns an offer for
changes to named sections; the submitter changes those sections, and only those,
and resubmits. Also copying an offer into a new draft."""

from __future__ import annotations

from typing import Any

from flask import abort, flash, redirect, render_template, request, url_for
from werkzeug.wrappers import Response

from triage.auth.access import acting_user, decider_required, submitter_required
from triage.models import Offer, OfferChangeRequest
from triage.models.offers import OfferStatus
from triage.offers import bp, forms, pages
from triage.offers.checks import offer_problems
from triage.offers.owned import own_offer
from triage.services import offer_changes, offers
from triage.workflow import Action, StaleOffer, TransitionRefused, allowed

STALE = (
    "The offer changed since you opened it, so nothing was saved. "
    "Check the offer as it is now and try again."
)


# --- The commissioner returns the offer ---------------------------------------------


def _section_choices() -> list[tuple[str, str]]:
    return [(section.slug, section.title) for section in pages.CHANGEABLE_SECTIONS]


@bp.route("/<int:offer_id>/request-changes", methods=["GET", "POST"])
@decider_required
def request_changes(offer_id: int) -> Any:
    offer = offers.submitted_offer(offer_id)
    if offer is None:
        abort(404)
    if not allowed(offer, Action.REQUEST_CHANGES):
        return redirect(url_for("queue.offer", offer_id=offer.id))
    form = forms.RequestChangesForm(section_choices=_section_choices())
    if request.method == "GET":
        form.version.data = str(offer.version)
    problem = None
    if form.validate_on_submit():
        chosen = [pair for pair in _section_choices() if pair[0] in form.sections.data]
        try:
            offer_changes.request_changes(
                offer,
                acting_user(),
                seen_version=int(form.version.data or -1),
                sections=chosen,
                reason=form.reason.data,
                before=pages.snapshot(offer, [slug for slug, _title in chosen]),
            )
        except (StaleOffer, TransitionRefused, ValueError):
            problem = STALE
        else:
            flash(f"{offer.reference} has been returned to the submitter for changes")
            return redirect(url_for("queue.offer", offer_id=offer.id))
    return render_template(
        "views/offers/request_changes.html",
        offer=offer,
        form=form,
        problem=problem,
        page_error=problem is not None,
    ), (409 if problem else 200)


# --- The submitter changes the sections named ----------------------------------------


def _returned(offer: Offer, section_slug: str) -> OfferChangeRequest | None:
    """The open round of changes, if it names this section."""
    if offer.status != OfferStatus.CHANGES_REQUESTED:
        return None
    change = offer_changes.open_request(offer.id)
    return change if change is not None and section_slug in change.sections else None


def _changeable(offer: Offer, section_slug: str, page: pages.Page) -> bool:
    """A page of a returned section, or a page of a unit added in this round (its
    rent and charges sit in a section that may not have been returned)."""
    if _returned(offer, section_slug) is not None:
        return True
    if offer.status != OfferStatus.CHANGES_REQUESTED or page.unit_kind is None:
        return False
    change = offer_changes.open_request(offer.id)
    return change is not None and page.unit_kind in offer_changes.units_added(change, offer)


@bp.get("/<int:offer_id>/changes/sections/<section_slug>")
@submitter_required
def change_section(offer_id: int, section_slug: str) -> Response:
    offer = own_offer(offer_id)
    section = pages.SECTIONS_BY_SLUG.get(section_slug)
    if section is None:
        abort(404)
    if _returned(offer, section_slug) is None:
        return redirect(url_for("offers.view", offer_id=offer.id))
    first = next(iter(section.applicable_pages(offer)), None)
    if first is None:
        abort(404)
    return redirect(url_for("offers.change_question", offer_id=offer.id, key=first.key))


@bp.route("/<int:offer_id>/changes/questions/<path:key>", methods=["GET", "POST"])
@submitter_required
def change_question(offer_id: int, key: str) -> str | Response:
    offer = own_offer(offer_id)
    located = pages.locate(offer, key)
    if located is None:
        abort(404)
    page = located.page
    if not _changeable(offer, located.section.slug, page):
        return redirect(url_for("offers.view", offer_id=offer.id))
    form = page.make_form(offer, request.form if request.method == "POST" else None)
    # "Add another" or "Remove" on the addresses page: shown again, nothing saved.
    rearranged = getattr(form, "rearranged", False)
    if request.method == "POST" and not rearranged and form.validate():
        try:
            offer_changes.save_changes(
                offer,
                located.section.slug,
                lambda draft: page.apply(draft, form),
                unit_kind=page.unit_kind,
            )
        except offer_changes.NotReturnedForChanges:
            return redirect(url_for("offers.view", offer_id=offer.id))
        except offer_changes.ChangesClashed:
            return redirect(url_for("offers.change_question", offer_id=offer.id, key=key))
        following = pages.page_after(offer, located.section, page)
        if following is not None and request.args.get("return") != "resubmit":
            return redirect(url_for("offers.change_question", offer_id=offer.id, key=following.key))
        return redirect(url_for("offers.resubmit", offer_id=offer.id))
    return render_template(
        page.template,
        offer=offer,
        page=page,
        section=located.section,
        form=form,
        changing=True,
    )


@bp.route("/<int:offer_id>/resubmit", methods=["GET", "POST"])
@submitter_required
def resubmit(offer_id: int) -> Any:
    offer = own_offer(offer_id)
    change = offer_changes.open_request(offer.id)
    if offer.status != OfferStatus.CHANGES_REQUESTED or change is None:
        return redirect(url_for("offers.view", offer_id=offer.id))
    added = offer_changes.units_added(change, offer)
    # The sections returned, and any other holding pages of a unit added in this
    # round (its rent and charges), which must be answered too.
    sections = [
        s
        for s in pages.CHANGEABLE_SECTIONS
        if s.slug in change.sections
        or any(page.unit_kind in added for page in s.applicable_pages(offer))
    ]
    incomplete = [s for s in pages.incomplete_sections(offer) if s.slug != "documents"]
    problems = offer_problems(offer)
    form = forms.ResubmitForm()
    if request.method == "GET":
        form.version.data = str(offer.version)
    problem = None
    if form.validate_on_submit() and not incomplete and not problems:
        try:
            offer_changes.resubmit(
                offer,
                acting_user(),
                seen_version=int(form.version.data or -1),
                after=pages.snapshot(offer, change.sections),
            )
        except (StaleOffer, TransitionRefused, offer_changes.NotReturnedForChanges, ValueError):
            problem = STALE
        else:
            flash(f"Your changes to {offer.reference} have been sent to the council")
            return redirect(url_for("offers.view", offer_id=offer.id))
    return render_template(
        "views/offers/resubmit.html",
        offer=offer,
        change=change,
        sections=sections,
        summary=pages.summary,
        may_change=lambda section, page: section.slug in change.sections or page.unit_kind in added,
        incomplete=incomplete,
        problems=problems,
        form=form,
        problem=problem,
        page_error=problem is not None or bool(incomplete or problems),
    ), (409 if problem else 200)


# --- Copying an offer into a new draft ------------------------------------------------


@bp.post("/<int:offer_id>/copy")
@submitter_required
def copy(offer_id: int) -> Response:
    offer = own_offer(offer_id)
    if not forms.CopyOfferForm().validate_on_submit():
        abort(400)
    draft = offers.copy_offer(offer, acting_user())
    flash(f"A new draft has been made from {offer.reference or offer.name or 'your draft'}")
    return redirect(url_for("offers.view", offer_id=draft.id))
