"""Offers of accommodation and their parts."""

from __future__ import annotations

import enum
from collections.abc import Iterable
from datetime import date, datetime
from typing import TYPE_CHECKING, cast

from sqlalchemy import (
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
from rules.offer import LOOKED_AFTER, OfferData
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
        CheckConstraint("units_wheelchair_accessible >= 0", name="wheelchair_units_not_negative"),
        CheckConstraint("units_fully_adapted >= 0", name="adapted_units_not_negative"),
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
    lift: Mapped[bool | None]
    assistive_technology: Mapped[bool | None]
    units_wheelchair_accessible: Mapped[int | None]
    units_fully_adapted: Mapped[int | None]
    accessibility_standard: Mapped[str | None] = mapped_column(String(10))

    # 3. Who it is for
    support_model: Mapped[str | None] = mapped_column(String(40))
    age_min: Mapped[int | None]
    age_max: Mapped[int | None]

    # 4. Rent and charges (amounts are per unit type, in OfferUnitType)
    landlord_name: Mapped[str | None] = mapped_column(String(200))
    landlord_type: Mapped[str | None] = mapped_column(String(40))
    landlord_provides_care: Mapped[bool | None]
    lease_model: Mapped[str | None] = mapped_column(String(40))
    lease_model_other: Mapped[str | None] = mapped_column(String(500))
    council_asked_to_cover_voids: Mapped[bool | None]
    # The rent regime, as CORE records it (issue 13): it picks CORE's range.
    rent_type: Mapped[str | None] = mapped_column(String(20))
    # Nomination rights: the share of homes the council nominates to (per cent)
    # and for how many years (issue 13).
    nomination_share_percent: Mapped[int | None]
    nomination_term_years: Mapped[int | None]

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

    unit_types: Mapped[list[OfferUnitType]] = relationship(
        back_populates="offer", cascade="all, delete-orphan", order_by="OfferUnitType.id"
    )
    cohorts: Mapped[list[OfferCohort]] = relationship(
        back_populates="offer", cascade="all, delete-orphan", order_by="OfferCohort.cohort"
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

    def unit_type(self, kind: str) -> OfferUnitType | None:
        return next((unit for unit in self.unit_types if unit.kind == kind), None)

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
                "wheelchair_accessible_units": self.units_wheelchair_accessible,
                "fully_adapted_units": self.units_fully_adapted,
                "assistive_technology": self.assistive_technology,
                "lift": self.lift,
                "accessibility_standard": self.accessibility_standard,
                "cohorts": [row.cohort for row in self.cohorts],
                "support_model": self.support_model,
                "age_min": self.age_min,
                "age_max": self.age_max,
                "landlord_name": self.landlord_name,
                "landlord_type": self.landlord_type,
                "landlord_provides_care_support_or_supervision": self.landlord_provides_care,
                "lease_model": self.lease_model,
                "council_asked_to_cover_voids": self.council_asked_to_cover_voids,
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
        }

    @property
    def charges_answered(self) -> bool:
        return None not in (
            self.core_rent_pence,
            self.eligible_service_charge_pence,
            self.ineligible_service_charge_pence,
            self.intensive_housing_management_pence,
        )


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
