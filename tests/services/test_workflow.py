"""The offer workflow: every transition allowed and refused, stale changes refused,
every change audited, and what goes with each decision."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select

from tests import factories
from triage import db
from triage.models import (
    AuditEvent,
    EmailMessage,
    Offer,
    OfferMessage,
    OfferStageStay,
    OutboxMessage,
    RescoreRun,
    ScoreOverride,
    User,
)
from triage.models.offers import OfferStatus
from triage.services import decisions
from triage.workflow import (
    SCORING,
    TRANSITIONS,
    Action,
    DeclineConcern,
    StaleOffer,
    TransitionRefused,
    perform,
)
from workers import tasks

S = OfferStatus
# Written out by hand from the issue, so a change to TRANSITIONS has to change this too.
EXPECTED = {
    Action.SUBMIT: {S.DRAFT},
    Action.START_SCORING: {S.SUBMITTED},
    Action.SCORED: {S.SUBMITTED, S.SCORING, S.SCORING_FAILED},
    Action.SCORING_FAILED: {S.SUBMITTED, S.SCORING},
    Action.RETRY_SCORING: {S.SCORING_FAILED},
    Action.ASSIGN: {
        S.SUBMITTED,
        S.SCORING,
        S.SCORED,
        S.SCORING_FAILED,
        S.UNDER_REVIEW,
        S.INFORMATION_REQUESTED,
        S.CHANGES_REQUESTED,
        S.MEETING_PROPOSED,
        S.FEASIBILITY,
    },
    Action.REQUEST_INFORMATION: {S.UNDER_REVIEW, S.MEETING_PROPOSED, S.FEASIBILITY},
    Action.RESPOND: {S.INFORMATION_REQUESTED},
    Action.PROPOSE_MEETING: {S.UNDER_REVIEW},
    Action.PROGRESS_TO_FEASIBILITY: {S.UNDER_REVIEW, S.MEETING_PROPOSED},
    Action.APPROVE: {S.UNDER_REVIEW, S.MEETING_PROPOSED, S.FEASIBILITY},
    Action.DECLINE: {
        S.UNDER_REVIEW,
        S.MEETING_PROPOSED,
        S.FEASIBILITY,
        S.INFORMATION_REQUESTED,
        S.CHANGES_REQUESTED,
    },
    # Issue 14: returned for changes, and resubmitted.
    Action.REQUEST_CHANGES: {S.UNDER_REVIEW, S.MEETING_PROPOSED, S.FEASIBILITY},
    Action.RESUBMIT: {S.CHANGES_REQUESTED},
    # Issue 14: arranging a meeting keeps the offer "meeting proposed"; cancelling
    # it, or recording its outcome, returns the offer to the review.
    Action.REPROPOSE_MEETING: {S.MEETING_PROPOSED},
    Action.ACCEPT_MEETING: {S.MEETING_PROPOSED},
    Action.SUGGEST_MEETING_TIME: {S.MEETING_PROPOSED},
    Action.ACCEPT_SUGGESTED_TIME: {S.MEETING_PROPOSED},
    Action.CANCEL_MEETING: {S.MEETING_PROPOSED},
    Action.RECORD_MEETING_OUTCOME: {S.MEETING_PROPOSED},
    Action.WITHDRAW: {
        S.DRAFT,
        S.SUBMITTED,
        S.SCORING,
        S.SCORED,
        S.SCORING_FAILED,
        S.UNDER_REVIEW,
        S.INFORMATION_REQUESTED,
        S.CHANGES_REQUESTED,
        S.MEETING_PROPOSED,
        S.FEASIBILITY,
    },
}
TARGETS = {
    Action.SUBMIT: S.SUBMITTED,
    Action.START_SCORING: S.SCORING,
    Action.SCORED: S.SCORED,
    Action.SCORING_FAILED: S.SCORING_FAILED,
    Action.RETRY_SCORING: S.SUBMITTED,
    Action.REQUEST_INFORMATION: S.INFORMATION_REQUESTED,
    Action.RESPOND: S.UNDER_REVIEW,
    Action.PROPOSE_MEETING: S.MEETING_PROPOSED,
    Action.PROGRESS_TO_FEASIBILITY: S.FEASIBILITY,
    Action.APPROVE: S.APPROVED,
    Action.DECLINE: S.DECLINED,
    Action.WITHDRAW: S.WITHDRAWN,
    Action.REQUEST_CHANGES: S.CHANGES_REQUESTED,
    Action.RESUBMIT: S.SUBMITTED,
    Action.CANCEL_MEETING: S.UNDER_REVIEW,
    Action.RECORD_MEETING_OUTCOME: S.UNDER_REVIEW,
}
# What the service does on its own: the scoring worker's steps.
SYSTEM_ACTIONS = {Action.START_SCORING, Action.SCORED, Action.SCORING_FAILED}
CASES = [(action, status) for action in TRANSITIONS for status in OfferStatus]


def test_the_table_of_transitions_is_the_one_the_issue_describes():
    assert {action: set(t.sources) for action, t in TRANSITIONS.items()} == EXPECTED


@pytest.mark.parametrize(("action", "status"), CASES, ids=[f"{a}-from-{s}" for a, s in CASES])
def test_every_action_from_every_status(app, submitter, commissioner, action, status):
    offer = factories.submitted_offer(submitter)
    with app.app_context():
        stored = db.session.get(Offer, offer.id)
        stored.status = status
        db.session.commit()
        person = db.session.get(User, commissioner.id)
        actor = SCORING if action in SYSTEM_ACTIONS else person
        version = stored.version
        before = db.session.scalar(select(func.max(AuditEvent.id)))
        if status in EXPECTED[action]:
            with db.unit_of_work():
                perform(stored, action, actor, seen_version=version)
            expected = TARGETS.get(
                action,
                S.UNDER_REVIEW
                if status in {S.SUBMITTED, S.SCORING, S.SCORED, S.SCORING_FAILED}
                else status,
            )
            assert stored.status == expected
            assert stored.version == version + 1
            event = db.session.scalars(
                select(AuditEvent).where(
                    AuditEvent.offer_id == offer.id,
                    AuditEvent.action == action.value,
                    AuditEvent.id > before,
                )
            ).one()
            assert (event.from_status, event.to_status, event.actor_id) == (
                status,
                expected,
                None if action in SYSTEM_ACTIONS else commissioner.id,
            )
            # The offer's stay in its stage follows a change of status (a draft has none).
            open_stays = db.session.scalars(
                select(OfferStageStay.stage).where(
                    OfferStageStay.offer_id == offer.id, OfferStageStay.left_at.is_(None)
                )
            ).all()
            if expected != status and status is not S.DRAFT:
                assert open_stays == [expected]
        else:
            with pytest.raises(TransitionRefused), db.unit_of_work():
                perform(stored, action, actor, seen_version=version)
            db.session.expire_all()
            assert db.session.get(Offer, offer.id).status == status
            assert db.session.get(Offer, offer.id).version == version


def test_a_second_officer_acting_on_an_old_view_is_refused(app, submitter, commissioner):
    offer = factories.submitted_offer(submitter)
    other = factories.staff("commissioner")
    with app.app_context():
        stored = db.session.get(Offer, offer.id)
        opened_at = stored.version
        first = db.session.get(User, commissioner.id)
        second = db.session.get(User, other.id)
        decisions.assign(stored, first, first, seen_version=opened_at)
        # The second officer opened the page before the first one's change.
        with pytest.raises(StaleOffer):
            decisions.assign(stored, second, second, seen_version=opened_at)
        db.session.expire_all()
        assert db.session.get(Offer, offer.id).assigned_to_id == first.id


def _under_review(app, submitter, commissioner):
    offer = factories.submitted_offer(submitter)
    with app.app_context():
        stored = db.session.get(Offer, offer.id)
        actor = db.session.get(User, commissioner.id)
        decisions.assign(stored, actor, actor, seen_version=stored.version)
        return stored.id


def test_requesting_information_messages_and_emails_the_submitter_and_the_answer_returns_it(
    app, submitter, commissioner
):
    offer_id = _under_review(app, submitter, commissioner)
    with app.app_context():
        offer = db.session.get(Offer, offer_id)
        officer = db.session.get(User, commissioner.id)
        decisions.request_information(
            offer, officer, seen_version=offer.version, question="What is the EPC rating?"
        )
        assert offer.status == S.INFORMATION_REQUESTED
        email = db.session.scalars(
            select(EmailMessage).where(
                EmailMessage.idempotency_key.like(f"offer-{offer_id}-information-request-%")
            )
        ).one()
        assert email.to_address == submitter.email
        assert "What is the EPC rating?" in email.body
        queued = db.session.scalars(
            select(OutboxMessage.args).where(OutboxMessage.task_name == "email.deliver")
        ).all()
        assert [email.id] in queued
        tasks.deliver_email(email.id)
        tasks.deliver_email(email.id)  # a redelivered task sends nothing more
        assert db.session.get(EmailMessage, email.id).status == "sent"
        owner = db.session.get(User, submitter.id)
        decisions.respond(offer, owner, seen_version=offer.version, answer="EPC rating B")
        assert offer.status == S.UNDER_REVIEW
        bodies = db.session.scalars(
            select(OfferMessage.body)
            .where(OfferMessage.offer_id == offer_id)
            .order_by(OfferMessage.id)
        ).all()
        assert bodies == ["What is the EPC rating?", "EPC rating B"]
    mail = sorted((app.config["MAIL_DIR"]).glob("*.eml"))
    assert len([path for path in mail if "information-request" in path.name]) == 1


def test_approval_emails_the_reasons_and_rescores_open_offers_for_the_cohort(
    app, submitter, commissioner
):
    offer_id = _under_review(app, submitter, commissioner)
    other = factories.submitted_offer(submitter)
    with app.app_context():
        offer = db.session.get(Offer, offer_id)
        officer = db.session.get(User, commissioner.id)
        decisions.approve(
            offer, officer, seen_version=offer.version, reasons="Meets step down need in LE1."
        )
        assert offer.status == S.APPROVED
        assert offer.decided_at is not None
        email = db.session.scalars(
            select(EmailMessage).where(EmailMessage.idempotency_key == f"offer-{offer_id}-decision")
        ).one()
        assert "approved your offer in principle" in email.body
        assert "Meets step down need in LE1." in email.body
        run = db.session.scalars(select(RescoreRun)).one()
        assert run.total == 1
        assert [other.id, run.id] in db.session.scalars(
            select(OutboxMessage.args).where(OutboxMessage.task_name == "offers.score")
        ).all()


def test_a_decline_names_the_appendix_c_concern(app, submitter, commissioner):
    offer_id = _under_review(app, submitter, commissioner)
    with app.app_context():
        offer = db.session.get(Offer, offer_id)
        officer = db.session.get(User, commissioner.id)
        decisions.decline(
            offer,
            officer,
            seen_version=offer.version,
            concern=DeclineConcern.RENT,
            reasons="Rent £320 is far above the benchmark.",
        )
        assert offer.status == S.DECLINED
        assert offer.decision_concern == "rent"
        email = db.session.scalars(
            select(EmailMessage).where(EmailMessage.idempotency_key == f"offer-{offer_id}-decision")
        ).one()
        assert "The rent is not met by housing benefit or other revenue" in email.body
        event = db.session.scalars(select(AuditEvent).where(AuditEvent.action == "decline")).one()
        assert "Rent £320" in event.detail


def test_an_override_keeps_the_original_score_and_records_why(app, submitter, commissioner):
    offer = factories.submitted_offer(submitter)
    with app.app_context():
        tasks.score_offer(offer.id)
        stored = db.session.get(Offer, offer.id)
        officer = db.session.get(User, commissioner.id)
        override = decisions.override_score(
            stored, officer, score=85.0, band="A", justification="Site visit: excellent."
        )
        assert db.session.get(ScoreOverride, override.id).score == 85.0
        original = db.session.get(type(decisions.scoring.latest_score(offer.id)), override.score_id)
        assert original.score != 85.0
        assert decisions.current_override(offer.id).justification == "Site visit: excellent."
        event = db.session.scalars(
            select(AuditEvent).where(AuditEvent.action == "override_score")
        ).one()
        assert "Site visit: excellent." in event.detail


def test_submitting_and_withdrawing_are_audited(app, submitter):
    offer = factories.submitted_offer(submitter)
    with app.app_context():
        from triage.services import offers as offer_service

        stored = db.session.get(Offer, offer.id)
        assert offer_service.withdraw(stored, db.session.get(User, submitter.id))
        actions = db.session.scalars(
            select(AuditEvent.action).where(AuditEvent.offer_id == offer.id).order_by(AuditEvent.id)
        ).all()
    assert actions == ["submit", "withdraw"]


def test_a_person_must_say_which_version_they_acted_on(app, submitter, commissioner):
    offer = factories.submitted_offer(submitter)
    with app.app_context():
        stored = db.session.get(Offer, offer.id)
        officer = db.session.get(User, commissioner.id)
        with pytest.raises(TypeError), db.unit_of_work():
            perform(stored, Action.ASSIGN, officer, assigned_to_id=officer.id)
        db.session.expire_all()
        assert db.session.get(Offer, offer.id).assigned_to_id is None


def test_a_stale_change_writes_nothing(app, submitter, commissioner):
    offer = factories.submitted_offer(submitter)
    with app.app_context():
        stored = db.session.get(Offer, offer.id)
        officer = db.session.get(User, commissioner.id)
        events = db.session.scalar(select(func.count()).select_from(AuditEvent))
        with pytest.raises(StaleOffer), db.unit_of_work():
            perform(stored, Action.ASSIGN, officer, seen_version=stored.version - 1)
        db.session.expire_all()
        assert db.session.get(Offer, offer.id).status == S.SUBMITTED
        assert db.session.scalar(select(func.count()).select_from(AuditEvent)) == events
