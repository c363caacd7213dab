"""The audit trail: what the service records, what each record is called, and the
one function that writes it.

The log is append-only (a PostgreSQL trigger refuses updates and deletes).
Offer status changes are recorded by `triage.workflow.perform`, which calls
`record` in the same transaction; everything else that is worth a line (a note,
a flag, a waiting-list record viewed) calls `record` from its service. An event
about a waiting-list record names the record by id and never says what it holds.
"""

from __future__ import annotations

import enum
from datetime import datetime

from triage import clock, db
from triage.models import AuditEvent, Offer, User
from triage.models.offers import OfferStatus


class AuditAction(enum.StrEnum):
    """Every kind of event in the log. The values are stored: never rename one."""

    # The offer's workflow: each is an action in triage.workflow.TRANSITIONS.
    SUBMIT = "submit"
    START_SCORING = "scoring_started"
    SCORED = "scored"
    SCORING_FAILED = "scoring_failed"
    RETRY_SCORING = "scoring_retried"
    ASSIGN = "assign"
    REQUEST_INFORMATION = "request_information"
    RESPOND = "respond"
    PROPOSE_MEETING = "propose_meeting"
    PROGRESS_TO_FEASIBILITY = "progress_to_feasibility"
    APPROVE = "approve"
    DECLINE = "decline"
    WITHDRAW = "withdraw"
    # Issue 14: the council returns an offer for changes; the submitter resubmits.
    REQUEST_CHANGES = "request_changes"
    RESUBMIT = "resubmit"
    # Issue 14: meeting the council, each also a change to the meeting's row.
    REPROPOSE_MEETING = "repropose_meeting"
    ACCEPT_MEETING = "accept_meeting"
    SUGGEST_MEETING_TIME = "suggest_meeting_time"
    ACCEPT_SUGGESTED_TIME = "accept_suggested_time"
    CANCEL_MEETING = "cancel_meeting"
    RECORD_MEETING_OUTCOME = "record_meeting_outcome"
    # On an offer, without a change of status.
    RESCORED = "rescored"
    OVERRIDE_SCORE = "override_score"
    NOTE = "note"
    FLAG_RAISED = "flag_raised"
    FLAG_RESOLVED = "flag_resolved"
    OFFER_COPIED = "offer_copied"
    # Placement.
    UNITS_REFERRED = "units_referred"
    VACANCY_REGISTERED = "vacancy_registered"
    HOME_CHANGED = "home_changed"
    PERSON_VIEWED = "person_viewed"
    PERSON_ADDED = "person_added"
    PERSON_CHANGED = "person_changed"
    WAITING_LIST_VIEWED = "waiting_list_viewed"
    WAITING_LIST_EXPORTED = "waiting_list_exported"
    WAITING_LIST_IMPORTED = "waiting_list_imported"
    SHARING_RECORDED = "sharing_recorded"
    SHARING_REMOVED = "sharing_removed"
    NOMINATED = "nominated"
    NOMINATION_OUTCOME = "nomination_outcome"
    SHORTLIST_VIEWED = "shortlist_viewed"
    PROPOSAL_VIEWED = "proposal_viewed"
    # Accounts.
    PASSWORD_RESET_REQUESTED = "password_reset_requested"  # noqa: S105 (a name, not a password)
    PASSWORD_RESET = "password_reset"  # noqa: S105
    PASSWORD_CHANGED = "password_changed"  # noqa: S105
    NAME_CHANGED = "name_changed"
    SESSIONS_ENDED = "sessions_ended"
    SIGN_IN_FAILED = "sign_in_failed"
    SIGN_IN_THROTTLED = "sign_in_throttled"
    REGISTERED = "registered"
    REGISTRATION_EMAIL_IN_USE = "registration_email_in_use"
    EMAIL_CONFIRMED = "email_confirmed"
    INVITATION_SENT = "invitation_sent"
    INVITATION_CANCELLED = "invitation_cancelled"
    INVITATION_ACCEPTED = "invitation_accepted"
    MEMBER_REMOVED = "member_removed"
    ROLE_CHANGED = "role_changed"
    ACCOUNT_DEACTIVATED = "account_deactivated"
    ACCOUNT_REACTIVATED = "account_reactivated"
    # Someone asked for a page or a record that is not theirs to see (given a 404).
    ACCESS_REFUSED = "access_refused"
    # The service's retention job reduced records or deleted documents.
    RETENTION_APPLIED = "retention_applied"
    # A scoring policy version scheduled for its effective date, the schedule
    # cancelled, and a version put in force (by an admin, or on its date).
    POLICY_SCHEDULED = "policy_scheduled"
    POLICY_SCHEDULE_CANCELLED = "policy_schedule_cancelled"
    POLICY_ACTIVATED = "policy_activated"
    # The existing-supply register (issue 13).
    SUPPLY_SCHEME_ADDED = "supply_scheme_added"
    SUPPLY_SCHEME_CHANGED = "supply_scheme_changed"
    SUPPLY_SCHEME_REMOVED = "supply_scheme_removed"

    @property
    def label(self) -> str:
        return ACTION_LABELS[self]


