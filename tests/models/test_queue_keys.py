"""The queue's sort keys on each offer (Offer.queue_*, issue 15) stay true to what
they copy on every path that writes it: submission, scoring, an override, a
rescoring after a policy change, a resubmission with changed units, an
organisation's new name. Each test compares every offer's copies with the same
figures worked out afresh from the scores, overrides, unit types and
organisations, as the queue worked them out before it kept copies."""

from __future__ import annotations

from typing import Any

from sqlalchemy import func, select

from tests import factories
from triage import db
from triage.models import Offer, OfferScore, OfferUnitType, Organisation, ScoreOverride, User
from triage.models.queue_keys import QUEUE_COLUMNS
from triage.services import decisions, offer_changes, policy_admin
from workers import tasks


def _afresh() -> dict[int, dict[str, Any]]:
    """Every offer's keys, worked out from the rows they copy (newest by id)."""
    newest_score = (
        select(OfferScore.offer_id, func.max(OfferScore.id).label("id"))
        .group_by(OfferScore.offer_id)
        .subquery()
    )
    newest_override = (
        select(ScoreOverride.offer_id, func.max(ScoreOverride.id).label("id"))
        .group_by(ScoreOverride.offer_id)
        .subquery()
    )
    units = (
        select(
            OfferUnitType.offer_id,
            func.sum(OfferUnitType.count).label("units"),
            func.min(OfferUnitType.core_rent_pence).label("rent"),
        )
        .group_by(OfferUnitType.offer_id)
        .subquery()
    )
    rows = db.session.execute(
        select(Offer.id, OfferScore, ScoreOverride, units.c.units, units.c.rent, Organisation.name)
        .join(Organisation, Organisation.id == Offer.organisation_id)
        .outerjoin(newest_score, newest_score.c.offer_id == Offer.id)
        .outerjoin(OfferScore, OfferScore.id == newest_score.c.id)
        .outerjoin(newest_override, newest_override.c.offer_id == Offer.id)
        .outerjoin(ScoreOverride, ScoreOverride.id == newest_override.c.id)
        .outerjoin(units, units.c.offer_id == Offer.id)
    )
    found = {}
    for offer_id, score, override, total, rent, organisation in rows:
        shown = override if override is not None else score
        found[offer_id] = {
            "queue_score_id": score.id if score else None,
            "queue_override_id": override.id if override else None,
            "queue_score": shown.score if shown else None,
            "queue_band": shown.band if shown else None,
            "queue_red_flags": score.red_flag_count if score else None,
            "queue_units": total,
            "queue_rent_pence": rent,
            "queue_organisation": organisation,
        }
    return found


def _stored() -> dict[int, dict[str, Any]]:
    columns = [getattr(Offer, name) for name in QUEUE_COLUMNS]
    return {
        row[0]: dict(zip(QUEUE_COLUMNS, row[1:], strict=True))
        for row in db.session.execute(select(Offer.id, *columns))
    }


def _keys_are_true(app) -> dict[int, dict[str, Any]]:
    with app.app_context():
        db.session.rollback()
        stored = _stored()
        assert stored == _afresh()
        return stored


def _score(app, *offer_ids: int) -> None:
    with app.app_context():
        for offer_id in offer_ids:
            tasks.score_offer(offer_id)


def test_submission_and_scoring_set_the_keys(app, submitter):
    offer = factories.submitted_offer(submitter)
    keys = _keys_are_true(app)[offer.id]
    assert keys["queue_units"] == 8 and keys["queue_rent_pence"] == 150_00
    assert keys["queue_organisation"] is not None and keys["queue_score"] is None
    _score(app, offer.id)
    keys = _keys_are_true(app)[offer.id]
    assert keys["queue_score_id"] is not None and keys["queue_band"] is not None


