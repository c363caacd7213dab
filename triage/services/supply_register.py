"""The existing-supply register staff keep (issue 13): list, add, change and
remove its lines, each change audited; and the register as the rules read it.

A change that moves what the rules read (a unit placed in an area, a shared
house recorded for a cohort) sends the open offers for rescoring, as a policy
change does.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass

from sqlalchemy import select

from rules import existing_supply
from rules.existing_supply import (
    ACCOMMODATION_LABELS,
    Accommodation,
    RegisteredScheme,
    SupplyRegister,
)
from rules.policy_data import Policy
from triage import db
from triage.db import transactional
from triage.models import Offer, OfferCohort, SupplyScheme, User
from triage.models.offers import SUPPLY_STATUSES
from triage.services.audit import AuditAction, record
from triage.services.policy import policy_in_force


class NoSuchScheme(Exception):
    pass


@dataclass(frozen=True)
class SchemeFields:
    """A line's answers, as the admin form gives them (already validated)."""

    name: str
    accommodation: Accommodation
    units: int
    schemes: int = 1
    postcode: str | None = None
    cohort: str | None = None
    note: str | None = None


@dataclass(frozen=True)
class Totals:
    units: int
    schemes: int
    placed_units: int
    by_accommodation: list[tuple[str, int, int]]  # label, schemes, units


def schemes() -> list[SupplyScheme]:
    """Every line, by kind then name."""
    return list(
        db.session.scalars(
            select(SupplyScheme).order_by(
                SupplyScheme.accommodation, SupplyScheme.name, SupplyScheme.id
            )
        )
    )


def scheme(scheme_id: int) -> SupplyScheme:
    row = db.session.get(SupplyScheme, scheme_id)
    if row is None:
        raise NoSuchScheme(scheme_id)
    return row


def totals(rows: list[SupplyScheme]) -> Totals:
    units: Counter[str] = Counter()
    counts: Counter[str] = Counter()
    for row in rows:
        units[row.accommodation] += row.units
        counts[row.accommodation] += row.schemes
    return Totals(
        units=sum(units.values()),
        schemes=sum(counts.values()),
        placed_units=sum(row.units for row in rows if row.postcode),
        by_accommodation=[
            (label, counts[kind.value], units[kind.value])
            for kind, label in ACCOMMODATION_LABELS.items()
        ],
    )


def approved_shared_houses(policy: Policy | None = None) -> dict[str, int]:
    """Shared houses in approved offers aimed only at cohorts the shared-housing
    exception is for, per cohort: they provide the house the exception wants."""
    policy = policy or policy_in_force()
    allowed = {cohort.code for cohort in policy.cohorts if cohort.shared_house_allowed}
    rows = db.session.execute(
        select(Offer.id, OfferCohort.cohort)
        .join(OfferCohort, OfferCohort.offer_id == Offer.id)
        .where(
            Offer.status.in_([status.value for status in SUPPLY_STATUSES]),
            Offer.configuration == "shared_house",
        )
    ).all()
    cohorts_of: dict[int, set[str]] = {}
    for offer_id, cohort in rows:
        cohorts_of.setdefault(offer_id, set()).add(cohort)
    found: Counter[str] = Counter()
    for cohorts in cohorts_of.values():
        if cohorts <= allowed:
            found.update(cohorts)
    return dict(found)


def register(policy: Policy | None = None) -> SupplyRegister:
    """The register as the rules read it (rules/existing_supply.py), under
    `policy` (by default the one in force)."""
    return SupplyRegister(
        schemes=tuple(row.as_scheme() for row in schemes()),
        approved_shared_houses=approved_shared_houses(policy),
    )


def districts() -> dict[str, int]:
    """Placed units in each city district, least served first: what the location
    rule compares."""
    return dict(existing_supply.by_district(register(), policy_in_force()))


def _describe(row: SupplyScheme | RegisteredScheme) -> str:
    # Scheme names and postcodes are the council's own supply, not personal data.
    where = row.postcode or "no postcode"
    return (
        f"{row.name}: {row.units} units, {row.accommodation}, {where}, cohort {row.cohort or '-'}"
    )


def _fill(row: SupplyScheme, fields: SchemeFields) -> None:
    row.name = fields.name
    row.accommodation = fields.accommodation.value
    row.units = fields.units
    row.schemes = fields.schemes
    row.postcode = fields.postcode
    row.cohort = fields.cohort
    row.note = fields.note


def _rescore_if_changed(before: dict[str, object]) -> None:
    """The open offers are rescored when what the rules read has changed."""
    from triage.services import scoring  # scoring reads the register: imported late

    if register().basis() != before:
        scoring.rescore(scoring.open_offer_ids(), "The existing-supply register changed")


@transactional
def add(actor: User, fields: SchemeFields) -> SupplyScheme:
    before = register().basis()
    row = SupplyScheme()
    _fill(row, fields)
    db.session.add(row)
    db.session.flush()
    record(AuditAction.SUPPLY_SCHEME_ADDED, actor, detail=_describe(row))
    _rescore_if_changed(before)
    return row


@transactional
def change(actor: User, scheme_id: int, fields: SchemeFields) -> SupplyScheme:
    before = register().basis()
    row = scheme(scheme_id)
    was = _describe(row)
    _fill(row, fields)
    db.session.flush()
    record(AuditAction.SUPPLY_SCHEME_CHANGED, actor, detail=f"{was} -> {_describe(row)}")
    _rescore_if_changed(before)
    return row


@transactional
def remove(actor: User, scheme_id: int) -> None:
    before = register().basis()
    row = scheme(scheme_id)
    record(AuditAction.SUPPLY_SCHEME_REMOVED, actor, detail=_describe(row))
    db.session.delete(row)
    db.session.flush()
    _rescore_if_changed(before)
