"""The dashboard's figures as they were worked out before they were stored: each
cohort's share of its offer's units with window functions over the unit types and
cohorts, and each stay in a stage reconstructed from the audit trail with lead().
Kept as test helpers, so tests can check the stored figures (OfferCohort.units_share,
OfferStageStay) against them."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime

from sqlalchemy import Subquery, and_, case, extract, func, or_, select

from triage import db
from triage.models import AuditEvent, Offer, OfferCohort, OfferStageStay, OfferUnitType
from triage.models.offers import OfferStatus
from triage.models.types import UTCDateTime
from triage.services.supply import SECONDS_A_DAY, Units

Stay = tuple[int, str, datetime, datetime | None]


def old_units_by_status(statuses: Iterable[OfferStatus]) -> list[Units]:
    """Units per status, cohort and year, sharing each submitted offer's units
    between its cohorts on every call (the query units_by_status ran before the
    shares were stored; a draft's units are not counted until it is submitted)."""
    wanted = [status.value for status in statuses]
    units = (
        select(OfferUnitType.offer_id, func.sum(OfferUnitType.count).label("units"))
        .join(Offer, Offer.id == OfferUnitType.offer_id)
        .where(Offer.status.in_(wanted), Offer.submitted_at.is_not(None))
        .group_by(OfferUnitType.offer_id)
        .subquery("units")
    )
    cohorts = (
        select(
            OfferCohort.offer_id,
            OfferCohort.cohort,
            (
                func.row_number().over(
                    partition_by=OfferCohort.offer_id, order_by=OfferCohort.cohort
                )
                - 1
            ).label("place"),
            func.count().over(partition_by=OfferCohort.offer_id).label("shared_by"),
            Offer.status,
            extract("year", Offer.date_available).label("year"),
        )
        .join(Offer, Offer.id == OfferCohort.offer_id)
        .where(Offer.status.in_(wanted))
        .subquery("cohorts")
    )
    share = units.c.units // cohorts.c.shared_by + case(
        (cohorts.c.place < units.c.units % cohorts.c.shared_by, 1), else_=0
    )
    rows = db.session.execute(
        select(cohorts.c.status, cohorts.c.cohort, cohorts.c.year, func.sum(share))
        .join(units, units.c.offer_id == cohorts.c.offer_id)
        .group_by(cohorts.c.status, cohorts.c.cohort, cohorts.c.year)
    )
    return [
        Units(status, cohort, None if when is None else int(when), int(total or 0))
        for status, cohort, when, total in rows
    ]


def old_shares() -> dict[tuple[int, str], int]:
    """Each cohort's share of its offer's units, worked out from the unit types (of
    submitted offers with any units: a draft's are shared when it is submitted),
    by (offer id, cohort)."""
    units = (
        select(OfferUnitType.offer_id, func.sum(OfferUnitType.count).label("units"))
        .join(Offer, Offer.id == OfferUnitType.offer_id)
        .where(Offer.submitted_at.is_not(None))
        .group_by(OfferUnitType.offer_id)
        .subquery("units")
    )
    cohorts = select(
        OfferCohort.offer_id,
        OfferCohort.cohort,
        (
            func.row_number().over(partition_by=OfferCohort.offer_id, order_by=OfferCohort.cohort)
            - 1
        ).label("place"),
        func.count().over(partition_by=OfferCohort.offer_id).label("shared_by"),
    ).subquery("cohorts")
    share = units.c.units // cohorts.c.shared_by + case(
        (cohorts.c.place < units.c.units % cohorts.c.shared_by, 1), else_=0
    )
    return {
        (offer_id, cohort): int(value)
        for offer_id, cohort, value in db.session.execute(
            select(cohorts.c.offer_id, cohorts.c.cohort, share).join(
                units, units.c.offer_id == cohorts.c.offer_id
            )
        )
    }


def stored_shares() -> dict[tuple[int, str], int]:
    return {
        (offer_id, cohort): share
        for offer_id, cohort, share in db.session.execute(
            select(OfferCohort.offer_id, OfferCohort.cohort, OfferCohort.units_share)
        )
        if share is not None
    }