ACTION_LABELS: dict[AuditAction, str] = {
    AuditAction.SUBMIT: "Submitted",
    AuditAction.START_SCORING: "Scoring started",
    AuditAction.SCORED: "Scored",
    AuditAction.SCORING_FAILED: "Scoring failed",
    AuditAction.RETRY_SCORING: "Scoring retried",
    AuditAction.ASSIGN: "Assigned",
    AuditAction.REQUEST_INFORMATION: "Information requested",
    AuditAction.RESPOND: "Submitter responded",
    AuditAction.PROPOSE_MEETING: "Meeting proposed",
    AuditAction.PROGRESS_TO_FEASIBILITY: "Progressed to feasibility",
    AuditAction.APPROVE: "Approved in principle",
    AuditAction.DECLINE: "Declined",
    AuditAction.WITHDRAW: "Withdrawn by the submitter",
    AuditAction.REQUEST_CHANGES: "Changes requested",
    AuditAction.RESUBMIT: "Resubmitted with changes",
    AuditAction.REPROPOSE_MEETING: "Meeting proposed again",
    AuditAction.ACCEPT_MEETING: "Meeting accepted by the submitter",
    AuditAction.SUGGEST_MEETING_TIME: "Another meeting time suggested by the submitter",
    AuditAction.ACCEPT_SUGGESTED_TIME: "Suggested meeting time accepted",
    AuditAction.CANCEL_MEETING: "Meeting cancelled",
    AuditAction.RECORD_MEETING_OUTCOME: "Meeting outcome recorded",
    AuditAction.OFFER_COPIED: "Copied into a new draft",
    AuditAction.RESCORED: "Rescored",
    AuditAction.OVERRIDE_SCORE: "Score overridden",
    AuditAction.NOTE: "Internal note added",
    AuditAction.FLAG_RAISED: "Flag raised",
    AuditAction.FLAG_RESOLVED: "Flag resolved",
    AuditAction.UNITS_REFERRED: "Homes referred to the placement team",
    AuditAction.VACANCY_REGISTERED: "Vacancy registered",
    AuditAction.HOME_CHANGED: "Home's features confirmed",
    AuditAction.PERSON_VIEWED: "Waiting-list record viewed",
    AuditAction.PERSON_ADDED: "Waiting-list record added",
    AuditAction.PERSON_CHANGED: "Waiting-list record changed",
    AuditAction.WAITING_LIST_VIEWED: "Waiting list viewed",
    AuditAction.WAITING_LIST_EXPORTED: "Waiting list downloaded",
    AuditAction.WAITING_LIST_IMPORTED: "Waiting list imported",
    AuditAction.SHARING_RECORDED: "Recorded who may share",
    AuditAction.SHARING_REMOVED: "Removed who may share",
    AuditAction.NOMINATED: "Nominated for a home",
    AuditAction.NOMINATION_OUTCOME: "Nomination outcome recorded",
    AuditAction.SHORTLIST_VIEWED: "Shortlist viewed",
    AuditAction.PROPOSAL_VIEWED: "Proposal for every home viewed",
    AuditAction.PASSWORD_RESET_REQUESTED: "Password reset asked for",
    AuditAction.PASSWORD_RESET: "Password reset",
    AuditAction.PASSWORD_CHANGED: "Password changed",
    AuditAction.NAME_CHANGED: "Name changed",
    AuditAction.SESSIONS_ENDED: "Other sessions ended",
    AuditAction.SIGN_IN_FAILED: "Sign-in failed",
    AuditAction.SIGN_IN_THROTTLED: "Sign-in slowed after repeated failures",
    AuditAction.REGISTERED: "Organisation registered",
    AuditAction.REGISTRATION_EMAIL_IN_USE: "Registration tried with an address in use",
    AuditAction.EMAIL_CONFIRMED: "Email address confirmed",
    AuditAction.INVITATION_SENT: "Invitation sent",
    AuditAction.INVITATION_CANCELLED: "Invitation cancelled",
    AuditAction.INVITATION_ACCEPTED: "Invitation accepted",
    AuditAction.MEMBER_REMOVED: "Removed from the organisation",
    AuditAction.ROLE_CHANGED: "Role changed",
    AuditAction.ACCOUNT_DEACTIVATED: "Account deactivated",
    AuditAction.ACCOUNT_REACTIVATED: "Account reactivated",
    AuditAction.ACCESS_REFUSED: "Access refused",
    AuditAction.RETENTION_APPLIED: "Records reduced under the retention policy",
    AuditAction.POLICY_SCHEDULED: "Scoring policy scheduled",
    AuditAction.POLICY_SCHEDULE_CANCELLED: "Scoring policy schedule cancelled",
    AuditAction.POLICY_ACTIVATED: "Scoring policy put in force",
    AuditAction.SUPPLY_SCHEME_ADDED: "Existing supply: scheme added",
    AuditAction.SUPPLY_SCHEME_CHANGED: "Existing supply: scheme changed",
    AuditAction.SUPPLY_SCHEME_REMOVED: "Existing supply: scheme removed",
}


