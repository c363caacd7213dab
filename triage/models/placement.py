"""The placement team's records: the people waiting (pseudonymous), the homes
vacant for them, who may share with whom, and nominations with their outcomes.

Nothing here holds a name. A person is a reference the team chose, and the fields
the matcher needs (`rules.matching.people.Person`); everything else stays in the
team's case records.
"""

from __future__ import annotations

import enum
from datetime import date, datetime
from typing import Any

from sqlalchemy import (
    JSON,
    CheckConstraint,
    ForeignKey,
    Index,
    LargeBinary,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from rules.matching.people import AgeBand, Person, Priority, SupportNeed, Unit
from rules.offer import Configuration, SupportModel
from rules.tenant import TenantProfile
from triage import clock
from triage.db import Base
from triage.models.types import UTCDateTime


class PersonStatus(enum.StrEnum):
    WAITING = "waiting"
    MOVED_IN = "moved_in"
    REMOVED = "removed"


PERSON_STATUS_LABELS = {
    PersonStatus.WAITING: "Waiting",
    PersonStatus.MOVED_IN: "Moved in",
    PersonStatus.REMOVED: "No longer waiting",
}


class UnitSource(enum.StrEnum):
    APPROVED_OFFER = "approved_offer"
    REGISTERED_VACANCY = "registered_vacancy"


class NominationStatus(enum.StrEnum):
    NOMINATED = "nominated"
    OFFERED = "offered"
    ACCEPTED = "accepted"
    DECLINED = "declined"
    MOVED_IN = "moved_in"
    MOVED_OUT = "moved_out"
    CLOSED = "closed"


NOMINATION_STATUS_LABELS = {
    NominationStatus.NOMINATED: "Nominated",
    NominationStatus.OFFERED: "Offered",
    NominationStatus.ACCEPTED: "Accepted",
    NominationStatus.DECLINED: "Declined",
    NominationStatus.MOVED_IN: "Moved in",
    NominationStatus.MOVED_OUT: "Moved out",
    NominationStatus.CLOSED: "Closed",
}
# A nomination in one of these still holds its place in the home.
OPEN_NOMINATION_STATUSES = frozenset(
    {NominationStatus.NOMINATED, NominationStatus.OFFERED, NominationStatus.ACCEPTED}
)


def _areas(text: str | None) -> frozenset[str]:
    return frozenset((text or "").split())


class WaitingPerson(Base):
    __tablename__ = "waiting_people"
    __table_args__ = (Index("ix_waiting_people_status_cohort", "status", "cohort"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    reference: Mapped[str] = mapped_column(String(20), unique=True)
    cohort: Mapped[str] = mapped_column(String(60))
    referred_on: Mapped[date]
    priority: Mapped[str] = mapped_column(String(20))
    support_needed: Mapped[str] = mapped_column(String(30))
    self_contained_required: Mapped[bool]
    wheelchair_user: Mapped[bool]
    level_access_needed: Mapped[bool]
    age_band: Mapped[str] = mapped_column(String(10))
    # Postcode districts, space-separated ("LE2 LE3").
    preferred_areas: Mapped[str] = mapped_column(String(200), default="")
    excluded_areas: Mapped[str] = mapped_column(String(200), default="")
    sharing_notes: Mapped[str] = mapped_column(Text, default="")
    unavailable_until: Mapped[date | None]
    # The pseudonymous benefit profile (rules.tenant.TenantProfile as JSON: age,
    # disability benefits, LCWRA, care leaver...; never a name or date of birth)
    # for the rent affordability check on nomination. None: not recorded.
    benefit_profile: Mapped[dict[str, Any] | None] = mapped_column(JSON)
    status: Mapped[str] = mapped_column(String(20), default=PersonStatus.WAITING)
    # Goes up with every change to the row (the mapper's version_id_col), so an
    # edit made on a page opened before someone else's change is refused, not
    # saved over it.
    version: Mapped[int] = mapped_column(default=1, server_default="1")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=clock.now)
    updated_at: Mapped[datetime] = mapped_column(
        UTCDateTime(), default=clock.now, onupdate=clock.now
    )
    # Set when the retention job reduced the record of someone who left the list
    # to what statistics need (triage.services.retention).
    reduced_at: Mapped[datetime | None] = mapped_column(UTCDateTime())

    __mapper_args__ = {"version_id_col": version}

    @property
    def status_label(self) -> str:
        return PERSON_STATUS_LABELS[PersonStatus(self.status)]

    def as_person(self) -> Person:
        return Person(
            reference=self.reference,
            cohort=self.cohort,
            referred_on=self.referred_on,
            priority=Priority(self.priority),
            support_needed=SupportNeed(self.support_needed),
            self_contained_required=self.self_contained_required,
            wheelchair_user=self.wheelchair_user,
            level_access_needed=self.level_access_needed,
            age_band=AgeBand(self.age_band),
            preferred_areas=_areas(self.preferred_areas),
            excluded_areas=_areas(self.excluded_areas),
            sharing_notes=self.sharing_notes or "",
            unavailable_until=self.unavailable_until,
            benefit_profile=self.tenant_profile(),
        )

    def tenant_profile(self) -> TenantProfile | None:
        if not self.benefit_profile:
            return None
        return TenantProfile.model_validate(self.benefit_profile)

    @property
    def benefit_profile_words(self) -> str:
        """The profile in words, for the person's page ("aged 30, LCWRA")."""
        profile = self.tenant_profile()
        return profile.describe(clock.today_uk()) if profile else ""

    def take(self, person: Person) -> None:
        """Copy a person's matching fields onto this record."""
        self.cohort = person.cohort
        self.referred_on = person.referred_on
        self.priority = person.priority.value
        self.support_needed = person.support_needed.value
        self.self_contained_required = person.self_contained_required
        self.wheelchair_user = person.wheelchair_user
        self.level_access_needed = person.level_access_needed
        self.age_band = person.age_band.value
        self.preferred_areas = " ".join(sorted(person.preferred_areas))
        self.excluded_areas = " ".join(sorted(person.excluded_areas))
        self.sharing_notes = person.sharing_notes
        self.unavailable_until = person.unavailable_until
        profile = person.benefit_profile
        self.benefit_profile = (
            None if profile is None else profile.model_dump(mode="json", exclude_defaults=True)
        )


class SharingPair(Base):
    """Two people the team has recorded as able to share a home. Stored once, with
    the lower id first."""

    __tablename__ = "sharing_pairs"
    __table_args__ = (
        UniqueConstraint("first_id", "second_id"),
        CheckConstraint("first_id < second_id", name="sharing_pair_ordered"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    first_id: Mapped[int] = mapped_column(
        ForeignKey("waiting_people.id", ondelete="CASCADE"), index=True
    )
    second_id: Mapped[int] = mapped_column(
        ForeignKey("waiting_people.id", ondelete="CASCADE"), index=True
    )
    recorded_by_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    recorded_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=clock.now)


class PlacementUnit(Base):
    """A home the team can place people in: one from an approved offer, or a vacancy
    registered in an existing scheme."""

    __tablename__ = "placement_units"
    __table_args__ = (CheckConstraint("places >= 1", name="unit_has_a_place"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    reference: Mapped[str] = mapped_column(String(40), unique=True)
    source: Mapped[str] = mapped_column(String(30))
    offer_id: Mapped[int | None] = mapped_column(
        ForeignKey("offers.id", ondelete="RESTRICT"), index=True
    )
    scheme: Mapped[str] = mapped_column(String(200))
    description: Mapped[str] = mapped_column(String(200), default="")
    # Policy cohort codes, space-separated.
    cohorts: Mapped[str] = mapped_column(String(400))
    configuration: Mapped[str] = mapped_column(String(40))
    postcode_district: Mapped[str] = mapped_column(String(8))
    support_model: Mapped[str] = mapped_column(String(40))
    self_contained: Mapped[bool]
    wheelchair_accessible: Mapped[bool]
    level_access: Mapped[bool]
    places: Mapped[int] = mapped_column(default=1)
    age_min: Mapped[int] = mapped_column(default=16)
    age_max: Mapped[int] = mapped_column(default=120)
    available_from: Mapped[date | None]
    # False for a referred home whose wheelchair and access features the offer did
    # not settle: the team confirms them (until then it is not wheelchair accessible).
    features_confirmed: Mapped[bool] = mapped_column(default=True, server_default="1")
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=clock.now)

    nominations: Mapped[list[Nomination]] = relationship(
        back_populates="unit", order_by="Nomination.id"
    )

    @property
    def cohort_codes(self) -> list[str]:
        return self.cohorts.split()

    @property
    def is_vacancy(self) -> bool:
        return self.source == UnitSource.REGISTERED_VACANCY

    def as_unit(self, occupants: frozenset[str] = frozenset(), places: int | None = None) -> Unit:
        return Unit(
            reference=self.reference,
            scheme=self.scheme,
            cohorts=frozenset(self.cohort_codes),
            configuration=Configuration(self.configuration),
            postcode_district=self.postcode_district,
            support_model=SupportModel(self.support_model),
            self_contained=self.self_contained,
            wheelchair_accessible=self.wheelchair_accessible,
            level_access=self.level_access,
            places=self.places if places is None else places,
            age_min=self.age_min,
            age_max=self.age_max,
            occupants=occupants,
        )


class Nomination(Base):
    """A person put forward for a home, and what came of it. The shortlist as it
    stood at the time is kept, so "why this person" can be answered later."""

    __tablename__ = "nominations"
    __table_args__ = (
        Index("ix_nominations_person_id_status", "person_id", "status"),
        Index("ix_nominations_unit_id_status", "unit_id", "status"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    unit_id: Mapped[int] = mapped_column(ForeignKey("placement_units.id", ondelete="RESTRICT"))
    person_id: Mapped[int] = mapped_column(ForeignKey("waiting_people.id", ondelete="RESTRICT"))
    status: Mapped[str] = mapped_column(String(20), default=NominationStatus.NOMINATED)
    rank: Mapped[int | None]
    fit: Mapped[int | None]
    shortlist: Mapped[dict[str, Any]] = mapped_column(JSON)
    decline_reason: Mapped[str | None] = mapped_column(Text)
    nominated_by_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    nominated_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=clock.now)
    updated_at: Mapped[datetime] = mapped_column(
        UTCDateTime(), default=clock.now, onupdate=clock.now
    )
    moved_in_on: Mapped[date | None]
    # The mapper's version_id_col, as on WaitingPerson: two officers recording an
    # outcome at once cannot both save.
    version: Mapped[int] = mapped_column(default=1, server_default="1")

    unit: Mapped[PlacementUnit] = relationship(back_populates="nominations")
    person: Mapped[WaitingPerson] = relationship()

    __mapper_args__ = {"version_id_col": version}

    @property
    def status_label(self) -> str:
        return NOMINATION_STATUS_LABELS[NominationStatus(self.status)]

    @property
    def is_open(self) -> bool:
        return self.status in OPEN_NOMINATION_STATUSES


class WaitingListImport(Base):
    """An uploaded waiting-list file between its preview and the officer's
    confirmation. The file's bytes are erased once it is imported or abandoned."""

    __tablename__ = "waiting_list_imports"

    id: Mapped[int] = mapped_column(primary_key=True)
    token: Mapped[str] = mapped_column(String(64), unique=True)
    sha256: Mapped[str] = mapped_column(String(64), index=True)
    content: Mapped[bytes | None] = mapped_column(LargeBinary)
    row_count: Mapped[int] = mapped_column(default=0)
    uploaded_by_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    uploaded_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=clock.now)
    confirmed_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    added: Mapped[int | None]
    updated: Mapped[int | None]
