"""Background scoring: one score per offer, policy and supply; visible failure;
rescoring when approvals change remaining need."""

from __future__ import annotations

from sqlalchemy import select

from tests import factories
from triage import db
from triage.models import AuditEvent, Offer, OfferScore, OutboxMessage, User
from triage.models.offers import OfferStatus
from triage.services import scoring
from workers import tasks


def _scores(app, offer_id):
    with app.app_context():
        return db.session.scalars(select(OfferScore).where(OfferScore.offer_id == offer_id)).all()


def _status(app, offer_id):
    with app.app_context():
        return db.session.get(Offer, offer_id).status


def test_submitting_queues_scoring_in_the_same_transaction(app, submitter):
    factories.submitted_offer(submitter)
    with app.app_context():
        names = db.session.scalars(
            select(OutboxMessage.task_name).where(OutboxMessage.sent_at.is_(None))
        ).all()
    # Scoring, and the delivery of the acknowledgement email written with it.
    assert sorted(names) == ["email.deliver", "offers.score"]


def test_the_worker_scores_an_offer_once_however_often_it_runs(app, submitter):
    offer = factories.submitted_offer(submitter)
    with app.app_context():
        tasks.score_offer(offer.id)
        tasks.score_offer(offer.id)
    scores = _scores(app, offer.id)
    assert len(scores) == 1
    assert _status(app, offer.id) == OfferStatus.SCORED
    with app.app_context():
        trail = db.session.execute(
            select(AuditEvent.action, AuditEvent.from_status, AuditEvent.to_status)
            .where(AuditEvent.offer_id == offer.id)
            .order_by(AuditEvent.id)
        ).all()
    # Every status change on the trail, once, though the task ran twice.
    assert [tuple(row) for row in trail] == [
        ("submit", "draft", "submitted"),
        ("scored", "submitted", "scored"),
    ]
    score = scores[0]
    assert score.policy_version == "2026-04-01"
    assert [result["rule"] for result in score.results][0] == "rent_affordability"
    affordability = score.results[0]
    assert "£185.00" in " ".join(affordability["reasons"])


def test_an_offer_that_cannot_be_scored_ends_visibly_failed_after_bounded_attempts(app, submitter):
    offer = factories.submitted_offer(submitter)
    with app.app_context():
        # Break the offer underneath the worker: no unit types means no valid offer.
        stored = db.session.get(Offer, offer.id)
        stored.unit_types.clear()
        db.session.commit()
        result = tasks.score_offer.apply(args=[offer.id])
    assert result.successful()
    with app.app_context():
        stored = db.session.get(Offer, offer.id)
        assert stored.status == OfferStatus.SCORING_FAILED
        assert "incomplete" in stored.scoring_error
    assert _scores(app, offer.id) == []


def test_retrying_a_failed_offer_queues_it_again(app, submitter, commissioner):
    offer = factories.submitted_offer(submitter)
    with app.app_context():
        scoring.mark_failed(offer.id, "ValueError: boom")
        stored = db.session.get(Offer, offer.id)
        officer = db.session.get(User, commissioner.id)
        seen = stored.version
        assert scoring.retry_scoring(stored, officer, seen_version=seen) is True
        # A second click on the same page: already back in the queue.
        assert scoring.retry_scoring(stored, officer, seen_version=seen) is False
        db.session.expire_all()
        stored = db.session.get(Offer, offer.id)
        assert stored.status == OfferStatus.SUBMITTED
        assert stored.scoring_error is None
        actions = db.session.scalars(
            select(AuditEvent.action).where(AuditEvent.offer_id == offer.id).order_by(AuditEvent.id)
        ).all()
    assert actions == ["submit", "scoring_failed", "scoring_retried"]


