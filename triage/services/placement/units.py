"""Homes for the placement team: the units of an approved offer, referred when it
is approved, and vacancies the team registers in existing schemes; and how many
places in each are still free."""

from __future__ import annotations

import math
import secrets
from dataclasses import dataclass

from sqlalchemy import select

from rules.offer import AccessibilityStandard, UnitKind
from triage import db
from triage.db import transactional
from triage.models import Offer, PlacementUnit, User
from triage.models.offers import OfferStatus
from triage.models.placement import (
    OPEN_NOMINATION_STATUSES,
    Nomination,
    NominationStatus,
    UnitSource,
    WaitingPerson,
)
from triage.services.audit import AuditAction, record

UNIT_KIND_DESCRIPTIONS = {
    UnitKind.STUDIO: "Studio",
    UnitKind.ONE_BED: "1-bedroom flat",
    UnitKind.TWO_BED: "2-bedroom flat",
    UnitKind.SHARED_ROOM: "Shared house",
    UnitKind.THREE_BED: "3-bedroom flat",
    UnitKind.FOUR_BED: "Flat with 4 or more bedrooms",
    UnitKind.HOUSE: "House",
    UnitKind.BUNGALOW: "Bungalow",
}


@dataclass(frozen=True)
class _Home:
    description: str
    self_contained: bool
    places: int
    kind: UnitKind


def _homes(offer: Offer) -> list[_Home]:
    """Each home in the offer. Rooms in a shared house are grouped into houses of
    the most people sharing, since a house, not a room, is what people share."""
    homes: list[_Home] = []
    for unit_type in offer.unit_types:
        kind = UnitKind(unit_type.kind)
        sharing = max(1, unit_type.most_people_sharing or 1)
        self_contained = bool(unit_type.own_bathroom and unit_type.own_kitchen)
        if kind is UnitKind.SHARED_ROOM:
            rooms = unit_type.count
            for house in range(math.ceil(rooms / sharing)):
                places = min(sharing, rooms - house * sharing)
                homes.append(_Home(f"Shared house for {places}", False, places, kind))
            continue
        # A home of several bedrooms is shared by up to one tenant a bedroom (issue 13).
        places = sharing if kind not in (UnitKind.STUDIO, UnitKind.ONE_BED) else 1
        description = UNIT_KIND_DESCRIPTIONS[kind]
        if places > 1:
            description = f"{description}, shared by {places}"
        # A flat two people share is not self-contained for either of them.
        homes.extend(
            _Home(description, self_contained and places == 1, places, kind)
            for _ in range(unit_type.count)
        )
    return homes


def unit_kind_of(unit: PlacementUnit) -> UnitKind | None:
    """The kind of unit a home referred from an offer is: its number in the
    reference counts the offer's homes in the order `_homes` lists them."""
    if unit.offer_id is None:
        return None
    offer = db.session.get(Offer, unit.offer_id)
    number = unit.reference.rsplit("-", 1)[-1]
    if offer is None or not number.isdigit():
        return None
    homes = _homes(offer)
    index = int(number) - 1
    return homes[index].kind if 0 <= index < len(homes) else None


def _level_access(offer: Offer) -> bool:
    """A lift, or homes built to M4(2) or M4(3), give step-free access. Anything else
    the team confirms on the home itself."""
    return bool(offer.lift) or offer.accessibility_standard in (
        AccessibilityStandard.M4_2,
        AccessibilityStandard.M4_3,
    )


def refer_approved_offer(offer: Offer, actor: User | None) -> list[PlacementUnit]:
    """Add the homes of an approved offer to the placement team's list, in the
    caller's transaction. Safe to call twice: an offer is referred once."""
    existing = db.session.scalars(
        select(PlacementUnit).where(PlacementUnit.offer_id == offer.id).order_by(PlacementUnit.id)
    ).all()
    if existing:
        return list(existing)
    homes = _homes(offer)
    # The offer says how many units are wheelchair accessible, not which. Only if
    # every home is can that be assumed; otherwise none is, until the team checks
    # each home and confirms its features (a wheelchair user is never matched to a
    # home on a guess).
    every_home_accessible = (offer.units_wheelchair_accessible or 0) >= offer.total_units > 0
    settled = every_home_accessible or not offer.units_wheelchair_accessible
    units = []
    for number, home in enumerate(homes, start=1):
        wheelchair = every_home_accessible
        units.append(
            PlacementUnit(
                reference=f"{offer.reference}-{number:03d}",
                source=UnitSource.APPROVED_OFFER,
                offer_id=offer.id,
                scheme=offer.name or offer.reference or "",
                description=home.description,
                cohorts=" ".join(cohort.cohort for cohort in offer.cohorts),
                configuration=offer.configuration or "other",
                postcode_district=offer.postcode_district or "",
                support_model=offer.support_model or "none",
                self_contained=home.self_contained,
                wheelchair_accessible=wheelchair,
                level_access=wheelchair or _level_access(offer),
                places=home.places,
                age_min=offer.age_min or 16,
                age_max=offer.age_max or 120,
                available_from=offer.date_available,
                features_confirmed=settled,
                created_by_id=actor.id if actor else None,
            )
        )
    db.session.add_all(units)
    record(
        AuditAction.UNITS_REFERRED,
        actor,
        offer=offer,
        detail=f"{len(units)} homes referred to placement",
    )
    return units