def test_an_override_and_a_later_score_keep_the_keys_true(app, submitter, commissioner):
    offer = factories.submitted_offer(submitter)
    _score(app, offer.id)
    with app.app_context():
        found = db.session.get(Offer, offer.id)
        decisions.override_score(
            found,
            db.session.get(User, commissioner.id),
            score=99.5,
            band="A",
            justification="Known to be needed",
        )
        # The offer this session holds is told its new keys too.
        assert (found.queue_score, found.queue_band) == (99.5, "A")
    keys = _keys_are_true(app)[offer.id]
    assert keys["queue_score"] == 99.5 and keys["queue_override_id"] is not None


def test_a_policy_change_rescores_and_the_keys_follow(app, submitter, admin):
    offer = factories.submitted_offer(submitter)
    _score(app, offer.id)
    before = _keys_are_true(app)[offer.id]
    with app.app_context():
        from tests.admin.test_policy_preview import _policy

        user = db.session.get(User, admin.id)
        text = _policy(**{"scoring.weights.rent_affordability": 5}).decode()
        row = policy_admin.load_version(text, "policy.yaml", user)
        policy_admin.activate(row, user)
    _score(app, offer.id)
    after = _keys_are_true(app)[offer.id]
    assert after["queue_score_id"] != before["queue_score_id"]


def test_changed_units_on_resubmission_change_the_keys(app, submitter, commissioner):
    offer = factories.submitted_offer(submitter)
    _score(app, offer.id)
    with app.app_context():
        found = db.session.get(Offer, offer.id)
        officer = db.session.get(User, commissioner.id)
        decisions.assign(found, officer, officer, seen_version=found.version)
        offer_changes.request_changes(
            found,
            officer,
            seen_version=found.version,
            sections=[("units", "Units")],
            reason="Fewer studios, please",
            before=[],
        )

        def fewer_units(changed: Offer) -> None:
            changed.unit_types[0].count = 3
            changed.unit_types[0].core_rent_pence = 99_00
            template = changed.unit_types[0]
            changed.unit_types.append(
                OfferUnitType(
                    kind="two_bed",
                    count=2,
                    own_bathroom=True,
                    own_kitchen=True,
                    most_people_sharing=1,
                    core_rent_pence=120_00,
                    eligible_service_charge_pence=template.eligible_service_charge_pence,
                    ineligible_service_charge_pence=template.ineligible_service_charge_pence,
                    intensive_housing_management_pence=0,
                )
            )

        offer_changes.save_changes(found, "units", fewer_units)
        assert (found.queue_units, found.queue_rent_pence) == (5, 99_00)
        version_before = found.version
        offer_changes.resubmit(
            found,
            db.session.get(User, submitter.id),
            seen_version=found.version,
            after=[],
        )
        assert found.version == version_before + 1  # the resubmission, not the copies
    keys = _keys_are_true(app)[offer.id]
    assert (keys["queue_units"], keys["queue_rent_pence"]) == (5, 99_00)
    with app.app_context():
        found = db.session.get(Offer, offer.id)
        found.unit_types.remove(found.unit_types[0])
        db.session.commit()
    keys = _keys_are_true(app)[offer.id]
    assert (keys["queue_units"], keys["queue_rent_pence"]) == (2, 120_00)


def test_an_organisations_new_name_reaches_its_offers(app, submitter):
    first = factories.submitted_offer(submitter)
    second = factories.submitted_offer(submitter)
    with app.app_context():
        organisation = db.session.get(Organisation, submitter.user.organisation_id)
        organisation.name = "Renamed Housing Trust"
        db.session.commit()
    keys = _keys_are_true(app)
    assert keys[first.id]["queue_organisation"] == "Renamed Housing Trust"
    assert keys[second.id]["queue_organisation"] == "Renamed Housing Trust"


def test_keeping_the_copies_is_not_a_change_to_the_offer(app, submitter, commissioner):
    offer = factories.submitted_offer(submitter)
    _score(app, offer.id)
    with app.app_context():
        found = db.session.get(Offer, offer.id)
        version, updated = found.version, found.updated_at
        decisions.override_score(
            found,
            db.session.get(User, commissioner.id),
            score=10.0,
            band="C",
            justification="Known to be hard to let",
        )
        db.session.expire_all()
        found = db.session.get(Offer, offer.id)
        assert (found.version, found.updated_at) == (version, updated)