def stage_entered(from_status: str | None, to_status: str | None) -> str | None:
    """The stage an audit event takes its offer into, or None if it changes no
    stage: every change of status (submission, scoring, the workflow's actions,
    withdrawal) is an event with a to_status other than its from_status."""
    if to_status is not None and from_status != to_status:
        return to_status
    return None


def old_stays_query() -> Subquery:
    """Every stay of an offer in a stage, reconstructed from the audit trail with
    lead() (the subquery the median read before the stays were stored)."""
    changes_status = and_(
        AuditEvent.to_status.is_not(None),
        or_(AuditEvent.from_status.is_(None), AuditEvent.from_status != AuditEvent.to_status),
    )
    return (
        select(
            AuditEvent.offer_id,
            AuditEvent.to_status.label("stage"),
            AuditEvent.at.label("entered"),
            func.lead(AuditEvent.at, type_=UTCDateTime())
            .over(partition_by=AuditEvent.offer_id, order_by=(AuditEvent.at, AuditEvent.id))
            .label("left"),
        )
        .where(AuditEvent.offer_id.is_not(None), changes_status)
        .subquery("stays")
    )


def old_stays() -> list[Stay]:
    stay = old_stays_query()
    rows = db.session.execute(select(stay.c.offer_id, stay.c.stage, stay.c.entered, stay.c.left))
    return sorted((offer_id, stage, entered, left) for offer_id, stage, entered, left in rows)


def stored_stays() -> list[Stay]:
    rows = db.session.execute(
        select(
            OfferStageStay.offer_id,
            OfferStageStay.stage,
            OfferStageStay.entered_at,
            OfferStageStay.left_at,
        )
    )
    return sorted((offer_id, stage, entered, left) for offer_id, stage, entered, left in rows)


def retime_stays(offer_id: int) -> None:
    """Give the offer's stays the times of the audit events that started and ended
    them, after a test rewrote those events' times (the service never does). The
    stays are the ones the service wrote, one per event that changed the stage, in
    the same order; only their times change."""
    events = db.session.execute(
        select(AuditEvent.from_status, AuditEvent.to_status, AuditEvent.at)
        .where(AuditEvent.offer_id == offer_id)
        .order_by(AuditEvent.id)
    ).all()
    entered = [
        (stage, at)
        for source, target, at in events
        if (stage := stage_entered(source, target)) is not None
    ]
    stays = db.session.scalars(
        select(OfferStageStay)
        .where(OfferStageStay.offer_id == offer_id)
        .order_by(OfferStageStay.id)
    ).all()
    assert [stay.stage for stay in stays] == [stage for stage, _at in entered]
    for index, stay in enumerate(stays):
        stay.entered_at = entered[index][1]
        stay.left_at = entered[index + 1][1] if index + 1 < len(entered) else None


def old_median_days_by_stage() -> dict[str, tuple[float, int]]:
    """Per stage, the median days of the stays that ended and how many ended, read
    from the stays reconstructed from the audit trail (as before they were stored)."""
    stay = old_stays_query()
    if db.session.get_bind().dialect.name == "postgresql":
        days = func.date_part("epoch", stay.c.left - stay.c.entered) / SECONDS_A_DAY
        query = (
            select(stay.c.stage, func.percentile_cont(0.5).within_group(days), func.count())
            .where(stay.c.left.is_not(None))
            .group_by(stay.c.stage)
        )
    else:
        days = func.julianday(stay.c.left) - func.julianday(stay.c.entered)
        numbered = (
            select(
                stay.c.stage,
                days.label("days"),
                func.row_number().over(partition_by=stay.c.stage, order_by=days).label("place"),
                func.count().over(partition_by=stay.c.stage).label("ended"),
            )
            .where(stay.c.left.is_not(None))
            .subquery("numbered")
        )
        query = (
            select(numbered.c.stage, func.avg(numbered.c.days), func.max(numbered.c.ended))
            .where(numbered.c.place.in_([(numbered.c.ended + 1) // 2, (numbered.c.ended + 2) // 2]))
            .group_by(numbered.c.stage)
        )
    return {
        stage: (float(median), int(ended))
        for stage, median, ended in db.session.execute(query)
        if median is not None
    }