def action_label(action: str) -> str:
    """What an action is called, also for one a later version stopped recording."""
    try:
        return AuditAction(action).label
    except ValueError:
        return action.replace("_", " ").capitalize()


def record(
    action: AuditAction,
    actor: User | None,
    *,
    offer: Offer | None = None,
    offer_id: int | None = None,
    person_id: int | None = None,
    from_status: OfferStatus | None = None,
    to_status: OfferStatus | None = None,
    detail: str | None = None,
    at: datetime | None = None,
) -> AuditEvent:
    """Add an event to the caller's transaction (`actor` None: the service itself),
    at `at` (default now). For a waiting-list record, `person_id` says which one;
    `detail` must never hold what it says."""
    event = AuditEvent(
        offer_id=offer.id if offer is not None else offer_id,
        person_id=person_id,
        actor_id=actor.id if actor is not None else None,
        action=action.value,
        from_status=from_status.value if from_status is not None else None,
        to_status=to_status.value if to_status is not None else None,
        detail=detail,
        at=at or clock.now(),
    )
    db.session.add(event)
    return event


def access_refused(actor: User, page: str, *, offer_id: int | None = None) -> None:
    """Record that `actor` was refused `page` (an endpoint's name, never its address,
    which may hold a token) or another organisation's offer, by id only."""
    with db.unit_of_work():
        record(AuditAction.ACCESS_REFUSED, actor, offer_id=offer_id, detail=page)
