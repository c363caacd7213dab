"""Offers of accommodation and their parts."""

from __future__ import annotations

import enum
from collections.abc import Iterable
from datetime import date, datetime
from typing import TYPE_CHECKING, cast

from sqlalchemy import (
    JSON,
    CheckConstraint,
    ForeignKey,
    Index,
    Numeric,
    String,
    Table,
    Text,
    UniqueConstraint,
    Update,
    case,
    func,
    select,
    update,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship, validates

from rules.appendix_c import postcode_district
from rules.offer import ACCESS_FIELDS, KIND_BEDROOMS, LOOKED_AFTER, OfferData, UnitKind
from triage.clock import now
from triage.db import Base
from triage.models.types import UTCDateTime

if TYPE_CHECKING:
    from triage.models.documents import Document


class OfferStatus(enum.StrEnum):
    DRAFT = "draft"
    SUBMITTED = "submitted"
    SCORING = "scoring"
    SCORED = "scored"
    SCORING_FAILED = "scoring_failed"
    UNDER_REVIEW = "under_review"
    INFORMATION_REQUESTED = "information_requested"
    # The council returned the offer for changes to named sections (issue 14).
    CHANGES_REQUESTED = "changes_requested"
    MEETING_PROPOSED = "meeting_proposed"
    FEASIBILITY = "feasibility"
    APPROVED = "approved"
    DECLINED = "declined"
    WITHDRAWN = "withdrawn"


OFFER_STATUS_LABELS = {
    OfferStatus.DRAFT: "Draft",
    OfferStatus.SUBMITTED: "Submitted",
    OfferStatus.SCORING: "Being scored",
    OfferStatus.SCORED: "Scored",
    OfferStatus.SCORING_FAILED: "Scoring failed",
    OfferStatus.UNDER_REVIEW: "Under review",
    OfferStatus.INFORMATION_REQUESTED: "Information requested",
    OfferStatus.CHANGES_REQUESTED: "Changes requested",
    OfferStatus.MEETING_PROPOSED: "Meeting proposed",
    OfferStatus.FEASIBILITY: "Progressed to feasibility",
    OfferStatus.APPROVED: "Approved in principle",
    OfferStatus.DECLINED: "Declined",
    OfferStatus.WITHDRAWN: "Withdrawn",
}
# What a submitter sees: scoring is the council's internal business.
SUBMITTER_STATUS_LABELS = {
    **OFFER_STATUS_LABELS,
    OfferStatus.SCORING: "Submitted",
    OfferStatus.SCORED: "Submitted",
    OfferStatus.SCORING_FAILED: "Submitted",
    OfferStatus.UNDER_REVIEW: "Being reviewed",
    OfferStatus.INFORMATION_REQUESTED: "The council has asked for more information",
    OfferStatus.CHANGES_REQUESTED: "The council has asked for changes",
    OfferStatus.MEETING_PROPOSED: "The council would like to meet",
    OfferStatus.FEASIBILITY: "Feasibility study",
}

# Submitted and not yet decided: scored, rescored, and withdrawable.
OPEN_STATUSES = frozenset(
    {
        OfferStatus.SUBMITTED,
        OfferStatus.SCORING,
        OfferStatus.SCORED,
        OfferStatus.SCORING_FAILED,
        OfferStatus.UNDER_REVIEW,
        OfferStatus.INFORMATION_REQUESTED,
        OfferStatus.CHANGES_REQUESTED,
        OfferStatus.MEETING_PROPOSED,
        OfferStatus.FEASIBILITY,
    }
)
# Offers whose units count as supply against the cohorts' need.
SUPPLY_STATUSES = frozenset({OfferStatus.APPROVED})
# Statuses from which the submitter may still withdraw: anything not yet decided.
WITHDRAWABLE = frozenset({OfferStatus.DRAFT, *OPEN_STATUSES})


class Offer(Base):
    __tablename__ = "offers"
    __table_args__ = (
        Index("ix_offers_organisation_id_updated_at", "organisation_id", "updated_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    reference: Mapped[str | None] = mapped_column(String(20), unique=True)
    organisation_id: Mapped[int] = mapped_column(ForeignKey("organisations.id"))
    created_by_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    status: Mapped[str] = mapped_column(String(40), default=OfferStatus.DRAFT, index=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=now)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=now, onupdate=now)
    submitted_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    submitted_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    withdrawn_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    # Background scoring: when a score was last asked for, and why it failed.
    scoring_requested_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    scoring_error: Mapped[str | None] = mapped_column(Text)
    # How many times the submitter resubmitted changed answers (issue 14): part of
    # the score's basis, so changed answers are scored afresh.
    # Set by the database (no Python default), so inserts written for older
    # schemas (the migration tests') leave it out.
    answers_round: Mapped[int] = mapped_column(server_default="0")

    # Triage. `version` goes up with every change to the row (the mapper's
    # version_id_col), so an officer acting on an offer that changed since they
    # opened it is told, not overwritten.
    version: Mapped[int] = mapped_column(default=1, server_default="1")
    assigned_to_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"), index=True)
    decided_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    decision_concern: Mapped[str | None] = mapped_column(String(40))
    decision_reasons: Mapped[str | None] = mapped_column(Text)

    # 1. Property and location
    name: Mapped[str | None] = mapped_column(String(200))
    address: Mapped[str | None] = mapped_column(String(500))
    postcode: Mapped[str | None] = mapped_column(String(8))
    # The postcode's outward code ("LE1"), set with it, for the queue's indexed filter.
    postcode_district: Mapped[str | None] = mapped_column(String(8), index=True)
    # Ministry of Justice / Transforming Care homes (issue 13): the address is shown
    # to the submitter and staff only, marked, never on public pages, exports for
    # others or emails. None: not answered yet (read as not confidential).
    confidential_address: Mapped[bool | None]
    development_type: Mapped[str | None] = mapped_column(String(40))
    planning_status: Mapped[str | None] = mapped_column(String(40))
    site_area_hectares: Mapped[float | None] = mapped_column(Numeric(9, 3, asdecimal=False))
    site_area_answered: Mapped[bool] = mapped_column(default=False)
    date_available: Mapped[date | None]

    # 2. Design
    configuration: Mapped[str | None] = mapped_column(String(40), index=True)
    configuration_other: Mapped[str | None] = mapped_column(String(500))
    communal_space: Mapped[bool | None]
    staff_office: Mapped[bool | None]
    # Wheelchair, adapted, level access, lift and assistive technology are counted
    # per unit type since issue 13 (OfferUnitType; migration 0023 moved them).
    accessibility_standard: Mapped[str | None] = mapped_column(String(10))

    # 3. Who it is for
    support_model: Mapped[str | None] = mapped_column(String(40))
    age_min: Mapped[int | None]
    age_max: Mapped[int | None]
    # In CORE's terms (issue 13): length of stay, tenancy, client groups, support.
    intended_stay: Mapped[str | None] = mapped_column(String(20))
    tenancy_type: Mapped[str | None] = mapped_column(String(30))
    client_groups: Mapped[list[str] | None] = mapped_column(JSON)
    support_level: Mapped[str | None] = mapped_column(String(20))

    # 4. Rent and charges (amounts are per unit type, in OfferUnitType)
    landlord_name: Mapped[str | None] = mapped_column(String(200))
    landlord_type: Mapped[str | None] = mapped_column(String(40))
    landlord_provides_care: Mapped[bool | None]
    lease_model: Mapped[str | None] = mapped_column(String(40))
    lease_model_other: Mapped[str | None] = mapped_column(String(500))
    # Void liability (issue 13): who pays for an empty home, from when, at what rate,
    # for how long (it replaced a yes/no, moved by migration 0022).
    void_payer: Mapped[str | None] = mapped_column(String(30))
    voids_from: Mapped[str | None] = mapped_column(String(30))
    voids_from_weeks: Mapped[int | None]
    void_rate_basis: Mapped[str | None] = mapped_column(String(30))
    void_rate_percent: Mapped[int | None]
    void_rate_pence_per_week: Mapped[int | None]
    void_cover_months: Mapped[int | None]
    # Lease or management terms (issue 13), when another body leases or manages.
    lease_years: Mapped[int | None]
    break_clause: Mapped[bool | None]
    break_clause_after_years: Mapped[int | None]
    repairs_by: Mapped[str | None] = mapped_column(String(20))
    # The rent regime, as CORE records it (issue 13): it picks CORE's range.
    rent_type: Mapped[str | None] = mapped_column(String(20))
    # Nomination rights: the share of homes the council nominates to (per cent)
    # and for how many years (issue 13).
    nomination_share_percent: Mapped[int | None]
    nomination_term_years: Mapped[int | None]
    # Capital funding sought (CapitalFunding values; [] none) and the site (issue 13).
    capital_funding: Mapped[list[str] | None] = mapped_column(JSON)
    right_to_buy_percent: Mapped[int | None]
    site_status: Mapped[str | None] = mapped_column(String(20))

    # 5. Care and support
    care_provided: Mapped[bool | None]
    care_provider_name: Mapped[str | None] = mapped_column(String(200))
    care_framework_status: Mapped[str | None] = mapped_column(String(40))
    care_hours_per_person_per_week: Mapped[float | None] = mapped_column(
        Numeric(5, 1, asdecimal=False)
    )
    care_cost_pence_per_person_per_week: Mapped[int | None]
    # Registration (issue 13): CQC where personal care is provided; Ofsted for
    # supported accommodation for looked-after 16-17-year-olds.
    cqc_registered: Mapped[bool | None]
    ofsted_registered: Mapped[bool | None]

    # Declaration
    declaration_name: Mapped[str | None] = mapped_column(String(200))

    # The queue's sort keys (issue 15): copies of what the queue sorts and filters
    # by, so a page reads one narrow table instead of grouping every offer's scores,
    # overrides and units. Set in the database by triage/models/queue_keys.py at
    # every flush that writes a score, an override, a unit type or an organisation's
    # name; never assigned in Python. The newest score's and override's ids carry
    # no foreign key: offer_scores already points here, and a cycle of keys would
    # need deferred constraints on SQLite.
    queue_score_id: Mapped[int | None]
    queue_override_id: Mapped[int | None]
    # The score and band the queue ranks by: the newest override's, else the newest score's.
    queue_score: Mapped[float | None] = mapped_column(Numeric(5, 1, asdecimal=False))
    queue_band: Mapped[str | None] = mapped_column(String(20))
    queue_red_flags: Mapped[int | None]  # the newest score's red flag count
    queue_units: Mapped[int | None]  # None: no unit types
    queue_rent_pence: Mapped[int | None]  # the lowest weekly core rent given
    queue_organisation: Mapped[str | None] = mapped_column(String(200), index=True)

    unit_types: Mapped[list[OfferUnitType]] = relationship(
        back_populates="offer", cascade="all, delete-orphan", order_by="OfferUnitType.id"
    )
    cohorts: Mapped[list[OfferCohort]] = relationship(
        back_populates="offer", cascade="all, delete-orphan", order_by="OfferCohort.cohort"
    )
    # A dispersed scheme's addresses, each with its postcode and units (issue 13).
    addresses: Mapped[list[OfferAddress]] = relationship(
        back_populates="offer", cascade="all, delete-orphan", order_by="OfferAddress.position"
    )
    documents: Mapped[list[Document]] = relationship(
        back_populates="offer", cascade="all, delete-orphan", order_by="Document.uploaded_at"
    )

    __mapper_args__ = {"version_id_col": version}

    @validates("postcode")
    def _keep_district(self, _key: str, value: str | None) -> str | None:
        self.postcode_district = postcode_district(value) if value and value.strip() else None
        return value

    @property
    def status_label(self) -> str:
        return OFFER_STATUS_LABELS[OfferStatus(self.status)]

    @property
    def submitter_status_label(self) -> str:
        return SUBMITTER_STATUS_LABELS[OfferStatus(self.status)]

    @property
    def can_withdraw(self) -> bool:
        return self.status in WITHDRAWABLE

    @property
    def is_draft(self) -> bool:
        return self.status == OfferStatus.DRAFT

    @property
    def total_units(self) -> int:
        return sum(unit.count or 0 for unit in self.unit_types)

    @property
    def postcode_in_emails(self) -> str:
        """The postcode, or "address confidential": a confidential address (Ministry
        of Justice / Transforming Care homes, issue 13) never goes in an email."""
        return "address confidential" if self.confidential_address else (self.postcode or "")

    @property
    def _council_pays_voids(self) -> bool:
        return self.void_payer in ("council_pays", "shared_cost")

    @property
    def _leased(self) -> bool:
        """Leased to or managed by another body: the lease terms page applies."""
        return self.lease_model not in (None, "landlord_manages")

    def unit_type(self, kind: str) -> OfferUnitType | None:
        return next((unit for unit in self.unit_types if unit.kind == kind), None)

    # The offer-level accessibility answers, as totals of its unit types' (issue 13).
    def _homes_with(self, name: str) -> int | None:
        said = [getattr(unit, name) for unit in self.unit_types]
        if not said or all(value is None for value in said):
            return None
        return sum(value or 0 for value in said)

    @property
    def units_wheelchair_accessible(self) -> int | None:
        return self._homes_with("wheelchair_accessible")

    @property
    def units_fully_adapted(self) -> int | None:
        return self._homes_with("fully_adapted")

    @property
    def lift(self) -> bool | None:
        homes = self._homes_with("lift")
        return None if homes is None else homes > 0

    @property
    def assistive_technology(self) -> bool | None:
        homes = self._homes_with("assistive_technology")
        return None if homes is None else homes > 0

    @property
    def is_dispersed(self) -> bool:
        return self.configuration == "self_contained_dispersed"

    @property
    def postcodes(self) -> list[str]:
        """The offer's postcode, then those of a dispersed scheme's addresses."""
        codes = [self.postcode or "", *(a.postcode for a in self.addresses if self.is_dispersed)]
        return [code for code in dict.fromkeys(codes) if code]

    @property
    def address_units(self) -> int:
        return sum(address.units for address in self.addresses)

    def as_offer_data(self) -> OfferData:
        """The offer in the rules' terms. Raises ValidationError if it is incomplete."""
        care = self.care_provided is True
        return OfferData.model_validate(
            {
                "reference": self.reference,
                "name": self.name,
                "postcode": self.postcode,
                "development_type": self.development_type,
                "planning_status": self.planning_status,
                "site_area_hectares": self.site_area_hectares,
                "date_available": self.date_available,
                "configuration": self.configuration,
                "unit_types": [unit.as_rules_dict() for unit in self.unit_types],
                "communal_space": self.communal_space,
                "staff_office": self.staff_office,
                # Accessibility is the unit types' (their totals derived by OfferData).
                "accessibility_standard": self.accessibility_standard,
                "cohorts": [row.cohort for row in self.cohorts],
                "addresses": (
                    [address.as_rules_dict() for address in self.addresses]
                    if self.is_dispersed
                    else []
                ),
                "support_model": self.support_model,
                "age_min": self.age_min,
                "age_max": self.age_max,
                "landlord_name": self.landlord_name,
                "landlord_type": self.landlord_type,
                "landlord_provides_care_support_or_supervision": self.landlord_provides_care,
                "lease_model": self.lease_model,
                "void_payer": self.void_payer,
                "voids_from": self.voids_from if self._council_pays_voids else None,
                "voids_from_weeks": (
                    self.voids_from_weeks
                    if self._council_pays_voids and self.voids_from == "after_weeks_empty"
                    else None
                ),
                "void_rate_basis": self.void_rate_basis if self._council_pays_voids else None,
                "void_rate_percent": (
                    self.void_rate_percent
                    if self._council_pays_voids and self.void_rate_basis == "percent_of_rent"
                    else None
                ),
                "void_rate_pence_per_week": (
                    self.void_rate_pence_per_week
                    if self._council_pays_voids and self.void_rate_basis == "pounds_per_week"
                    else None
                ),
                "void_cover_months": self.void_cover_months if self._council_pays_voids else None,
                "lease_years": self.lease_years if self._leased else None,
                "break_clause": self.break_clause if self._leased else None,
                "break_clause_after_years": (
                    self.break_clause_after_years if self._leased and self.break_clause else None
                ),
                "repairs_by": self.repairs_by if self._leased else None,
                "intended_stay": self.intended_stay,
                "tenancy_type": self.tenancy_type,
                "client_groups": self.client_groups,
                "support_level": self.support_level,
                "capital_funding": self.capital_funding,
                "right_to_buy_percent": (
                    self.right_to_buy_percent
                    if "right_to_buy_receipts" in (self.capital_funding or [])
                    else None
                ),
                "site_status": self.site_status,
                "confidential_address": bool(self.confidential_address),
                # Offers from before the question was asked: social rent, the usual let.
                "rent_type": self.rent_type or "social",
                "nomination_share_percent": self.nomination_share_percent,
                "nomination_term_years": self.nomination_term_years,
                "care_provider_name": self.care_provider_name if care else None,
                "care_provider_framework_status": self.care_framework_status if care else None,
                "care_hours_per_person_per_week": (
                    self.care_hours_per_person_per_week if care else None
                ),
                "care_cost_pence_per_person_per_week": (
                    self.care_cost_pence_per_person_per_week if care else None
                ),
                "cqc_registered": self.cqc_registered if care else None,
                "ofsted_registered": (
                    self.ofsted_registered
                    if any(row.cohort == LOOKED_AFTER for row in self.cohorts)
                    else None
                ),
            }
        )


class OfferUnitType(Base):
    """One kind of unit in an offer: how many, its facilities and its weekly charges."""

    __tablename__ = "offer_unit_types"
    __table_args__ = (
        UniqueConstraint("offer_id", "kind", name="uq_offer_unit_types_offer_id_kind"),
        CheckConstraint("count >= 1", name="count_positive"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    offer_id: Mapped[int] = mapped_column(ForeignKey("offers.id", ondelete="CASCADE"))
    kind: Mapped[str] = mapped_column(String(20))
    count: Mapped[int]
    own_bathroom: Mapped[bool | None]
    own_kitchen: Mapped[bool | None]
    most_people_sharing: Mapped[int | None]
    core_rent_pence: Mapped[int | None]
    eligible_service_charge_pence: Mapped[int | None]
    ineligible_service_charge_pence: Mapped[int | None]
    ineligible_charges_cover: Mapped[str | None] = mapped_column(Text)
    intensive_housing_management_pence: Mapped[int | None]
    # The core rent the submitter confirmed when told it is outside the usual range.
    core_rent_confirmed_pence: Mapped[int | None]
    # Homes (issue 13): bedrooms in each (a house, a bungalow, a flat of 4 or more),
    # and how many of the type's homes are wheelchair accessible, fully adapted,
    # reached without steps, on an upper floor served by a lift, and fitted with
    # assistive technology. None: not answered yet.
    bedrooms: Mapped[int | None]
    wheelchair_accessible: Mapped[int | None]
    fully_adapted: Mapped[int | None]
    level_access: Mapped[int | None]
    lift: Mapped[int | None]
    assistive_technology: Mapped[int | None]

    offer: Mapped[Offer] = relationship(back_populates="unit_types")

    @property
    def facilities_answered(self) -> bool:
        return None not in (self.own_bathroom, self.own_kitchen, self.most_people_sharing)

    def as_rules_dict(self) -> dict[str, object]:
        return {
            "kind": self.kind,
            "count": self.count,
            "own_bathroom": self.own_bathroom,
            "own_kitchen": self.own_kitchen,
            "most_people_sharing": self.most_people_sharing,
            "core_rent_pence": self.core_rent_pence,
            "eligible_service_charge_pence": self.eligible_service_charge_pence,
            "ineligible_service_charge_pence": self.ineligible_service_charge_pence,
            "ineligible_charges_cover": self.ineligible_charges_cover or "",
            "intensive_housing_management_pence": self.intensive_housing_management_pence,
            "bedrooms": self.bedrooms if KIND_BEDROOMS.get(UnitKind(self.kind)) is None else None,
            **{name: getattr(self, name) for name in ACCESS_FIELDS},
        }

    @property
    def access_answered(self) -> bool:
        return all(getattr(self, name) is not None for name in ACCESS_FIELDS)

    @property
    def charges_answered(self) -> bool:
        return None not in (
            self.core_rent_pence,
            self.eligible_service_charge_pence,
            self.ineligible_service_charge_pence,
            self.intensive_housing_management_pence,
        )


class OfferAddress(Base):
    """One address of a dispersed scheme: its own postcode and how many units."""

    __tablename__ = "offer_addresses"
    __table_args__ = (
        UniqueConstraint("offer_id", "position", name="uq_offer_addresses_offer_id_position"),
        CheckConstraint("units >= 1", name="units_positive"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    offer_id: Mapped[int] = mapped_column(ForeignKey("offers.id", ondelete="CASCADE"), index=True)
    position: Mapped[int]
    address: Mapped[str] = mapped_column(String(500))
    postcode: Mapped[str] = mapped_column(String(8))
    units: Mapped[int]

    offer: Mapped[Offer] = relationship(back_populates="addresses")

    def as_rules_dict(self) -> dict[str, object]:
        return {"address": self.address, "postcode": self.postcode, "units": self.units}


class OfferCohort(Base):
    """A cohort from the policy's demand forecast that the offer is aimed at."""

    __tablename__ = "offer_cohorts"

    offer_id: Mapped[int] = mapped_column(
        ForeignKey("offers.id", ondelete="CASCADE"), primary_key=True
    )
    cohort: Mapped[str] = mapped_column(String(60), primary_key=True, index=True)
    # The cohort's share of the offer's units (see share_units), set when the offer
    # is submitted (its units do not change after); None while it is a draft or
    # has no units.
    units_share: Mapped[int | None]

    offer: Mapped[Offer] = relationship(back_populates="cohorts")


# --- Each cohort's share of its offer's units ----------------------------------------


def share_units(offer_ids: Iterable[int] | None = None) -> Update:
    """The statement that sets units_share on the cohorts of `offer_ids` (None: of
    every offer), from the offer's unit types, in the database.

    An offer's units are shared between its cohorts as evenly as whole units allow,
    the first cohorts (in code order) taking any unit left over: 9 units for two
    cohorts are 5 and 4 (as rules/need.py counts them). An offer without units
    gets None, not 0: it brings nothing to any cohort.
    """
    cohorts = cast(Table, OfferCohort.__table__)
    others = cohorts.alias("others")
    unit_types = cast(Table, OfferUnitType.__table__)
    units = (
        select(func.sum(unit_types.c.count))
        .where(unit_types.c.offer_id == cohorts.c.offer_id)
        .scalar_subquery()
    )
    shared_by = (
        select(func.count()).where(others.c.offer_id == cohorts.c.offer_id).scalar_subquery()
    )
    place = (
        select(func.count())
        .where(others.c.offer_id == cohorts.c.offer_id, others.c.cohort < cohorts.c.cohort)
        .scalar_subquery()
    )
    statement = update(cohorts).values(
        units_share=units // shared_by + case((place < units % shared_by, 1), else_=0)
    )
    if offer_ids is not None:
        statement = statement.where(cohorts.c.offer_id.in_(sorted(set(offer_ids))))
    return statement