@transactional
def refer_unreferred_approved_offers() -> int:
    """Refer every approved offer with no homes on the placement team's list yet."""
    offers = db.session.scalars(
        select(Offer)
        .where(
            Offer.status == OfferStatus.APPROVED,
            ~select(PlacementUnit.id).where(PlacementUnit.offer_id == Offer.id).exists(),
        )
        .order_by(Offer.id)
    ).all()
    for offer in offers:
        refer_approved_offer(offer, None)
    return len(offers)


@transactional
def register_vacancy(unit: PlacementUnit, actor: User) -> PlacementUnit:
    # Numbered by the row's own id, so two officers registering at once cannot
    # both take the same reference.
    unit.reference = f"VAC-NEW-{secrets.token_hex(8)}"
    unit.source = UnitSource.REGISTERED_VACANCY
    unit.created_by_id = actor.id
    db.session.add(unit)
    db.session.flush()
    unit.reference = f"VAC-{unit.id:05d}"
    record(AuditAction.VACANCY_REGISTERED, actor, detail=f"Vacancy {unit.reference} registered")
    return unit


@transactional
def change_features(unit: PlacementUnit, actor: User, changes: dict[str, object]) -> bool:
    """Save the team's correction of a home's features, confirming them; False if
    nothing changed."""
    changed = [name for name, value in changes.items() if getattr(unit, name) != value]
    if not changed and unit.features_confirmed:
        return False
    for name in changed:
        setattr(unit, name, changes[name])
    unit.features_confirmed = True
    record(
        AuditAction.HOME_CHANGED,
        actor,
        detail=f"Home {unit.reference}: "
        + (", ".join(name.replace("_", " ") for name in changed) or "features confirmed"),
    )
    return True


@dataclass(frozen=True)
class Occupancy:
    """Who is in a home or on their way: moved in, or holding a place with an open
    nomination. Free places are what the matcher may fill."""

    unit_id: int
    places: int
    moved_in: tuple[str, ...]
    nominated: tuple[str, ...]

    @property
    def free(self) -> int:
        return max(0, self.places - len(self.moved_in) - len(self.nominated))

    @property
    def occupants(self) -> frozenset[str]:
        return frozenset(self.moved_in) | frozenset(self.nominated)


def occupancy(units: list[PlacementUnit]) -> dict[int, Occupancy]:
    """Occupancy of each unit, in one query."""
    taken: dict[int, tuple[list[str], list[str]]] = {unit.id: ([], []) for unit in units}
    if units:
        rows = db.session.execute(
            select(Nomination.unit_id, Nomination.status, WaitingPerson.reference)
            .join(WaitingPerson, WaitingPerson.id == Nomination.person_id)
            .where(
                Nomination.unit_id.in_(list(taken)),
                Nomination.status.in_(
                    [NominationStatus.MOVED_IN, *sorted(OPEN_NOMINATION_STATUSES)]
                ),
            )
            .order_by(WaitingPerson.reference)
        )
        for unit_id, status, reference in rows:
            moved_in, nominated = taken[unit_id]
            (moved_in if status == NominationStatus.MOVED_IN else nominated).append(reference)
    return {
        unit.id: Occupancy(unit.id, unit.places, tuple(taken[unit.id][0]), tuple(taken[unit.id][1]))
        for unit in units
    }


def get(unit_id: int) -> PlacementUnit | None:
    return db.session.get(PlacementUnit, unit_id)


def all_units() -> list[PlacementUnit]:
    return list(
        db.session.scalars(
            select(PlacementUnit).order_by(PlacementUnit.created_at.desc(), PlacementUnit.id)
        )
    )


def units_with_free_places() -> list[tuple[PlacementUnit, Occupancy]]:
    """Homes with a free place, oldest first. Homes not yet ready are included: the
    team nominates ahead of the date a new scheme opens."""
    units = list(db.session.scalars(select(PlacementUnit).order_by(PlacementUnit.id)))
    occupied = occupancy(units)
    return [(unit, occupied[unit.id]) for unit in units if occupied[unit.id].free > 0]
