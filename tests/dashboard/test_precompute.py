"""The figures the dashboard stores instead of working them out on every request:
each cohort's share of its offer's units (OfferCohort.units_share) and each stay
of an offer in a stage (OfferStageStay). They must equal what the old
reconstruction gives (tests/supply_reconstruction.py), however the rows are
written, and the migration must fill them from the rows already there
(PostgreSQL: tests/integration/test_dashboard_precompute_postgres.py)."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import pytest
from flask import Flask
from sqlalchemy import create_engine, delete, insert, select, text

from tests import factories
from tests.dashboard.test_dashboard import offer_for
from tests.dashboard.test_stage_times import known_histories
from tests.supply_reconstruction import (
    old_median_days_by_stage,
    old_shares,
    old_stays,
    old_units_by_status,
    stored_shares,
    stored_stays,
)
from triage import db
from triage.cli import upgrade_database
from triage.models import (
    AuditEvent,
    Offer,
    OfferCohort,
    OfferStageStay,
    OfferUnitType,
    Organisation,
    User,
)
from triage.models.offers import SUPPLY_STATUSES, OfferStatus, share_units
from triage.services import offers, supply
from triage.services.policy import policy_in_force

DIVERSION = "diversion_from_residential"
WAITING_LIST = "supported_living_waiting_list"
MENTAL_HEALTH = "mental_health_step_down"
SEND = "send_transitions"
CARE_LEAVERS = "care_leavers_18_25"
LOOKED_AFTER = "looked_after_16_17"


def shares_of(offer_id: int) -> dict[str, int | None]:
    return {
        row.cohort: row.units_share
        for row in db.session.scalars(select(OfferCohort).where(OfferCohort.offer_id == offer_id))
    }


def test_shares_are_stored_when_the_offer_is_submitted(app: Flask, submitter) -> None:
    draft = factories.complete_offer(submitter)  # 8 one-bed flats for mental health
    with app.app_context():
        offer = db.session.get(Offer, draft.id)
        offer.unit_types.append(OfferUnitType(kind="two_bed", count=3))
        offer.cohorts.append(OfferCohort(cohort=DIVERSION))
        db.session.commit()
        # Not shared while it is a draft: its units may still change.
        assert shares_of(draft.id) == {DIVERSION: None, MENTAL_HEALTH: None}
        assert offers.submit(offer, db.session.get(User, submitter.id), "Sam Submitter")
        db.session.expire_all()
        # 11 units for two cohorts: 6 to the first code in order.
        assert shares_of(draft.id) == {DIVERSION: 6, MENTAL_HEALTH: 5}
        assert stored_shares() == old_shares()
    # An offer with cohorts and no units brings nothing.
    empty = factories.submitted_offer(submitter)
    with app.app_context():
        db.session.execute(delete(OfferUnitType).where(OfferUnitType.offer_id == empty.id))
        db.session.execute(share_units([empty.id]))
        db.session.commit()
        assert shares_of(empty.id) == {MENTAL_HEALTH: None}
        assert stored_shares() == old_shares()


def mixed_offers(app: Flask, submitter) -> None:
    """Offers in several statuses, for one, two or three cohorts, with units that
    share evenly and that do not."""
    offer_for(app, submitter, [WAITING_LIST, DIVERSION], 9, OfferStatus.APPROVED)
    offer_for(app, submitter, [CARE_LEAVERS, LOOKED_AFTER, SEND], 10, OfferStatus.APPROVED)
    offer_for(app, submitter, [DIVERSION, SEND], 1, OfferStatus.APPROVED)
    offer_for(app, submitter, [DIVERSION], 4, OfferStatus.APPROVED, date_available=None)
    offer_for(
        app, submitter, [DIVERSION, MENTAL_HEALTH], 7, date_available=date(2029, 3, 1)
    )  # submitted
    offer_for(app, submitter, [SEND, WAITING_LIST], 5, OfferStatus.UNDER_REVIEW)
    offer_for(app, submitter, [DIVERSION, CARE_LEAVERS], 3, OfferStatus.DECLINED)
    offer_for(app, submitter, [MENTAL_HEALTH], 6, OfferStatus.WITHDRAWN)
    factories.complete_offer(submitter)  # a draft


def test_stored_shares_equal_the_old_reconstruction(app: Flask, submitter) -> None:
    mixed_offers(app, submitter)
    with app.app_context():
        assert stored_shares() == old_shares()
        statuses = list(OfferStatus)
        assert sorted(supply.units_by_status(statuses), key=repr) == sorted(
            old_units_by_status(statuses), key=repr
        )
        # Worked by hand: 9 for two (5, 4), 10 for three (4, 3, 3), 1 for two (1, 0),
        # 4 for one with no date.
        approved = supply.units_by_status(SUPPLY_STATUSES)
        assert sorted((row.cohort, row.year or 0, row.units) for row in approved) == [
            (CARE_LEAVERS, 2027, 4),
            (DIVERSION, 0, 4),  # no date given
            (DIVERSION, 2027, 5 + 1),
            (LOOKED_AFTER, 2027, 3),
            (SEND, 2027, 3 + 0),
            (WAITING_LIST, 2027, 4),
        ]
        assert supply.add_up(approved, SUPPLY_STATUSES) == {
            CARE_LEAVERS: 4,
            DIVERSION: 5 + 1 + 4,
            LOOKED_AFTER: 3,
            SEND: 3 + 0,
            WAITING_LIST: 4,
        }


def test_the_dashboard_figures_are_unchanged(
    app: Flask, submitter, commissioner, monkeypatch: pytest.MonkeyPatch
) -> None:
    mixed_offers(app, submitter)
    known_histories(app, submitter, commissioner)
    with app.app_context():
        assert stored_stays() == old_stays()
        policy = policy_in_force()
        supply._latest.clear()
        now = supply.dashboard(policy)
        monkeypatch.setattr(supply, "units_by_status", old_units_by_status)
        monkeypatch.setattr(supply, "median_days_by_stage", old_median_days_by_stage)
        supply._latest.clear()
        before = supply.dashboard(policy)
        supply._latest.clear()
    assert now == before
    assert now.totals.approved > 0
    assert any(stage.median_days for stage in now.stages)
    assert {stage.status for stage in now.stages if stage.left} >= {
        OfferStatus.SUBMITTED,
        OfferStatus.SCORED,
        OfferStatus.UNDER_REVIEW,
    }


# --- The migration fills them from the rows already there -----------------------------

T0 = datetime(2026, 2, 2, 9, 0, tzinfo=UTC)


def day(number: float) -> datetime:
    return T0 + timedelta(days=number)


def check_backfill(url: str) -> None:
    """Migrate `url` to 0010, write offers, unit types, cohorts and an audit trail
    as they were before 0011, migrate to the head, and check the shares and stays
    0011 filled in against figures worked out by hand."""
    upgrade_database(url, "0010_placement")
    engine = create_engine(url)
    try:
        with engine.begin() as connection:
            org = connection.scalar(
                insert(Organisation)
                .values(
                    name="Backfill HA",
                    organisation_type="registered_provider",
                    join_token="backfill-join-token",
                )
                .returning(Organisation.id)
            )
            user = connection.scalar(
                insert(User)
                .values(
                    email="backfill@example.com",
                    full_name="Back Fill",
                    password_hash="not a real hash",
                    role="submitter",
                    organisation_id=org,
                    is_active=True,
                )
                .returning(User.id)
            )

            def offer(status: OfferStatus) -> int:
                return connection.scalar(
                    insert(Offer)
                    .values(organisation_id=org, created_by_id=user, status=status.value)
                    .returning(Offer.id)
                )

            approved, submitted, draft, tiny = (
                offer(OfferStatus.APPROVED),
                offer(OfferStatus.SUBMITTED),
                offer(OfferStatus.DRAFT),
                offer(OfferStatus.SCORED),
            )
            connection.execute(
                insert(OfferUnitType),
                [
                    {"offer_id": approved, "kind": "one_bed", "count": 4},
                    {"offer_id": approved, "kind": "studio", "count": 5},
                    {"offer_id": submitted, "kind": "two_bed", "count": 10},
                    {"offer_id": tiny, "kind": "studio", "count": 1},
                ],
            )
            for offer_id, cohort in [
                (approved, WAITING_LIST),
                (approved, DIVERSION),
                (submitted, CARE_LEAVERS),
                (submitted, LOOKED_AFTER),
                (submitted, SEND),
                (draft, MENTAL_HEALTH),
                (tiny, DIVERSION),
                (tiny, SEND),
            ]:
                connection.execute(
                    text("INSERT INTO offer_cohorts (offer_id, cohort) VALUES (:offer, :cohort)"),
                    {"offer": offer_id, "cohort": cohort},
                )
            events = [
                (approved, "submit", "draft", "submitted", 0),
                (approved, "scored", None, None, 1),
                (approved, "assign", "scored", "under_review", 3),
                (approved, "note", None, None, 4),
                (approved, "assign", "under_review", "under_review", 5),  # a reassignment
                (approved, "rescored", None, None, 6),
                (approved, "approve", "under_review", "approved", 10),
                (submitted, "submit", "draft", "submitted", 2),
                (tiny, "submit", "draft", "submitted", 1),
                (tiny, "scored", None, None, 1.5),
                (None, "benchmark", None, None, 3),
            ]
            connection.execute(
                insert(AuditEvent),
                [
                    {
                        "offer_id": offer_id,
                        "action": action,
                        "from_status": source,
                        "to_status": target,
                        "at": day(days),
                    }
                    for offer_id, action, source, target, days in events
                ],
            )
        upgrade_database(url)
        with engine.connect() as connection:
            shares = {
                (offer_id, cohort): share
                for offer_id, cohort, share in connection.execute(
                    select(OfferCohort.offer_id, OfferCohort.cohort, OfferCohort.units_share)
                )
            }
            stays = sorted(
                connection.execute(
                    select(
                        OfferStageStay.offer_id,
                        OfferStageStay.stage,
                        OfferStageStay.entered_at,
                        OfferStageStay.left_at,
                    )
                ).all()
            )
    finally:
        engine.dispose()
    assert shares == {
        (approved, DIVERSION): 5,
        (approved, WAITING_LIST): 4,
        (submitted, CARE_LEAVERS): 4,
        (submitted, LOOKED_AFTER): 3,
        (submitted, SEND): 3,
        (draft, MENTAL_HEALTH): None,
        (tiny, DIVERSION): 1,
        (tiny, SEND): 0,
    }
    assert stays == sorted(
        [
            (approved, "submitted", day(0), day(1)),
            (approved, "scored", day(1), day(3)),
            (approved, "under_review", day(3), day(10)),
            (approved, "approved", day(10), None),
            (submitted, "submitted", day(2), None),
            (tiny, "submitted", day(1), day(1.5)),
            (tiny, "scored", day(1.5), None),
        ]
    )


def test_the_migration_fills_shares_and_stays_from_existing_rows(tmp_path: Path) -> None:
    check_backfill(f"sqlite:///{tmp_path / 'backfill.sqlite3'}")