def test_approving_an_offer_reduces_need_and_rescoring_records_a_new_score(app, submitter):
    # Diversion from residential care: 80 forecast, 70 planned (Ashton Green): 10 remain.
    first = factories.submitted_offer(submitter)
    second = factories.submitted_offer(submitter)
    with app.app_context():
        for offer in (first, second):
            stored = db.session.get(Offer, offer.id)
            stored.cohorts[0].cohort = "diversion_from_residential"
        db.session.commit()
        tasks.score_offer(second.id)
        before = scoring.latest_score(second.id)
        db.session.get(Offer, first.id).status = OfferStatus.APPROVED
        db.session.commit()
        assert scoring.approved_units_by_cohort() == {"diversion_from_residential": 8}
        run = scoring.rescore(scoring.open_offer_ids(["diversion_from_residential"]), "approval")
        tasks.score_offer(second.id, run.id)
        after = scoring.latest_score(second.id)
        assert scoring.run_progress(run) == (1, 1)
    assert after.id != before.id
    need_before = next(r for r in before.results if r["rule"] == "cohort_need")
    need_after = next(r for r in after.results if r["rule"] == "cohort_need")
    assert need_before["figures"]["remaining_need"] == {"diversion_from_residential": 10}
    assert need_after["figures"]["remaining_need"] == {"diversion_from_residential": 2}
    # Ashton Green has no firm date (confidence 0.5, issue 13): 35 of its 70 units
    # are expected, so 45 remain expected before the approval and 37 after, and
    # all 8 units of the second offer still meet expected need.
    assert need_before["figures"]["remaining_need_expected"] == {"diversion_from_residential": 45}
    assert need_after["figures"]["remaining_need_expected"] == {"diversion_from_residential": 37}
    assert need_after["figures"]["units_meeting_need"] == 8


def test_withdrawn_offers_are_not_scored(app, submitter):
    offer = factories.submitted_offer(submitter)
    with app.app_context():
        db.session.get(Offer, offer.id).status = OfferStatus.WITHDRAWN
        db.session.commit()
        tasks.score_offer(offer.id)
    assert _scores(app, offer.id) == []


def test_the_sweeper_requeues_offers_stuck_waiting_for_a_score(app, submitter):
    from datetime import UTC, datetime, timedelta

    factories.submitted_offer(submitter)
    with app.app_context():
        assert scoring.resend_stuck() == 0  # just submitted: not stuck yet
        later = datetime.now(UTC) + scoring.STUCK_AFTER + timedelta(minutes=1)
        assert scoring.resend_stuck(now=later) == 1
        queued = db.session.scalars(
            select(OutboxMessage).where(OutboxMessage.task_name == "offers.score")
        ).all()
    assert len(queued) == 2


def test_an_approval_rescores_the_open_offers_for_the_same_cohorts_only(app, submitter):
    approved = factories.submitted_offer(submitter)
    same_cohort = factories.submitted_offer(submitter)
    other_cohort = factories.submitted_offer(submitter)
    with app.app_context():
        db.session.get(Offer, other_cohort.id).cohorts[0].cohort = "respite_complex_disabilities"
        stored = db.session.get(Offer, approved.id)
        stored.status = OfferStatus.APPROVED
        db.session.commit()
        run = scoring.rescore_after_approval(stored)
        assert run is not None
        assert run.total == 1
        queued = db.session.scalars(
            select(OutboxMessage.args).where(OutboxMessage.task_name == "offers.score")
        ).all()
    assert [same_cohort.id, run.id] in queued
    assert not any(args[0] == other_cohort.id and len(args) == 2 for args in queued)


def test_scoring_and_rescoring_appear_on_the_offers_timeline(app, submitter):
    from triage.models import AuditEvent

    offer = factories.submitted_offer(submitter)
    with app.app_context():
        tasks.score_offer(offer.id)
        tasks.score_offer(offer.id)  # a redelivery records nothing new
        events = db.session.scalars(
            select(AuditEvent).where(AuditEvent.offer_id == offer.id, AuditEvent.action == "scored")
        ).all()
    assert len(events) == 1
    assert "under policy 2026-04-01" in events[0].detail
