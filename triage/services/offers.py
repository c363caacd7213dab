"""Creating, submitting and withdrawing offers."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from typing import Any

from flask import render_template
from sqlalchemy import and_, func, literal, not_, or_, select
from sqlalchemy.orm.exc import StaleDataError

from triage import clock, db
from triage.db import transactional
from triage.models import Offer, OfferCohort, OfferMessage, OfferUnitType, Organisation, User
from triage.models.offers import OfferStatus, share_units
from triage.services import audit, emails, scoring
from triage.services.policy import policy_in_force
from triage.workflow import Action, StaleOffer, TransitionRefused, perform
from triage.working_days import add_working_days


def reference_for(offer_id: int, submitted_at: datetime) -> str:
    return f"SA-{submitted_at.year}-{offer_id:05d}"


# A draft deleted by its submitter (withdrawn before it was ever submitted): kept
# for its audit trail, but gone from the submitter's side.
_DELETED_DRAFT = and_(Offer.status == OfferStatus.WITHDRAWN, Offer.submitted_at.is_(None))


def offers_for_organisation(organisation_id: int) -> list[Offer]:
    return list(
        db.session.scalars(
            select(Offer)
            .where(Offer.organisation_id == organisation_id, not_(_DELETED_DRAFT))
            .order_by(Offer.updated_at.desc(), Offer.id.desc())
        )
    )


def offer_for_organisation(offer_id: int, organisation_id: int | None) -> Offer | None:
    if organisation_id is None:
        return None
    return db.session.scalar(
        select(Offer).where(
            Offer.id == offer_id,
            Offer.organisation_id == organisation_id,
            not_(_DELETED_DRAFT),
        )
    )


@transactional
def start_offer(user: User) -> Offer:
    assert user.organisation_id is not None
    offer = Offer(organisation_id=user.organisation_id, created_by_id=user.id)
    db.session.add(offer)
    return offer


def submit(offer: Offer, user: User, declaration_name: str) -> bool:
    """Submit a draft: its status, reference, each cohort's share of its units (the
    units are final from now on), the acknowledgement email and the scoring task,
    in one transaction. Returns False if it was already submitted (a second click)."""
    try:
        _submit(offer, user, declaration_name)
    except (TransitionRefused, StaleOffer):
        return False
    return True


@transactional
def _submit(offer: Offer, user: User, declaration_name: str) -> None:
    now = clock.now()
    perform(
        offer,
        Action.SUBMIT,
        user,
        seen_version=offer.version,
        reference=reference_for(offer.id, now),
        submitted_at=now,
        submitted_by_id=user.id,
        declaration_name=declaration_name,
    )
    db.session.execute(share_units([offer.id]).execution_options(synchronize_session=False))
    for row in offer.cohorts:
        db.session.expire(row, ["units_share"])
    _acknowledge(offer, user)
    scoring.request_scoring(offer.id)


def _acknowledge(offer: Offer, submitter: User) -> None:
    # What happens next and by when: the queue's target, in working days.
    target_days = policy_in_force().queue.target_days
    emails.add_email(
        f"offer-acknowledgement:{offer.id}",
        submitter.email,
        f"We have received your offer {offer.reference}",
        render_template(
            "emails/offer_acknowledgement.txt",
            offer=offer,
            user=submitter,
            target_days=target_days,
            review_by=add_working_days(clock.today_uk(), target_days),
        ),
    )


def withdraw(offer: Offer, user: User) -> bool:
    """The submitter withdraws an offer not yet decided, whatever stage it is at.
    Returns False if it can no longer be withdrawn."""
    try:
        with db.unit_of_work():
            perform(offer, Action.WITHDRAW, user, seen_version=offer.version)
    except (TransitionRefused, StaleOffer):
        return False
    return True


def offer_exists(offer_id: int) -> bool:
    return db.session.scalar(select(Offer.id).where(Offer.id == offer_id)) is not None


def belongs_to_another_organisation(offer_id: int, organisation_id: int | None) -> bool:
    """Whether asking for this offer is an attempt on another organisation's: worth
    recording as a refused access. The organisation's own deleted draft is not (it
    is a 404 to them too, but nobody else's)."""
    owner = db.session.scalar(select(Offer.organisation_id).where(Offer.id == offer_id))
    return owner is not None and owner != organisation_id


def submitted_offer(offer_id: int) -> Offer | None:
    """An offer staff may see: any that has been submitted, never a draft (even one
    withdrawn before it was submitted)."""
    offer = db.session.get(Offer, offer_id)
    return offer if offer is not None and offer.submitted_at is not None else None


def messages_of(offer: Offer) -> list[OfferMessage]:
    return list(
        db.session.scalars(
            select(OfferMessage)
            .where(OfferMessage.offer_id == offer.id)
            .order_by(OfferMessage.created_at)
        )
    )


class NotADraft(Exception):
    """The offer was submitted or withdrawn: its answers can no longer change."""


class DraftChanged(Exception):
    """Someone saved the same draft at the same moment: this save was not made."""


@transactional
def save_answers(offer: Offer, apply_answers: Callable[[Offer], None]) -> None:
    """Save one page of a draft's answers (`apply_answers` sets them on the offer)."""
    offer_id = offer.id  # after a failed flush the offer's attributes cannot be loaded
    if not offer.is_draft:
        raise NotADraft(f"Offer {offer_id} is no longer a draft")
    # Always an UPDATE of the offer's row, checked against the version loaded (also
    # when only its unit types or cohorts changed), so a save racing the
    # submission or another save is refused rather than written to a submitted offer.
    # Inside the try: setting the answers may load a relationship, which flushes.
    try:
        apply_answers(offer)
        offer.updated_at = clock.now()
        db.session.flush()
    except StaleDataError as error:
        raise DraftChanged(f"Offer {offer_id} was saved by someone else") from error


# The answers a copy keeps: the design, who it is for, the rent and the care. The
# address and postcode are left for the new site (a copy is for a second site of
# the same design); the documents, the reference and everything since submission
# belong to the original.
_COPIED_ANSWERS = (
    "development_type",
    "planning_status",
    "site_area_hectares",
    "site_area_answered",
    "date_available",
    "configuration",
    "configuration_other",
    "communal_space",
    "staff_office",
    "accessibility_standard",
    "support_model",
    "age_min",
    "age_max",
    "landlord_name",
    "landlord_type",
    "landlord_provides_care",
    "lease_model",
    "lease_model_other",
    # The offer's terms (issue 13); not the confidential-address flag, which goes
    # with the address (not copied either).
    "void_payer",
    "voids_from",
    "voids_from_weeks",
    "void_rate_basis",
    "void_rate_percent",
    "void_rate_pence_per_week",
    "void_cover_months",
    "lease_years",
    "break_clause",
    "break_clause_after_years",
    "repairs_by",
    "intended_stay",
    "tenancy_type",
    "client_groups",
    "support_level",
    "capital_funding",
    "right_to_buy_percent",
    "site_status",
    "care_provided",
    "care_provider_name",
    "care_framework_status",
    "care_hours_per_person_per_week",
    "care_cost_pence_per_person_per_week",
)
_COPIED_UNIT_ANSWERS = (
    "kind",
    "count",
    "own_bathroom",
    "own_kitchen",
    "most_people_sharing",
    "core_rent_pence",
    "eligible_service_charge_pence",
    "ineligible_service_charge_pence",
    "ineligible_charges_cover",
    "intensive_housing_management_pence",
    "core_rent_confirmed_pence",
    # Homes (issue 13): bedrooms and accessibility, per unit type.
    "bedrooms",
    "wheelchair_accessible",
    "fully_adapted",
    "level_access",
    "lift",
    "assistive_technology",
)


@transactional
def copy_offer(original: Offer, user: User) -> Offer:
    """A new draft for the user's organisation with the original's answers (see
    _COPIED_ANSWERS), recorded on the new draft's timeline."""
    assert user.organisation_id is not None
    draft = Offer(organisation_id=user.organisation_id, created_by_id=user.id)
    for name in _COPIED_ANSWERS:
        setattr(draft, name, getattr(original, name))
    draft.name = f"Copy of {original.name}" if original.name else None
    for unit in original.unit_types:
        draft.unit_types.append(
            OfferUnitType(**{name: getattr(unit, name) for name in _COPIED_UNIT_ANSWERS})
        )
    for row in original.cohorts:
        draft.cohorts.append(OfferCohort(cohort=row.cohort))
    db.session.add(draft)
    db.session.flush()
    audit.record(
        audit.AuditAction.OFFER_COPIED,
        user,
        offer=draft,
        detail=f"Copied from {original.reference or f'draft {original.id}'}",
    )
    return draft


def _squeezed(column: Any) -> Any:
    """Text compared without case or spaces: "1 Example Road" and "1 example road "."""
    return func.lower(func.replace(func.replace(func.trim(column), " ", ""), "\n", ""))


def organisation_registered_earlier(offer: Offer) -> Organisation | None:
    """The organisation the offer's own may duplicate (same name or regulator
    number, flagged when it registered), or None. For staff only."""
    own = db.session.get(Organisation, offer.organisation_id)
    return own.possible_duplicate_of if own is not None else None


def possible_duplicates(offer: Offer) -> list[Offer]:
    """Other submitted offers, from any organisation, that may be the same property:
    the same address, or the same postcode and name. For staff only."""
    checks = []
    if offer.address:
        checks.append(_squeezed(Offer.address) == _squeezed(literal(offer.address)))
    if offer.postcode and offer.name:
        checks.append(
            and_(
                _squeezed(Offer.postcode) == _squeezed(literal(offer.postcode)),
                _squeezed(Offer.name) == _squeezed(literal(offer.name)),
            )
        )
    if not checks:
        return []
    return list(
        db.session.scalars(
            select(Offer)
            .where(Offer.id != offer.id, Offer.submitted_at.is_not(None), or_(*checks))
            .order_by(Offer.submitted_at)
        )
    )
